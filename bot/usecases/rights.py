"""A candidate's rights, as the service carries them out (issue 12).

- `record`: inside the transaction that stores the candidate's message and the bot's
  decision, what the decision names (`bot.rights`): the audit row, the handover, the
  notice for the recruiter channel, the end of nudges, a confirmed erasure. Nothing about a
  request is written anywhere else, so it is taken whole or not at all.
- `after_turn`: after that transaction, post the notices and run a confirmed erasure.
- `erase_confirmed`: the same erasure as `forget`, then the candidate and the recruiters
  are told; only an `erasure_log` row with counts remains.
- `recover`: what a crash left (unposted notices, a confirmed erasure not yet run).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot import reminders as reminder_policy
from bot import rights
from bot.ports import OutgoingMessage, TeamNotice
from bot.usecases import notices
from bot.usecases.core import ServiceCore, conversation_of, leave_no_copy
from storage import erasure as erasure_store
from storage import humans as store
from storage import repository as repo
from storage.models import Handover, Interview, Turn

logger = logging.getLogger(__name__)

PERSON_NOTICE = (
    "**{candidate}** asked to speak to a person instead of the AI interviewer ({role}, "
    "interview `{short}`). The bot has stopped asking questions and sends them no reminders. "
    "Take over to talk with them; hand back to let the bot carry on where it stopped.")
PERSON_AFTER_END_NOTICE = (
    "**{candidate}** asked to speak to a person after their interview ended ({role}, "
    "interview `{short}`). They were told someone from the hiring team will be in touch.")
EXPLANATION_NOTICE = (
    "**{candidate}** asked why they got their score ({role}, interview `{short}`); they "
    "were told a person will answer. `interview-bot export {short}` has the transcript, "
    "every score and its justification.")
ERASED_NOTICE = (
    "A candidate asked for their data to be erased, and it has been: interview `{short}` "
    "({role}) with everything stored about them, {rows} rows in all. Reports and notices "
    "already posted here stay: delete them in the chat if they must go too.")
RELAY_NOTICE = "**{candidate}**:"
LATE_NOTICE = (
    "**{candidate}** wrote in the thread of interview `{short}` ({role}) after it ended. "
    "Their messages are kept with the transcript (`interview-bot export {short}`), up to "
    "20 messages or 20,000 characters; you are told once. The first one:")


def record(connection: Connection, core: ServiceCore, *, interview_id: str,
           exercised: Sequence[str], turn_id: int) -> None:
    """Write what a decision's rights name, in the caller's transaction."""
    with Session(bind=connection, expire_on_commit=False) as session:
        interview = session.get(Interview, interview_id)
        turn = session.get(Turn, turn_id)
        assert interview is not None
        record_in(session, core, interview, exercised, turn.text if turn is not None else "")
        session.flush()


def record_in(session: Session, core: ServiceCore, interview: Interview,
              exercised: Sequence[str], words: str) -> None:
    """`record` on a session the caller holds (the after-the-end path)."""
    fields = {"role": core.role_of(session, interview).title, "short": interview.id[:8]}
    for right in exercised:
        _record_one(session, core, interview, right, words, fields)


def _record_one(session: Session, core: ServiceCore, interview: Interview, right: str,
                words: str, fields: dict[str, str]) -> None:
    now = core.clock()
    iid = interview.id
    if right == rights.PERSON:
        alert = store.add_notice(session, interview_id=iid, kind="person_request",
                                 text=_fill(PERSON_NOTICE, fields), quote=words,
                                 actions=("takeover",), at=now)
        session.add(Handover(interview_id=iid, requested_by="candidate", requested_at=now,
                             alert_notice_id=alert.id))
        stop_nudges(session, core, interview)
        repo.audit(session, interview_id=iid, actor="candidate", action="person_requested")
    elif right == rights.EXPLANATION:
        store.add_notice(session, interview_id=iid, kind="explanation_request",
                         text=_fill(EXPLANATION_NOTICE, fields), quote=words, at=now)
        repo.audit(session, interview_id=iid, actor="candidate",
                   action="explanation_requested")
    elif right == rights.ERASURE_ASKED:
        repo.audit(session, interview_id=iid, actor="candidate", action="erasure_requested")
    elif right == rights.ERASURE_DECLINED:
        repo.audit(session, interview_id=iid, actor="candidate", action="erasure_declined")
    elif right == rights.ERASURE_CONFIRMED:
        interview.erasure_confirmed_at = now
        session.add(interview)
        repo.audit(session, interview_id=iid, actor="candidate", action="erasure_confirmed")
    elif right == rights.PERSON_AFTER_END:
        store.add_notice(session, interview_id=iid, kind="person_request",
                         text=_fill(PERSON_AFTER_END_NOTICE, fields), quote=words, at=now)
        stop_nudges(session, core, interview)
        repo.audit(session, interview_id=iid, actor="candidate", action="person_requested")
    elif right == rights.LATE:
        store.add_notice(session, interview_id=iid, kind="late_messages",
                         text=_fill(LATE_NOTICE, fields), quote=words, at=now)
    elif right == rights.RELAY:
        handover = store.open_handover(session, iid)
        store.add_notice(session, interview_id=iid, kind="relay", text=RELAY_NOTICE,
                         quote=words, parent_id=handover.alert_notice_id if handover else None,
                         at=now)
    else:  # pragma: no cover - a right bot.rights names but nobody records
        raise ValueError(f"unknown right {right!r}")


def _fill(template: str, fields: dict[str, str]) -> str:
    """The template with role and id filled in; "{candidate}" is left for the adapter,
    which escapes the name."""
    return template.replace("{role}", fields["role"]).replace("{short}", fields["short"])


def stop_nudges(session: Session, core: ServiceCore, interview: Interview) -> None:
    """The candidate asked for a person: the interview's own reminder policy sends them no
    nudge again, whatever its status later (a recruiter's `remind` still goes)."""
    policy = reminder_policy.policy_of(interview, core.settings.reminders)
    flow = dict(interview.flow)
    flow["reminders"] = {**policy.to_dict(), "nudges": False}
    interview.flow = flow  # reassigned: JSON columns do not track changes in place
    session.add(interview)


# ------------------------------------------------------------------ after the turn


async def after_turn(core: ServiceCore, interview_id: str) -> None:
    """Post what the turn left for the recruiters, and run an erasure it confirmed."""
    pending = await core.read(_erasure_pending, interview_id)
    if pending:
        await erase_confirmed(core, interview_id)
        return
    await notices.post_notices(core, interview_id)


def _erasure_pending(session: Session, interview_id: str) -> bool:
    interview = session.get(Interview, interview_id)
    return interview is not None and interview.erasure_confirmed_at is not None


@dataclass(frozen=True)
class _Erasing:
    candidate_id: str
    notice: TeamNotice
    interviews: int


async def erase_confirmed(core: ServiceCore, interview_id: str) -> dict[str, int] | None:
    """The candidate confirmed: erase everything about them on this platform (as `forget`
    does), then tell them (a message that is not stored: nothing may remain) and the
    recruiters. Rows deleted per table; None if there was nothing to erase."""
    erasing = await core.read(_erasing, core, interview_id)
    if erasing is None:
        return None
    counts = await core.tx(erasure_store.erase, erasing.candidate_id,
                           requested_by="candidate")
    await leave_no_copy(core.engine)
    logger.info("erased a candidate's data at their request: %s", counts)
    conversation = erasing.notice.conversation
    shown = f"{erasing.interviews} interview" + ("" if erasing.interviews == 1 else "s")
    try:
        await core.port.post(OutgoingMessage(conversation, rights.ERASED.format(
            interviews=shown), kind="notice"))
    except Exception as exc:
        logger.warning("could not tell a candidate their data was erased: %s",
                       type(exc).__name__)
    notice = replace(erasing.notice, text=erasing.notice.text.replace(
        "{rows}", str(sum(counts.values()))))
    try:
        await core.port.post_to_recruiters(notice)
    except Exception as exc:
        logger.warning("could not tell the recruiters about an erasure: %s",
                       type(exc).__name__)
    return counts


def _erasing(session: Session, core: ServiceCore, interview_id: str) -> _Erasing | None:
    interview = session.get(Interview, interview_id)
    if interview is None:
        return None
    candidate = store.candidate_of(session, interview)
    interviews = len(repo.list_interviews(session, candidate_ids=[candidate.id], limit=1000))
    fields = {"role": core.role_of(session, interview).title, "short": interview_id[:8]}
    # Built before the erasure: afterwards there is nothing left to build it from. It holds
    # nothing about the person (no name, no words), only the interview's id and role.
    notice = TeamNotice(interview_id=interview_id, kind="erasure",
                        text=_fill(ERASED_NOTICE, fields), candidate_name="",
                        candidate_id=candidate.platform_user_id,
                        conversation=conversation_of(interview))
    return _Erasing(candidate.id, notice, interviews)


async def recover(core: ServiceCore, *, platform: str | None = None) -> int:
    """Finish what a previous process left: confirmed erasures, unposted notices."""
    pending = await core.read(store.interviews_with_human_work, platform=platform)
    for interview_id in pending:
        try:
            async with core.lock(interview_id):
                await after_turn(core, interview_id)
        except Exception:
            logger.exception("could not finish interview %s's notices or erasure; will retry",
                             interview_id[:8])
    return len(pending)


# What the report says about requests and people (audit action → sentence).
_REPORT_NOTES = (
    ("person_requested", "The candidate asked to speak to a person instead of the AI "
                         "interviewer; the bot stopped asking questions."),
    ("takeover", "A recruiter took the interview over and talked with the candidate; those "
                 "messages are in the transcript and are not scored."),
    ("explanation_requested", "The candidate asked why they got their score; a person "
                              "should answer them."),
    ("erasure_declined", "The candidate asked about erasing their data, then chose to keep "
                         "it."),
)


def report_notes(session: Session, interview_id: str) -> list[str]:
    """The report's notes on a candidate's requests and on any person who stepped in."""
    return [note for action, note in _REPORT_NOTES
            if repo.count_audit(session, interview_id=interview_id, action=action)]
