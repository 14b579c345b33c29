"""Reminder rows, their claiming by sweepers, retention purge and erasure of a candidate.

The `reminders` table is the durable truth about what is due; schedulers hold nothing.

Claiming. A sweeper claims due rows by setting `status='claimed'`, a lease and
`attempts = attempts + 1`. `(id, attempts)` is then the claim's ownership token: every later
write by that sweeper is conditional on it (`confirm`), so a sweeper whose lease ran out and
whose row another sweeper re-claimed can no longer act on it.

- PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks rows nobody else is claiming, then one
  `UPDATE ... RETURNING` sets the lease, in the same transaction.
- SQLite: one conditional `UPDATE ... WHERE id=? AND status=? AND attempts=?` per row;
  `rowcount == 1` means the row is ours (SQLite serialises writers, so this is enough).

A row whose lease expired while still `claimed` belongs to a sweeper that died; it is due
again and is re-claimed (and fails for good after `max_attempts` claims).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    AuditEvent,
    Candidate,
    Interview,
    ProcessedEvent,
    QuestionScore,
    Reminder,
    Report,
    Turn,
    UTCDateTime,
)

logger = logging.getLogger(__name__)

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"

OPEN_STATUSES = ("active", "paused")
ENDED_STATUSES = ("completed", "expired", "cancelled", "withdrawn")

_R = Reminder.__table__
_T = Turn.__table__


class CandidateNotFoundError(LookupError):
    """No candidate matches the given id."""


class AmbiguousCandidateError(LookupError):
    """Several candidates (on different platforms) share the given user id."""


@dataclass(frozen=True)
class Claim:
    """A reminder this sweeper owns until `lease_until`, identified by `(id, attempts)`."""

    id: int
    interview_id: str
    kind: str
    due_at: datetime
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Outcome:
    """How one claimed reminder ended: sent, skipped, failed, or back to pending (deferred)."""

    id: int
    status: str
    due_at: datetime
    sent_at: datetime | None = None


@dataclass(frozen=True)
class NewTurn:
    interview_id: str
    kind: str
    stage: str
    text: str
    question_id: str | None = None


# ------------------------------------------------------------------ scheduling


def pending_for(session: Session, interview_id: str) -> list[Reminder]:
    return list(session.exec(
        select(Reminder).where(Reminder.interview_id == interview_id,
                               Reminder.status == PENDING).order_by(col(Reminder.due_at))
    ).all())


def replace_pending(session: Session, interview_id: str, desired: Mapping[str, datetime], *,
                    managed: Collection[str] | None, now: datetime) -> None:
    """Make the interview's pending rows of the `managed` kinds (all kinds when None) exactly
    `desired`: unchanged rows stay, others are deleted, missing ones inserted."""
    wanted = dict(desired)
    for row in pending_for(session, interview_id):
        if managed is not None and row.kind not in managed:
            continue
        if wanted.get(row.kind) == row.due_at:
            del wanted[row.kind]
        else:
            session.delete(row)
    for kind, due_at in wanted.items():
        session.add(Reminder(interview_id=interview_id, kind=kind, due_at=due_at,
                             created_at=now))
    session.flush()


def set_pending(session: Session, interview_id: str, kind: str, due_at: datetime, *,
                now: datetime) -> None:
    """One pending row of `kind`, due at `due_at` (replacing any pending one of that kind)."""
    session.execute(sa.delete(_R).where(_R.c.interview_id == interview_id, _R.c.kind == kind,
                                        _R.c.status == PENDING))
    session.add(Reminder(interview_id=interview_id, kind=kind, due_at=due_at, created_at=now))
    session.flush()


def list_pending(session: Session, *, limit: int = 100) -> list[Reminder]:
    return list(session.exec(
        select(Reminder).where(col(Reminder.status).in_((PENDING, CLAIMED)))
        .order_by(col(Reminder.due_at)).limit(limit)
    ).all())


# ------------------------------------------------------------------ claiming


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(_R.c.status == PENDING, _R.c.due_at <= now),
        sa.and_(_R.c.status == CLAIMED, _R.c.lease_until <= now),
    )


def fail_exhausted(session: Session, *, now: datetime, max_attempts: int) -> int:
    """Give up on rows whose every claim so far ended in a dead sweeper."""
    result = session.execute(
        sa.update(_R).where(_R.c.status == CLAIMED, _R.c.lease_until <= now,
                            _R.c.attempts >= max_attempts)
        .values(status=FAILED, lease_until=None)
    )
    if result.rowcount:
        logger.error("%d reminder(s) failed after %d attempts", result.rowcount, max_attempts)
    return result.rowcount


def claim_due(session: Session, *, now: datetime, lease_seconds: float,
              limit: int) -> list[Claim]:
    """Claim up to `limit` due rows for this sweeper; the caller commits at once."""
    lease_until = now + timedelta(seconds=lease_seconds)
    if session.get_bind().dialect.name == "postgresql":
        return _claim_locked(session, now, lease_until, limit)
    return _claim_conditional(session, now, lease_until, limit)


_RETURNED = (_R.c.id, _R.c.interview_id, _R.c.kind, _R.c.due_at, _R.c.attempts,
             _R.c.created_at)


def _claim_locked(session: Session, now: datetime, lease_until: datetime,
                  limit: int) -> list[Claim]:
    ids = session.execute(
        sa.select(_R.c.id).where(_due(now)).order_by(_R.c.due_at).limit(limit)
        .with_for_update(skip_locked=True)
    ).scalars().all()
    if not ids:
        return []
    rows = session.execute(
        sa.update(_R).where(_R.c.id.in_(ids))
        .values(status=CLAIMED, lease_until=lease_until, attempts=_R.c.attempts + 1)
        .returning(*_RETURNED)
    ).all()
    return [Claim(*row) for row in rows]


def _claim_conditional(session: Session, now: datetime, lease_until: datetime,
                       limit: int) -> list[Claim]:
    seen = session.execute(
        sa.select(_R.c.id, _R.c.status, _R.c.attempts).where(_due(now))
        .order_by(_R.c.due_at).limit(limit)
    ).all()
    owned: list[int] = []
    for rid, status, attempts in seen:
        result = session.execute(
            sa.update(_R).where(_R.c.id == rid, _R.c.status == status,
                                _R.c.attempts == attempts)
            .values(status=CLAIMED, lease_until=lease_until, attempts=attempts + 1)
        )
        if result.rowcount == 1:
            owned.append(rid)
    if not owned:
        return []
    rows = session.execute(sa.select(*_RETURNED).where(_R.c.id.in_(owned))).all()
    return [Claim(*row) for row in rows]


def confirm(session: Session, claims: Sequence[Claim], *, lease_until: datetime) -> set[int]:
    """Renew the lease of the claims still ours and return their ids. Row-locks them (PG) or
    takes the write lock (SQLite) until the caller's transaction ends, so nobody else can
    re-claim them meanwhile."""
    if not claims:
        return set()
    tokens = [(c.id, c.attempts) for c in claims]
    rows = session.execute(
        sa.update(_R).where(_R.c.status == CLAIMED,
                            sa.tuple_(_R.c.id, _R.c.attempts).in_(tokens))
        .values(lease_until=lease_until).returning(_R.c.id)
    ).scalars().all()
    return set(rows)


def settle(session: Session, outcomes: Iterable[Outcome]) -> None:
    """Write the final state of confirmed claims in one statement."""
    params = [{"rid": o.id, "new_status": o.status, "new_due": o.due_at, "new_sent": o.sent_at}
              for o in outcomes]
    if not params:
        return
    session.execute(
        sa.update(_R).where(_R.c.id == sa.bindparam("rid"))
        .values(status=sa.bindparam("new_status"),
                due_at=sa.bindparam("new_due", type_=UTCDateTime()),
                sent_at=sa.bindparam("new_sent", type_=UTCDateTime()), lease_until=None),
        params,
    )


def release(session: Session, claims: Sequence[Claim], *, due_at: datetime,
            max_attempts: int) -> None:
    """Hand claims back after an error: pending again (later), or failed when exhausted."""
    for c in claims:
        status = FAILED if c.attempts >= max_attempts else PENDING
        session.execute(
            sa.update(_R).where(_R.c.id == c.id, _R.c.status == CLAIMED,
                                _R.c.attempts == c.attempts)
            .values(status=status, due_at=due_at, lease_until=None)
        )


# ------------------------------------------------------------------ turns in bulk


def add_bot_turns(session: Session, turns: Sequence[NewTurn], *, now: datetime) -> None:
    """Insert bot turns for many interviews at once, each after its interview's last turn."""
    if not turns:
        return
    ids = sorted({t.interview_id for t in turns})
    last = dict(session.execute(
        sa.select(_T.c.interview_id, sa.func.max(_T.c.seq))
        .where(_T.c.interview_id.in_(ids)).group_by(_T.c.interview_id)
    ).all())
    rows = []
    for t in turns:
        seq = (last.get(t.interview_id) or 0) + 1
        last[t.interview_id] = seq
        rows.append({"interview_id": t.interview_id, "seq": seq, "speaker": "bot",
                     "kind": t.kind, "stage": t.stage, "question_id": t.question_id,
                     "text": t.text, "platform_message_id": None, "handled": False,
                     "delivered_at": None, "edited_at": None, "created_at": now})
    session.execute(sa.insert(_T), rows)


