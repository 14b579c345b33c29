"""The candidate-turn path in SQLAlchemy Core: one statement per step, on the connection of
the transaction that stores a message, decides it and queues the reply.

The ORM costs several times more Python per statement than Core (measured in issue 14), and
a turn is a handful of statements on a few rows, so here rows are plain `Row`s and writes
are single `INSERT`/`UPDATE` statements with `RETURNING`. Everything else keeps using the
ORM through `storage.repository`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storage.models import (
    AuditEvent,
    Candidate,
    Interview,
    ProcessedEvent,
    RoleRecord,
    Turn,
    utcnow,
)

OPEN = ("active", "paused", "handed_over")

_I = Interview.__table__
_C = Candidate.__table__
_R = RoleRecord.__table__
_T = Turn.__table__
_A = AuditEvent.__table__
_E = ProcessedEvent.__table__


def begin_write(connection: Connection) -> None:
    """SQLite: take the write lock before reading what the writes depend on (pysqlite
    otherwise begins only at the first write, after the reads). PostgreSQL locks rows."""
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


_LOCK_INTERVIEW = sa.select(_I.c.id).where(_I.c.id == sa.bindparam("iid")).with_for_update()


def lock_interview(connection: Connection, interview_id: str) -> None:
    """Take the interview's row lock (PostgreSQL) or the write lock (SQLite) before the
    transaction reads or writes anything else of it. Every writer takes the interview
    first, then its turns, reminders and notices: two writers never hold one each and wait
    for the other's (a deadlock, which PostgreSQL resolves by aborting one of them), and
    what they read of the interview stays true until they commit."""
    begin_write(connection)
    connection.execute(_LOCK_INTERVIEW, {"iid": interview_id})


# ------------------------------------------------------------------ which interview


def _for_conversation(*columns: Any) -> sa.Select[Any]:
    return (sa.select(*columns).where(_I.c.platform == sa.bindparam("platform"),
                                      _I.c.channel == sa.bindparam("channel"))
            .order_by(_I.c.created_at.desc()).limit(1))


_ID_IN_THREAD = _for_conversation(_I.c.id).where(_I.c.thread == sa.bindparam("thread"))
_ID_OPEN_IN_CHANNEL = _for_conversation(_I.c.id).where(_I.c.status.in_(OPEN))


def interview_id_for(connection: Connection, *, platform: str, channel: str,
                     thread: str) -> str | None:
    """The interview a message belongs to: its thread (whatever the status), else the newest
    open interview in that channel (a candidate writing at the top level of the DM)."""
    where = {"platform": platform, "channel": channel}
    if thread:
        found = connection.execute(_ID_IN_THREAD, {**where, "thread": thread}).scalar()
        if found is not None:
            return found
    return connection.execute(_ID_OPEN_IN_CHANNEL, where).scalar()


# Everything deciding a message needs, in one row: the interview's state, its candidate, its
# role's version, and whether older work is pending (an unhandled message, an unsent reply).
# Locked until commit on PostgreSQL (a reply waits for a sweeper holding the row); on SQLite
# the transaction holds the write lock already.
_UNHANDLED = sa.exists().where(_T.c.interview_id == _I.c.id, _T.c.speaker == "candidate",
                               _T.c.handled.is_(False))
_UNDELIVERED = sa.exists().where(_T.c.interview_id == _I.c.id, _T.c.speaker == "bot",
                                 _T.c.delivered_at.is_(None))
_TURN_ROW = _for_conversation(
    _I.c.id, _I.c.status, _I.c.stage, _I.c.plan, _I.c.flow, _I.c.question_index,
    _I.c.followups_used, _I.c.candidate_exchanges, _I.c.candidate_turns,
    _I.c.awaiting_withdraw_confirmation, _I.c.awaiting_erasure_confirmation, _I.c.version,
    _I.c.last_turn_seq,
    _I.c.consent_version, _I.c.deadline_at, _I.c.role_id, _I.c.role_name,
    _I.c.platform, _I.c.workspace, _I.c.channel, _I.c.thread,
    _C.c.platform_user_id.label("author_id"), _C.c.display_name, _C.c.resume,
    _C.c.timezone, _R.c.version.label("role_version"),
    _UNHANDLED.label("unhandled"), _UNDELIVERED.label("undelivered"),
).join(_C, _C.c.id == _I.c.candidate_id).join(_R, _R.c.id == _I.c.role_id).with_for_update(
    of=_I)
_TURN_ROW_IN_THREAD = _TURN_ROW.where(_I.c.thread == sa.bindparam("thread"))
_TURN_ROW_OPEN_IN_CHANNEL = _TURN_ROW.where(_I.c.status.in_(OPEN))


def interview_for_message(connection: Connection, *, platform: str, channel: str,
                          thread: str) -> sa.Row[Any] | None:
    """`interview_id_for`, with the whole row a candidate turn works on."""
    where = {"platform": platform, "channel": channel}
    if thread:
        found = connection.execute(_TURN_ROW_IN_THREAD, {**where, "thread": thread}).first()
        if found is not None:
            return found
    return connection.execute(_TURN_ROW_OPEN_IN_CHANNEL, where).first()


def role_definition(connection: Connection, role_id: int) -> dict[str, Any]:
    return connection.execute(
        sa.select(_R.c.definition).where(_R.c.id == role_id)).scalar_one()


# ------------------------------------------------------------------ writes


# RETURNING rather than rowcount: drivers disagree on rowcount for ON CONFLICT inserts.
RECORD_EVENT = {
    "postgresql": postgresql.insert(_E).on_conflict_do_nothing().returning(_E.c.id),
    "sqlite": sqlite.insert(_E).on_conflict_do_nothing().returning(_E.c.id),
}


def record_event(connection: Connection, *, platform: str, event_key: str,
                 interview_id: str | None) -> bool:
    """True the first time an event is seen; False on redelivery (unique key, any replica)."""
    return connection.execute(RECORD_EVENT[connection.dialect.name], {
        "platform": platform, "event_key": event_key, "interview_id": interview_id,
        "created_at": utcnow()}).first() is not None


_INSERT_TURN = sa.insert(_T).returning(_T.c.id)


def insert_turn(connection: Connection, *, interview_id: str, seq: int, speaker: str,
                kind: str, stage: str, text: str, question_id: str | None = None,
                platform_message_id: str | None = None) -> int:
    """A turn with the seq its writer reserved on the interview row."""
    return connection.execute(_INSERT_TURN, {
        "interview_id": interview_id, "seq": seq, "speaker": speaker, "kind": kind,
        "stage": stage, "question_id": question_id, "text": text,
        "platform_message_id": platform_message_id, "handled": False, "delivered_at": None,
        "edited_at": None, "created_at": utcnow()}).scalar_one()


def update_interview(connection: Connection, interview_id: str, values: dict[str, Any], *,
                     version: int | None = None) -> int | None:
    """Write `values` (plain values or column expressions) to the interview, only if it is
    still at `version` when one is given; the interview's `last_turn_seq` after, or None
    when the version had moved."""
    stmt = sa.update(_I).where(_I.c.id == interview_id)
    if version is not None:
        stmt = stmt.where(_I.c.version == version)
    return connection.execute(stmt.values(**values).returning(_I.c.last_turn_seq)).scalar()


# What a turn that goes on (no ending, no model tokens) writes to its interview: the flow
# state, the status and the counters, every one of them, so that one statement built here
# serves every such turn (a statement built per call costs more than running it).
TURN_STATE = ("stage", "question_index", "followups_used", "candidate_exchanges",
              "candidate_turns", "status", "awaiting_withdraw_confirmation", "version",
              "updated_at", "last_turn_seq", "last_candidate_at")
_WRITE_TURN_STATE = (
    sa.update(_I).where(_I.c.id == sa.bindparam("iid"), _I.c.version == sa.bindparam("seen"))
    .values({name: sa.bindparam(f"new_{name}") for name in TURN_STATE})
    .returning(_I.c.last_turn_seq))


def write_turn_state(connection: Connection, interview_id: str, values: dict[str, Any], *,
                     version: int) -> int | None:
    """`update_interview` for exactly the `TURN_STATE` columns, with one prepared statement."""
    params = {f"new_{name}": values[name] for name in TURN_STATE}
    return connection.execute(_WRITE_TURN_STATE,
                              {"iid": interview_id, "seen": version, **params}).scalar()


# Built once: a SQL expression is immutable, and building it cost more than the rest of
# the turn's bookkeeping (the turn path replaces it with the number it already knows).
_NEXT_TURN_SEQ = _I.c.last_turn_seq + 1


def next_turn_seq() -> sa.ColumnElement[int]:
    """For `update_interview`: reserve the next turn number (the row is written anyway)."""
    return _NEXT_TURN_SEQ


def add_tokens(prompt: int, completion: int) -> dict[str, sa.ColumnElement[int]]:
    return {"prompt_tokens": _I.c.prompt_tokens + prompt,
            "completion_tokens": _I.c.completion_tokens + completion}


_MARK_HANDLED = (sa.update(_T).where(_T.c.id == sa.bindparam("tid"), _T.c.handled.is_(False))
                 .values(handled=True, kind=sa.bindparam("kind"),
                         question_id=sa.bindparam("qid")))


def mark_handled(connection: Connection, turn_id: int, *, kind: str,
                 question_id: str | None) -> bool:
    """The candidate turn is answered; False when someone else answered it first."""
    result = connection.execute(_MARK_HANDLED, {"tid": turn_id, "kind": kind,
                                                "qid": question_id})
    return result.rowcount == 1


_MARK_DELIVERED = (sa.update(_T).where(_T.c.id == sa.bindparam("tid"))
                   .values(delivered_at=sa.bindparam("at"),
                           platform_message_id=sa.bindparam("mid")))


def mark_delivered(connection: Connection, turn_id: int, *, message_id: str,
                   at: Any) -> None:
    connection.execute(_MARK_DELIVERED, {"tid": turn_id, "at": at, "mid": message_id})


_INSERT_AUDIT = sa.insert(_A)


def audit(connection: Connection, *, interview_id: str, actor: str, action: str,
          detail: dict[str, Any] | None = None) -> None:
    connection.execute(_INSERT_AUDIT, {"interview_id": interview_id, "actor": actor,
                                       "action": action, "detail": detail or {},
                                       "created_at": utcnow()})
