"""The interview as a bounded state machine. The flow alone decides what comes next.

greeting → project → technical (N questions, each with at most `followups_per_question`
follow-ups) → candidate_questions (at most `candidate_question_exchanges`) → done.
Every candidate turn counts against `turn_budget`; reaching it wraps up, so every
interview ends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    GREETING = "greeting"
    PROJECT = "project"
    TECHNICAL = "technical"
    CANDIDATE_QUESTIONS = "candidate_questions"
    DONE = "done"


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    # Given to a person (the candidate asked, or a recruiter took over): the bot asks
    # nothing and sends no reminders until a recruiter hands it back (issue 12).
    HANDED_OVER = "handed_over"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset({Status.ACTIVE, Status.PAUSED, Status.HANDED_OVER})


class Kind(StrEnum):
    """What a bot message asks of the candidate."""

    GREETING = "greeting"
    PROJECT = "project"
    TECHNICAL = "technical"
    FOLLOWUP = "followup"
    CANDIDATE_QUESTIONS = "candidate_questions"
    ANSWER = "answer"
    WRAP_UP = "wrap_up"
    NOTICE = "notice"
    CLOSING = "closing"


INTRO_ID = "intro"
PROJECT_ID = "project"


@dataclass(frozen=True)
class FlowConfig:
    technical_questions: int = 4
    followups_per_question: int = 1
    candidate_question_exchanges: int = 3
    turn_budget: int = 30

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlowConfig:
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class FlowState:
    stage: Stage
    plan: tuple[str, ...]
    question_index: int = 0
    followups_used: int = 0
    candidate_exchanges: int = 0
    candidate_turns: int = 0
    # Replies to the current question that were not an answer, bounded so that a loop of
    # them moves the interview on: without words (`nudges`), and asides (small talk, a
    # question about the question, a question about the role in place of the intro).
    nudges: int = 0
    asides: int = 0

    def current_question_id(self) -> str | None:
        if self.stage is Stage.GREETING:
            return INTRO_ID
        if self.stage is Stage.PROJECT:
            return PROJECT_ID
        if self.stage is Stage.TECHNICAL and self.question_index < len(self.plan):
            return self.plan[self.question_index]
        return None


@dataclass(frozen=True)
class Reading:
    """What the candidate's message amounts to, as judged before the flow moves."""

    blank: bool = False
    thin: bool = False
    deflection: bool = False
    no_more_questions: bool = False
    asks_question: bool = False
    # What the message does (a `bot.candidate_acts.Act` value); "answer" unless told apart.
    act: str = "answer"
    hedged: bool = False  # the answer only guesses at what it says
    wrong: bool = False  # the answer makes a known wrong claim


# Replies without words before the flow moves to the next question; asides answered on
# one question before the flow moves on (small talk) or takes the next reply as the answer
# (a question about the question).
MAX_NUDGES = 2
MAX_ASIDES = 3
MAX_CLARIFICATIONS = 2


@dataclass(frozen=True)
class Step:
    kind: Kind
    question_id: str | None = None
    reason: str = ""
    finished: bool = False
    close_after_answer: bool = False


