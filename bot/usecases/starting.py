"""Starting an interview: the candidate, the conversation on their platform, the question
plan and the greeting with the consent notice, stored before it is sent."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.brains.base import Composed, ComposeRequest
from bot.conduct import Decision
from bot.errors import AlreadyInterviewingError, InvalidRequestError
from bot.flow import INTRO_ID, FlowConfig, Kind, Stage
from bot.guard import find_violations
from bot.inbound import clean_text
from bot.planning import plan_questions
from bot.ports import ConversationRef, OutgoingMessage
from bot.resume_lines import pick_resume_line
from bot.roles import Role, RoleNotFoundError, load_role_by_name
from bot.usecases import delivery
from bot.usecases.core import ServiceCore
from bot.usecases.wording import word
from storage import repository as repo
from storage import start_claims
from storage import turns as repo_turns
from storage.models import Candidate, Interview

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class StartedInterview:
    interview_id: str
    conversation: ConversationRef
    greeting: OutgoingMessage


async def start_interview(core: ServiceCore, request: StartRequest) -> StartedInterview:
    if not request.candidate_id.strip():
        raise InvalidRequestError("No candidate given: name the person to interview.")
    try:
        role = load_role_by_name(request.role, core.settings.roles_dir)
    except RoleNotFoundError as exc:
        raise InvalidRequestError(str(exc.args[0] if exc.args else exc)) from exc
    request = replace(request, resume=clean_text(request.resume),  # storable text only
                      candidate_name=clean_text(request.candidate_name))
    try:
        policy = reminder_policy.policy_for(core.settings.reminders, role.name,
                                            request.reminders)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(str(exc)) from exc
    # Two starts for one candidate and role (a double-submitted form, two recruiters)
    # queue here, so the second is refused before it opens a DM thread or a Discord
    # thread that would stay empty. Across replicas, the start claim in the database
    # refuses it just as early (`storage.start_claims`).
    async with core.lock(f"start:{request.platform}:{request.candidate_id}:{role.name}"):
        return await _start_locked(core, request, role, policy)


async def _start_locked(core: ServiceCore, request: StartRequest, role: Role,
                        policy: reminder_policy.ReminderPolicy) -> StartedInterview:
    """Refused (cleanly, before anything is opened) or started: a start that fails after
    opening the conversation closes it and gives its claim back."""
    candidate = await core.tx(_prepare_candidate, core, request, role)
    try:
        conversation = await core.port.open_interview_conversation(
            platform=request.platform, candidate_id=request.candidate_id,
            workspace=request.workspace,
            title=f"{role.title} interview with {candidate.display_name}",
        )
    except BaseException:
        await _release(core, request, role)
        raise
    try:
        interview_id, text = await _store(core, request, role, policy, candidate, conversation)
    except BaseException:
        await _abandon(core, request, role, conversation)
        raise
    core.remember(conversation, interview_id)
    sent = await delivery.deliver(core, interview_id)
    if not sent:  # stored and retried later; the recruiter still gets the interview id
        logger.warning("greeting for interview %s not delivered yet", interview_id)
        greeting = OutgoingMessage(conversation, text, Kind.GREETING.value, INTRO_ID)
        return StartedInterview(interview_id, conversation, greeting)
    return StartedInterview(interview_id, conversation, sent[0])


async def _store(core: ServiceCore, request: StartRequest, role: Role,
                 policy: reminder_policy.ReminderPolicy, candidate: Candidate,
                 conversation: ConversationRef) -> tuple[str, str]:
    """Plan, word the greeting and store the interview with it: its id and the greeting."""
    config = FlowConfig(**core.settings.flow.model_dump())
    plan, project_line = await asyncio.to_thread(  # retrieval is CPU work: off the loop
        _plan, core, role, candidate.resume, config.technical_questions)
    interview = Interview(
        candidate_id=candidate.id, role_id=0, role_name=role.name,
        recruiter_id=request.recruiter_id, brain=core.brain.name,
        platform=conversation.platform, workspace=conversation.workspace,
        channel=conversation.channel, thread=conversation.thread,
        flow={**config.to_dict(), "project_line": project_line,
              "reminders": policy.to_dict()}, plan=plan,
        consent_version=core.settings.consent_notice_version,
        deadline_at=request.deadline_at or reminder_policy.deadline_from(core.clock(), policy),
    )
    ctx = core.context(role=role, candidate_name=candidate.display_name,
                       resume=candidate.resume, notice_version=interview.consent_version,
                       turn_number=0)
    text, composed = await word(
        core, Decision("", Kind.GREETING, request=ComposeRequest(
            Kind.GREETING, ctx, question_total=len(plan))),
        Kind.GREETING)
    interview_id = await core.tx(_create_interview, core, interview, role, text, composed,
                                 request)
    return interview_id, text


async def _abandon(core: ServiceCore, request: StartRequest, role: Role,
                   conversation: ConversationRef) -> None:
    """After a start failed before its interview was stored: the conversation nobody will
    use is closed (a failure to close it is logged, never raised over the start's own
    error) and the claim given back."""
    try:
        await core.port.close_interview_conversation(conversation)
    except Exception as exc:  # the start's own error is the one to report
        logger.warning("could not close the unused conversation of a failed start (%s)",
                       type(exc).__name__)
    await _release(core, request, role)


async def _release(core: ServiceCore, request: StartRequest, role: Role) -> None:
    await core.tx_connection(_release_claim, request, role)


def _release_claim(connection: Connection, request: StartRequest, role: Role) -> None:
    start_claims.release_start(connection, platform=request.platform,
                               candidate_id=request.candidate_id, role_name=role.name)


def _plan(core: ServiceCore, role: Role, resume: str, questions: int
          ) -> tuple[list[str], str | None]:
    """The questions to ask and the resume line the project question will quote."""
    plan = plan_questions(role, resume, questions)
    project_line = pick_resume_line(role, resume)
    if project_line and find_violations(core.offline.project_question(project_line),
                                        job_description=role.job_description):
        project_line = None
    return plan, project_line


def _prepare_candidate(session: Session, core: ServiceCore, request: StartRequest,
                       role: Role) -> Candidate:
    """The candidate, once nobody else has that candidate and role open or starting (the
    claim is committed with the candidate, before any conversation is opened).

    The claim comes before the check for an open interview: a claim that had to wait for
    another start's transaction (which stores its interview and deletes its claim) is
    followed by a check that sees that interview."""
    repo_turns.begin_write(session.connection())  # SQLite: one start decides at a time
    candidate = repo.get_or_create_candidate(
        session, platform=request.platform, platform_user_id=request.candidate_id,
        display_name=request.candidate_name or request.candidate_id,
        resume=request.resume or None, timezone=request.timezone)
    claimed = start_claims.claim_start(
        session.connection(), platform=request.platform, candidate_id=request.candidate_id,
        role_name=role.name, now=core.clock())
    existing = repo.open_interview_for(session, candidate_id=candidate.id, role_name=role.name)
    if existing:
        raise AlreadyInterviewingError(  # the claim, if taken, rolls back with this
            f"{candidate.display_name} already has an open {role.title} interview "
            f"({existing.id[:8]}). Cancel it first (`cancel {existing.id[:8]}`) or wait "
            "for it to finish.")
    if not claimed:
        raise AlreadyInterviewingError(
            f"A {role.title} interview with {candidate.display_name} is being started "
            "right now (by you or someone else): nothing new was opened. Check `status` "
            "in a moment.")
    return candidate


def _create_interview(session: Session, core: ServiceCore, interview: Interview, role: Role,
                      text: str, composed: Composed | None, request: StartRequest) -> str:
    record = repo.upsert_role_snapshot(
        session, name=role.name, title=role.title,
        definition=role.model_dump(mode="json", exclude={"source"}))
    interview.role_id = record.id or 0
    interview.consent_shown_at = core.clock()
    interview.created_at = interview.updated_at = core.clock()
    if composed:  # set, not added: a transaction run again must not count them twice
        interview.prompt_tokens = composed.prompt_tokens
        interview.completion_tokens = composed.completion_tokens
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
    core.sync_reminders(session, interview.id)
    _release_claim(session.connection(), request, role)  # the interview row holds it now
    return interview.id
