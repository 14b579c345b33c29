"""A candidate's message: the turn path.

One write transaction per message: it stores the message (the first write, so that it is
kept whatever happens next), decides it, applies the decision, and stores the reply; a
second one records that the reply was posted. Deciding and wording run in that
transaction's worker thread, off the event loop, and the row is read once with everything
they need. When the brain is a model (its wording must be awaited) or older work is
pending (an unhandled message, an unsent reply, after a crash), the transaction stores the
message alone and the general path (`process`, then `delivery.deliver`) takes over, as
`recover` does at start-up.

A redelivered message (same platform message id) stores nothing and gets no second reply.
Also here: edits of earlier messages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.brains.base import Composed
from bot.compact_state import current_exchange, running_summary
from bot.conduct import Decision, decide, view_of
from bot.flow import OPEN_STATUSES, Stage, Status
from bot.ports import ConversationRef, IncomingMessage, MessageEdit, OutgoingMessage
from bot.reminders import restart_silence_clock
from bot.role_snapshots import role_snapshot
from bot.scoring.items import ConversationTurn
from bot.usecases import delivery, finishing, late, rights
from bot.usecases.core import ServiceCore, conversation_of
from bot.usecases.wording import word, word_now
from storage import repository as repo
from storage import turns
from storage.models import Candidate
from storage.transient import is_transient_or_integrity, kind_of

logger = logging.getLogger(__name__)

REDIRECTS = 3  # a conversation found to belong to another interview than thought: retries


class EditOutcome(StrEnum):
    APPLIED = "applied"
    NOTED = "noted"
    IGNORED = "ignored"


# What adapters tell a candidate whose edit was recorded for the recruiter but not applied.
EDIT_NOTED_NOTICE = ("I saw your edit. The interview had already moved on, so your first "
                     "answer stands; the recruiter will see both versions.")


class _Conflict(Exception):
    """The interview moved on, or the message was answered, since it was read."""


@dataclass(frozen=True)
class _Taken:
    """What the message's transaction did."""

    interview_id: str | None = None  # None: no interview here, or not its candidate writing
    redirect: bool = False  # it belongs to `interview_id`, not the one locked: nothing written
    stored: bool = False  # False: a redelivered message
    reply: OutgoingMessage | None = None  # stored, to post now
    status: str = ""  # the interview's status after the transaction
    process: bool = False  # left for the general path (model brain, older pending work)
    followup: bool = False  # notices to post or an erasure to run (issue 12)


async def handle_message(core: ServiceCore, message: IncomingMessage, *,
                         stored: Callable[[], Awaitable[None]] | None = None
                         ) -> list[OutgoingMessage]:
    """Store, then answer. A redelivered message stores nothing and gets no second reply.
    `stored` runs once the message's transaction has committed (the adapter acknowledges
    the platform's event there), before anything is posted."""
    conversation = message.conversation
    interview_id = core.known_interview(conversation) or await core.read(
        _interview_id_for, conversation)
    for _ in range(REDIRECTS):
        if interview_id is None:
            return []
        async with core.lock(interview_id):
            taken = await _take_safely(core, message, interview_id)
            if stored is not None and not taken.redirect:
                await stored()
            if taken.redirect:
                interview_id = taken.interview_id
                continue
            if taken.interview_id is None:
                return []
            core.remember(conversation, interview_id)
            if taken.process:
                await process(core, interview_id)
                sent = await delivery.deliver(core, interview_id)
            elif taken.reply is not None:
                sent = await delivery.post_stored(core, taken.reply)
            else:
                sent = []
            if taken.followup or taken.process:
                await rights.after_turn(core, interview_id)  # issue 12: notices, erasure
        if taken.reply is not None and not taken.process:
            await finishing.finish_if_ended(core, interview_id, status=taken.status)
        else:
            await finishing.finish_if_ended(core, interview_id)
        return sent
    logger.warning("message %s: its conversation kept changing interviews; dropped",
                   message.message_id)
    return []


def _interview_id_for(session: Session, conversation: ConversationRef) -> str | None:
    return turns.interview_id_for(session.connection(), platform=conversation.platform,
                                  channel=conversation.channel, thread=conversation.thread)


