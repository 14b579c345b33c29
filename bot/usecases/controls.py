"""Controls over an interview under way: the recruiter's (cancel, pause, resume, remind,
extend) and the candidate's own (withdraw, pause), plus erasure of a candidate's data.

Each status change and the message telling the candidate about it are stored in one
transaction, then the message is sent."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.errors import InvalidRequestError
from bot.flow import OPEN_STATUSES, Kind, Stage, Status
from bot.usecases import delivery, reading
from bot.usecases.core import ServiceCore
from bot.usecases.reading import InterviewSummary
from storage import reminders as reminder_store
from storage import repository as repo
from storage.engine import scrub_erased
from storage.models import Interview

logger = logging.getLogger(__name__)


async def cancel(core: ServiceCore, interview_id: str, *, actor: str) -> InterviewSummary:
    return await set_status(
        core, interview_id, actor, Status.CANCELLED, final=True,
        text="The recruiter has closed this interview. Thank you for your time; they will "
             "be in touch.")


async def withdraw(core: ServiceCore, interview_id: str, *, actor: str) -> InterviewSummary:
    return await set_status(
        core, interview_id, actor, Status.WITHDRAWN, final=True,
        text="You have withdrawn from the interview. Thank you for your time.")


async def pause(core: ServiceCore, interview_id: str, *, actor: str,
                until: datetime | None = None) -> InterviewSummary:
    """Pause: no nudges until `until` (default: the policy's `pause_days`), when the
    interview reopens with a message; the deadline still applies."""
    text = "Your interview is paused; nothing is lost. Reply `resume` whenever you're ready."
    if until is None:
        return await set_status(core, interview_id, actor, Status.PAUSED, final=False,
                                text=text)
    if until.tzinfo is None or until <= core.clock():
        raise InvalidRequestError("The resume-by time must be a future, time-zoned time.")
    full_id = await core.resolve(interview_id)
    when = await core.read(reminder_policy.local_time_for, full_id, until,
                           settings=core.settings.reminders)
    summary = await set_status(core, full_id, actor, Status.PAUSED, final=False,
                               text=f"{text} I'll check back with you on {when}.")
    await core.tx(reminder_policy.sync, full_id, settings=core.settings.reminders,
                  now=core.clock(), resume_by=until)
    return summary


async def resume(core: ServiceCore, interview_id: str, *, actor: str) -> InterviewSummary:
    return await set_status(
        core, interview_id, actor, Status.ACTIVE, final=False,
        text="Your interview is open again: reply here to carry on where you left off.")


async def set_status(core: ServiceCore, interview_id: str, actor: str, status: Status, *,
                     final: bool, text: str) -> InterviewSummary:
    """Change an open interview's status and tell the candidate, in one transaction."""
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        await core.tx(_change_status, core, full_id, actor, status, text, final)
        await delivery.deliver(core, full_id)
    return await reading.status(core, full_id)


def _change_status(session: Session, core: ServiceCore, interview_id: str, actor: str,
                   status: Status, text: str, final: bool) -> None:
    interview = session.get(Interview, interview_id)
    assert interview is not None
    if Status(interview.status) not in OPEN_STATUSES:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} is already {interview.status}; nothing to change.")
    interview.status = status.value
    interview.version += 1
    interview.updated_at = core.clock()
    if final:
        interview.stage = Stage.DONE.value
        interview.finished_at = core.clock()
        interview.end_reason = f"{status.value} by {actor}"
    session.add(interview)
    repo.add_turn(session, interview_id=interview_id, speaker="bot",
                  kind=Kind.CLOSING if final else Kind.NOTICE, stage=interview.stage,
                  text=text)
    repo.audit(session, interview_id=interview_id, actor=actor, action=status.value)
    core.sync_reminders(session, interview_id)


async def remind(core: ServiceCore, interview_id: str, *,
                 actor: str) -> reminder_policy.Scheduled:
    """Nudge the candidate now, or when their quiet hours end; the sweeper sends it."""
    full_id = await core.resolve(interview_id)
    scheduled = await core.tx(_schedule_once, core, full_id, actor, reminder_policy.MANUAL)
    core.wake_sweeper()
    return scheduled


def _schedule_once(session: Session, core: ServiceCore, interview_id: str, actor: str,
                   kind: str) -> reminder_policy.Scheduled:
    interview = session.get(Interview, interview_id)
    assert interview is not None
    if interview.status != Status.ACTIVE:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} is {interview.status}: no reminder is sent to "
            "a paused or ended interview.")
    repo.audit(session, interview_id=interview_id, actor=actor, action="remind")
    return reminder_policy.schedule_once(session, interview, kind,
                                         settings=core.settings.reminders, now=core.clock())


async def extend(core: ServiceCore, interview_id: str, *, actor: str,
                 days: float | None = None, until: datetime | None = None) -> InterviewSummary:
    """Move the deadline later (by `days`, or to `until`); the candidate is told."""
    if (days is None) == (until is None):
        raise InvalidRequestError("Say how long to extend by: days or an until date.")
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        await core.tx(_extend, core, full_id, actor, days, until)
    core.wake_sweeper()
    return await reading.status(core, full_id)


def _extend(session: Session, core: ServiceCore, interview_id: str, actor: str,
            days: float | None, until: datetime | None) -> None:
    interview = session.get(Interview, interview_id)
    assert interview is not None
    if Status(interview.status) not in OPEN_STATUSES:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} is already {interview.status}; it cannot be "
            "extended.")
    now = core.clock()
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
    core.sync_reminders(session, interview_id)
    reminder_policy.schedule_once(session, interview, reminder_policy.EXTENDED,
                                  settings=core.settings.reminders, now=now)


async def forget_candidate(core: ServiceCore, who: str) -> dict[str, int]:
    """Erase a candidate (candidate id, chat user id, or `platform:user id`) with all of
    their interviews, transcripts, evaluations, reminders, events and audit rows; returns
    rows deleted per table. The answer to an erasure request."""
    try:
        counts = await core.tx(reminder_store.forget_candidate, who.strip())
    except reminder_store.CandidateNotFoundError as exc:
        raise InvalidRequestError(
            f"No candidate {who!r}: give the candidate id or their chat user id.") from exc
    except reminder_store.AmbiguousCandidateError as exc:
        raise InvalidRequestError(
            f"{who!r} is a user id on several platforms; name one of: "
            f"{', '.join(exc.args[0])}.") from exc
    await asyncio.to_thread(scrub_erased, core.engine)  # no copy left in SQLite's WAL
    logger.info("erased a candidate's data: %s", counts)
    return counts
