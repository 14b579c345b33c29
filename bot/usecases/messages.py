"""A candidate's message: stored before anything else happens with it, then decided by the
flow, answered, and the answer stored before it is sent. Also edits of earlier messages.

A redelivered message (same platform message id) stores nothing and gets no second reply.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.brains.base import Composed
from bot.compact_state import current_exchange, running_summary
from bot.conduct import Decision, decide, view_of
from bot.flow import OPEN_STATUSES, Stage, Status
from bot.ports import IncomingMessage, MessageEdit, OutgoingMessage
from bot.roles import Role
from bot.scoring_items import ConversationTurn
from bot.usecases import delivery, finishing
from bot.usecases.core import ServiceCore
from bot.usecases.wording import word
from storage import repository as repo
from storage.models import Candidate, Interview, Turn

logger = logging.getLogger(__name__)


class EditOutcome(StrEnum):
    APPLIED = "applied"
    NOTED = "noted"
    IGNORED = "ignored"


# What adapters tell a candidate whose edit was recorded for the recruiter but not applied.
EDIT_NOTED_NOTICE = ("I saw your edit. The interview had already moved on, so your first "
                     "answer stands; the recruiter will see both versions.")


async def handle_message(core: ServiceCore, message: IncomingMessage) -> list[OutgoingMessage]:
    """Store, then answer. A redelivered message stores nothing and gets no second reply."""
    stored = await core.tx(_store_incoming, core, message)
    if stored is None:
        return []
    interview_id, is_new = stored
    async with core.lock(interview_id):
        if is_new or await core.tx(repo.unhandled_candidate_turns, interview_id):
            await process(core, interview_id)
        sent = await delivery.deliver(core, interview_id)
    await finishing.finish_if_ended(core, interview_id)
    return sent


def _store_incoming(session: Session, core: ServiceCore,
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
    interview.last_candidate_at = message.at or core.clock()
    session.add(interview)
    core.sync_reminders(session, interview.id)  # an answer restarts the silence clock
    return interview.id, True


async def process(core: ServiceCore, interview_id: str) -> None:
    """Handle every stored, unhandled candidate turn of one interview, in order."""
    while True:
        snapshot = await core.tx(_snapshot, core, interview_id)
        if snapshot is None:
            return
        interview, candidate, role, turn, history = snapshot
        ctx = core.context(interview, candidate, role, turn.seq)
        decision = decide(view_of(interview), role, ctx, turn.text)
        if decision.request is not None and history is not None:
            decision.request = replace(decision.request,
                                       summary=running_summary(role, history),
                                       exchange=current_exchange(history))
        text, composed = await word(core, decision, decision.reply_kind)
        applied = await core.tx(_apply, core, interview.id, interview.version, turn.id,
                                decision, text, composed)
        if not applied:
            logger.info("interview %s changed under us; re-reading", interview_id)


def _snapshot(session: Session, core: ServiceCore, interview_id: str
              ) -> tuple[Interview, Candidate, Role, Turn,
                         list[ConversationTurn] | None] | None:
    """The next unhandled turn with what deciding it needs. The transcript is read only
    for a model brain (its compact state); the offline brain never looks at it."""
    pending = repo.unhandled_candidate_turns(session, interview_id)
    if not pending:
        return None
    interview, candidate = core.load(session, interview_id)
    history = None
    if core.brain.name != core.offline.name:
        history = [ConversationTurn(t.speaker, t.kind, t.text, t.question_id)
                   for t in repo.list_turns(session, interview_id)
                   if t.seq <= pending[0].seq]
    return interview, candidate, core.role_of(session, interview), pending[0], history


def _apply(session: Session, core: ServiceCore, interview_id: str, version: int,
           turn_id: int, decision: Decision, text: str, composed: Composed | None) -> bool:
    """Commit one decision, only if nobody else moved the interview meanwhile."""
    interview = session.get(Interview, interview_id)
    turn = session.get(Turn, turn_id)
    if interview is None or turn is None or turn.handled:
        return False
    now = core.clock()
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
        core.sync_reminders(session, interview_id)
    return True


async def amend_message(core: ServiceCore, edit: MessageEdit) -> EditOutcome:
    """An edit of the answer to the question still being discussed replaces it (the
    candidate fixed a typo before moving on); an edit of anything earlier is recorded
    for the recruiter but not applied, so what was scored is what was answered."""
    outcome = await core.tx(_amend, core, edit)
    logger.info("edit of message %s: %s", edit.message_id, outcome)
    return outcome


def _amend(session: Session, core: ServiceCore, edit: MessageEdit) -> EditOutcome:
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
    turn.edited_at = edit.at or core.clock()
    session.add(turn)
    return EditOutcome.APPLIED