async def _take_safely(core: ServiceCore, message: IncomingMessage,
                       interview_id: str) -> _Taken:
    """The one transaction; should deciding or applying fail, the message is stored alone
    (and the general path meets the failure again, as before this path existed).

    A lock conflict or a unique key taken first (a turn number, the message's own key) runs
    the transaction again from its start, which re-reads the interview's counter and sees
    the other writer's row: never a reason to lose the message. Only when storing it alone
    fails too does the error reach the adapter, which must not tell the platform it has
    the message."""
    try:
        return await core.tx_connection(_take, core, message, interview_id, True,
                                        retry_if=is_transient_or_integrity)
    except Exception as exc:
        logger.exception("answering a message of interview %s failed (%s); storing it alone",
                         interview_id, kind_of(exc))
        return await core.tx_connection(_take, core, message, interview_id, False,
                                        retry_if=is_transient_or_integrity)


def _take(connection: Connection, core: ServiceCore, message: IncomingMessage,
          expected_id: str, answer: bool) -> _Taken:
    turns.begin_write(connection)
    conv = message.conversation
    row = turns.interview_for_message(connection, platform=conv.platform,
                                      channel=conv.channel, thread=conv.thread)
    if row is None or row.author_id != message.author_id:
        return _Taken()
    if row.id != expected_id:
        return _Taken(row.id, redirect=True)
    key = f"message:{conv.channel}:{message.message_id}"
    if not turns.record_event(connection, platform=conv.platform, event_key=key,
                              interview_id=row.id):
        return _Taken(row.id, status=row.status, process=bool(row.unhandled or row.undelivered))
    if row.status not in turns.OPEN:  # after the end (issue 12): kept within a cap
        stored, reply = late.take(connection, core, row, message, answer=answer)
        return _Taken(row.id, stored=stored, reply=reply, status=row.status, followup=True)
    seq = row.last_turn_seq + 1
    turn_id = turns.insert_turn(connection, interview_id=row.id, seq=seq, speaker="candidate",
                                kind="pending", stage=row.stage, text=message.text,
                                platform_message_id=message.message_id)
    stored = {"last_candidate_at": message.at or core.clock(), "last_turn_seq": seq}
    if answer and not row.unhandled:
        answered = _answer(connection, core, row, turn_id, message.text, stored)
        if answered is not None:
            reply, status, followup = answered
            return _Taken(row.id, stored=True, reply=reply, status=status,
                          process=bool(row.undelivered), followup=followup)
    turns.update_interview(connection, row.id, stored)
    core.sync_reminders_on(connection, row.id)  # an answer restarts the silence clock
    return _Taken(row.id, stored=True, status=row.status, process=True)


def _answer(connection: Connection, core: ServiceCore, row: Any, turn_id: int, text: str,
            stored: dict[str, Any]
            ) -> tuple[OutgoingMessage | None, str, bool] | None:
    """Decide the message, word the reply and store it, inside the message's transaction;
    None (nothing written) when the brain's wording must be awaited."""
    role = role_snapshot(row.role_name, row.role_version,
                         lambda: turns.role_definition(connection, row.role_id))
    ctx = core.context(role=role, candidate_name=row.display_name, resume=row.resume,
                       notice_version=row.consent_version, turn_number=stored["last_turn_seq"])
    view = view_of(row)
    decision = decide(view, role, ctx, text)
    worded = word_now(core, decision, decision.reply_kind)
    if worded is None:
        return None
    reply_text, composed = worded
    status, reply_id = _apply(
        connection, core, interview_id=row.id, version=row.version, turn_id=turn_id,
        answered=view.state.current_question_id(), status=row.status, stage=row.stage,
        decision=decision, text=reply_text, composed=composed,
        values={**stored, "last_turn_seq": stored["last_turn_seq"] + 1}, row=row)
    followup = bool(decision.rights)
    if reply_id is None:  # silent: a person has the interview
        return None, status, followup
    reply = OutgoingMessage(conversation=conversation_of(row), text=reply_text,
                            kind=decision.reply_kind.value, question_id=decision.question_id,
                            turn_id=reply_id)
    return reply, status, followup


