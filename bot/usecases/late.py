"""Messages in a finished interview's thread (issue 12, point 6).

They are stored, within a cap per interview (`LATE_MESSAGES` messages or `LATE_CHARS`
characters; beyond it a message is counted, its text not kept), answered with one polite
reply an hour at most, and the recruiters are told once that late messages arrived. A
candidate's requests still work after the end: an erasure (asked, then confirmed), a
person, an explanation; those messages are always stored, cap or not.

Runs inside the transaction that took the message (after its platform id was recorded,
so a redelivered event gets neither a second copy nor a second reply).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot import rights
from bot.flow import Kind
from bot.ports import ConversationRef, IncomingMessage, MessageEdit, OutgoingMessage
from bot.requests import Request, clauses, confirms_erasure, requests_in
from bot.usecases.core import ServiceCore, conversation_of
from bot.usecases.rights import record_in
from storage import humans as store
from storage import repository as repo
from storage import turns as turn_store
from storage.models import AuditEvent, Interview

LATE_MESSAGES = 20
LATE_CHARS = 20_000
REPLY_EVERY = timedelta(hours=1)


def take(connection: Connection, core: ServiceCore, row: Any, message: IncomingMessage, *,
         answer: bool = True) -> tuple[bool, OutgoingMessage | None]:
    """Store (or count) one message after the end and word the reply, if any is due.
    Returns whether the message was stored, and the stored reply to post."""
    with Session(bind=connection, expire_on_commit=False) as session:
        interview = session.get(Interview, row.id)
        assert interview is not None
        stored, reply = _take(session, core, interview, message, answer)
        session.flush()
        if reply is None:
            return stored, None
        turn = repo.add_turn(session, interview_id=interview.id, speaker="bot",
                             kind=reply[0], stage=interview.stage, text=reply[1])
        session.flush()
        return stored, OutgoingMessage(conversation_of(interview), reply[1], kind=reply[0],
                                       turn_id=turn.id)


def _take(session: Session, core: ServiceCore, interview: Interview,
          message: IncomingMessage, answer: bool) -> tuple[bool, tuple[str, str] | None]:
    text = message.text
    now = core.clock()

    def keep(kind: str) -> None:
        repo.add_turn(session, interview_id=interview.id, speaker="candidate", kind=kind,
                      stage=interview.stage, text=text, platform_message_id=message.message_id,
                      handled=True)

    if not answer:  # answering failed once: the message is kept, nothing more is done
        keep(store.LATE_KIND)
        return True, None
    notice = Kind.NOTICE.value
    if interview.awaiting_erasure_confirmation:
        interview.awaiting_erasure_confirmation = False
        session.add(interview)
        if confirms_erasure(text):
            keep("confirmation")
            record_in(session, core, interview, [rights.ERASURE_CONFIRMED], text)
            return True, None
        if " ".join(clauses(text)) in rights.DECLINE:
            keep("control")
            record_in(session, core, interview, [rights.ERASURE_DECLINED], text)
            return True, (notice, rights.ERASURE_KEPT)
    asked = requests_in(text)
    if Request.ERASURE in asked:
        keep(rights.REQUEST_KIND)
        interview.awaiting_erasure_confirmation = True
        session.add(interview)
        record_in(session, core, interview, [rights.ERASURE_ASKED], text)
        return True, (notice, rights.ERASURE_PROMPT)
    if asked:
        keep(rights.REQUEST_KIND)
        exercised = [rights.PERSON_AFTER_END] if Request.PERSON in asked else []
        exercised += [rights.EXPLANATION] if Request.EXPLANATION in asked else []
        record_in(session, core, interview, exercised, text)
        said = ([rights.PERSON_AFTER_END_TEXT] if Request.PERSON in asked else []) + (
            [rights.EXPLANATION_ACK] if Request.EXPLANATION in asked else [])
        return True, (notice, " ".join(said))
    return _late_message(session, core, interview, text, keep, now)


def _late_message(session: Session, core: ServiceCore, interview: Interview, text: str,
                  keep: Any, now: Any) -> tuple[bool, tuple[str, str] | None]:
    count, chars = store.late_messages(session, interview.id)
    stored = count < LATE_MESSAGES and chars + len(text) <= LATE_CHARS
    if stored:
        keep(store.LATE_KIND)
        if not store.has_notice(session, interview.id, "late_messages"):
            record_in(session, core, interview, [rights.LATE], text)
    else:
        interview.late_messages_dropped += 1
        session.add(interview)
    last = store.last_late_reply_at(session, interview.id)
    if last is not None and now - last < REPLY_EVERY:
        return stored, None
    # The hourly limit counts on the service's clock, from this audit row. The reply is a
    # closing message, as the end's own are: nothing more is asked.
    session.add(AuditEvent(interview_id=interview.id, actor="flow",
                           action=store.LATE_REPLY_ACTION, created_at=now))
    return stored, (Kind.CLOSING.value,
                    rights.LATE_REPLY if stored else rights.LATE_REPLY_NOT_KEPT)


# ------------------------------------------------------------------ notices once per event


async def claim_notice(core: ServiceCore, conversation: ConversationRef, key: str) -> bool:
    """True the first time a platform event asks for a notice to the candidate (a file
    without text, a late edit), False on its redelivery: each event gets one notice. False
    too where no interview lives: nobody there to notify."""
    interview_id = core.known_interview(conversation) or await core.read(
        _interview_id_for, conversation)
    if interview_id is None:
        return False
    return await core.tx_connection(_claim, conversation, key, interview_id)


def _interview_id_for(session: Session, conversation: ConversationRef) -> str | None:
    return turn_store.interview_id_for(session.connection(), platform=conversation.platform,
                                       channel=conversation.channel,
                                       thread=conversation.thread)


def _claim(connection: Connection, conversation: ConversationRef, key: str,
           interview_id: str) -> bool:
    turn_store.begin_write(connection)
    return turn_store.record_event(connection, platform=conversation.platform,
                                   event_key=f"notice:{conversation.channel}:{key}"[:200],
                                   interview_id=interview_id)


def edit_key(edit: MessageEdit) -> str:
    """One edit event: the message and when it was edited (the same on a redelivery)."""
    when = edit.at.isoformat() if edit.at is not None else hashlib.sha256(
        edit.text.encode()).hexdigest()[:16]
    return f"edit:{edit.message_id}:{when}"
