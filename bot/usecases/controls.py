"""Controls over an interview under way: the recruiter's (cancel, pause, resume, remind,
extend) and the candidate's own (withdraw, pause), plus erasure of a candidate's data.

Each status change and the message telling the candidate about it are stored in one
transaction, then the message is sent."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.errors import AmbiguousCandidateError, InvalidRequestError
from bot.flow import OPEN_STATUSES, Kind, Stage, Status
from bot.usecases import delivery, reading
from bot.usecases.core import ServiceCore, leave_no_copy
from bot.usecases.reading import InterviewSummary
from storage import erasure as erasure_store
from storage import repository as repo

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
    interview = repo.locked_interview(session, interview_id)
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
    interview = repo.locked_interview(session, interview_id)
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
    interview = repo.locked_interview(session, interview_id)
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


async def forget_candidate(core: ServiceCore, who: str, *, platform: str | None = None,
                           workspaces: Sequence[str] | None = None,
                           actor: str = "cli") -> dict[str, int]:
    """Erase a candidate with all of their interviews (within the platform and workspaces
    given: the adapters pass theirs), transcripts, evaluations, reminders, events and audit
    rows; returns rows deleted per table, and leaves one `erasure_log` row with counts only.
    `who` is a name, a candidate or interview id (or prefix), or a chat user. The answer
    to an erasure request."""
    scope = erasure_store.Scope(platform, tuple(workspaces) if workspaces is not None else None)

    def run(session: Session) -> dict[str, int]:
        match = _resolve(session, who, scope)
        return erasure_store.erase(session, match.candidate_id, scope, requested_by=actor)

    counts = await core.tx(run)
    await leave_no_copy(core.engine)
    logger.info("erased a candidate's data: %s", counts)
    return counts


async def find_candidate(core: ServiceCore, who: str, *, platform: str | None = None,
                         workspaces: Sequence[str] | None = None) -> erasure_store.Match:
    """Whom `forget` would erase (for its preview), or the same readable errors."""
    scope = erasure_store.Scope(platform, tuple(workspaces) if workspaces is not None else None)
    return await core.read(_resolve, who, scope)


def _resolve(session: Session, who: str, scope: erasure_store.Scope) -> erasure_store.Match:
    try:
        return erasure_store.find_candidate(session, who, scope)
    except erasure_store.NoCandidateError as exc:
        raise InvalidRequestError(
            f"No candidate {who.strip()!r}: give their name, the candidate id or an interview "
            "id (`status` shows both), or their chat user id.") from exc
    except erasure_store.SeveralCandidatesError as exc:
        listed = "; ".join(describe_match(m) for m in exc.matches[:10])
        raise AmbiguousCandidateError(
            f"{who.strip()!r} matches {len(exc.matches)} candidates: {listed}. Say which one "
            "with its candidate id.", list(exc.matches)) from exc


def describe_match(match: erasure_store.Match) -> str:
    """"Ada Lovelace (candidate 1f2e3d4c, slack:U123; interviews 3f9c2a1b database-
    administrator completed)": enough to tell two people of the same name apart."""
    interviews = ", ".join(f"{i[:8]} {role} {status}" for i, role, status in match.interviews[:3])
    more = f" and {len(match.interviews) - 3} more" if len(match.interviews) > 3 else ""
    held = f"; interviews {interviews}{more}" if interviews else "; no interviews"
    return (f"{match.name} (candidate {match.candidate_id[:8]}, "
            f"{match.platform}:{match.platform_user_id}{held})")