def undelivered_turns(session: Session, interview_ids: Collection[str]) -> list[Turn]:
    if not interview_ids:
        return []
    return list(session.exec(
        select(Turn).where(col(Turn.interview_id).in_(sorted(interview_ids)),
                           Turn.speaker == "bot", col(Turn.delivered_at).is_(None))
        .order_by(col(Turn.interview_id), col(Turn.seq))
    ).all())


def mark_delivered(session: Session, delivered: Sequence[tuple[int, str]], *,
                   now: datetime) -> None:
    """Record many posted turns at once: (turn id, platform message id)."""
    if not delivered:
        return
    session.execute(
        sa.update(_T).where(_T.c.id == sa.bindparam("tid"))
        .values(delivered_at=now, platform_message_id=sa.bindparam("mid")),
        [{"tid": tid, "mid": mid} for tid, mid in delivered],
    )


# ------------------------------------------------------------------ retention and erasure

# Children before parents, so foreign keys hold at every step.
_CHILD_TABLES: tuple[tuple[str, sa.Table], ...] = (
    ("reminders", Reminder.__table__),
    ("turns", Turn.__table__),
    ("question_scores", QuestionScore.__table__),
    ("reports", Report.__table__),
    ("processed_events", ProcessedEvent.__table__),
    ("audit_events", AuditEvent.__table__),
)
TABLES = (*(name for name, _ in _CHILD_TABLES), "interviews", "candidates")


