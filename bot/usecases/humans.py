"""A person in the loop (issue 12): a recruiter takes an interview over from the bot, talks
with the candidate, and hands it back.

While a person has the interview (status `handed_over`) the bot asks nothing and sends no
reminders, and every message of both sides is stored. Each side's messages reach the other
through the platform: on Slack the recruiter writes in the thread of the interview's notice
in the recruiter channel and the bot relays it to the candidate's DM thread, signed with
their name, while the candidate's messages are relayed back into that thread; on Discord
the recruiter is added to the candidate's private thread (the adapter does that) and
their messages there are stored as they are. Handing back resumes the flow where it
stopped, with the question the candidate was on; the time with a person does not count
against the deadline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from bot.conduct import restate_current, view_of
from bot.errors import InvalidRequestError
from bot.flow import OPEN_STATUSES, Kind, Status
from bot.ports import ConversationRef
from bot.usecases import delivery, notices, reading
from bot.usecases.core import ServiceCore
from bot.usecases.reading import InterviewSummary
from storage import humans as store
from storage import repository as repo
from storage import turns as turn_store
from storage.models import Handover

logger = logging.getLogger(__name__)

RECRUITER = "recruiter"  # the speaker of a turn a person on the hiring team wrote
RELAY_KIND = "relay"

JOINING = ("A person from the hiring team is joining this conversation: {name} will write "
           "to you here. I'll stay quiet until they hand the interview back to me; everything "
           "you both write is kept with your interview.")
BACK = "Thank you both. I'm back to carry on with the interview where we left off. "
# The adapter adds where to write to the candidate (Slack: this thread; Discord: theirs).
TAKEOVER_NOTICE = (
    "{recruiter} took over the interview with **{candidate}** ({role}, interview `{short}`): "
    "the bot is quiet until it is handed back.")
HANDBACK_NOTICE = ("{recruiter} handed interview `{short}` back to the bot, which carries on "
                   "with the question the candidate was on.")


@dataclass(frozen=True)
class Takeover:
    """What a takeover did, for the adapter: the interview, and whether it was already
    this recruiter's (nothing new happened then)."""

    summary: InterviewSummary
    conversation: ConversationRef
    already: bool = False


@dataclass(frozen=True)
class Handback:
    summary: InterviewSummary
    conversation: ConversationRef
    taken_by: str | None  # the recruiter who had it, to let go of (Discord's thread)


async def takeover(core: ServiceCore, interview_id: str, *, recruiter_id: str,
                   recruiter_name: str) -> Takeover:
    """A recruiter takes the interview over: the candidate is told a person is joining, the
    bot goes quiet, and the recruiter channel gets the thread to talk in."""
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        already = await core.tx(_take_over, core, full_id, recruiter_id, recruiter_name)
        await delivery.deliver(core, full_id)
        await notices.post_notices(core, full_id)
    summary = await reading.status(core, full_id)
    return Takeover(summary, summary.conversation, already)


def _take_over(session: Session, core: ServiceCore, interview_id: str, recruiter_id: str,
               recruiter_name: str) -> bool:
    interview = repo.locked_interview(session, interview_id)
    assert interview is not None
    if Status(interview.status) not in OPEN_STATUSES:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} is {interview.status}: only an open interview can "
            "be taken over.")
    now = core.clock()
    handover = store.open_handover(session, interview_id)
    if handover is not None and handover.taken_by:
        if handover.taken_by == recruiter_id:
            return True
        raise InvalidRequestError(
            f"{handover.taken_by_name or 'Another recruiter'} has already taken interview "
            f"{interview_id[:8]} over; they can hand it back first.")
    if handover is None:
        handover = Handover(interview_id=interview_id, requested_by=recruiter_id,
                            requested_at=now)
    handover.taken_by, handover.taken_by_name, handover.taken_at = (
        recruiter_id, recruiter_name, now)
    role = core.role_of(session, interview).title
    text = TAKEOVER_NOTICE.replace("{recruiter}", _bold(recruiter_name)).replace(
        "{role}", role).replace("{short}", interview_id[:8])
    notice = store.add_notice(session, interview_id=interview_id, kind="takeover", text=text,
                              parent_id=handover.alert_notice_id, actions=("handback",),
                              at=now)
    if handover.alert_notice_id is None:
        handover.alert_notice_id = notice.id  # this notice's thread is where to talk
    session.add(handover)
    interview.status = Status.HANDED_OVER.value
    interview.awaiting_withdraw_confirmation = False
    interview.version += 1
    interview.updated_at = now
    session.add(interview)
    repo.add_turn(session, interview_id=interview_id, speaker="bot", kind=Kind.NOTICE,
                  stage=interview.stage, text=JOINING.format(name=recruiter_name or "someone"))
    repo.audit(session, interview_id=interview_id, actor=recruiter_id, action="takeover")
    core.sync_reminders(session, interview_id)  # handed over: no reminders at all
    return False


async def handback(core: ServiceCore, interview_id: str, *, actor: str,
                   actor_name: str = "") -> Handback:
    """The person is done: the bot carries on with the question the candidate was on."""
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        taken_by = await core.tx(_hand_back, core, full_id, actor, actor_name)
        await delivery.deliver(core, full_id)
        await notices.post_notices(core, full_id)
    core.wake_sweeper()
    summary = await reading.status(core, full_id)
    return Handback(summary, summary.conversation, taken_by)


