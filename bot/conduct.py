"""How the bot responds to one candidate message: control words first, then the flow.

Pure decisions over a snapshot of the interview; the service stores and sends the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.brains.base import ComposeRequest, InterviewContext
from bot.brains.offline import OfflineBrain
from bot.candidate_acts import Act, classify, role_questions
from bot.flow import (
    INTRO_ID,
    PROJECT_ID,
    FlowConfig,
    FlowState,
    Kind,
    Reading,
    Stage,
    Status,
    advance,
)
from bot.intents import (
    Control,
    InjectionMemo,
    control_word,
    has_question,
    injection_attempt,
    is_blank,
    is_confirmation,
    says_no_more_questions,
    strip_injection,
)
from bot.requests import candidate_help
from bot.rights import clear_pending, decide_rights
from bot.roles import Question, Role
from bot.scoring.matching import Evidence
from bot.scoring.rubric import coverage, project_points
from bot.small_words import clarification, small_talk_reply
from bot.text import word_count

THIN_COVERAGE = 0.4
INJECTION_KIND = "injection"
THIN_WORDS = 25
# An answer with two sentences that only guess, or one in three, is a hedged answer.
HEDGED_SENTENCES = 2
HEDGED_SHARE = 3
PROJECT_THIN_WORDS = 30
# Reading a message (control words, rubric coverage, questions, injection) costs about a
# millisecond per thousand characters, inside the transaction that stores it. Its first
# 3,000 characters (about 450 words) settle whether an answer is thin or asks something; a
# longer message is stored and scored whole, but read for the flow only that far.
READ_LIMIT = 3_000


@dataclass(frozen=True)
class InterviewView:
    """The parts of an interview row the decision needs (keeps this module storage-free)."""

    status: Status
    state: FlowState
    config: FlowConfig
    awaiting_withdraw_confirmation: bool
    project_line: str | None
    pause_days: float | None = None
    awaiting_erasure_confirmation: bool = False
    flow: dict[str, Any] = field(default_factory=dict)  # the row's flow column, to rewrite


@dataclass
class Decision:
    candidate_kind: str
    reply_kind: Kind
    changes: dict[str, Any] = field(default_factory=dict)
    request: ComposeRequest | None = None
    fixed_text: str | None = None
    question_id: str | None = None
    final_status: Status | None = None
    end_reason: str | None = None
    # What the turn's transaction records with this decision (bot.rights): requests, relays.
    rights: tuple[str, ...] = ()
    silent: bool = False  # stored and recorded, but no reply (a person has the interview)


def decide(view: InterviewView, role: Role, ctx: InterviewContext, text: str) -> Decision:
    text = within_read_limit(text)
    if view.status not in (Status.ACTIVE, Status.PAUSED, Status.HANDED_OVER):
        return Decision("after_end", Kind.CLOSING, fixed_text=(
            "This interview has ended, so I can't take further answers here. The recruiter "
            "will be in touch; thank you!"))
    # Issue 12: a request for a person, an erasure or an explanation, and the silence while
    # a person has the interview, before anything reads the message as an answer.
    exercised = decide_rights(view, role, text)
    if exercised is not None:
        return exercised
    return clear_pending(view, _decide_flow(view, role, ctx, text))


def _decide_flow(view: InterviewView, role: Role, ctx: InterviewContext, text: str
                 ) -> Decision:
    if view.awaiting_withdraw_confirmation:
        return _withdraw_confirmation(view, role, text)
    control = control_word(text)
    if control is not None:
        return _control(view, role, control)
    if view.status is Status.PAUSED:
        decision = _answer(view, role, ctx, text)
        decision.changes["status"] = Status.ACTIVE.value
        return decision
    return _answer(view, role, ctx, text)


def within_read_limit(text: str) -> str:
    """The part of a message the flow reads: at most READ_LIMIT characters, cut at a space."""
    if len(text) <= READ_LIMIT:
        return text
    cut = text.rfind(" ", READ_LIMIT // 2, READ_LIMIT)
    return text[:cut if cut > 0 else READ_LIMIT]


def current_question(role: Role, state: FlowState) -> Question | None:
    qid = state.current_question_id()
    if qid in (None, INTRO_ID, PROJECT_ID):
        return None
    return role.question(qid)


INTRO_PROMPT = "Could you briefly introduce yourself and your experience relevant to this role?"
QUESTIONS_PROMPT = "Do you have any questions about the role or the process? If not, just say so."


def current_prompt(view: InterviewView, role: Role) -> str:
    """The question the candidate is on, asked again after a pause, a blank message or an
    aborted withdrawal."""
    stage = view.state.stage
    if stage is Stage.GREETING:
        return INTRO_PROMPT
    if stage is Stage.PROJECT:
        return OfflineBrain.project_question(view.project_line)
    if stage is Stage.CANDIDATE_QUESTIONS:
        return QUESTIONS_PROMPT
    question = current_question(role, view.state)
    return question.question if question else QUESTIONS_PROMPT


def restate_current(view: InterviewView, role: Role) -> str:
    return "The question was: " + current_prompt(view, role)


def _control(view: InterviewView, role: Role, control: Control) -> Decision:
    if control is Control.HELP:
        return Decision("control", Kind.NOTICE, fixed_text=candidate_help())
    if control is Control.PAUSE:
        if view.status is Status.PAUSED:
            return Decision("control", Kind.NOTICE, fixed_text=(
                "Your interview is already paused. Reply `resume` when you're ready."))
        return Decision("control", Kind.NOTICE, changes={"status": Status.PAUSED.value},
                        fixed_text=("Your interview is paused; nothing is lost. Reply `resume` "
                                    "whenever you're ready to carry on"
                                    + _pause_horizon(view) + "."))
    if control is Control.RESUME:
        if view.status is Status.ACTIVE:
            return Decision("control", Kind.NOTICE, question_id=view.state.current_question_id(),
                            fixed_text="We're already under way. " + restate_current(view, role))
        return Decision("control", Kind.NOTICE, changes={"status": Status.ACTIVE.value},
                        question_id=view.state.current_question_id(),
                        fixed_text="Welcome back! " + restate_current(view, role))
    return Decision("control", Kind.NOTICE, changes={"awaiting_withdraw_confirmation": True},
                    fixed_text=("Are you sure you want to withdraw from this interview? The "
                                "recruiter will be told. Reply `yes` to withdraw, or anything "
                                "else to carry on."))


def _pause_horizon(view: InterviewView) -> str:
    """The resume-by promise, when the interview's reminder policy sets one."""
    days = view.pause_days
    if not days:
        return ""
    shown = f"{days:g} day" + ("" if days == 1 else "s")
    return f"; if I haven't heard from you in {shown}, I'll reopen it and check in"


