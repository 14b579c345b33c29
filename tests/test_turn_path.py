"""The candidate-turn path, on SQLite and PostgreSQL: one write transaction stores, decides
and queues the reply, one more records the post; the message is kept when deciding fails;
the event loop stays free while a turn is decided; the turn counter numbers every turn; an
answer moves the reminders in place; a long message is read for the flow only so far; WAL
checkpoints happen outside the turns."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.console import ConsolePort
from bot import reminders as rem
from bot.brains.base import InterviewContext
from bot.conduct import READ_LIMIT, InterviewView, decide, within_read_limit
from bot.flow import FlowConfig, FlowState, Stage, Status
from bot.roles import load_role
from bot.service import InterviewService
from bot.usecases import messages
from storage.engine import WalCheckpoints, make_engine, session
from storage.models import Interview, Reminder, Turn
from tests.conftest import make_settings
from tests.helpers import start

ANSWER = ("I'm Ada, a senior DBA: eight years on PostgreSQL and MySQL, replication, backups "
          "and query tuning for a 10 TB reporting system.")


@contextmanager
def recorded(engine: Engine) -> Iterator[list[str]]:
    """Every commit and every SQL statement the engine runs while the block runs."""
    seen: list[str] = []

    def on_commit(_conn: object) -> None:
        seen.append("COMMIT")

    def on_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    sa.event.listen(engine, "commit", on_commit)
    sa.event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "commit", on_commit)
        sa.event.remove(engine, "before_cursor_execute", on_statement)


def turns_of(engine: Engine, interview_id: str) -> list[Turn]:
    with session(engine) as s:
        return list(s.exec(select(Turn).where(Turn.interview_id == interview_id)
                           .order_by(Turn.seq)).all())


async def test_a_turn_is_one_write_transaction_and_one_for_its_delivery(service, engine,
                                                                        port) -> None:
    cand = await start(service)
    await cand.say(ANSWER)  # this process has now met the role's version
    with recorded(engine) as seen:
        [reply] = await cand.say(ANSWER)
    assert port.posted[-1] == reply
    writes = [s for s in seen if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert seen.count("COMMIT") == 2, seen
    # The second transaction is the delivery record alone.
    assert seen[-2].startswith("UPDATE turns SET") and "delivered_at" in seen[-2]
    assert seen[-1] == "COMMIT"
    assert not any("max(turns.seq)" in s.lower() for s in seen)  # the counter numbers turns
    assert not any("roles.definition" in s for s in seen)  # the role is parsed once
    # event, message, interview, message handled, reply, reminders; then the delivery record
    assert len(writes) == 7, writes


async def test_a_message_whose_decision_fails_is_kept_and_answered_after_restart(
        service, engine, port, monkeypatch: pytest.MonkeyPatch) -> None:
    cand = await start(service)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the flow")

    monkeypatch.setattr(messages, "decide", broken)
    with pytest.raises(RuntimeError):
        await cand.say(ANSWER)
    [stored] = [t for t in turns_of(engine, cand.started.interview_id)
                if t.speaker == "candidate"]
    assert (stored.text, stored.kind, stored.handled) == (ANSWER, "pending", False)
    monkeypatch.undo()
    assert await service.recover() == 1
    assert port.posted[-1].kind == "project"
    assert [t.speaker for t in turns_of(engine, cand.started.interview_id)] == [
        "bot", "candidate", "bot"]


async def test_the_event_loop_stays_free_while_a_turn_is_decided(
        service, monkeypatch: pytest.MonkeyPatch) -> None:
    cand = await start(service)
    deciding, release = threading.Event(), threading.Event()
    loop_thread = threading.get_ident()
    decided_in: list[int] = []
    real_decide = messages.decide

    def slow_decide(*args: object, **kwargs: object) -> object:
        decided_in.append(threading.get_ident())
        deciding.set()
        release.wait(30)  # held until the loop has shown it is free
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(messages, "decide", slow_decide)
    turn = asyncio.create_task(cand.say(ANSWER))
    assert await asyncio.to_thread(deciding.wait, 30)
    # The turn is mid-decision; the loop still serves others: a status read completes.
    summary = await service.status(cand.started.interview_id)
    assert summary.stage == "greeting" and not turn.done()
    release.set()
    [reply] = await turn
    assert reply.kind == "project" and decided_in and decided_in[0] != loop_thread


async def test_the_turn_counter_numbers_every_turn_whoever_writes_it(service, engine) -> None:
    cand = await start(service)
    await cand.say(ANSWER)
    await cand.say("pause")
    await service.resume(cand.started.interview_id, actor="R1")
    await service.remind(cand.started.interview_id, actor="R1")
    await cand.say("help")
    await service.cancel(cand.started.interview_id, actor="R1")
    rows = turns_of(engine, cand.started.interview_id)
    assert [t.seq for t in rows] == list(range(1, len(rows) + 1))
    with session(engine) as s:
        assert s.get(Interview, cand.started.interview_id).last_turn_seq == len(rows)


async def test_an_answer_moves_the_nudges_in_place(engine) -> None:
    now = [datetime(2026, 3, 2, 10, 0, tzinfo=UTC)]  # a Monday, 10:00 UTC: no quiet hours
    service = InterviewService(engine=engine, port=ConsolePort(), settings=make_settings(),
                               clock=lambda: now[0])
    cand = await start(service)
    before = pending_reminders(engine, cand.started.interview_id)
    assert set(before) == {rem.NUDGE_1, rem.NUDGE_2, rem.DEADLINE}
    now[0] += timedelta(hours=10)
    with recorded(engine) as seen:
        await cand.say(ANSWER)
    after = pending_reminders(engine, cand.started.interview_id)
    assert {kind: row.id for kind, row in after.items()} == {
        kind: row.id for kind, row in before.items()}  # the same rows, updated
    assert after[rem.NUDGE_1].due_at == now[0] + timedelta(hours=48)
    assert after[rem.NUDGE_2].due_at == now[0] + timedelta(hours=96)
    assert after[rem.NUDGE_1].created_at == now[0]  # what the sweeper compares answers with
    assert after[rem.DEADLINE].due_at == before[rem.DEADLINE].due_at
    assert after[rem.DEADLINE].created_at == before[rem.DEADLINE].created_at
    reminder_writes = [s for s in seen if "reminders" in s.split("WHERE")[0]]
    assert len(reminder_writes) == 1 and reminder_writes[0].startswith("UPDATE"), seen


def pending_reminders(engine: Engine, interview_id: str) -> dict[str, Reminder]:
    with session(engine) as s:
        rows = s.exec(select(Reminder).where(Reminder.interview_id == interview_id,
                                             Reminder.status == "pending")).all()
    return {r.kind: r for r in rows}


def test_the_flow_reads_a_long_message_only_up_to_its_limit() -> None:
    role = load_role("database-administrator")
    plan = tuple(q.id for q in role.questions[:4])
    view = InterviewView(Status.ACTIVE, FlowState(Stage.TECHNICAL, plan, 0, 0, 0, 3),
                         FlowConfig(), False, None)
    ctx = InterviewContext(role, "Ada", "")
    long_answer = "I would read the execution plan with EXPLAIN ANALYZE first. " * 700
    assert len(long_answer) > 10 * READ_LIMIT
    read = within_read_limit(long_answer)
    assert len(read) <= READ_LIMIT and long_answer.startswith(read) and not read.endswith(" ")
    decision = decide(view, role, ctx, long_answer)
    assert decision.request is not None
    assert decision.request.candidate_message == read
    assert within_read_limit("pause") == "pause"


async def test_an_interview_is_scored_and_reported_off_the_event_loop(
        service, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.brains import offline
    from bot.usecases import finishing

    ran_in: dict[str, int] = {}

    def recording(name: str, real):  # noqa: ANN001, ANN202 - wraps any function
        def wrapper(*args: object, **kwargs: object) -> object:
            ran_in[name] = threading.get_ident()
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(offline, "score_offline", recording("score", offline.score_offline))
    monkeypatch.setattr(offline, "build_report", recording("report", offline.build_report))
    monkeypatch.setattr(finishing, "report_request",
                        recording("signals", finishing.report_request))
    monkeypatch.setattr(finishing, "render_markdown",
                        recording("markdown", finishing.render_markdown))
    cand = await start(service)
    await cand.say(ANSWER)
    result = await service.evaluate(cand.started.interview_id)
    assert result.evaluations and result.markdown
    assert set(ran_in) == {"score", "report", "signals", "markdown"}
    assert threading.get_ident() not in ran_in.values()


def test_wal_checkpoints_run_in_a_thread_of_their_own(tmp_path) -> None:
    path = tmp_path / "wal.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    checkpoints = WalCheckpoints(engine, every=50)
    for n in range(50):  # about 50 pages: far below SQLite's own 1,000-page checkpoint
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (?)", ("x" * 3000,))
        if n < 49:
            checkpoints.committed()
    assert checkpoints.last is None and path.stat().st_size == size  # all still in the WAL
    checkpoints.committed()
    assert checkpoints.last is not None
    checkpoints.last.result(timeout=30)
    assert path.stat().st_size > size + 40 * 3000  # copied into the database file
    engine.dispose()
