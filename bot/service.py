"""The service adapters call: start interviews, take candidate messages, end and evaluate.

Every candidate message is committed before anything else happens with it. Each bot reply is
committed before it is sent and marked delivered after, so a restarted process (`recover`)
finishes whatever was under way from the database alone. Database work runs in worker
threads so adapters' event loops stay responsive.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.brains.base import (
    Brain,
    Composed,
    ComposeRequest,
    InterviewContext,
    TokenUsage,
)
from bot.brains.offline import OfflineBrain
from bot.compact_state import current_exchange, running_summary
from bot.conduct import Decision, decide, view_of
from bot.errors import AlreadyInterviewingError, InterviewNotFoundError, InvalidRequestError
from bot.export import export_markdown, report_json, scores_json
from bot.flow import INTRO_ID, OPEN_STATUSES, FlowConfig, Kind, Stage, Status
from bot.guard import find_violations, guard_report
from bot.inbound import clean_message, clean_text
from bot.planning import pick_resume_line, plan_questions
from bot.ports import (
    ChatPort,
    ConversationRef,
    IncomingMessage,
    MessageEdit,
    OutgoingMessage,
    ReportDelivery,
)
from bot.report import HRReport, render_markdown
from bot.roles import Role, RoleNotFoundError, load_role_by_name
from bot.scoring.conversation import report_request
from bot.scoring.evaluation import QuestionEvaluation
from bot.scoring.items import ConversationTurn, items_from_conversation
from bot.settings import Settings
from bot.text import first_name
from storage import reminders as reminder_store
from storage import repository as repo
from storage.engine import scrub_erased
from storage.engine import session as new_session
from storage.models import Candidate, Interview, QuestionScore, Report, RoleRecord, Turn, utcnow

logger = logging.getLogger(__name__)
T = TypeVar("T")

SAFE_TEXT = {
    Kind.WRAP_UP: "Thank you for your time. The recruiter will contact you about next steps.",
}
SAFE_DEFAULT = "Thank you. Could you tell me a little more about that?"


@dataclass(frozen=True)
class StartRequest:
    role: str
    candidate_id: str
    candidate_name: str
    platform: str
    workspace: str = ""
    resume: str = ""
    recruiter_id: str = ""
    deadline_at: datetime | None = None
    timezone: str | None = None
    reminders: dict[str, float] | None = None  # per-interview reminder policy override


class EditOutcome(StrEnum):
    APPLIED = "applied"
    NOTED = "noted"
    IGNORED = "ignored"


# What adapters tell a candidate whose edit was recorded for the recruiter but not applied.
EDIT_NOTED_NOTICE = ("I saw your edit. The interview had already moved on, so your first "
                     "answer stands; the recruiter will see both versions.")


@dataclass(frozen=True)
class StartedInterview:
    interview_id: str
    conversation: ConversationRef
    greeting: OutgoingMessage


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    candidate_name: str
    candidate_id: str
    role_name: str
    role_title: str
    status: str
    stage: str
    progress: str
    candidate_turns: int
    created_at: datetime
    last_candidate_at: datetime | None
    deadline_at: datetime | None
    recommendation: str | None
    overall_score: float | None
    conversation: ConversationRef


@dataclass(frozen=True)
class Evaluated:
    evaluations: list[QuestionEvaluation]
    report: HRReport
    markdown: str
    usage: TokenUsage = TokenUsage()


class InterviewService:
    def __init__(self, *, engine: Engine, port: ChatPort, brain: Brain | None = None,
                 settings: Settings | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.port = port
        self.brain: Brain = brain or OfflineBrain()
        self.settings = settings or Settings()
        self.clock = clock
        self._offline = OfflineBrain()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        # Set by a running ReminderSweeper: sends a just-scheduled reminder without waiting.
        self.reminder_wakeup: Callable[[], None] | None = None

    # ---------------------------------------------------------------- plumbing

    async def _tx(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, ...)` in one transaction in a worker thread."""
        def run() -> T:
            with new_session(self.engine) as session:
                result = fn(session, *args, **kwargs)
                session.commit()
                return result
        return await asyncio.to_thread(run)

    def _lock(self, interview_id: str) -> asyncio.Lock:
        lock = self._locks.get(interview_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[interview_id] = lock
        return lock

    @staticmethod
    def _load(session: Session, interview_id: str) -> tuple[Interview, Candidate]:
        """An interview and its candidate; callers resolve ids first, so both exist."""
        interview = session.get(Interview, interview_id)
        assert interview is not None, interview_id
        candidate = session.get(Candidate, interview.candidate_id)
        assert candidate is not None, interview.candidate_id
        return interview, candidate

    def role_of(self, session: Session, interview: Interview) -> Role:
        record = session.get(RoleRecord, interview.role_id)
        assert record is not None
        return Role.model_validate(record.definition)

    def _context(self, interview: Interview, candidate: Candidate, role: Role,
                 turn_number: int) -> InterviewContext:
        return InterviewContext(
            role=role, candidate_first_name=first_name(candidate.display_name),
            resume=candidate.resume, turn_number=turn_number,
            retention_days=self.settings.retention_days,
            notice_version=interview.consent_version,
        )

    # ---------------------------------------------------------------- start

    async def start_interview(self, request: StartRequest) -> StartedInterview:
        if not request.candidate_id.strip():
            raise InvalidRequestError("No candidate given: name the person to interview.")
        try:
            role = load_role_by_name(request.role, self.settings.roles_dir)
        except RoleNotFoundError as exc:
            raise InvalidRequestError(str(exc.args[0] if exc.args else exc)) from exc
        request = replace(request, resume=clean_text(request.resume),  # storable text only
                          candidate_name=clean_text(request.candidate_name))
        try:
            policy = reminder_policy.policy_for(self.settings.reminders, role.name,
                                                request.reminders)
        except (TypeError, ValueError) as exc:
            raise InvalidRequestError(str(exc)) from exc
        # Two starts for one candidate and role (a double-submitted form, two recruiters)
        # queue here, so the second is refused before it opens a DM thread or a Discord
        # thread that would stay empty. Across replicas, the unique index still refuses it.
        async with self._lock(f"start:{request.platform}:{request.candidate_id}:{role.name}"):
            return await self._start_locked(request, role, policy)

    async def _start_locked(self, request: StartRequest, role: Role,
                            policy: reminder_policy.ReminderPolicy) -> StartedInterview:
        candidate = await self._tx(self._prepare_candidate, request, role)
        conversation = await self.port.open_interview_conversation(
            platform=request.platform, candidate_id=request.candidate_id,
            workspace=request.workspace,
            title=f"{role.title} interview with {candidate.display_name}",
        )
        config = FlowConfig(**self.settings.flow.model_dump())
        plan = plan_questions(role, candidate.resume, config.technical_questions)
        project_line = pick_resume_line(role, candidate.resume)
        if project_line and find_violations(self._offline.project_question(project_line),
                                            job_description=role.job_description):
            project_line = None
        interview = Interview(
            candidate_id=candidate.id, role_id=0, role_name=role.name,
            recruiter_id=request.recruiter_id, brain=self.brain.name,
            platform=conversation.platform, workspace=conversation.workspace,
            channel=conversation.channel, thread=conversation.thread,
            flow={**config.to_dict(), "project_line": project_line,
                  "reminders": policy.to_dict()}, plan=plan,
            consent_version=self.settings.consent_notice_version,
            deadline_at=request.deadline_at or reminder_policy.deadline_from(self.clock(), policy),
        )
        ctx = self._context(interview, candidate, role, 0)
        text, composed = await self._word(
            Decision("", Kind.GREETING, request=ComposeRequest(Kind.GREETING, ctx)), Kind.GREETING)
        interview_id = await self._tx(self._create_interview, interview, role, text, composed)
        sent = await self._deliver(interview_id)
        if not sent:  # stored and retried later; the recruiter still gets the interview id
            logger.warning("greeting for interview %s not delivered yet", interview_id)
            greeting = OutgoingMessage(conversation, text, Kind.GREETING.value, INTRO_ID)
            return StartedInterview(interview_id, conversation, greeting)
        return StartedInterview(interview_id, conversation, sent[0])

    def _prepare_candidate(self, session: Session, request: StartRequest,
                           role: Role) -> Candidate:
        candidate = repo.get_or_create_candidate(
            session, platform=request.platform, platform_user_id=request.candidate_id,
            display_name=request.candidate_name or request.candidate_id,
            resume=request.resume or None, timezone=request.timezone)
        existing = repo.open_interview_for(session, candidate_id=candidate.id, role_name=role.name)
        if existing:
            raise AlreadyInterviewingError(
                f"{candidate.display_name} already has an open {role.title} interview "
                f"({existing.id[:8]}). Cancel it first (`cancel {existing.id[:8]}`) or wait "
                "for it to finish.")
        return candidate

    def _create_interview(self, session: Session, interview: Interview, role: Role, text: str,
                          composed: Composed | None) -> str:
        record = repo.upsert_role_snapshot(
            session, name=role.name, title=role.title,
            definition=role.model_dump(mode="json", exclude={"source"}))
        interview.role_id = record.id or 0
        interview.consent_shown_at = self.clock()
        interview.created_at = interview.updated_at = self.clock()
        if composed:
            interview.prompt_tokens += composed.prompt_tokens
            interview.completion_tokens += composed.completion_tokens
        session.add(interview)
        try:
            session.flush()
        except sa.exc.IntegrityError as exc:
            raise AlreadyInterviewingError(
                "That candidate already has an open interview for this role.") from exc
        repo.add_turn(session, interview_id=interview.id, speaker="bot", kind=Kind.GREETING,
                      stage=Stage.GREETING, text=text, question_id=INTRO_ID)
        repo.audit(session, interview_id=interview.id, actor=interview.recruiter_id or "system",
                   action="started", detail={"role": role.name, "plan": interview.plan,
                                             "consent_version": interview.consent_version})
        if composed is not None and composed.notes:  # a replaced greeting counts too
            repo.audit(session, interview_id=interview.id, actor=composed.brain,
                       action="reply_fallback", detail={"notes": list(composed.notes)})
        self._sync_reminders(session, interview.id)
        return interview.id

    # ---------------------------------------------------------------- messages

    async def handle_message(self, message: IncomingMessage) -> list[OutgoingMessage]:
        """Store, then answer. A redelivered message stores nothing and gets no second reply."""
        message = clean_message(message)  # NUL and lone surrogates: no database stores them
        stored = await self._tx(self._store_incoming, message)
        if stored is None:
            return []
        interview_id, is_new = stored
        async with self._lock(interview_id):
            if is_new or await self._tx(repo.unhandled_candidate_turns, interview_id):
                await self._process(interview_id)
            sent = await self._deliver(interview_id)
        await self._finish_if_ended(interview_id)
        return sent

    def _store_incoming(self, session: Session,
                        message: IncomingMessage) -> tuple[str, bool] | None:
        conv = message.conversation
        interview = repo.find_interview_for_message(
            session, platform=conv.platform, channel=conv.channel, thread=conv.thread)
        if interview is None:
            return None
        candidate = session.get(Candidate, interview.candidate_id)
        if candidate is None or candidate.platform_user_id != message.author_id:
            return None
        key = f"message:{conv.channel}:{message.message_id}"
        if not repo.record_event(session, platform=conv.platform, event_key=key,
                                 interview_id=interview.id):
            return interview.id, False
        repo.add_turn(session, interview_id=interview.id, speaker="candidate", kind="pending",
                      stage=interview.stage, text=message.text,
                      question_id=None, platform_message_id=message.message_id)
        interview.last_candidate_at = message.at or self.clock()
        session.add(interview)
        self._sync_reminders(session, interview.id)  # an answer restarts the silence clock
        return interview.id, True

    async def _process(self, interview_id: str) -> None:
        """Handle every stored, unhandled candidate turn of one interview, in order."""
        while True:
            snapshot = await self._tx(self._snapshot, interview_id)
            if snapshot is None:
                return
            interview, candidate, role, turn, history = snapshot
            ctx = self._context(interview, candidate, role, turn.seq)
            decision = decide(view_of(interview), role, ctx, turn.text)
            if decision.request is not None and history is not None:
                decision.request = replace(decision.request,
                                           summary=running_summary(role, history),
                                           exchange=current_exchange(history))
            text, composed = await self._word(decision, decision.reply_kind)
            applied = await self._tx(self._apply, interview.id, interview.version, turn.id,
                                     decision, text, composed)
            if not applied:
                logger.info("interview %s changed under us; re-reading", interview_id)

    def _snapshot(self, session: Session, interview_id: str
                  ) -> tuple[Interview, Candidate, Role, Turn,
                             list[ConversationTurn] | None] | None:
        """The next unhandled turn with what deciding it needs. The transcript is read only
        for a model brain (its compact state); the offline brain never looks at it."""
        pending = repo.unhandled_candidate_turns(session, interview_id)
        if not pending:
            return None
        interview, candidate = self._load(session, interview_id)
        history = None
        if self.brain.name != self._offline.name:
            history = [ConversationTurn(t.speaker, t.kind, t.text, t.question_id)
                       for t in repo.list_turns(session, interview_id)
                       if t.seq <= pending[0].seq]
        return interview, candidate, self.role_of(session, interview), pending[0], history

    async def _word(self, decision: Decision, kind: Kind) -> tuple[str, Composed | None]:
        """The reply text, guarded: a brain failure or an unsafe text falls back to the
        offline wording, then to a fixed sentence. Nothing unsafe reaches a candidate."""
        if decision.fixed_text is not None:
            return decision.fixed_text, None
        assert decision.request is not None
        job = decision.request.context.role.job_description  # the only sites links may go to
        composed: Composed | None
        try:
            composed = await self.brain.compose(decision.request)
        except Exception:
            logger.exception("brain %s failed to word a %s; using offline", self.brain.name, kind)
            composed = None
        # Off the event loop: the guard is linear and capped, but other adapters wait on it.
        stopped = composed and await asyncio.to_thread(find_violations, composed.text,
                                                       job_description=job)
        if composed is not None and not stopped:
            return composed.text, composed
        if composed is not None:
            logger.warning("guard stopped a %s message: %s", kind, [v.kind for v in stopped])
        fallback = self._offline.word(decision.request)
        if find_violations(fallback, job_description=job):
            fallback = SAFE_TEXT.get(kind, SAFE_DEFAULT)
        notes = ("offline fallback",)
        return fallback, Composed(fallback, self._offline.name, notes=notes) if composed is None \
            else Composed(fallback, self._offline.name, composed.prompt_tokens,
                          composed.completion_tokens, notes=("guard replaced output",))

    def _apply(self, session: Session, interview_id: str, version: int, turn_id: int,
               decision: Decision, text: str, composed: Composed | None) -> bool:
        """Commit one decision, only if nobody else moved the interview meanwhile."""
        interview = session.get(Interview, interview_id)
        turn = session.get(Turn, turn_id)
        if interview is None or turn is None or turn.handled:
            return False
        now = self.clock()
        answered = view_of(interview).state.current_question_id()
        values: dict[str, Any] = {**decision.changes, "version": version + 1, "updated_at": now}
        if decision.final_status is not None:
            values.update(status=decision.final_status.value, finished_at=now,
                          end_reason=decision.end_reason, stage=Stage.DONE.value)
        if composed is not None:
            values["prompt_tokens"] = interview.prompt_tokens + composed.prompt_tokens
            values["completion_tokens"] = interview.completion_tokens + composed.completion_tokens
        result = session.execute(
            sa.update(Interview)
            .where(Interview.id == interview_id, Interview.version == version)
            .values(**values)
        )
        if result.rowcount != 1:
            session.rollback()
            return False
        turn.handled = True
        turn.kind = decision.candidate_kind
        turn.question_id = answered
        session.add(turn)
        repo.add_turn(session, interview_id=interview_id, speaker="bot",
                      kind=decision.reply_kind.value, stage=values.get("stage", interview.stage),
                      text=text, question_id=decision.question_id)
        if composed is not None and composed.notes:
            repo.audit(session, interview_id=interview_id, actor=composed.brain,
                       action="reply_fallback", detail={"notes": list(composed.notes)})
        if decision.final_status is not None:
            repo.audit(session, interview_id=interview_id, actor="flow",
                       action=decision.final_status.value, detail={"reason": decision.end_reason})
        session.expire_all()
        if "status" in values:
            self._sync_reminders(session, interview_id)
        return True

    async def _deliver(self, interview_id: str) -> list[OutgoingMessage]:
        """Send every stored, unsent bot message of an interview, oldest first."""
        pending = await self._tx(self._undelivered, interview_id)
        sent: list[OutgoingMessage] = []
        for conversation, turn in pending:
            message = OutgoingMessage(conversation=conversation, text=turn.text,
                                      kind=turn.kind, question_id=turn.question_id,
                                      turn_id=turn.id)
            try:
                posted = await self.port.post(message)
            except Exception:
                logger.exception("could not post turn %s of %s; will retry", turn.seq,
                                 interview_id)
                break
            await self._tx(self._mark_delivered, turn.id, posted.message_id)
            sent.append(message)
        return sent

    def _undelivered(self, session: Session,
                     interview_id: str) -> list[tuple[ConversationRef, Turn]]:
        interview = session.get(Interview, interview_id)
        if interview is None:
            return []
        conv = conversation_of(interview)
        return [(conv, t) for t in repo.undelivered_bot_turns(session, interview_id)]

    def _mark_delivered(self, session: Session, turn_id: int, message_id: str) -> None:
        turn = session.get(Turn, turn_id)
        if turn is not None:
            turn.delivered_at = self.clock()
            turn.platform_message_id = message_id
            session.add(turn)

    async def amend_message(self, edit: MessageEdit) -> EditOutcome:
        """An edit of the answer to the question still being discussed replaces it (the
        candidate fixed a typo before moving on); an edit of anything earlier is recorded
        for the recruiter but not applied, so what was scored is what was answered."""
        outcome = await self._tx(self._amend, clean_message(edit))
        logger.info("edit of message %s: %s", edit.message_id, outcome)
        return outcome

    def _amend(self, session: Session, edit: MessageEdit) -> EditOutcome:
        conv = edit.conversation
        interview = repo.find_interview_for_message(
            session, platform=conv.platform, channel=conv.channel, thread=conv.thread)
        candidate = session.get(Candidate, interview.candidate_id) if interview else None
        if interview is None or candidate is None \
                or candidate.platform_user_id != edit.author_id:
            return EditOutcome.IGNORED
        turn = repo.turn_by_message_id(session, interview_id=interview.id,
                                       message_id=edit.message_id)
        if turn is None or turn.speaker != "candidate" or turn.text == edit.text \
                or turn.kind in ("control", "confirmation"):
            return EditOutcome.IGNORED
        latest = repo.latest_candidate_turn(session, interview.id)
        current = view_of(interview).state.current_question_id()
        still_open = Status(interview.status) in OPEN_STATUSES and latest is not None \
            and latest.id == turn.id and (not turn.handled or (
                turn.kind == "answer" and turn.question_id == current))
        if not still_open:
            repo.audit(session, interview_id=interview.id, actor=edit.author_id,
                       action="edit_noted", detail={"seq": turn.seq, "edited_text": edit.text})
            return EditOutcome.NOTED
        repo.audit(session, interview_id=interview.id, actor=edit.author_id,
                   action="answer_edited", detail={"seq": turn.seq, "previous_text": turn.text})
        turn.text = edit.text
        turn.edited_at = edit.at or self.clock()
        session.add(turn)
        return EditOutcome.APPLIED

    # ---------------------------------------------------------------- controls

    async def cancel(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await self._set_status(
            interview_id, actor, Status.CANCELLED, final=True,
            text="The recruiter has closed this interview. Thank you for your time; they will "
                 "be in touch.")

    async def withdraw(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await self._set_status(
            interview_id, actor, Status.WITHDRAWN, final=True,
            text="You have withdrawn from the interview. Thank you for your time.")

    async def pause(self, interview_id: str, *, actor: str,
                    until: datetime | None = None) -> InterviewSummary:
        """Pause: no nudges until `until` (default: the policy's `pause_days`), when the
        interview reopens with a message; the deadline still applies."""
        text = "Your interview is paused; nothing is lost. Reply `resume` whenever you're ready."
        if until is None:
            return await self._set_status(interview_id, actor, Status.PAUSED, final=False,
                                          text=text)
        if until.tzinfo is None or until <= self.clock():
            raise InvalidRequestError("The resume-by time must be a future, time-zoned time.")
        full_id = await self._resolve(interview_id)
        when = await self._tx(reminder_policy.local_time_for, full_id, until,
                              settings=self.settings.reminders)
        summary = await self._set_status(full_id, actor, Status.PAUSED, final=False,
                                         text=f"{text} I'll check back with you on {when}.")
        await self._tx(reminder_policy.sync, full_id, settings=self.settings.reminders,
                       now=self.clock(), resume_by=until)
        return summary

    async def resume(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await self._set_status(
            interview_id, actor, Status.ACTIVE, final=False,
            text="Your interview is open again: reply here to carry on where you left off.")

    async def _set_status(self, interview_id: str, actor: str, status: Status, *, final: bool,
                          text: str) -> InterviewSummary:
        """Change an open interview's status and tell the candidate, in one transaction."""
        full_id = await self._resolve(interview_id)
        async with self._lock(full_id):
            await self._tx(self._change_status, full_id, actor, status, text, final)
            await self._deliver(full_id)
        return await self.status(full_id)

    def _change_status(self, session: Session, interview_id: str, actor: str, status: Status,
                       text: str, final: bool) -> None:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        if Status(interview.status) not in OPEN_STATUSES:
            raise InvalidRequestError(
                f"Interview {interview_id[:8]} is already {interview.status}; nothing to change.")
        interview.status = status.value
        interview.version += 1
        interview.updated_at = self.clock()
        if final:
            interview.stage = Stage.DONE.value
            interview.finished_at = self.clock()
            interview.end_reason = f"{status.value} by {actor}"
        session.add(interview)
        repo.add_turn(session, interview_id=interview_id, speaker="bot",
                      kind=Kind.CLOSING if final else Kind.NOTICE, stage=interview.stage,
                      text=text)
        repo.audit(session, interview_id=interview_id, actor=actor, action=status.value)
        self._sync_reminders(session, interview_id)

    async def _resolve(self, interview_id: str) -> str:
        found = await self._tx(repo.get_interview, interview_id)
        if found is None:
            raise InterviewNotFoundError(
                f"No interview with id {interview_id!r}. Use `status` to list interviews.")
        return found.id

    # ---------------------------------------------------------------- reminders

    def lock_for(self, interview_id: str) -> asyncio.Lock:
        """The per-interview lock, for the reminder sweeper."""
        return self._lock(interview_id)

    def _sync_reminders(self, session: Session, interview_id: str) -> None:
        reminder_policy.sync(session, interview_id, settings=self.settings.reminders,
                             now=self.clock())

    def _wake_sweeper(self) -> None:
        if self.reminder_wakeup is not None:
            self.reminder_wakeup()

    async def remind(self, interview_id: str, *, actor: str) -> reminder_policy.Scheduled:
        """Nudge the candidate now, or when their quiet hours end; the sweeper sends it."""
        full_id = await self._resolve(interview_id)
        scheduled = await self._tx(self._schedule_once, full_id, actor, reminder_policy.MANUAL)
        self._wake_sweeper()
        return scheduled

    def _schedule_once(self, session: Session, interview_id: str, actor: str,
                       kind: str) -> reminder_policy.Scheduled:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        if interview.status != Status.ACTIVE:
            raise InvalidRequestError(
                f"Interview {interview_id[:8]} is {interview.status}: no reminder is sent to "
                "a paused or ended interview.")
        repo.audit(session, interview_id=interview_id, actor=actor, action="remind")
        return reminder_policy.schedule_once(session, interview, kind,
                                             settings=self.settings.reminders, now=self.clock())

    async def extend(self, interview_id: str, *, actor: str, days: float | None = None,
                     until: datetime | None = None) -> InterviewSummary:
        """Move the deadline later (by `days`, or to `until`); the candidate is told."""
        if (days is None) == (until is None):
            raise InvalidRequestError("Say how long to extend by: days or an until date.")
        full_id = await self._resolve(interview_id)
        async with self._lock(full_id):
            await self._tx(self._extend, full_id, actor, days, until)
        self._wake_sweeper()
        return await self.status(full_id)

    def _extend(self, session: Session, interview_id: str, actor: str, days: float | None,
                until: datetime | None) -> None:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        if Status(interview.status) not in OPEN_STATUSES:
            raise InvalidRequestError(
                f"Interview {interview_id[:8]} is already {interview.status}; it cannot be "
                "extended.")
        now = self.clock()
        current = max(interview.deadline_at or now, now)
        new = until if until is not None else current + timedelta(days=days or 0)
        if new.tzinfo is None or new <= current:
            raise InvalidRequestError(
                "The new deadline must be later than both now and the current deadline.")
        interview.deadline_at = new
        interview.version += 1
        interview.updated_at = now
        session.add(interview)
        repo.audit(session, interview_id=interview_id, actor=actor, action="extended",
                   detail={"deadline_at": new.isoformat()})
        self._sync_reminders(session, interview_id)
        reminder_policy.schedule_once(session, interview, reminder_policy.EXTENDED,
                                      settings=self.settings.reminders, now=now)

    async def forget_candidate(self, who: str) -> dict[str, int]:
        """Erase a candidate (candidate id, chat user id, or `platform:user id`) with all of
        their interviews, transcripts, evaluations, reminders, events and audit rows; returns
        rows deleted per table. The answer to an erasure request."""
        try:
            counts = await self._tx(reminder_store.forget_candidate, who.strip())
        except reminder_store.CandidateNotFoundError as exc:
            raise InvalidRequestError(
                f"No candidate {who!r}: give the candidate id or their chat user id.") from exc
        except reminder_store.AmbiguousCandidateError as exc:
            raise InvalidRequestError(
                f"{who!r} is a user id on several platforms; name one of: "
                f"{', '.join(exc.args[0])}.") from exc
        await asyncio.to_thread(scrub_erased, self.engine)  # no copy left in SQLite's WAL
        logger.info("erased a candidate's data: %s", counts)
        return counts

    # ---------------------------------------------------------------- finishing

    async def _finish_if_ended(self, interview_id: str) -> None:
        """Evaluate and report an ended interview. A refused or failed report post is not
        the candidate's problem: it stays stored, and `recover` or `finish` posts it later."""
        interview = await self._tx(repo.get_interview, interview_id)
        if interview is None or interview.status not in (Status.COMPLETED, Status.EXPIRED):
            return
        try:
            await self.finish(interview_id)
        except Exception as exc:
            logger.warning("report for interview %s not posted yet: %s", interview_id, exc)

    async def finish(self, interview_id: str, *, partial: bool | None = None) -> Evaluated:
        """Evaluate, store and post the report once; later calls return the stored result."""
        full_id = await self._resolve(interview_id)
        async with self._lock(full_id):
            stored = await self._tx(self._stored_evaluation, full_id)
            if stored is None:
                stored = await self._evaluate_and_store(full_id, partial)
            await self._post_report_once(full_id, stored)
        return stored

    async def evaluate(self, interview_id: str, *, partial: bool | None = None) -> Evaluated:
        """Score an interview without storing or posting anything (status, previews)."""
        full_id = await self._resolve(interview_id)
        return await self._compute_evaluation(full_id, partial)

    async def _compute_evaluation(self, interview_id: str, partial: bool | None) -> Evaluated:
        interview, candidate, role, turns = await self._tx(self._conversation, interview_id)
        items = items_from_conversation(role, turns)
        notes = await self._tx(self._record_notes, interview_id)
        try:
            scored = await self.brain.evaluate(items, candidate_name=candidate.display_name)
        except Exception:
            logger.exception("brain %s failed to score; using offline", self.brain.name)
            scored = await self._offline.evaluate(items)
            notes.append("Scoring fell back to the offline brain.")
        notes += scored.notes
        if partial is None:
            partial = interview.status != Status.COMPLETED
        request = report_request(role, turns, items, scored.evaluations,
                                 candidate_name=candidate.display_name, partial=partial,
                                 notes=notes)
        try:
            reported = await self.brain.report(request)
        except Exception:
            logger.exception("brain %s failed to write the report; using offline",
                             self.brain.name)
            reported = await self._offline.report(
                replace(request, notes=[*notes, "The report fell back to the offline brain."]))
        usage = scored.usage + reported.usage
        report = reported.report.model_copy(update={
            "prompt_tokens": interview.prompt_tokens + usage.prompt,
            "completion_tokens": interview.completion_tokens + usage.completion,
        })
        report, evaluations = guard_report(report, scored.evaluations,
                                           job_description=role.job_description)
        header = f"# {candidate.display_name}: {role.title}"
        return Evaluated(evaluations, report,
                         render_markdown(report, evaluations, header=header), usage)

    def _record_notes(self, session: Session, interview_id: str) -> list[str]:
        """What the recruiter should know about how the transcript came to be."""
        notes = []
        fallbacks = repo.count_audit(session, interview_id=interview_id,
                                     action="reply_fallback")
        if fallbacks:
            notes.append(f"{fallbacks} interviewer message(s) fell back to the offline brain "
                         "(the model was unavailable or its output failed the guard).")
        noted = repo.count_audit(session, interview_id=interview_id, action="edit_noted")
        if noted:
            notes.append(f"The candidate edited {noted} message(s) after the interview had "
                         "moved on; the first versions were scored and the edits are kept in "
                         "the audit log.")
        return notes

    async def _evaluate_and_store(self, interview_id: str, partial: bool | None) -> Evaluated:
        result = await self._compute_evaluation(interview_id, partial)
        await self._tx(self._store_evaluation, interview_id, result)
        return result

    def _conversation(self, session: Session, interview_id: str
                      ) -> tuple[Interview, Candidate, Role, list[ConversationTurn]]:
        interview, candidate = self._load(session, interview_id)
        turns = [ConversationTurn(t.speaker, t.kind, t.text, t.question_id)
                 for t in repo.list_turns(session, interview_id)]
        return interview, candidate, self.role_of(session, interview), turns

    def _store_evaluation(self, session: Session, interview_id: str, result: Evaluated) -> None:
        interview = session.get(Interview, interview_id)
        if interview is not None and (result.usage.prompt or result.usage.completion):
            interview.prompt_tokens += result.usage.prompt
            interview.completion_tokens += result.usage.completion
            session.add(interview)
        repo.save_scores(session, interview_id=interview_id, brain=result.report.brain,
                         evaluations=result.evaluations)
        session.add(Report(
            interview_id=interview_id, brain=result.report.brain, partial=result.report.partial,
            recommendation=result.report.recommendation_label,
            overall_score=result.report.overall_score,
            sections=result.report.model_dump(mode="json"), markdown=result.markdown))
        repo.audit(session, interview_id=interview_id, actor=result.report.brain,
                   action="evaluated", detail={"overall_score": result.report.overall_score,
                                               "recommendation":
                                                   result.report.recommendation_label})

    def _stored_evaluation(self, session: Session, interview_id: str) -> Evaluated | None:
        report = repo.get_report(session, interview_id)
        if report is None:
            return None
        evaluations = [evaluation_of(s) for s in repo.list_scores(session, interview_id)]
        return Evaluated(evaluations, HRReport.model_validate(report.sections), report.markdown)

    async def _post_report_once(self, interview_id: str, result: Evaluated) -> None:
        delivery = await self._tx(self._report_delivery, interview_id, result)
        if delivery is None:
            return
        await self.port.post_report(delivery)
        await self._tx(self._mark_report_posted, interview_id)

    def _report_delivery(self, session: Session, interview_id: str,
                         result: Evaluated) -> ReportDelivery | None:
        report = repo.get_report(session, interview_id)
        if report is None or report.posted_at is not None:
            return None
        interview, candidate = self._load(session, interview_id)
        return ReportDelivery(
            interview_id=interview_id, candidate_name=candidate.display_name,
            role_title=self.role_of(session, interview).title,
            candidate_id=candidate.platform_user_id, recruiter_id=interview.recruiter_id,
            recommendation=result.report.recommendation_label,
            overall_score=result.report.overall_score, partial=result.report.partial,
            export=self._export(session, interview_id), markdown=result.markdown,
            conversation=conversation_of(interview))

    def _mark_report_posted(self, session: Session, interview_id: str) -> None:
        report = repo.get_report(session, interview_id)
        if report is not None:
            report.posted_at = self.clock()
            session.add(report)

    # ---------------------------------------------------------------- reading

    async def status(self, interview_id: str) -> InterviewSummary:
        full_id = await self._resolve(interview_id)
        return await self._tx(self._summary, full_id)

    async def list_status(self, *, open_only: bool = True, candidate_id: str | None = None,
                          platform: str | None = None,
                          workspaces: Sequence[str] | None = None) -> list[InterviewSummary]:
        """Newest first; `candidate_id` is the platform's user id. Adapters pass their
        `platform` (a user id means nothing on another platform) and `workspaces`."""
        def run(session: Session) -> list[InterviewSummary]:
            statuses = [s.value for s in OPEN_STATUSES] if open_only else None
            candidates = None
            if candidate_id:
                query = sa.select(Candidate.id).where(Candidate.platform_user_id == candidate_id)
                if platform:
                    query = query.where(Candidate.platform == platform)
                candidates = list(session.execute(query).scalars().all())
                if not candidates:
                    return []
            found = repo.list_interviews(session, statuses=statuses, candidate_ids=candidates,
                                         platform=platform, workspaces=workspaces)
            return [self._summary(session, i.id) for i in found]
        return await self._tx(run)

    def _summary(self, session: Session, interview_id: str) -> InterviewSummary:
        interview, candidate = self._load(session, interview_id)
        role = self.role_of(session, interview)
        report = repo.get_report(session, interview_id)
        return InterviewSummary(
            id=interview.id, candidate_name=candidate.display_name,
            candidate_id=candidate.platform_user_id, role_name=role.name, role_title=role.title,
            status=interview.status, stage=interview.stage, progress=progress_of(interview),
            candidate_turns=interview.candidate_turns, created_at=interview.created_at,
            last_candidate_at=interview.last_candidate_at, deadline_at=interview.deadline_at,
            recommendation=report.recommendation if report else None,
            overall_score=report.overall_score if report else None,
            conversation=conversation_of(interview))

    async def export(self, interview_id: str) -> dict[str, Any]:
        full_id = await self._resolve(interview_id)
        return await self._tx(self._export, full_id)

    async def export_markdown(self, interview_id: str) -> str:
        full_id = await self._resolve(interview_id)
        data = await self._tx(self._export, full_id)
        stored = await self._tx(self._stored_evaluation, full_id)
        return export_markdown(data, stored.evaluations if stored else [],
                               stored.report if stored else None)

    def _export(self, session: Session, interview_id: str) -> dict[str, Any]:
        interview, candidate = self._load(session, interview_id)
        role = self.role_of(session, interview)
        stored = self._stored_evaluation(session, interview_id)
        return {
            "format": "interview-bot/1",
            "interview": {
                "id": interview.id, "role": role.name, "role_title": role.title,
                "status": interview.status, "stage": interview.stage,
                "candidate": candidate.display_name, "brain": interview.brain,
                "platform": interview.platform, "created_at": interview.created_at.isoformat(),
                "finished_at": interview.finished_at.isoformat() if interview.finished_at
                else None,
                "end_reason": interview.end_reason,
                "consent_version": interview.consent_version,
                "token_usage": {"prompt": interview.prompt_tokens,
                                "completion": interview.completion_tokens},
            },
            "turns": [
                {"speaker": t.speaker, "text": t.text, "at": t.created_at.isoformat(),
                 "kind": t.kind, "question_id": t.question_id,
                 "edited": t.edited_at is not None}
                for t in repo.list_turns(session, interview_id)
            ],
            "scores": scores_json(stored.evaluations) if stored else [],
            "report": report_json(stored.report) if stored else None,
        }

    # ---------------------------------------------------------------- restart

    async def recover(self, *, platform: str | None = None) -> int:
        """Finish what a previous process left: unhandled answers, unsent messages, reports.
        One interview's failure (a platform refusing a post) does not stop the others."""
        pending = await self._tx(repo.interviews_with_pending_work, platform=platform)
        for interview_id in pending:
            try:
                async with self._lock(interview_id):
                    await self._process(interview_id)
                    await self._deliver(interview_id)
                await self._finish_if_ended(interview_id)
            except Exception:
                logger.exception("could not recover interview %s; will retry", interview_id)
        return len(pending)


def evaluation_of(row: QuestionScore) -> QuestionEvaluation:
    """A stored score read back as it was given (details included)."""
    return QuestionEvaluation(
        position=row.position, question_id=row.question_id, topic=row.topic,
        question=row.question, score=row.score, justification=row.justification,
        evidence=list(row.evidence), flags=list(row.flags), confidence=row.confidence,
        scorer=row.scorer or row.brain, model=row.model, prompt_version=row.prompt_version,
        rubric_hash=row.rubric_hash, samples=row.samples, **dict(row.details or {}))


def conversation_of(interview: Interview) -> ConversationRef:
    return ConversationRef(platform=interview.platform, workspace=interview.workspace,
                           channel=interview.channel, thread=interview.thread)


def progress_of(interview: Interview) -> str:
    stage = Stage(interview.stage)
    total = len(interview.plan)
    if stage is Stage.GREETING:
        return "introduction"
    if stage is Stage.PROJECT:
        return "project question"
    if stage is Stage.TECHNICAL:
        return f"technical question {interview.question_index + 1} of {total}"
    if stage is Stage.CANDIDATE_QUESTIONS:
        return "candidate's questions"
    return "finished"