def delete_interviews(session: Session, interview_ids: Sequence[str]) -> dict[str, int]:
    """Delete interviews and every row that belongs to them; rows deleted per table."""
    counts = dict.fromkeys(TABLES, 0)
    ids = sorted(set(interview_ids))
    if not ids:
        return counts
    for name, table in _CHILD_TABLES:
        counts[name] = session.execute(
            sa.delete(table).where(table.c.interview_id.in_(ids))).rowcount
    table = Interview.__table__
    counts["interviews"] = session.execute(sa.delete(table).where(table.c.id.in_(ids))).rowcount
    return counts


def _delete_candidates_without_interviews(session: Session,
                                          candidate_ids: Collection[str]) -> int:
    if not candidate_ids:
        return 0
    orphan = ~sa.exists().where(Interview.__table__.c.candidate_id == Candidate.__table__.c.id)
    table = Candidate.__table__
    return session.execute(
        sa.delete(table).where(table.c.id.in_(sorted(candidate_ids)), orphan)).rowcount


def purge_ended_before(session: Session, cutoff: datetime, *, limit: int = 500
                       ) -> dict[str, int]:
    """Delete up to `limit` ended interviews that finished before `cutoff`, with their
    transcripts, evaluations and reminders, and candidates left with no interview."""
    if not _purge_lock(session):
        logger.info("another process is purging; skipping")
        return dict.fromkeys(TABLES, 0)
    ended_at = sa.func.coalesce(Interview.finished_at, Interview.updated_at)
    rows = session.execute(
        sa.select(Interview.id, Interview.candidate_id)
        .where(col(Interview.status).in_(ENDED_STATUSES), ended_at < cutoff)
        .order_by(Interview.id).limit(limit)
    ).all()
    counts = delete_interviews(session, [r[0] for r in rows])
    counts["candidates"] = _delete_candidates_without_interviews(session, {r[1] for r in rows})
    return counts


def _purge_lock(session: Session) -> bool:
    """One purger at a time across replicas (PostgreSQL); SQLite serialises writers anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(
        sa.text("SELECT pg_try_advisory_xact_lock(hashtext('interview-bot:purge'))")).scalar())


def find_candidates(session: Session, who: str) -> list[Candidate]:
    """By candidate id, by `platform:user id`, or by user id when only one platform has it."""
    found = session.get(Candidate, who)
    if found is not None:
        return [found]
    query = select(Candidate).where(Candidate.platform_user_id == who)
    matches = list(session.exec(query).all())
    if not matches and ":" in who:
        platform, user = who.split(":", 1)
        matches = list(session.exec(select(Candidate).where(
            Candidate.platform == platform, Candidate.platform_user_id == user)).all())
    if not matches:
        raise CandidateNotFoundError(who)
    if len(matches) > 1:
        raise AmbiguousCandidateError(sorted(f"{c.platform}:{who}" for c in matches))
    return matches


def forget_candidate(session: Session, who: str) -> dict[str, int]:
    """Erase one candidate and everything about them; rows deleted per table."""
    candidates = find_candidates(session, who)
    ids = [c.id for c in candidates]
    interview_ids = session.execute(
        sa.select(Interview.id).where(col(Interview.candidate_id).in_(ids))).scalars().all()
    counts = delete_interviews(session, list(interview_ids))
    table = Candidate.__table__
    counts["candidates"] = session.execute(sa.delete(table).where(table.c.id.in_(ids))).rowcount
    return counts
