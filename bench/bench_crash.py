"""Nothing lost, nothing doubled, measured: interviews driven as Slack drives them through
the real `interview-bot run --slack --http` process while it is killed with SIGKILL and
restarted (the harness is tests/slack/crash_run.py: fake Slack Web API on 127.0.0.1 that
answers 5% of chat.postMessage with 429 + Retry-After; 10% of events delivered twice with
the same event id and X-Slack-Retry-Num; simulated candidates answering every question).

Prints one row per run: interviews done, candidate messages lost (acknowledged, not
stored), duplicate candidate turns, duplicate bot posts (and per kill), reports posted
twice, DM headers with no interview behind them, work left over, tracebacks in the bot's
log, the acknowledgement's latency and the restart time.

    .venv/bin/python bench/bench_crash.py                       # 100 interviews, 10 kills
    .venv/bin/python bench/bench_crash.py --runs 30:0 100:10 1000:0
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_crash.py

On PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, naming a server) each run gets
a scratch database, dropped afterwards; without one, a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.slack

from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.scratch_database import scratch_database  # noqa: E402
from tests.slack.crash_run import CrashResult, CrashRun  # noqa: E402

COLUMNS = ("interviews done", "kills", "candidate messages lost", "duplicate turns",
           "duplicate bot posts", "reports posted twice", "reports missing", "half-started",
           "starts re-run", "bot turns never posted", "leftover work", "tracebacks",
           "ack p50 ms", "ack p95 ms", "restart s", "seconds")


async def one_run(interviews: int, kills: int, server: str, seed: int,
                  timeout: float) -> CrashResult:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = (stack.enter_context(scratch_database(server, "bench_crash")) if server
               else f"sqlite:///{tmp}/bench.sqlite3")
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        run = CrashRun(interviews=interviews, kills=kills, database_url=url,
                       workdir=Path(tmp), seed=seed)
        return await run.run(timeout=timeout)


def print_table(rows: list[tuple[str, CrashResult]], backend: str) -> None:
    print(f"\nKill -9 under load ({backend}; fake Slack on 127.0.0.1: 10% of events "
          "redelivered, 5% of posts answered 429)\n")
    print("| run | " + " | ".join(COLUMNS) + " | duplicate posts per kill |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    for name, result in rows:
        cells = result.row()
        per_kill = (f"{result.duplicate_posts / result.kills:.2f}" if result.kills else "-")
        print(f"| {name} | " + " | ".join(str(cells[c]) for c in COLUMNS)
              + f" | {per_kill} |")
    for name, result in rows:
        if result.stuck or result.errors or result.doubled:
            print(f"\n{name}: never ended: {', '.join(result.stuck) or 'none'}")
            print("\n".join(f"  {line}" for line in result.errors + result.doubled))


async def main(runs: list[tuple[int, int]], seed: int, timeout: float) -> int:
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    backend = "PostgreSQL" if server else "SQLite file"
    rows = []
    for interviews, kills in runs:
        result = await one_run(interviews, kills, server, seed, timeout)
        rows.append((f"{interviews} at once, {kills} kills", result))
        print(f"done: {interviews} interviews, {kills} kills, {result.seconds:.0f} s",
              file=sys.stderr)
    print_table(rows, backend)
    clean = all(r.lost == 0 and r.duplicate_turns == 0 and r.duplicate_posts == 0
                and r.reports_twice == 0 and r.reports_missing == 0 and r.leftover == 0
                and r.done == r.interviews for _, r in rows)
    return 0 if clean else 1


def parse_run(text: str) -> tuple[int, int]:
    interviews, _, kills = text.partition(":")
    return int(interviews), int(kills or 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", type=parse_run, default=[(100, 10)],
                        metavar="N:KILLS", help="interviews at once and kills, per run")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds a run may take before it is counted as it stands")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.runs, arguments.seed, arguments.timeout)))