def _withdraw_confirmation(view: InterviewView, role: Role, text: str) -> Decision:
    if is_confirmation(text):
        return Decision(
            "confirmation", Kind.CLOSING,
            changes={"awaiting_withdraw_confirmation": False, "stage": Stage.DONE.value},
            fixed_text=("You have withdrawn from the interview. Thank you for your time; the "
                        "recruiter has been told. If you'd like your data deleted, reply here "
                        "or contact the recruiter."),
            final_status=Status.WITHDRAWN, end_reason="withdrawn by the candidate")
    return Decision("control", Kind.NOTICE, changes={"awaiting_withdraw_confirmation": False},
                    question_id=view.state.current_question_id(),
                    fixed_text="Good, let's carry on. " + restate_current(view, role))


def read_answer(view: InterviewView, role: Role, text: str) -> Reading:
    """Judge the message against the current question's rubric, before the flow moves:
    what it does (bot.candidate_acts), whether it is thin, only guesses, or says something
    known to be wrong."""
    stage = view.state.stage
    instruction = InjectionMemo()
    content = strip_injection(text, instruction=instruction)
    n_words = word_count(content)
    blank = is_blank(content) and is_blank(text)
    act = classify(content, stage=stage.value) if not is_blank(content) else Act.NON_TEXT
    thin = hedged = wrong = False
    if stage is Stage.PROJECT:
        thin = n_words < PROJECT_THIN_WORDS or coverage(
            project_points(), content, instruction=instruction).fraction < 0.5
    elif stage is Stage.TECHNICAL:
        question = current_question(role, view.state)
        if question is not None:
            cov = coverage(question.key_points, content,
                           (*question.misconceptions, *role.misconceptions),
                           instruction=instruction)
            thin = n_words < THIN_WORDS or cov.fraction < THIN_COVERAGE
            guessed = sum(1 for c in cov.sentences if c.sentence.hedge == "strong")
            hedged = act is Act.HEDGE or bool(cov.with_evidence(Evidence.HEDGED)) or (
                guessed >= HEDGED_SENTENCES
                or guessed * HEDGED_SHARE >= max(len(cov.sentences), 1))
            wrong = bool(cov.wrong_claims)
        else:
            thin = n_words < THIN_WORDS
    # A question about the role in place of an answer: kept for the end. A hedge put as a
    # question, or "Honestly?", is not one.
    deflection = (stage in (Stage.PROJECT, Stage.TECHNICAL) and thin
                  and bool(role_questions(text)))
    # Whether the candidate has no more questions, or asks one, matters only while they
    # may ask theirs (bot.flow reads them nowhere else): elsewhere they stay False unread.
    asking = stage is Stage.CANDIDATE_QUESTIONS
    return Reading(
        blank=blank or (is_blank(content) and stage is not Stage.CANDIDATE_QUESTIONS),
        thin=thin,
        deflection=deflection,
        no_more_questions=asking and says_no_more_questions(text),
        asks_question=asking and has_question(text),
        act=act.value,
        hedged=hedged,
        wrong=wrong,
    )