def _hand_back(session: Session, core: ServiceCore, interview_id: str, actor: str,
               actor_name: str) -> str | None:
    interview = repo.locked_interview(session, interview_id)
    assert interview is not None
    if interview.status != Status.HANDED_OVER:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} is {interview.status}, not with a person: there "
            "is nothing to hand back.")
    now = core.clock()
    handover = store.open_handover(session, interview_id)
    taken_by = handover.taken_by if handover else None
    if handover is not None:
        handover.handed_back_at, handover.handed_back_by = now, actor
        session.add(handover)
        if interview.deadline_at is not None:  # time with a person does not count
            interview.deadline_at = interview.deadline_at + (now - handover.requested_at)
    interview.status = Status.ACTIVE.value
    interview.version += 1
    interview.updated_at = now
    session.add(interview)
    role = core.role_of(session, interview)
    repo.add_turn(session, interview_id=interview_id, speaker="bot", kind=Kind.NOTICE,
                  stage=interview.stage, text=BACK + restate_current(view_of(interview), role),
                  question_id=view_of(interview).state.current_question_id())
    text = HANDBACK_NOTICE.replace("{recruiter}", _bold(actor_name or "A recruiter")).replace(
        "{short}", interview_id[:8])
    store.add_notice(session, interview_id=interview_id, kind="handback", text=text,
                     parent_id=handover.alert_notice_id if handover else None, at=now)
    repo.audit(session, interview_id=interview_id, actor=actor, action="handback")
    core.sync_reminders(session, interview_id)
    return taken_by


def _bold(name: str) -> str:
    """A recruiter's name in a notice: Markdown-bold, its own asterisks dropped."""
    return f"**{name.replace('*', '')}**"


# ------------------------------------------------------------------ relays


@dataclass(frozen=True)
class TeamMessage:
    """A message a person on the hiring team wrote about an interview with a person."""

    platform: str
    author_id: str
    author_name: str
    text: str
    message_id: str
    channel: str  # where it was written: the notice's channel (Slack), the thread (Discord)
    thread: str  # the notice it replies under (Slack), or the interview's thread (Discord)


async def relay_to_candidate(core: ServiceCore, message: TeamMessage) -> bool:
    """Slack: a recruiter wrote in the thread of an interview's notice. If a person has
    that interview (writing there takes it over, if nobody had), the words are stored and
    posted to the candidate, signed with the recruiter's name. False: not such a thread."""
    found = await core.read(_relay_target, message)
    if found is None:
        return False
    interview_id, taken_by = found
    if taken_by is None:
        await takeover(core, interview_id, recruiter_id=message.author_id,
                       recruiter_name=message.author_name)
    elif taken_by != message.author_id:
        logger.info("recruiter %s wrote in the thread of interview %s, taken over by "
                    "someone else: relayed too", message.author_id, interview_id[:8])
    async with core.lock(interview_id):
        stored = await core.tx(_store_team_message, core, interview_id, message, True)
        if stored:
            await delivery.deliver(core, interview_id)
    return True


def _relay_target(session: Session, message: TeamMessage) -> tuple[str, str | None] | None:
    found = store.handover_by_thread(session, platform=message.platform,
                                     message_id=message.thread)
    if found is None:
        return None
    handover, interview = found
    if Status(interview.status) not in OPEN_STATUSES:
        return None
    return interview.id, handover.taken_by


async def store_team_message(core: ServiceCore, message: TeamMessage) -> bool:
    """Discord: a recruiter wrote in the candidate's thread. While a person has the
    interview it is stored as written (it is already there for the candidate to read);
    otherwise it is not part of the interview. False when not stored."""
    conversation = ConversationRef(message.platform, "", message.channel, message.thread)
    interview_id = core.known_interview(conversation) or await core.read(
        _interview_in_thread, conversation)
    if interview_id is None:
        return False
    async with core.lock(interview_id):
        return await core.tx(_store_team_message, core, interview_id, message, False)


def _interview_in_thread(session: Session, conversation: ConversationRef) -> str | None:
    return turn_store.interview_id_for(session.connection(), platform=conversation.platform,
                                       channel=conversation.channel,
                                       thread=conversation.thread)


def _store_team_message(session: Session, core: ServiceCore, interview_id: str,
                        message: TeamMessage, relayed: bool) -> bool:
    interview = repo.locked_interview(session, interview_id)
    if interview is None or interview.status != Status.HANDED_OVER:
        return False
    key = f"team:{message.channel}:{message.message_id}"
    if not turn_store.record_event(session.connection(), platform=message.platform,
                                   event_key=key, interview_id=interview_id):
        return False  # redelivered: stored once, relayed once
    text = (f"**{message.author_name.replace('*', '')} (hiring team):** {message.text}"
            if relayed else message.text)
    turn = repo.add_turn(session, interview_id=interview_id, speaker=RECRUITER,
                         kind=RELAY_KIND, stage=interview.stage, text=text,
                         platform_message_id=None if relayed else message.message_id,
                         handled=True)
    if not relayed:  # already in the thread: nothing to deliver
        turn.delivered_at = core.clock()
        session.add(turn)
    return True

