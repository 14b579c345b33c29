"""Nothing lost, nothing doubled: interviews through the real `interview-bot run --slack
--http` process and the fake Slack (10% of events delivered twice, 5% of posts answered
429), the bot killed with SIGKILL and restarted at least five times (tests/slack/
crash_run.py). On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from pathlib import Path

from tests.slack.crash_run import CrashRun, summary_line

INTERVIEWS = 12
KILLS = 5


async def test_kill_9_under_load_loses_nothing_and_doubles_nothing(
        database_url: str, tmp_path: Path) -> None:
    run = CrashRun(interviews=INTERVIEWS, kills=KILLS, database_url=database_url,
                   workdir=tmp_path, seed=17)
    result = await run.run(timeout=150)
    print(summary_line(result))
    assert result.kills >= KILLS, summary_line(result)
    assert result.done == INTERVIEWS, summary_line(result)
    assert result.acked >= INTERVIEWS * 5  # the candidates really talked
    assert result.lost == 0, summary_line(result)
    assert result.duplicate_turns == 0, summary_line(result)
    assert result.duplicate_posts == 0, summary_line(result)  # one post per bot turn...
    assert result.unposted_turns == 0, summary_line(result)  # ...and each bot turn posted
    assert result.reports_twice == 0 and result.reports_missing == 0, summary_line(result)
    assert result.leftover == 0, summary_line(result)
    # A start acknowledged past ACK_WITHIN and killed before its commit is run again by
    # the recruiter, who never got its confirmation: at most once per kill.
    assert result.starts_rerun <= result.kills, summary_line(result)