def _answer(view: InterviewView, role: Role, ctx: InterviewContext, text: str) -> Decision:
    state = view.state
    reading = read_answer(view, role, text)
    candidate_kind = "question" if state.stage is Stage.CANDIDATE_QUESTIONS else "answer"
    if reading.blank and state.stage is not Stage.CANDIDATE_QUESTIONS:
        # An injection-only message is kept apart from an empty one: the report counts it.
        candidate_kind = INJECTION_KIND if injection_attempt(text) else "blank"
    step, new_state = advance(state, view.config, reading)
    counted = (new_state.nudges, new_state.asides)
    nudged = ({"flow": {**view.flow, "nudges": counted[0], "asides": counted[1]}}
              if counted != (state.nudges, state.asides) else {})
    if step.kind is Kind.NOTICE:
        if step.reason in ("small_talk", "clarifying") and not injection_attempt(text):
            candidate_kind = step.reason.replace("clarifying", "clarification")
        elif step.reason == "role_question":
            candidate_kind = "question"  # listed for the recruiter if left unanswered
        return Decision(candidate_kind, Kind.NOTICE, changes={
            "candidate_turns": new_state.candidate_turns, **nudged},
            question_id=step.question_id, fixed_text=_notice(view, role, step.reason, text))
    question = role.question(step.question_id) if step.question_id not in (
        None, INTRO_ID, PROJECT_ID) else None
    request = ComposeRequest(
        kind=step.kind,
        context=ctx,
        question=question,
        question_number=new_state.question_index + 1,
        question_total=len(new_state.plan),
        # Moving on after instructions is not "no answer in words".
        reason="moved on" if step.reason == "no answer" and injection_attempt(text)
        else step.reason,
        candidate_message=text,
        close_after_answer=step.close_after_answer,
        project_line=view.project_line,
        answered=_answered(state, reading),
        act=reading.act,
    )
    changes = {
        "stage": new_state.stage.value,
        "question_index": new_state.question_index,
        "followups_used": new_state.followups_used,
        "candidate_exchanges": new_state.candidate_exchanges,
        "candidate_turns": new_state.candidate_turns,
        **nudged,
    }
    return Decision(
        candidate_kind=candidate_kind,
        reply_kind=step.kind,
        changes=changes,
        request=request,
        question_id=step.question_id,
        final_status=Status.COMPLETED if step.finished else None,
        end_reason=step.reason if step.finished else None,
    )


def _answered(state: FlowState, reading: Reading) -> str:
    """What the candidate's message replied to: the acknowledgement's cue."""
    if reading.act == "role_question" and state.stage is not Stage.CANDIDATE_QUESTIONS:
        return "role_question"
    if state.stage is Stage.GREETING:
        return "intro"
    if state.stage in (Stage.PROJECT, Stage.TECHNICAL) and state.followups_used:
        # A reply to the follow-up that adds little is not thanked for "the extra detail".
        return "brief" if reading.thin else "followup"
    if state.stage is Stage.PROJECT:
        return "project"
    if state.stage is Stage.TECHNICAL:
        return "technical"
    return ""


def _notice(view: InterviewView, role: Role, reason: str, text: str) -> str:
    """The reply that keeps the candidate on the current question: after instructions,
    a reply without words, small talk, or a question about the question."""
    if injection_attempt(text):
        return ("I can't act on instructions here; I can only take your answer to the "
                "question. " + restate_current(view, role))
    if reason == "clarifying":
        return clarification(text, current_question(role, view.state),
                             prompt=current_prompt(view, role),
                             stage=view.state.stage.value)
    if reason == "role_question":
        return ("I'll keep that question for the end, when there's time for yours. To begin: "
                + current_prompt(view, role))
    if reason == "small_talk":
        greeting = view.state.stage is Stage.GREETING
        return (small_talk_reply(text, greeting=greeting) + " Whenever you're ready: "
                + current_prompt(view, role))
    return "I didn't catch an answer in words there. " + restate_current(view, role)


def view_of(interview: Any) -> InterviewView:
    """Build the view from an `Interview` row (duck-typed to keep storage out of here)."""
    state = FlowState(
        stage=Stage(interview.stage),
        plan=tuple(interview.plan),
        question_index=interview.question_index,
        followups_used=interview.followups_used,
        candidate_exchanges=interview.candidate_exchanges,
        candidate_turns=interview.candidate_turns,
        nudges=int(interview.flow.get("nudges", 0)),
        asides=int(interview.flow.get("asides", 0)),
    )
    return InterviewView(
        status=Status(interview.status),
        state=state,
        config=FlowConfig.from_dict(interview.flow),
        awaiting_withdraw_confirmation=interview.awaiting_withdraw_confirmation,
        project_line=interview.flow.get("project_line"),
        pause_days=(interview.flow.get("reminders") or {}).get("pause_days"),
        awaiting_erasure_confirmation=bool(
            getattr(interview, "awaiting_erasure_confirmation", False)),
        flow=dict(interview.flow),
    )



