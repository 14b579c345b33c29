"""The brain contract: it words messages and judges answers; the flow decides what comes next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.flow import Kind
from bot.report import HRReport
from bot.roles import Question, Role
from bot.scoring.evaluation import QuestionEvaluation, ScoreItem
from bot.scoring.signals import ConversationSignals


@dataclass(frozen=True)
class InterviewContext:
    role: Role
    candidate_first_name: str
    resume: str
    turn_number: int = 0
    retention_days: int = 180
    notice_version: str = ""


@dataclass(frozen=True)
class ComposeRequest:
    """One bot message to word. `kind` comes from the flow and is not negotiable."""

    kind: Kind
    context: InterviewContext
    question: Question | None = None
    question_number: int = 0
    question_total: int = 0
    reason: str = ""
    candidate_message: str = ""
    close_after_answer: bool = False
    project_line: str | None = None
    # What the candidate just replied to ("intro", "project", "technical", "followup") and
    # what their message did (a `bot.candidate_acts.Act` value): the acknowledgement's cue.
    answered: str = ""
    act: str = ""
    # Compact state for model brains: a running summary of earlier questions and the
    # current question's exchange, never the whole transcript.
    summary: str = ""
    exchange: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Composed:
    text: str
    brain: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TokenUsage:
    prompt: int = 0
    completion: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.prompt + other.prompt, self.completion + other.completion)


@dataclass(frozen=True)
class Scored:
    evaluations: list[QuestionEvaluation]
    usage: TokenUsage = TokenUsage()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reported:
    report: HRReport
    usage: TokenUsage = TokenUsage()


@dataclass(frozen=True)
class ReportRequest:
    """Blind by construction for scoring; the name is only added to the report's prose."""

    candidate_name: str
    role: Role
    evaluations: list[QuestionEvaluation]
    signals: ConversationSignals
    unassessed_topics: list[str]
    partial: bool = False
    follow_up_questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Brain(Protocol):
    name: str

    async def compose(self, request: ComposeRequest) -> Composed:
        """Word the message the flow asked for."""

    async def evaluate(self, items: list[ScoreItem], *, candidate_name: str = "") -> Scored:
        """Score every item. The judge never sees the candidate's name or profile:
        `candidate_name` is given only so a model brain can redact it from answers."""

    async def report(self, request: ReportRequest) -> Reported:
        """The six-section HR report."""
