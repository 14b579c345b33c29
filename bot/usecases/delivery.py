"""Posting stored bot messages: each is committed before it is sent and marked delivered
after, so a restarted process posts whatever a crash left unsent, once."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.ports import ConversationRef, OutgoingMessage
from bot.usecases.core import ServiceCore, conversation_of
from storage import repository as repo
from storage import turns
from storage.models import Interview, Turn

logger = logging.getLogger(__name__)


async def deliver(core: ServiceCore, interview_id: str) -> list[OutgoingMessage]:
    """Send every stored, unsent bot message of an interview, oldest first."""
    pending = await core.read(_undelivered, interview_id)
    sent: list[OutgoingMessage] = []
    for conversation, turn in pending:
        message = OutgoingMessage(conversation=conversation, text=turn.text,
                                  kind=turn.kind, question_id=turn.question_id,
                                  turn_id=turn.id, retry_since=retry_since(core, turn.created_at))
        if not await post_stored(core, message):
            break
        sent.append(message)
    return sent


async def post_stored(core: ServiceCore, message: OutgoingMessage) -> list[OutgoingMessage]:
    """Post one stored message and record that it was posted (one write transaction); [] if
    the platform refused it (it stays unsent and goes out with the next delivery)."""
    assert message.turn_id is not None
    try:
        posted = await core.port.post(message)
    except Exception:
        logger.exception("could not post turn %s of %s; will retry", message.turn_id,
                         message.conversation.channel)
        return []
    await core.tx_connection(turns.mark_delivered, message.turn_id,
                             message_id=posted.message_id, at=core.clock())
    return [message]


def retry_since(core: ServiceCore, stored_at: datetime) -> datetime | None:
    """`stored_at` when an earlier process may have posted the thing already (it was stored
    before this one started and is still unmarked), else None: nothing to look up."""
    return stored_at if stored_at < core.started_at else None


def _undelivered(session: Session, interview_id: str) -> list[tuple[ConversationRef, Turn]]:
    interview = session.get(Interview, interview_id)
    if interview is None:
        return []
    conv = conversation_of(interview)
    return [(conv, t) for t in repo.undelivered_bot_turns(session, interview_id)]