def advance(state: FlowState, config: FlowConfig, reading: Reading) -> tuple[Step, FlowState]:
    """The next bot message and the new state, for one candidate answer."""
    state = replace(state, candidate_turns=state.candidate_turns + 1)
    if state.candidate_turns >= config.turn_budget:
        done = replace(state, stage=Stage.DONE)
        return Step(Kind.WRAP_UP, reason="turn budget reached", finished=True), done
    answering = state.stage in (Stage.GREETING, Stage.PROJECT, Stage.TECHNICAL)
    here = state.current_question_id()
    if answering and (reading.blank or reading.act == "non_text"):
        if state.nudges + 1 >= MAX_NUDGES:
            return _move_on(state, config, reason="no answer")
        return Step(Kind.NOTICE, here, reason="blank"), replace(state, nudges=state.nudges + 1)
    # "Ok." after a follow-up is "nothing to add": the question is done, not unanswered.
    if answering and reading.act == "small_talk" and not state.followups_used:
        if state.asides + 1 >= MAX_ASIDES:
            return _move_on(state, config, reason="moved on")
        return (Step(Kind.NOTICE, here, reason="small_talk"),
                replace(state, asides=state.asides + 1))
    if (state.stage is Stage.GREETING and reading.act == "role_question"
            and state.asides < MAX_CLARIFICATIONS):
        # Nothing about themselves yet: the question waits for the end, the intro is asked.
        return (Step(Kind.NOTICE, here, reason="role_question"),
                replace(state, asides=state.asides + 1))
    if answering and reading.act == "clarifying" and state.asides < MAX_CLARIFICATIONS:
        return (Step(Kind.NOTICE, here, reason="clarifying"),
                replace(state, asides=state.asides + 1))
    # The counters belong to the question: kept through its follow-up, reset on moving on.
    if state.stage is Stage.GREETING:
        return _move_on(state, config)
    if state.stage in (Stage.PROJECT, Stage.TECHNICAL):
        if reading.act == "dont_know":
            return _move_on(state, config, reason="dont_know")
        return _after_answer(state, config, reading)
    if state.stage is Stage.CANDIDATE_QUESTIONS:
        return _after_candidate_question(state, config, reading)
    return Step(Kind.CLOSING, finished=True, reason="interview already ended"), state


def _after_answer(
    state: FlowState, config: FlowConfig, reading: Reading
) -> tuple[Step, FlowState]:
    wants_more = reading.thin or reading.deflection or reading.hedged or reading.wrong
    if wants_more and state.followups_used < config.followups_per_question:
        reason = ("deflection" if reading.deflection else "hedged" if reading.hedged
                  else "incorrect" if reading.wrong else "thin")
        step = Step(Kind.FOLLOWUP, state.current_question_id(), reason=reason)
        return step, replace(state, followups_used=state.followups_used + 1)
    return _move_on(state, config)


def _move_on(state: FlowState, config: FlowConfig, reason: str = ""
             ) -> tuple[Step, FlowState]:
    """The next question (or the candidate's questions), whatever came of this one:
    `reason` says why when it was not answered ("dont_know", "no answer")."""
    state = replace(state, nudges=0, asides=0)
    if state.stage is Stage.GREETING:
        return Step(Kind.PROJECT, PROJECT_ID, reason=reason), replace(state, stage=Stage.PROJECT)
    next_index = 0 if state.stage is Stage.PROJECT else state.question_index + 1
    if next_index < len(state.plan):
        moved = replace(
            state, stage=Stage.TECHNICAL, question_index=next_index, followups_used=0
        )
        return Step(Kind.TECHNICAL, state.plan[next_index], reason=reason), moved
    return _open_candidate_questions(state, config, reason)


def _open_candidate_questions(state: FlowState, config: FlowConfig, reason: str = ""
                              ) -> tuple[Step, FlowState]:
    if config.candidate_question_exchanges == 0:
        done = replace(state, stage=Stage.DONE, followups_used=0)
        return Step(Kind.WRAP_UP, reason="completed", finished=True), done
    moved = replace(state, stage=Stage.CANDIDATE_QUESTIONS, followups_used=0)
    return Step(Kind.CANDIDATE_QUESTIONS, reason=reason), moved


def _after_candidate_question(
    state: FlowState, config: FlowConfig, reading: Reading
) -> tuple[Step, FlowState]:
    if reading.blank or (reading.no_more_questions and not reading.asks_question):
        done = replace(state, stage=Stage.DONE)
        return Step(Kind.WRAP_UP, reason="completed", finished=True), done
    exchanges = state.candidate_exchanges + 1
    closing = reading.no_more_questions or exchanges >= config.candidate_question_exchanges
    moved = replace(
        state, candidate_exchanges=exchanges, stage=Stage.DONE if closing else state.stage
    )
    # The next reply is the last one the candidate may ask in: the answer says so.
    last = not closing and exchanges == config.candidate_question_exchanges - 1
    step = Step(
        Kind.ANSWER,
        reason="completed" if closing else "last" if last else "",
        finished=closing,
        close_after_answer=closing,
    )
    return step, moved