def _apply(connection: Connection, core: ServiceCore, *, interview_id: str,
           version: int, turn_id: int, answered: str | None, status: str, stage: str,
           decision: Decision, text: str, composed: Composed | None, values: dict[str, Any],
           row: Any = None) -> tuple[str, int | None]:
    """Write one decision and its reply, only if nobody moved the interview meanwhile (else
    `_Conflict`: the caller's transaction rolls back). Returns the status after and the
    reply's turn id (None for a silent decision: no reply is stored).

    On the turn path (`row`: the interview as the message's transaction read it) a message
    has just arrived, so the reminders restart counting; elsewhere they change only with
    the status."""
    now = core.clock()
    changes: dict[str, Any] = {**decision.changes, "version": version + 1, "updated_at": now,
                               "last_turn_seq": turns.next_turn_seq(), **values}
    if decision.final_status is not None:
        changes.update(status=decision.final_status.value, finished_at=now,
                       end_reason=decision.end_reason, stage=Stage.DONE.value)
    tokens = composed is not None and bool(composed.prompt_tokens or composed.completion_tokens)
    if tokens:
        assert composed is not None
        changes.update(turns.add_tokens(composed.prompt_tokens, composed.completion_tokens))
    if row is not None and not tokens and set(changes) <= set(turns.TURN_STATE):
        full = {name: changes.get(name, getattr(row, name, None)) for name in turns.TURN_STATE}
        seq = turns.write_turn_state(connection, interview_id, full, version=version)
    else:
        seq = turns.update_interview(connection, interview_id, changes, version=version)
    if seq is None or not turns.mark_handled(connection, turn_id, kind=decision.candidate_kind,
                                             question_id=answered):
        raise _Conflict(interview_id)
    reply_id = None if decision.silent else turns.insert_turn(
        connection, interview_id=interview_id, seq=seq, speaker="bot",
        kind=decision.reply_kind.value, stage=changes.get("stage", stage), text=text,
        question_id=decision.question_id)
    if decision.rights:  # issue 12: requests, relays, a confirmed erasure
        rights.record(connection, core, interview_id=interview_id, exercised=decision.rights,
                      turn_id=turn_id)
    if composed is not None and composed.notes:
        turns.audit(connection, interview_id=interview_id, actor=composed.brain,
                    action="reply_fallback", detail={"notes": list(composed.notes)})
    if decision.final_status is not None:
        turns.audit(connection, interview_id=interview_id, actor="flow",
                    action=decision.final_status.value, detail={"reason": decision.end_reason})
    after = changes.get("status", status)
    if row is not None and after == Status.ACTIVE:  # the turn path: the common case
        restart_silence_clock(connection, row, row.timezone, settings=core.settings.reminders,
                              now=now)
    elif row is not None or "status" in changes:
        core.sync_reminders_on(connection, interview_id)
    return after, reply_id


# ------------------------------------------------------------------ the general path


@dataclass(frozen=True)
class _Decided:
    version: int
    turn_id: int
    status: str
    stage: str
    answered: str | None
    decision: Decision


async def process(core: ServiceCore, interview_id: str) -> None:
    """Handle every stored, unhandled candidate turn of one interview, in order."""
    while True:
        decided = await core.read(_decide_next, core, interview_id)
        if decided is None:
            return
        text, composed = await word(core, decided.decision, decided.decision.reply_kind)
        try:
            await core.tx_connection(_apply_decided, core, interview_id, decided, text,
                                     composed)
        except _Conflict:
            logger.info("interview %s changed under us; re-reading", interview_id)


def _decide_next(session: Session, core: ServiceCore, interview_id: str) -> _Decided | None:
    """The next unhandled turn, decided (in this worker thread). The transcript is read only
    for a model brain (its compact state); the offline brain never looks at it."""
    pending = repo.unhandled_candidate_turns(session, interview_id)
    if not pending:
        return None
    turn = pending[0]
    interview, candidate = core.load(session, interview_id)
    role = core.role_of(session, interview)
    ctx = core.context(role=role, candidate_name=candidate.display_name,
                       resume=candidate.resume, notice_version=interview.consent_version,
                       turn_number=turn.seq)
    view = view_of(interview)
    decision = decide(view, role, ctx, turn.text)
    if decision.request is not None and core.brain.name != core.offline.name:
        history = [ConversationTurn(t.speaker, t.kind, t.text, t.question_id)
                   for t in repo.list_turns(session, interview_id) if t.seq <= turn.seq]
        decision.request = replace(decision.request, summary=running_summary(role, history),
                                   exchange=current_exchange(history))
    return _Decided(interview.version, turn.id or 0, interview.status, interview.stage,
                    view.state.current_question_id(), decision)


def _apply_decided(connection: Connection, core: ServiceCore, interview_id: str,
                   decided: _Decided, text: str, composed: Composed | None) -> None:
    turns.begin_write(connection)
    _apply(connection, core, interview_id=interview_id, version=decided.version,
           turn_id=decided.turn_id, answered=decided.answered, status=decided.status,
           stage=decided.stage, decision=decided.decision, text=text, composed=composed,
           values={})


# ------------------------------------------------------------------ edits


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
    if interview is not None:  # locked before its turns are read: a racing turn waits
        interview = repo.locked_interview(session, interview.id)
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
