"""Pure pieces: command parsing, mrkdwn conversion, Slack's size limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.slack.actions import deadline_from
from adapters.slack.blocks import report_blocks, report_thread_messages, start_form
from adapters.slack.commands import (
    CancelInterview,
    CommandError,
    ExtendDeadline,
    ForgetCandidate,
    OpenStartForm,
    ShowReport,
    ShowStatus,
    StartInterview,
    parse_command,
)
from adapters.slack.mrkdwn import escape, from_markdown, split_text, unescape
from adapters.slack.settings import Recruiters, SlackConfig, SlackConfigError
from bot.ports import ConversationRef, ReportDelivery
from bot.roles import list_roles
from bot.settings import Settings
from tests.slack.fake_slack import blocks_problem

ROLES = ["database-administrator", "backend-engineer"]


@pytest.mark.parametrize(("text", "command"), [
    ("", OpenStartForm()),
    ("<@U123|ada> database-administrator", StartInterview("U123", "database-administrator")),
    ("<@U123> Database Administrator", StartInterview("U123", "database-administrator")),
    ("backend-engineer <@W99|bo>", StartInterview("W99", "backend-engineer")),
    ("status", ShowStatus()),
    ("STATUS <@U123|ada>", ShowStatus(candidate_id="U123")),
    ("status 3F9C2A1B", ShowStatus(interview_id="3f9c2a1b")),
    ("cancel 3f9c2a1b", CancelInterview("3f9c2a1b")),
    ("report 3f9c2a1b", ShowReport("3f9c2a1b")),
    ("extend 3F9C2A1B 3", ExtendDeadline("3f9c2a1b", 3.0)),
    ("extend 3f9c2a1b 1.5", ExtendDeadline("3f9c2a1b", 1.5)),
    ("forget <@U123|ada>", ForgetCandidate("U123")),
    ("Forget <@U123|ada> CONFIRM", ForgetCandidate("U123", confirmed=True)),
])
def test_parse_command(text: str, command: object) -> None:
    assert parse_command(text, roles=ROLES) == command


@pytest.mark.parametrize("text", ["<@U1> <@U2> backend-engineer", "status a b", "report",
                                  "remind 12", "<#C123|general> backend-engineer",
                                  "extend 3f9c2a1b", "extend 3f9c2a1b 0", "extend 3f9c2a1b -2",
                                  "extend 3f9c2a1b 61", "extend 3f9c2a1b three",
                                  "extend 3f9c2a1b nan", "extend 3f9c2a1b 2 days",
                                  "extend zz 2", "forget", "forget @ada", "forget confirm",
                                  "forget <@U1|ada> yes", "forget <@U1> <@U2> confirm"])
def test_parse_command_errors_say_how_to_write_it(text: str) -> None:
    with pytest.raises(CommandError, match="/interview|e.g."):
        parse_command(text, roles=ROLES)


def test_mrkdwn_round_trip_and_markdown_conversion() -> None:
    assert unescape(escape("a < b && c > d")) == "a < b && c > d"
    assert unescape("see <https://x.org/a|the docs> or <mailto:a@b.c|a@b.c>") == \
        "see the docs or a@b.c"
    assert from_markdown("# Title\n**bold** & <b>\n> quoted") == \
        "*Title*\n*bold* &amp; &lt;b&gt;\n> quoted"


def test_split_text_respects_the_limit_and_prefers_boundaries() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(30))
    pieces = split_text(text, 2900)
    assert all(len(p) <= 2900 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())
    assert split_text("x" * 7000, 3000) == ["x" * 3000, "x" * 3000, "x" * 1000]


def _delivery(markdown: str, strengths: int = 3) -> ReportDelivery:
    export = {
        "scores": [{"topic": f"Topic {i}", "score": 4, "question_id": f"q{i}"}
                   for i in range(12)],
        "report": {"key_strengths": ["**Topic** (4/5): " + "detail " * 200] * strengths,
                   "areas_for_development": ["Not assessed: <everything> & more"]},
    }
    return ReportDelivery(interview_id="a" * 32, candidate_name="Ada <@UHACK> Lovelace",
                          role_title="Database Administrator", candidate_id="UCAND",
                          recruiter_id="URECRUITER", recommendation="Consider",
                          overall_score=3.75, partial=True, export=export, markdown=markdown,
                          conversation=ConversationRef("slack", "T1", "D1", "1.2"))


def test_report_blocks_stay_within_slack_limits_and_escape_candidate_text() -> None:
    blocks = report_blocks(_delivery("x"), "https://fake.slack.com/archives/D1/p12")
    assert blocks_problem(blocks) is None
    mrkdwn = "\n".join(_mrkdwn_texts(blocks))
    assert "&lt;@UHACK&gt;" in mrkdwn and "<@UHACK>" not in mrkdwn  # no ping from a name
    text = str(blocks)
    assert "&lt;everything&gt; &amp; more" in text and "*Topic* (4/5)" in text
    assert "(partial)" in text and "Partial" in text


def _mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for v in node.values() for t in _mrkdwn_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _mrkdwn_texts(v)]
    return []


def test_long_markdown_report_is_split_into_messages_under_the_limits() -> None:
    markdown = "\n\n".join(f"## Section {i}\n" + "Evidence sentence. " * 300
                           for i in range(40))
    messages = report_thread_messages(markdown)
    assert len(messages) > 1
    for _text, blocks in messages:
        assert blocks_problem(blocks) is None and len(blocks) <= 10
        assert sum(len(b["text"]["text"]) for b in blocks) < 40000
    joined = " ".join(b["text"]["text"] for _, blocks in messages for b in blocks)
    assert joined.count("*Section ") == 40


def test_start_form_lists_every_role() -> None:
    roles = list_roles()
    view = start_form(roles, private_metadata={"response_url": "https://x"})
    options = view["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == [r.name for r in roles]
    assert len(view["title"]["text"]) <= 24


def test_deadline_is_the_end_of_the_day_in_the_candidates_zone() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert deadline_from("2026-11-25", "America/New_York", now=now) == \
        datetime(2026, 11, 26, 4, 59, 59, tzinfo=UTC)
    assert deadline_from(None, "Europe/Berlin") is None
    with pytest.raises(ValueError, match="has passed"):
        deadline_from("2026-11-19", "Nowhere/Bogus", now=now)


def test_config_names_the_missing_setting_and_hides_tokens() -> None:
    with pytest.raises(SlackConfigError, match="SLACK_BOT_TOKEN and SLACK_APP_TOKEN"):
        SlackConfig.from_settings(Settings(), http=False)
    with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
        SlackConfig.from_settings(Settings(slack_bot_token="xoxb-1"), http=True)
    with pytest.raises(SlackConfigError, match="SLACK_RECRUITERS"):
        Recruiters.parse("U1, bob")
    config = SlackConfig.from_settings(
        Settings(slack_bot_token="xoxb-secret-1", slack_app_token="xapp-secret-2",
                 slack_api_url="http://127.0.0.1:9/api", slack_recruiters="U1,S2"), http=False)
    assert config.api_url == "http://127.0.0.1:9/api/"
    assert config.recruiters == Recruiters(frozenset({"U1"}), frozenset({"S2"}))
    assert "secret" not in repr(config)
