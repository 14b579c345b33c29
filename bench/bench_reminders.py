"""Reminder sweeper throughput on PostgreSQL: claim and dispatch batches of 1,000 due
reminders out of 100,000 pending, through a fake (instant) chat port.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_reminders.py

The URL (BENCH_DATABASE_URL, else TEST_DATABASE_URL) names a server; the bench creates a
scratch database there, bulk-loads it with COPY, brings it to a steady state (VACUUM ANALYZE,
CHECKPOINT), and drops it at the end. The process freezes its start-up heap as
`interview-bot run` does. Prints a table of timings per round and the number of APScheduler
jobs held. Target: a median <= 150 ms per 1,000 (every batch <= 200 ms), one job.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.runtime import freeze_startup_heap, shorten_gil_switch_interval  # noqa: E402
from bot.ports import ConversationRef, OutgoingMessage, PostedMessage, ReportDelivery  # noqa: E402
from bot.reminders import DEADLINE, NUDGE_1, NUDGE_2, ReminderPolicy  # noqa: E402
from bot.roles import load_role  # noqa: E402
from bot.service import InterviewService  # noqa: E402
from bot.settings import FlowSettings, ReminderSettings, Settings  # noqa: E402
from bot.sweeper import ReminderSweeper  # noqa: E402
from storage import reminders as store  # noqa: E402
from storage import repository as repo  # noqa: E402
from storage.engine import make_engine, session  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.scratch_database import scratch_database  # noqa: E402

PENDING_TOTAL = 100_000
BATCH = 1_000
TURNS_PER_INTERVIEW = 5


@dataclass
class CountingPort:
    """An instant chat platform that only counts."""

    posts: int = 0

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        raise NotImplementedError

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        self.posts += 1
        return PostedMessage(f"m{self.posts}", message.conversation)

    async def post_report(self, report: ReportDelivery) -> None:
        return None


def seed(engine: Engine, *, now: datetime) -> int:
    """100,000 pending reminders over 34,000 interviews (first nudge and deadline for every
    interview, a second nudge for most), with a few turns each; all in the future until
    `make_due` brings 1,000 first nudges forward. Returns the interview count."""
    interviews = 34_000
    role = load_role("database-administrator")
    with session(engine) as s:
        record = repo.upsert_role_snapshot(
            s, name=role.name, title=role.title,
            definition=role.model_dump(mode="json", exclude={"source"}))
        s.commit()
        role_id = record.id
    flow = json.dumps({"reminders": ReminderPolicy(quiet_hours_start=0,
                                                   quiet_hours_end=0).to_dict()})
    ids = [uuid.uuid4().hex for _ in range(interviews)]
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            _copy(cur, "candidates (id, platform, platform_user_id, display_name, resume, "
                       "created_at)",
                  ((i, "console", f"U{n}", f"Candidate {n}", "", now) for n, i in enumerate(ids)))
            _copy(cur, _INTERVIEW_COLUMNS,
                  (_interview_row(i, n, role_id, role.name, flow, now)
                   for n, i in enumerate(ids)))
            _copy(cur, "turns (interview_id, seq, speaker, kind, stage, text, handled, "
                       "delivered_at, created_at)",
                  ((i, seq, "bot" if seq % 2 else "candidate", "technical", "technical",
                    "a question or an answer", True, now, now)
                   for i in ids for seq in range(1, TURNS_PER_INTERVIEW + 1)))
            _copy(cur, "reminders (interview_id, kind, due_at, status, attempts, created_at)",
                  _reminder_rows(ids, now))
        raw.commit()
    finally:
        raw.close()
    settle_after_load(engine)
    return interviews


def settle_after_load(engine: Engine) -> None:
    """What a database in steady state has already done: statistics gathered, hint bits and
    visibility map set (VACUUM), the bulk load's dirty pages written (CHECKPOINT). Otherwise
    the measured rounds pay for the load and autovacuum runs in the middle of them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        try:
            conn.execute(sa.text("CHECKPOINT"))
        except sa.exc.DBAPIError as exc:  # needs superuser or pg_checkpoint
            print(f"note: no CHECKPOINT after the load ({exc.orig}); rounds may vary more")


_INTERVIEW_COLUMNS = (
    "interviews (id, candidate_id, role_id, role_name, recruiter_id, brain, status, stage, "
    "platform, workspace, channel, thread, flow, plan, question_index, followups_used, "
    "candidate_exchanges, candidate_turns, awaiting_withdraw_confirmation, version, "
    "last_turn_seq, consent_version, deadline_at, prompt_tokens, completion_tokens, "
    "created_at, updated_at)")


def _interview_row(interview_id: str, n: int, role_id: int | None, role_name: str, flow: str,
                   now: datetime) -> tuple[object, ...]:
    return (interview_id, interview_id, role_id, role_name, "R1", "offline", "active",
            "technical", "console", "w", f"dm-{n}", f"t-{n}", flow, '["a", "b", "c", "d"]', 1,
            0, 0, 3, False, 3, TURNS_PER_INTERVIEW, "2026-11", now + timedelta(days=5), 0, 0,
            now - timedelta(days=2), now - timedelta(days=2))


