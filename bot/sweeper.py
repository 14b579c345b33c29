"""The reminder sweeper: one APScheduler interval job per process that sends due reminders
and purges data past its retention.

APScheduler holds one job (in-memory store, `max_instances=1`, `coalesce=True`,
`misfire_grace_time=None`) however many interviews exist; the reminder rows are the truth,
and any number of replicas may sweep the same database (see `storage.reminders` for how
claims work).

Delivery guarantee, per reminder row:
- Claim (own transaction): the row becomes `claimed` with a lease and `attempts + 1`.
- Prepare (one transaction): the interview is re-checked (`bot.reminders.decide`); the row
  becomes `sent` only if the claim is still ours (`(id, attempts)` unchanged), and only then
  is the message stored as a bot `Turn` -- all or nothing. So a message is stored at most
  once per row, and only by the sweeper that still owns the claim.
- Deliver: the stored turns are posted, then marked delivered.

A process killed after claiming sends nothing; once the lease expires another sweeper (or
the restarted one) re-claims the row and sends it: exactly once. Killed after prepare, the
turn is in the transcript but unposted; `InterviewService.recover()` at restart posts it once
through the undelivered-turn path, as for every bot message. Killed after the platform took
the post but before it was marked delivered, the message is posted again on recovery: the
one window of at-least-once, bounded by one chunk of posts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import Session

from bot.flow import Stage, Status
from bot.ports import ConversationRef, OutgoingMessage
from bot.reminders import DEADLINE, Action, Due, decide, stored_policy, sync, zone_for
from bot.usecases.core import leave_no_copy
from storage import reminders as store
from storage import repository as repo
from storage.models import Interview

if TYPE_CHECKING:
    from bot.service import InterviewService

logger = logging.getLogger(__name__)
T = TypeVar("T")

JOB_ID = "interview-bot:reminder-sweep"
ACTOR = "reminders"
RETRY_AFTER = timedelta(minutes=1)


@dataclass
class SweepReport:
    """What one tick (or batch) did; counts of reminder rows unless said otherwise."""

    claimed: int = 0
    sent: int = 0
    expired: int = 0
    resumed: int = 0
    skipped: int = 0
    deferred: int = 0
    lost: int = 0
    failed: int = 0
    delivered: int = 0  # messages posted
    purged: dict[str, int] = field(default_factory=dict)

    def add(self, other: SweepReport) -> None:
        for name in ("claimed", "sent", "expired", "resumed", "skipped", "deferred", "lost",
                     "failed", "delivered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for table, n in other.purged.items():
            self.purged[table] = self.purged.get(table, 0) + n


@dataclass
class _Prepared:
    report: SweepReport
    conversations: dict[str, ConversationRef] = field(default_factory=dict)
    turns: list[store.StoredTurn] = field(default_factory=list)  # stored, to post
    expired: list[str] = field(default_factory=list)


class ReminderSweeper:
    """Claims due reminders, stores and sends them through the service's port, expires
    interviews at their deadline, and purges old interviews."""

    def __init__(self, service: InterviewService, *,
                 clock: Callable[[], datetime] | None = None,
                 post_concurrency: int = 8, deliver_chunk: int = 500,
                 max_batches_per_tick: int = 20) -> None:
        self.service = service
        self.settings = service.settings.reminders
        self.clock = clock or service.clock
        self.post_concurrency = post_concurrency
        self.deliver_chunk = deliver_chunk
        self.max_batches_per_tick = max_batches_per_tick
        self.scheduler: AsyncIOScheduler | None = None
        self._tick_lock = asyncio.Lock()
        self._again = False
        self._last_purge: datetime | None = None

    # ---------------------------------------------------------------- scheduling

    def start(self, *, run_now: bool = True) -> AsyncIOScheduler:
        """Start the one interval job on the running event loop (first run at once, unless
        `run_now` is false: then after one interval)."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        first = {"next_run_time": datetime.now(UTC)} if run_now else {}
        scheduler.add_job(self._scheduled_tick, "interval", id=JOB_ID, replace_existing=True,
                          seconds=self.settings.sweep_seconds, max_instances=1, coalesce=True,
                          misfire_grace_time=None, **first)
        scheduler.start()
        self.scheduler = scheduler
        self.service.reminder_wakeup = self.wakeup
        return scheduler

    def shutdown(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        self.service.reminder_wakeup = None

    def wakeup(self) -> None:
        """Run the job now (a recruiter asked for a reminder); if it is running, once more
        right after."""
        if self._tick_lock.locked():
            self._again = True
        elif self.scheduler is not None and self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))

    async def _scheduled_tick(self) -> None:
        while True:
            self._again = False
            try:
                await self.tick()
            except Exception:
                logger.exception("reminder sweep failed; the next run retries")
            if not self._again:
                return

    # ---------------------------------------------------------------- one tick

    async def tick(self) -> SweepReport:
        """Purge if due, then send due reminders batch by batch until none are left."""
        async with self._tick_lock:
            report = SweepReport()
            if self._purge_due():
                report.purged = await self.purge()
            report.failed += await self._tx(store.fail_exhausted, now=self.clock(),
                                            max_attempts=self.settings.max_attempts)
            for _ in range(self.max_batches_per_tick):
                batch = await self.run_batch()
                report.add(batch)
                if batch.claimed < self.settings.batch_size:
                    break
            if report.claimed or report.failed:
                logger.info("reminder sweep: %s", report)
            return report

    async def run_batch(self, limit: int | None = None) -> SweepReport:
        claims = await self._tx(store.claim_due, now=self.clock(),
                                lease_seconds=self.settings.lease_seconds,
                                limit=limit or self.settings.batch_size)
        if not claims:
            return SweepReport()
        return await self.dispatch(claims)

    async def dispatch(self, claims: Sequence[store.Claim]) -> SweepReport:
        """Store and send claimed reminders; ends the interviews whose deadline passed."""
        interview_ids = sorted({c.interview_id for c in claims})
        async with self._locked(interview_ids):
            try:
                prepared = await self._tx(self._prepare, claims)
            except sa.exc.DBAPIError:
                logger.warning("batch of %d reminders collided; retrying one by one",
                               len(claims), exc_info=True)
                prepared = await self._prepare_one_by_one(claims)
            prepared.report.claimed = len(claims)
            prepared.report.delivered = await self._deliver(prepared)
        for interview_id in prepared.expired:
            await self._finish(interview_id)
        return prepared.report

    @contextlib.asynccontextmanager
    async def _locked(self, interview_ids: Sequence[str]) -> AsyncIterator[None]:
        """Hold the free per-interview locks, so this process does not interleave a reminder
        with its own reply. A busy lock is not waited for (a slow model call must not stall
        the batch): that interview is answering its candidate right now, its reminders are
        decided under the database row lock all the same, and a nudge to someone who has
        just written is skipped."""
        held: list[asyncio.Lock] = []
        try:
            for interview_id in interview_ids:
                lock = self.service.lock_for(interview_id)
                if not lock.locked():
                    await lock.acquire()  # free: returns at once, no other task runs between
                    held.append(lock)
            yield
        finally:
            for lock in held:
                lock.release()

    async def _prepare_one_by_one(self, claims: Sequence[store.Claim]) -> _Prepared:
        total = _Prepared(SweepReport())
        for claim in claims:
            try:
                one = await self._tx(self._prepare, [claim])
            except sa.exc.DBAPIError:
                logger.exception("reminder %s could not be prepared; retrying later", claim.id)
                await self._tx(store.release, [claim], due_at=self.clock() + RETRY_AFTER,
                               max_attempts=self.settings.max_attempts)
                continue
            total.report.add(one.report)
            total.conversations.update(one.conversations)
            total.turns.extend(one.turns)
            total.expired.extend(one.expired)
        return total

    async def _finish(self, interview_id: str) -> None:
        try:
            await self.service.finish(interview_id, partial=True)
        except Exception:
            logger.exception("partial evaluation of expired %s failed; recover() retries",
                             interview_id)

    # ---------------------------------------------------------------- prepare

    def _prepare(self, session: Session, claims: Sequence[store.Claim]) -> _Prepared:
        """One transaction: decide each claim, write the outcomes of those still ours, and
        store their messages."""
        now = self.clock()
        store.begin_write(session)
        views = {row.id: _View.of(row) for row in store.interviews_for_dispatch(
            session, {c.interview_id for c in claims})}
        decided = [(claim, views.get(claim.interview_id), action) for claim, action in
                   self._decide_all(claims, views, now)]
        owned = store.settle(session, [(claim, _outcome(claim, action))
                                       for claim, _, action in decided], now=now)
        result = _Prepared(SweepReport(lost=len(claims) - len(owned)))
        turns: list[store.NewTurn] = []
        for claim, view, action in decided:
            if claim.id in owned:
                self._act(session, view, action, now, turns, result)
        result.turns = store.add_bot_turns(session, turns, now=now)
        return result

    def _decide_all(self, claims: Sequence[store.Claim], views: dict[str, _View],
                    now: datetime) -> list[tuple[store.Claim, Action]]:
        """Deadlines first, so an interview that ends now gets no nudge with its closing."""
        decided = []
        for claim in sorted(claims, key=lambda c: (c.kind != DEADLINE, c.due_at)):
            view = views.get(claim.interview_id)
            if view is None:
                decided.append((claim, Action("skip", reason="interview gone")))
                continue
            action = decide(self._due(claim, view), now)
            if action.verdict == "expire":
                view.status, view.stage = Status.EXPIRED.value, Stage.DONE.value
            elif action.verdict == "resume":
                view.status = Status.ACTIVE.value
            decided.append((claim, action))
        return decided

    def _due(self, claim: store.Claim, view: _View) -> Due:
        return Due(
            kind=claim.kind, created_at=claim.created_at, status=view.status, stage=view.stage,
            question_index=view.question_index, question_total=view.question_total,
            last_candidate_at=view.last_candidate_at, deadline_at=view.deadline_at,
            candidate_name=view.candidate_name, role_title=view.role_title,
            zone=zone_for(view.candidate_timezone, self.settings.default_timezone),
            policy=stored_policy(view.policy, view.role_name, self.settings),
        )

    def _act(self, session: Session, view: _View | None, action: Action, now: datetime,
             turns: list[store.NewTurn], result: _Prepared) -> None:
        report = result.report
        if action.verdict == "defer":
            report.deferred += 1
            return
        if action.verdict == "skip" or view is None:
            logger.debug("reminder skipped: %s", action.reason)
            report.skipped += 1
            return
        if action.verdict == "expire":
            self._expire(session, view, now)
            result.expired.append(view.id)
            report.expired += 1
        elif action.verdict == "resume":
            self._resume(session, view, now)
            report.resumed += 1
        else:
            report.sent += 1
        turns.append(store.NewTurn(view.id, action.turn_kind, view.stage, action.text))
        result.conversations[view.id] = view.conversation

    def _expire(self, session: Session, view: _View, now: datetime) -> None:
        interview = session.get(Interview, view.id)
        assert interview is not None
        _bump(interview, now, status=Status.EXPIRED.value, stage=Stage.DONE.value,
              finished_at=now, end_reason="deadline passed")
        session.add(interview)
        store.replace_pending(session, view.id, {}, managed=None, now=now)
        repo.audit(session, interview_id=view.id, actor=ACTOR, action="expired",
                   detail={"deadline": view.deadline_at.isoformat() if view.deadline_at
                           else None})

    def _resume(self, session: Session, view: _View, now: datetime) -> None:
        interview = session.get(Interview, view.id)
        assert interview is not None
        _bump(interview, now, status=Status.ACTIVE.value)
        session.add(interview)
        repo.audit(session, interview_id=view.id, actor=ACTOR, action="resumed",
                   detail={"reason": "pause ended"})
        sync(session, view.id, settings=self.settings, now=now)

    # ---------------------------------------------------------------- deliver

    async def _deliver(self, prepared: _Prepared) -> int:
        """Post the turns just stored: each interview's in order, a few interviews at a
        time, marking them delivered chunk by chunk. (Older unsent turns of an interview,
        left by a crash or a failed post, go out with `InterviewService.recover()` or the
        interview's next reply.)"""
        by_interview: dict[str, list[store.StoredTurn]] = defaultdict(list)
        for turn in prepared.turns:
            by_interview[turn.interview_id].append(turn)
        groups = list(by_interview.items())
        delivered = 0
        for start in range(0, len(groups), self.deliver_chunk):
            chunk = iter(groups[start:start + self.deliver_chunk])
            posted: list[tuple[int, str]] = []

            async def worker(todo: Iterator[tuple[str, list[store.StoredTurn]]] = chunk,
                             done: list[tuple[int, str]] = posted) -> None:
                for interview_id, turns in todo:  # shared: each worker takes the next one
                    await self._post_in_order(prepared.conversations[interview_id], turns, done)

            await asyncio.gather(*(worker() for _ in range(self.post_concurrency)))
            await self._tx(store.mark_delivered, posted, now=self.clock())
            delivered += len(posted)
        return delivered

    async def _post_in_order(self, conversation: ConversationRef, turns: list[store.StoredTurn],
                             posted: list[tuple[int, str]]) -> None:
        for turn in turns:
            message = OutgoingMessage(conversation=conversation, text=turn.text, kind=turn.kind,
                                      question_id=turn.question_id, turn_id=turn.id)
            try:
                result = await self.service.port.post(message)
            except Exception:
                logger.exception("could not post turn %s of %s; it stays unsent until the "
                                 "next delivery to that interview", turn.seq, turn.interview_id)
                return
            posted.append((turn.id, result.message_id))

    # ---------------------------------------------------------------- retention

    def _purge_due(self) -> bool:
        now = self.clock()
        every = timedelta(minutes=self.settings.purge_every_minutes)
        return self._last_purge is None or now - self._last_purge >= every

    async def purge(self) -> dict[str, int]:
        """Delete ended interviews (transcripts, scores, reports, ...) past retention."""
        now = self.clock()
        self._last_purge = now
        cutoff = now - timedelta(days=self.service.settings.retention_days)
        total: dict[str, int] = dict.fromkeys(store.TABLES, 0)
        while True:
            counts = await self._tx(store.purge_ended_before, cutoff, limit=500)
            for table, n in counts.items():
                total[table] += n
            if counts["interviews"] < 500:
                break
        if total["interviews"]:
            await leave_no_copy(self.service.engine)
            logger.info("retention purge (older than %s days): %s",
                        self.service.settings.retention_days, total)
        return total

    # ---------------------------------------------------------------- plumbing

    async def _tx(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """On the service's writer threads: on SQLite, a batch and a candidate's turn queue
        for the one writer in this process instead of sleeping in SQLite's busy handler."""
        return await self.service.core.tx(fn, *args, **kwargs)


@dataclass
class _View:
    """An interview as a reminder sees it: a row, not an ORM object (batches are large)."""

    id: str
    status: str
    stage: str
    question_index: int
    question_total: int
    policy: str | None  # the stored policy as JSON text: a batch shares a handful
    role_name: str
    last_candidate_at: datetime | None
    deadline_at: datetime | None
    conversation: ConversationRef
    candidate_name: str
    candidate_timezone: str | None
    role_title: str

    @classmethod
    def of(cls, row: Any) -> _View:
        """From a `store.interviews_for_dispatch` row, unpacked by position (a thousand rows
        per batch: attribute lookups on SQLAlchemy rows cost more than the rest)."""
        (id_, status, stage, question_index, question_total, policy, role_name,
         last_candidate_at, deadline_at, platform, workspace, channel, thread, candidate_name,
         candidate_timezone, role_title) = row
        return cls(id_, status, stage, question_index, question_total, policy, role_name,
                   last_candidate_at, deadline_at,
                   ConversationRef(platform, workspace, channel, thread),
                   candidate_name, candidate_timezone, role_title)


def _outcome(claim: store.Claim, action: Action) -> store.Outcome:
    if action.verdict == "skip":
        return store.Outcome(store.SKIPPED, claim.due_at)
    if action.verdict == "defer":
        assert action.due_at is not None
        return store.Outcome(store.PENDING, action.due_at)
    return store.Outcome(store.SENT, claim.due_at)


def _bump(interview: Interview, now: datetime, **values: Any) -> None:
    for name, value in values.items():
        setattr(interview, name, value)
    interview.version += 1
    interview.updated_at = now
