"""A transaction the database refuses is run again, never dropped (issue 17), on SQLite and
PostgreSQL: a turn number someone took first (a real unique-key violation), a deadlock or
SQLite's "database is locked" (injected as each driver raises it, and for real: another
connection holding the lock past this one's patience, and a real PostgreSQL deadlock on the
turn path), in the turn path and in the ORM paths; retries are bounded and their log lines
carry no candidate text."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import psycopg.errors
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.console import ConsolePort
from bot.service import InterviewService
from storage import repository as repo
from storage import transient
from storage import turns as turn_store
from storage.engine import make_engine, session
from storage.models import AuditEvent, Turn
from tests.conftest import PG_URL, make_settings
from tests.helpers import start

ANSWER = ("I'm Ada, a senior DBA: eight years on PostgreSQL and MySQL, replication, backups "
          "and query tuning for a 10 TB reporting system.")


SHIPPED_RETRY_WITHIN = transient.RETRY_WITHIN  # read before any test moves it


@pytest.fixture(autouse=True)
def _no_time_bound(monkeypatch) -> None:
    """These tests count attempts. The bound on time (no new attempt past RETRY_WITHIN) is
    `test_no_new_attempt_once_the_first_has_taken_too_long`'s, on a clock of its own: on
    the real clock a loaded CI host once stalled a first attempt past it (7 runs of 12;
    a start refused once was not run again)."""
    monkeypatch.setattr(transient, "RETRY_WITHIN", 3600.0)


def refused(engine: Engine) -> sa.exc.DBAPIError:
    """The error each driver raises for a lock conflict, as SQLAlchemy wraps it."""
    if engine.dialect.name == "postgresql":
        return sa.exc.OperationalError("INSERT INTO turns ...", None,
                                       psycopg.errors.DeadlockDetected("deadlock detected"))
    return sa.exc.OperationalError("INSERT INTO turns ...", None,
                                   sqlite3.OperationalError("database is locked"))


def refusing(real: Callable[..., Any], *errors: BaseException) -> Callable[..., Any]:
    """`real`, which first raises each of `errors` in turn."""
    failures = iter(errors)

    def call(first: Any, **values: Any) -> Any:
        error = next(failures, None)
        if error is not None:
            raise error
        return real(first, **values)

    return call


def turns_of(engine: Engine, interview_id: str) -> list[Turn]:
    with session(engine) as s:
        return list(s.exec(select(Turn).where(Turn.interview_id == interview_id)
                           .order_by(Turn.seq)).all())


def assert_stored_once_and_answered(engine: Engine, interview_id: str) -> None:
    stored = turns_of(engine, interview_id)
    assert [(t.seq, t.speaker) for t in stored] == [(1, "bot"), (2, "candidate"), (3, "bot")]
    assert stored[1].text == ANSWER and stored[1].handled


async def test_a_turn_number_taken_first_is_retried_and_the_message_kept(
        service: InterviewService, engine: Engine, monkeypatch, caplog) -> None:
    cand = await start(service)
    real = turn_store.insert_turn
    calls = []

    def collide_once(connection, **values):  # noqa: ANN001, ANN003, ANN202
        calls.append(values["speaker"])
        if len(calls) == 1:  # as if another writer had numbered a turn meanwhile
            return real(connection, **{**values, "seq": 1})
        return real(connection, **values)

    monkeypatch.setattr(turn_store, "insert_turn", collide_once)
    with caplog.at_level(logging.WARNING):
        [reply] = await cand.say(ANSWER)
    assert reply.kind == "project"
    assert calls == ["candidate", "candidate", "bot"]  # the first run rolled back whole
    assert_stored_once_and_answered(engine, cand.started.interview_id)
    assert "trying again (2 of 6)" in caplog.text and caplog.text.count("trying again") == 1
    assert "Ada" not in caplog.text and "PostgreSQL" not in caplog.text


async def test_a_deadlock_or_locked_database_on_a_turn_is_retried(
        service: InterviewService, engine: Engine, monkeypatch, caplog) -> None:
    cand = await start(service)
    monkeypatch.setattr(turn_store, "insert_turn", refusing(
        turn_store.insert_turn, refused(engine), refused(engine)))
    with caplog.at_level(logging.WARNING):
        [reply] = await cand.say(ANSWER)
    assert reply.kind == "project"
    assert_stored_once_and_answered(engine, cand.started.interview_id)
    assert caplog.text.count("trying again") == 2 and "storing it alone" not in caplog.text
    assert ANSWER[:20] not in caplog.text


async def test_a_message_the_database_keeps_refusing_raises_instead_of_vanishing(
        service: InterviewService, engine: Engine, monkeypatch) -> None:
    """The adapter then knows the message is not stored (and must not ack it)."""
    cand = await start(service)
    runs = []

    def always_refused(connection, **values):  # noqa: ANN001, ANN003, ANN202
        runs.append(1)
        raise refused(engine)

    monkeypatch.setattr(transient, "FIRST_WAIT", 0.0001)
    monkeypatch.setattr(turn_store, "insert_turn", always_refused)
    with pytest.raises(sa.exc.OperationalError):
        await cand.say(ANSWER)
    assert len(runs) == 2 * transient.ATTEMPTS  # answered, then stored alone: each bounded
    assert [t.speaker for t in turns_of(engine, cand.started.interview_id)] == ["bot"]


async def test_an_orm_transaction_refused_once_runs_again(service: InterviewService,
                                                          engine: Engine, monkeypatch) -> None:
    cand = await start(service)
    monkeypatch.setattr(repo, "audit", refusing(repo.audit, refused(engine)))
    summary = await service.pause(cand.started.interview_id, actor="R1")
    assert summary.status == "paused"
    with session(engine) as s:
        actions = s.exec(select(AuditEvent.action).where(
            AuditEvent.interview_id == cand.started.interview_id)).all()
    assert actions.count("paused") == 1
    stored = turns_of(engine, cand.started.interview_id)
    assert [t.seq for t in stored] == [1, 2]  # one notice: the refused run left nothing


@pytest.mark.parametrize(("error", "transient_"), [
    (sa.exc.OperationalError("x", None, psycopg.errors.DeadlockDetected()), True),
    (sa.exc.OperationalError("x", None, psycopg.errors.SerializationFailure()), True),
    (sa.exc.OperationalError("x", None, sqlite3.OperationalError("database is locked")), True),
    (sa.exc.OperationalError("x", None, sqlite3.OperationalError("no such table: t")), False),
    (sa.exc.IntegrityError("x", None, sqlite3.IntegrityError("UNIQUE constraint")), False),
    (ValueError("not a database error"), False),
])
def test_which_errors_are_worth_another_run(error: BaseException, transient_: bool) -> None:
    assert transient.is_transient(error) is transient_


def test_no_new_attempt_once_the_first_has_taken_too_long(monkeypatch) -> None:
    """An attempt that waited out SQLite's busy timeout (30 s) is not run five more times
    on the single writer: past RETRY_WITHIN the error goes to the caller (the adapter
    answers 500 and Slack redelivers). The clock is the module's, moved by the work."""
    clock = [100.0]
    monkeypatch.setattr(transient, "RETRY_WITHIN", SHIPPED_RETRY_WITHIN)
    monkeypatch.setattr(transient.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(transient, "FIRST_WAIT", 0.0)
    locked = sa.exc.OperationalError("x", None, sqlite3.OperationalError("database is locked"))
    runs = []

    def slow_then_locked() -> None:
        runs.append(1)
        clock[0] += transient.RETRY_WITHIN + 28  # as long as a busy timeout
        raise locked

    def quick_then_locked() -> None:
        runs.append(2)
        raise locked

    with pytest.raises(sa.exc.OperationalError):
        transient.run_retrying(slow_then_locked, what="slow")
    with pytest.raises(sa.exc.OperationalError):
        transient.run_retrying(quick_then_locked, what="quick")
    assert runs.count(1) == 1 and runs.count(2) == transient.ATTEMPTS


async def test_a_start_refused_once_stores_one_interview(service: InterviewService,
                                                         engine: Engine, port,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(repo, "audit", refusing(repo.audit, refused(engine)))
    cand = await start(service)
    assert [t.kind for t in turns_of(engine, cand.started.interview_id)] == ["greeting"]
    assert len(await service.list_status()) == 1 and len(port.posted) == 1
    with session(engine) as s:
        assert s.exec(select(AuditEvent.action)).all() == ["started"]


class _Seen(logging.Handler):
    """Sets `event` when a retry is logged: the test lets go of its lock only then."""

    def __init__(self) -> None:
        super().__init__()
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "trying again" in record.getMessage():
            self.event.set()


async def test_a_transaction_blocked_by_another_connection_runs_again_when_it_lets_go(
        database_url: str, engine: Engine, port, caplog) -> None:
    """A real refusal from the driver: another connection holds the interview (its row on
    PostgreSQL, the write lock on SQLite) past this connection's patience (`lock_timeout`,
    `busy_timeout`, made short here); the pause is refused, waits, and goes through once
    the other connection lets go."""
    postgres = engine.dialect.name == "postgresql"

    @sa.event.listens_for(engine, "connect")
    def impatient(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("SET lock_timeout = '50ms'" if postgres else "PRAGMA busy_timeout=50")
        cursor.close()

    engine.dispose()  # every connection from here on is impatient
    service = InterviewService(engine=engine, port=port, settings=make_settings())
    cand = await start(service)
    seen = _Seen()
    logging.getLogger("storage.transient").addHandler(seen)
    other = make_engine(database_url)
    try:
        with other.connect() as holder:
            if postgres:
                holder.execute(sa.text("SELECT id FROM interviews WHERE id = :i FOR UPDATE"),
                               {"i": cand.started.interview_id})
            else:
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            pausing = asyncio.create_task(service.pause(cand.started.interview_id,
                                                        actor="R1"))
            while not seen.event.is_set():  # wait for the refusal, not for a time
                assert not pausing.done(), pausing
                await asyncio.sleep(0.005)
            holder.rollback()
        summary = await pausing
    finally:
        logging.getLogger("storage.transient").removeHandler(seen)
        other.dispose()
    assert summary.status == "paused"
    assert [t.seq for t in turns_of(engine, cand.started.interview_id)] == [1, 2]
    assert ("LockNotAvailable (55P03)" if postgres else "OperationalError") in caplog.text


# PostgreSQL only: without TEST_DATABASE_URL the test is reported as not run.
@pytest.mark.parametrize("database_url", ["postgresql"] if PG_URL else [], indirect=True)
async def test_a_real_deadlock_on_a_turn_is_retried_and_the_message_kept(
        database_url: str, engine: Engine, caplog) -> None:
    """PostgreSQL only (SQLite has one writer, so no deadlock). Another connection takes
    the interview's reminders first and then the interview, the opposite of the order every
    writer here keeps; the turn, holding the interview and waiting for the reminders, is
    the transaction PostgreSQL aborts (it waited first, and the other's deadlock_timeout is
    longer). The message is stored once and answered when the turn runs again."""
    service = InterviewService(engine=engine, port=ConsolePort(), settings=make_settings())
    cand = await start(service)
    interview_id = cand.started.interview_id
    other = make_engine(database_url)
    try:
        with other.connect() as holder, other.connect() as watcher:
            holder.execute(sa.text("SET deadlock_timeout = '10s'"))
            holder.execute(sa.text("UPDATE reminders SET created_at = created_at "
                                   "WHERE interview_id = :i AND status = 'pending'"),
                           {"i": interview_id})
            turn = asyncio.create_task(cand.say(ANSWER))
            while not watcher.execute(sa.text(  # the turn waits for the reminders
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")).scalar():
                assert not turn.done(), turn
                await asyncio.sleep(0.005)
            # Now the interview: a deadlock, which PostgreSQL breaks by aborting the turn.
            await asyncio.to_thread(holder.execute, sa.text(
                "SELECT id FROM interviews WHERE id = :i FOR UPDATE"), {"i": interview_id})
            holder.rollback()
        [reply] = await turn
    finally:
        other.dispose()
    assert reply.kind == "project"
    assert_stored_once_and_answered(engine, interview_id)
    assert "DeadlockDetected (40P01)" in caplog.text and "storing it alone" not in caplog.text
