"""Reminder rows, their claiming by sweepers, retention purge and erasure of a candidate.

The `reminders` table is the durable truth about what is due; schedulers hold nothing.

Claiming. A sweeper claims due rows by setting `status='claimed'`, a lease and
`attempts = attempts + 1`. `(id, attempts)` is then the claim's ownership token: the final
write by that sweeper is conditional on it (`settle`), so a sweeper whose lease ran out and
whose row another sweeper re-claimed can no longer act on it.

- PostgreSQL: one `UPDATE ... RETURNING` sets the lease on the rows its subquery
  `SELECT ... FOR UPDATE SKIP LOCKED` picked: rows no other sweeper is claiming.
- SQLite: under the write lock (`BEGIN IMMEDIATE`), one conditional
  `UPDATE ... WHERE id=? AND status=? AND attempts=?` per row; `rowcount == 1` means the row
  is ours.

A row whose lease expired while still `claimed` belongs to a sweeper that died; it is due
again and is re-claimed (and fails for good after `max_attempts` claims).
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage import turns
from storage.engine import PgArray
from storage.models import (
    AuditEvent,
    Candidate,
    Handover,
    Interview,
    ProcessedEvent,
    QuestionScore,
    RecruiterNotice,
    Reminder,
    Report,
    RoleRecord,
    ScoreReview,
    Turn,
    UTCDateTime,
)

logger = logging.getLogger(__name__)

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"

OPEN_STATUSES = ("active", "paused", "handed_over")
ENDED_STATUSES = ("completed", "expired", "cancelled", "withdrawn")

_R = Reminder.__table__
_T = Turn.__table__
_I = Interview.__table__


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
    """How one claimed reminder ended: sent, skipped, or back to pending (deferred) with a
    new due time."""

    status: str
    due_at: datetime


@dataclass(frozen=True)
class NewTurn:
    interview_id: str
    kind: str
    stage: str
    text: str
    question_id: str | None = None


@dataclass(frozen=True)
class StoredTurn:
    """A bot turn just stored and not yet posted."""

    id: int
    interview_id: str
    seq: int
    kind: str
    text: str
    question_id: str | None


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


def rearm(connection: Connection, interview_id: str, desired: Mapping[str, datetime], *,
          managed: Collection[str], now: datetime) -> None:
    """`replace_pending` for the turn path, in place: one UPDATE moves the interview's
    pending rows of the `managed` kinds to their `desired` times, and a row whose time moves
    counts as written `now` (its `created_at`, which the sweeper compares the candidate's
    last answer with). Rows of kinds no longer desired are deleted and missing kinds
    inserted: that happens only around a sent nudge, a pause or the deadline."""
    kinds = tuple(sorted(managed))
    params: dict[str, Any] = {"iid": interview_id, "now": now}
    params |= {f"due_{i}": desired.get(kind) for i, kind in enumerate(kinds)}
    kept: dict[str, int] = {}
    extra: list[int] = []
    statement = _rearm_statement(kinds, on_sqlite=connection.dialect.name == "sqlite")
    for rid, kind in connection.execute(statement, params).all():
        if kind in desired and kind not in kept:
            kept[kind] = rid
        else:
            extra.append(rid)
    if extra:
        connection.execute(sa.delete(_R).where(_R.c.id.in_(extra)))
    missing = [kind for kind in desired if kind not in kept]
    if missing:
        connection.execute(sa.insert(_R), [
            {"interview_id": interview_id, "kind": kind, "due_at": desired[kind],
             "status": PENDING, "attempts": 0, "lease_until": None, "sent_at": None,
             "created_at": now} for kind in missing])


@functools.lru_cache(maxsize=8)
def _rearm_statement(kinds: tuple[str, ...], *, on_sqlite: bool = False) -> sa.Update:
    """Built once per set of kinds: `due_i` is kind i's new time (NULL: keep the row as it
    is, it will be deleted).

    SQLite, which keeps no statistics, picked the (status, due_at) index for this and read
    every pending reminder of every interview on each turn, a cost growing with the open
    interviews; there the status is compared as `status || ''`, the same test for a NOT
    NULL column that no index serves, so the interview's own index finds its few rows.
    PostgreSQL plans from statistics and gets the plain comparison."""
    pending = (_R.c.status.concat("") if on_sqlite else _R.c.status) == PENDING
    new_due = sa.case(*(
        (_R.c.kind == kind, sa.func.coalesce(sa.bindparam(f"due_{i}", type_=UTCDateTime()),
                                              _R.c.due_at))
        for i, kind in enumerate(kinds)), else_=_R.c.due_at)
    written = sa.case((new_due != _R.c.due_at, sa.bindparam("now", type_=UTCDateTime())),
                      else_=_R.c.created_at)
    return (sa.update(_R)
            # One bound value per kind, not an expanding list: the statement's text is
            # then complete once compiled, instead of rewritten on every execution.
            .where(_R.c.interview_id == sa.bindparam("iid"), pending,
                   _R.c.kind.in_([sa.literal(kind) for kind in kinds]))
            .values(due_at=new_due, created_at=written)
            .returning(_R.c.id, _R.c.kind))


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
    begin_write(session)
    return _claim_conditional(session, now, lease_until, limit)


_RETURNED = (_R.c.id, _R.c.interview_id, _R.c.kind, _R.c.due_at, _R.c.attempts,
             _R.c.created_at)


def _claim_locked(session: Session, now: datetime, lease_until: datetime,
                  limit: int) -> list[Claim]:
    """One statement: the subquery locks due rows nobody else holds (`SKIP LOCKED`); the
    `ARRAY(...)` around it makes PostgreSQL run it exactly once."""
    picked = (sa.select(_R.c.id).where(_due(now)).order_by(_R.c.due_at).limit(limit)
              .with_for_update(skip_locked=True))
    rows = session.execute(
        sa.update(_R).where(_R.c.id == sa.any_(sa.func.array(picked.scalar_subquery())))
        .values(status=CLAIMED, lease_until=lease_until, attempts=_R.c.attempts + 1)
        .returning(*_RETURNED)
    ).all()
    return [Claim(*row) for row in rows]


def _claim_conditional(session: Session, now: datetime, lease_until: datetime,
                       limit: int) -> list[Claim]:
    """Under the write lock the rows seen are current; each conditional UPDATE still checks,
    and `rowcount == 1` is ownership."""
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


def settle(session: Session, settled: Sequence[tuple[Claim, Outcome]], *,
           now: datetime) -> set[int]:
    """Write the final state of the claims still ours and return their ids.

    Conditional on each claim's `(id, attempts)` token: a claim another sweeper re-claimed
    (our lease ran out) is not written and not returned, and the caller stores no message
    for it. The rows written stay locked (PostgreSQL: row locks; SQLite: the write lock)
    until the caller commits the messages with them."""
    if not settled:
        return set()
    if _is_pg(session):
        # Only the status varies per row, and a new due time for the few deferred.
        return set(session.execute(sa.text(
            "UPDATE reminders AS r SET status = o.status, due_at = coalesce(o.due, r.due_at), "
            "sent_at = CASE WHEN o.status = 'sent' THEN CAST(:sent_at AS timestamptz) END, "
            "lease_until = NULL FROM unnest(CAST(:ids AS integer[]), "
            "CAST(:tokens AS integer[]), CAST(:statuses AS text[]), "
            "CAST(:dues AS timestamptz[])) AS o(id, token, status, due) "
            "WHERE r.id = o.id AND r.attempts = o.token AND r.status = 'claimed' "
            "RETURNING r.id"),
            {"sent_at": now, "ids": PgArray(c.id for c, _ in settled),
             "tokens": PgArray(c.attempts for c, _ in settled),
             "statuses": PgArray(o.status for _, o in settled),
             "dues": PgArray(o.due_at if o.due_at != c.due_at else None for c, o in settled)},
        ).scalars().all())
    owned: set[int] = set()
    for claim, outcome in settled:
        result = session.execute(
            sa.update(_R).where(_R.c.id == claim.id, _R.c.attempts == claim.attempts,
                                _R.c.status == CLAIMED)
            .values(status=outcome.status, due_at=outcome.due_at,
                    sent_at=now if outcome.status == SENT else None, lease_until=None))
        if result.rowcount == 1:
            owned.add(claim.id)
    return owned


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


def begin_write(session: Session) -> None:
    """SQLite: take the write lock before reading what the writes depend on (pysqlite
    otherwise begins only at the first write, after the reads). PostgreSQL locks rows."""
    turns.begin_write(session.connection())


def _is_pg(session: Session) -> bool:
    """PostgreSQL gets set-based statements over arrays (`unnest`, `= ANY`): one parameter per
    column instead of one per value, which is what keeps a 1,000-row batch fast."""
    return session.get_bind().dialect.name == "postgresql"


# ------------------------------------------------------------------ what a batch needs


def interviews_for_dispatch(session: Session, interview_ids: Collection[str]
                            ) -> list[sa.Row[Any]]:
    """The interview fields a reminder needs, row-locked in id order (PostgreSQL), so two
    sweepers never deadlock and a concurrent reply waits for this batch."""
    if not interview_ids:
        return []
    ids = sorted(interview_ids)
    if _is_pg(session):
        return list(session.execute(_DISPATCH_PG, {"ids": PgArray(ids)}).all())
    return list(session.execute(_DISPATCH_PORTABLE, {"ids": ids}).all())


def _dispatch_query() -> sa.Select[Any]:
    """`bot.sweeper._View.of` reads these columns by position: keep the two in step."""
    i = Interview.__table__
    c = Candidate.__table__
    r = RoleRecord.__table__
    return (
        sa.select(i.c.id, i.c.status, i.c.stage, i.c.question_index,
                  sa.func.json_array_length(i.c.plan).label("question_total"),
                  i.c.flow["reminders"].as_string().label("policy"),
                  i.c.role_name, i.c.last_candidate_at, i.c.deadline_at, i.c.platform,
                  i.c.workspace, i.c.channel, i.c.thread,
                  c.c.display_name.label("candidate_name"),
                  c.c.timezone.label("candidate_timezone"), r.c.title.label("role_title"))
        .join(c, c.c.id == i.c.candidate_id).join(r, r.c.id == i.c.role_id)
        .order_by(i.c.id).with_for_update(of=i))


# Built once: the ids arrive as a parameter. On PostgreSQL they are joined from `unnest`, so
# the planner looks each interview up by its key instead of scanning the table for
# `id = ANY(...)` (a third of the statement's time at 1,000 ids).
_WANTED = sa.func.unnest(sa.cast(sa.bindparam("ids"), postgresql.ARRAY(sa.Text))
                         ).table_valued("id").render_derived("wanted")
_DISPATCH_PG = _dispatch_query().join(_WANTED, _WANTED.c.id == Interview.__table__.c.id)
_DISPATCH_PORTABLE = _dispatch_query().where(
    Interview.__table__.c.id.in_(sa.bindparam("ids", expanding=True)))


# ------------------------------------------------------------------ turns in bulk


def add_bot_turns(session: Session, turns: Sequence[NewTurn], *, now: datetime
                  ) -> list[StoredTurn]:
    """Insert bot turns for many interviews at once, each after its interview's last turn,
    moving each interview's turn counter on in the same statement (PostgreSQL) or
    transaction. Returns them in posting order (by interview, then seq)."""
    if not turns:
        return []
    order: dict[str, int] = {}
    ranks = []
    for t in turns:  # several turns for one interview follow one another
        order[t.interview_id] = order.get(t.interview_id, 0) + 1
        ranks.append(order[t.interview_id])
    if _is_pg(session):
        keys = session.execute(sa.text(
            "WITH n AS (SELECT * FROM unnest(CAST(:iids AS text[]), CAST(:ranks AS integer[]), "
            "CAST(:kinds AS text[]), CAST(:stages AS text[]), CAST(:qids AS text[]), "
            "CAST(:texts AS text[])) AS n(iid, rank, kind, stage, qid, text)), "
            "bumped AS (UPDATE interviews AS i SET last_turn_seq = i.last_turn_seq + c.added "
            "FROM (SELECT iid, max(rank) AS added FROM n GROUP BY iid) AS c WHERE i.id = c.iid "
            "RETURNING i.id, i.last_turn_seq - c.added AS base) "
            "INSERT INTO turns (interview_id, seq, speaker, kind, stage, question_id, text, "
            "handled, created_at) SELECT n.iid, b.base + n.rank, 'bot', n.kind, n.stage, n.qid, "
            "n.text, false, :now FROM n JOIN bumped AS b ON b.id = n.iid "
            "RETURNING id, interview_id, seq"),
            {"now": now, "iids": PgArray(t.interview_id for t in turns), "ranks": PgArray(ranks),
             "kinds": PgArray(t.kind for t in turns), "stages": PgArray(t.stage for t in turns),
             "qids": PgArray(t.question_id for t in turns),
             "texts": PgArray(t.text for t in turns)}).all()
    else:
        keys = _add_bot_turns_portably(session, turns, ranks, order, now)
    # An interview's turns got ascending seqs in rank order: pair them back up by that order.
    pending: dict[str, list[NewTurn]] = defaultdict(list)
    for t in turns:
        pending[t.interview_id].append(t)
    stored = []
    for turn_id, interview_id, seq in sorted(keys, key=lambda k: (k[1], k[2])):
        t = pending[interview_id].pop(0)
        stored.append(StoredTurn(turn_id, interview_id, seq, t.kind, t.text, t.question_id))
    return stored


def _add_bot_turns_portably(session: Session, turns: Sequence[NewTurn], ranks: list[int],
                            added: Mapping[str, int], now: datetime
                            ) -> list[tuple[int, str, int]]:
    begin_write(session)  # the counters read here stay ours until commit
    last = dict(session.execute(
        sa.select(_I.c.id, _I.c.last_turn_seq).where(_I.c.id.in_(sorted(added)))).all())
    session.execute(sa.update(_I).where(_I.c.id == sa.bindparam("iid"))
                    .values(last_turn_seq=sa.bindparam("seq")),
                    [{"iid": iid, "seq": last.get(iid, 0) + n} for iid, n in added.items()])
    rows = session.execute(
        sa.insert(_T).returning(_T.c.id, _T.c.interview_id, _T.c.seq,
                                sort_by_parameter_order=True),
        [{"interview_id": t.interview_id, "seq": last.get(t.interview_id, 0) + rank,
          "speaker": "bot", "kind": t.kind, "stage": t.stage, "question_id": t.question_id,
          "text": t.text, "platform_message_id": None, "handled": False, "delivered_at": None,
          "edited_at": None, "created_at": now}
         for t, rank in zip(turns, ranks, strict=True)]).all()
    return [(r[0], r[1], r[2]) for r in rows]


def mark_delivered(session: Session, delivered: Sequence[tuple[int, str]], *,
                   now: datetime) -> None:
    """Record many posted turns at once: (turn id, platform message id)."""
    if not delivered:
        return
    if _is_pg(session):
        session.execute(sa.text(
            "UPDATE turns AS t SET delivered_at = :now, platform_message_id = d.mid "
            "FROM unnest(CAST(:ids AS integer[]), CAST(:mids AS text[])) AS d(id, mid) "
            "WHERE t.id = d.id"),
            {"now": now, "ids": PgArray(tid for tid, _ in delivered),
             "mids": PgArray(mid for _, mid in delivered)})
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
    ("handovers", Handover.__table__),
    ("recruiter_notices", RecruiterNotice.__table__),
    ("score_reviews", ScoreReview.__table__),
)
TABLES = (*(name for name, _ in _CHILD_TABLES), "interviews", "candidates")


def delete_interviews(session: Session, interview_ids: Sequence[str]) -> dict[str, int]:
    """Delete interviews and every row that belongs to them; rows deleted per table."""
    counts = dict.fromkeys(TABLES, 0)
    ids = sorted(set(interview_ids))
    if not ids:
        return counts
    # The interviews first, in id order, as every writer takes them: a message arriving
    # meanwhile waits, then finds no interview, instead of adding a turn under a delete.
    begin_write(session)
    interviews = Interview.__table__
    session.execute(sa.select(interviews.c.id).where(interviews.c.id.in_(ids))
                    .order_by(interviews.c.id).with_for_update())
    for name, table in _CHILD_TABLES:
        counts[name] = session.execute(
            sa.delete(table).where(table.c.interview_id.in_(ids))).rowcount
    counts["interviews"] = session.execute(
        sa.delete(interviews).where(interviews.c.id.in_(ids))).rowcount
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