def _reminder_rows(ids: list[str], now: datetime) -> Iterator[tuple[object, ...]]:
    created = now - timedelta(days=2)
    later = now + timedelta(days=1)
    second_nudges = PENDING_TOTAL - 2 * len(ids)
    for n, i in enumerate(ids):
        # Every first nudge starts in the future; each round makes 1,000 of them due.
        yield (i, NUDGE_1, later + timedelta(seconds=n), "pending", 0, created)
        yield (i, DEADLINE, now + timedelta(days=5), "pending", 0, created)
        if n < second_nudges:
            yield (i, NUDGE_2, later + timedelta(days=1), "pending", 0, created)


def _copy(cursor: object, target: str, rows: object) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:  # type: ignore[attr-defined]
            copy.write_row(row)


def make_due(engine: Engine, now: datetime) -> None:
    """The next 1,000 first nudges (one per interview, spaced a second apart) become due."""
    with engine.begin() as conn:
        first = conn.execute(sa.text(
            "SELECT min(due_at) FROM reminders WHERE kind = :k AND status = 'pending'"),
            {"k": NUDGE_1}).scalar()
        conn.execute(sa.text(
            "UPDATE reminders SET due_at = :due WHERE kind = :k AND status = 'pending' "
            "AND due_at < :until"),
            {"due": now - timedelta(minutes=1), "k": NUDGE_1,
             "until": first + timedelta(seconds=BATCH)})


def pending_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM reminders WHERE status = 'pending'")).scalar() or 0


async def run_round(sweeper: ReminderSweeper, now: datetime) -> tuple[float, float, int]:
    started = time.perf_counter()
    claims = await sweeper._tx(store.claim_due, now=now, lease_seconds=300, limit=BATCH)
    claimed = time.perf_counter()
    report = await sweeper.dispatch(claims)
    done = time.perf_counter()
    assert report.sent == len(claims) == BATCH, report
    return (claimed - started) * 1000, (done - claimed) * 1000, report.delivered


async def count_jobs(sweeper: ReminderSweeper) -> int:
    scheduler = sweeper.start(run_now=False)
    try:
        return len(scheduler.get_jobs())
    finally:
        sweeper.shutdown()
        await asyncio.sleep(0)


def explain_claim(engine: Engine, now: datetime) -> str:
    with session(engine) as s:
        stmt = (sa.select(store._R.c.id).where(store._due(now)).order_by(store._R.c.due_at)
                .limit(BATCH).with_for_update(skip_locked=True))
        sql = stmt.compile(engine, compile_kwargs={"literal_binds": True})
        plan = s.execute(sa.text(f"EXPLAIN {sql}")).scalars().all()
    return " / ".join(line.strip() for line in plan if "Scan" in line)


async def bench(url: str, rounds: int) -> None:
    now = datetime.now(UTC)
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    interviews = seed(engine, now=now)
    print(f"seeded {pending_count(engine):,} pending reminders over {interviews:,} interviews "
          f"({interviews * TURNS_PER_INTERVIEW:,} turns) in {time.perf_counter() - t0:.1f} s")
    port = CountingPort()
    settings = Settings(flow=FlowSettings(), reminders=ReminderSettings(
        quiet_hours_start=0, quiet_hours_end=0, batch_size=BATCH))
    service = InterviewService(engine=engine, port=port, settings=settings, clock=lambda: now)
    sweeper = ReminderSweeper(service)
    freeze_startup_heap()  # as `interview-bot run` does once its service is built
    shorten_gil_switch_interval()  # and as it does before serving
    print(f"claim query plan: {explain_claim(engine, now)}")
    print(f"\n{'round':>5} {'pending':>9} {'claim ms':>9} {'dispatch ms':>12} "
          f"{'total ms':>9} {'posted':>7}")
    totals = []
    for r in range(rounds):
        make_due(engine, now)
        pending = pending_count(engine)
        claim_ms, dispatch_ms, posted = await run_round(sweeper, now)
        totals.append(claim_ms + dispatch_ms)
        print(f"{r + 1:>5} {pending:>9,} {claim_ms:>9.1f} {dispatch_ms:>12.1f} "
              f"{claim_ms + dispatch_ms:>9.1f} {posted:>7}")
    jobs = await count_jobs(sweeper)
    print(f"\nper {BATCH:,} due reminders: median {statistics.median(totals):.1f} ms, "
          f"best {min(totals):.1f} ms, worst {max(totals):.1f} ms (target: median <= 150 ms, "
          f"every batch <= 200 ms)")
    print(f"APScheduler jobs held: {jobs} (target 1) for {interviews:,} interviews")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not server:
        sys.exit("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server URL")
    if not server.startswith("postgresql"):
        sys.exit("the reminder bench needs PostgreSQL (SKIP LOCKED claims)")
    with scratch_database(server, "ib_bench") as url:
        asyncio.run(bench(url, args.rounds))


if __name__ == "__main__":
    main()
