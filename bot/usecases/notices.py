"""Notices for the recruiter channel: stored in the transaction that caused them (a
request, a relayed message, late messages), posted after it, oldest first, and marked
posted. A notice the platform refuses (the channel fails its audience check, the network
is down) stays stored and goes out with the interview's next turn or at the next start.
A notice posted under another waits until that one is posted."""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot.ports import TeamNotice
from bot.usecases.core import ServiceCore, conversation_of
from storage import humans as store
from storage.models import Interview, RecruiterNotice

logger = logging.getLogger(__name__)

MAX_PER_CALL = 200  # one call posts at most this many (a long relay backlog goes in parts)


async def post_notices(core: ServiceCore, interview_id: str) -> int:
    """Post the interview's stored notices; how many went out."""
    posted = 0
    for _ in range(MAX_PER_CALL):
        found = await core.read(_next_notice, interview_id)
        if found is None:
            return posted
        notice_id, notice = found
        try:
            sent = await core.port.post_to_recruiters(notice)
        except Exception as exc:
            logger.warning("notice %s (%s) of interview %s not posted yet: %s", notice_id,
                           notice.kind, interview_id[:8], type(exc).__name__)
            return posted
        await core.tx(_mark_posted, core, notice_id, sent.message_id)
        posted += 1
    return posted


def _next_notice(session: Session, interview_id: str) -> tuple[int, TeamNotice] | None:
    pending = store.unposted_notices(session, interview_id)
    if not pending:
        return None
    notice = pending[0]
    reply_to = None
    if notice.parent_id is not None:
        parent = session.get(RecruiterNotice, notice.parent_id)
        if parent is not None and parent.posted_at is None:
            return None  # its thread does not exist yet: the parent goes first
        reply_to = parent.message_id if parent is not None else None
    interview = session.get(Interview, interview_id)
    assert interview is not None
    candidate = store.candidate_of(session, interview)
    assert notice.id is not None
    return notice.id, TeamNotice(
        interview_id=interview_id, kind=notice.kind, text=notice.text,
        candidate_name=candidate.display_name, candidate_id=candidate.platform_user_id,
        conversation=conversation_of(interview), quote=notice.quote, reply_to=reply_to or None,
        actions=tuple(notice.actions), notice_id=notice.id)


def _mark_posted(session: Session, core: ServiceCore, notice_id: int, message_id: str) -> None:
    notice = session.get(RecruiterNotice, notice_id)
    if notice is not None:
        notice.posted_at = core.clock()
        notice.message_id = message_id or None
        session.add(notice)
