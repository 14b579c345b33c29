"""Posting stored bot messages: each is committed before it is sent and marked delivered
after, so a restarted process posts whatever a crash left unsent, once."""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot.ports import ConversationRef, OutgoingMessage
from bot.usecases.core import ServiceCore, conversation_of
from storage import repository as repo
from storage.models import Interview, Turn

logger = logging.getLogger(__name__)


async def deliver(core: ServiceCore, interview_id: str) -> list[OutgoingMessage]:
    """Send every stored, unsent bot message of an interview, oldest first."""
    pending = await core.tx(_undelivered, interview_id)
    sent: list[OutgoingMessage] = []
    for conversation, turn in pending:
        message = OutgoingMessage(conversation=conversation, text=turn.text,
                                  kind=turn.kind, question_id=turn.question_id,
                                  turn_id=turn.id)
        try:
            posted = await core.port.post(message)
        except Exception:
            logger.exception("could not post turn %s of %s; will retry", turn.seq,
                             interview_id)
            break
        await core.tx(_mark_delivered, core, turn.id, posted.message_id)
        sent.append(message)
    return sent


def _undelivered(session: Session, interview_id: str) -> list[tuple[ConversationRef, Turn]]:
    interview = session.get(Interview, interview_id)
    if interview is None:
        return []
    conv = conversation_of(interview)
    return [(conv, t) for t in repo.undelivered_bot_turns(session, interview_id)]


def _mark_delivered(session: Session, core: ServiceCore, turn_id: int, message_id: str) -> None:
    turn = session.get(Turn, turn_id)
    if turn is not None:
        turn.delivered_at = core.clock()
        turn.platform_message_id = message_id
        session.add(turn)
