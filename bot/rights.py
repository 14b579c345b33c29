"""What the bot does when a candidate exercises a right, as pure decisions over the same
snapshot `bot.conduct` decides on: a person instead of the AI, the erasure of their data,
an explanation of their score, and silence while a person has the conversation.

Each decision names what must be recorded with it (`Decision.rights`): an audit row, a
handover, a notice for the recruiter channel, a confirmed erasure. The turn's transaction
writes those (`bot.usecases.humans.record`) beside the decision itself, so a request is
never half-taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flow import Kind, Status
from bot.intents import control_word, is_confirmation
from bot.requests import Request, clauses, confirms_erasure, requests_in

if TYPE_CHECKING:  # conduct imports this module
    from bot.conduct import Decision, InterviewView
    from bot.roles import Role

# What a decision asks the turn's transaction to record.
PERSON = "person"
EXPLANATION = "explanation"
ERASURE_ASKED = "erasure_asked"
ERASURE_CONFIRMED = "erasure_confirmed"
ERASURE_DECLINED = "erasure_declined"
RELAY = "relay"  # a message while a person has the interview: the recruiters see it
PERSON_AFTER_END = "person_after_end"  # asked for a person once the interview had ended
LATE = "late"  # the first message after the end: the recruiters are told, once

REQUEST_KIND = "request"  # candidate turns that ask for a right: never scored
HANDOVER_KIND = "handover"  # candidate turns while a person has the interview

PERSON_ACK = (
    "Of course. I've stopped the interview questions and asked the hiring team for a person "
    "to take over: someone will reply to you here. Everything you've written so far is kept "
    "for them, and I won't send you any reminders.")
EXPLANATION_ACK = (
    "I've passed your question about your score to the hiring team, and a person will answer "
    "you. Scores are reviewed by people; I never make the decision.")
ERASURE_PROMPT = (
    "You asked for your data to be erased. That removes everything stored about you here: "
    "your interviews with us, every message you've written, your résumé, the scores and "
    "reports, reminders and the interview's history (only a note that an erasure happened, "
    "with nothing about you, is kept). It can't be undone, and any open interview ends. Reply "
    "`yes` to erase it now, or anything else to keep it.")
ERASURE_KEPT = "Understood: nothing has been erased."
ERASED = (
    "Done: everything stored about you here has been erased ({interviews}). The messages "
    "themselves stay in this chat, where you can delete your own. The hiring team has been "
    "told.")
PERSON_AFTER_END_TEXT = (
    "I've asked the hiring team for a person to get in touch with you about this interview.")
LATE_REPLY = (
    "Thanks for your message. This interview has ended, so I can't take further answers "
    "here; your message is kept for the hiring team, and they will be in touch.")
LATE_REPLY_NOT_KEPT = (
    "Thanks for your message. This interview has ended and has reached the number of "
    "messages I can keep after the end, so this one was not saved. Please contact the "
    "recruiter directly.")

DECLINE = frozenset({"no", "nope", "no thanks", "no thank you", "cancel", "keep it",
                      "keep them", "keep my data", "don't", "do not", "dont", "stop",
                      "never mind", "nevermind", "not now", "wait"})


def decide_rights(view: InterviewView, role: Role, text: str) -> Decision | None:
    """The decision when the message exercises a right or the interview is with a person;
    None when the ordinary flow should decide. Control words come first, except while a
    person has the interview (the bot then stays quiet); a request comes before anything
    that reads the message as an answer."""
    from bot.conduct import Decision

    if view.awaiting_erasure_confirmation:
        decided = _erasure_confirmation(view, role, text)
        if decided is not None:
            return decided
    handed_over = view.status is Status.HANDED_OVER
    if not handed_over and control_word(text) is not None:
        return None
    if view.awaiting_withdraw_confirmation and is_confirmation(text):
        return None
    asked = requests_in(text)
    if handed_over:
        if Request.ERASURE in asked:
            return _answer_requests(view, role, {Request.ERASURE})
        return Decision(HANDOVER_KIND, Kind.NOTICE, fixed_text="", silent=True, rights=(RELAY,))
    if not asked:
        return None
    return _answer_requests(view, role, asked)


def _answer_requests(view: InterviewView, role: Role, asked: set[Request]) -> Decision:
    from bot.conduct import Decision, restate_current

    parts: list[str] = []
    changes: dict[str, object] = {}
    rights: list[str] = []
    if view.awaiting_withdraw_confirmation:
        changes["awaiting_withdraw_confirmation"] = False
    if Request.PERSON in asked and view.status is not Status.HANDED_OVER:
        changes["status"] = Status.HANDED_OVER.value
        parts.append(PERSON_ACK)
        rights.append(PERSON)
    if Request.EXPLANATION in asked:
        parts.append(EXPLANATION_ACK)
        rights.append(EXPLANATION)
    if Request.ERASURE in asked:
        changes["awaiting_erasure_confirmation"] = True
        parts.append(ERASURE_PROMPT)
        rights.append(ERASURE_ASKED)
    question_id = None
    if rights == [EXPLANATION] and view.status is Status.ACTIVE:
        parts.append("Meanwhile, let's carry on. " + restate_current(view, role))
        question_id = view.state.current_question_id()
    elif rights == [EXPLANATION] and view.status is Status.PAUSED:
        parts.append("Your interview stays paused; reply `resume` when you're ready.")
    return Decision(REQUEST_KIND, Kind.NOTICE, changes=changes, fixed_text=" ".join(parts),
                    question_id=question_id, rights=tuple(rights))


def _erasure_confirmation(view: InterviewView, role: Role, text: str) -> Decision | None:
    """The reply to "reply `yes` to erase": yes erases (after this transaction), a no keeps
    everything, and anything else is read as usual with the question dropped."""
    from bot.conduct import Decision, restate_current

    cleared = {"awaiting_erasure_confirmation": False}
    if confirms_erasure(text):
        return Decision("confirmation", Kind.NOTICE, changes=cleared, fixed_text="", silent=True,
                        rights=(ERASURE_CONFIRMED,))
    if " ".join(clauses(text)) not in DECLINE:
        return None  # conduct drops the question (`clear_pending`) and reads this as usual
    more = ""
    question_id = None
    if view.status is Status.ACTIVE:
        more = " Let's carry on. " + restate_current(view, role)
        question_id = view.state.current_question_id()
    elif view.status is Status.HANDED_OVER:
        more = " A person from the hiring team will reply to you here."
    return Decision("control", Kind.NOTICE, changes=cleared, fixed_text=ERASURE_KEPT + more,
                    question_id=question_id, rights=(ERASURE_DECLINED,))


def clear_pending(view: InterviewView, decision: Decision) -> Decision:
    """A pending erasure question is dropped by whatever else the candidate says."""
    if view.awaiting_erasure_confirmation:
        decision.changes.setdefault("awaiting_erasure_confirmation", False)
    return decision
