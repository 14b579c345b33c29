"""What gets scored and what a score says.

An interview (or a transcript file) becomes a list of `ScoreItem`s: each question asked,
with every answer the candidate gave to it, follow-ups included. Each item gets one
`QuestionEvaluation`: a 1-5 score, a justification, evidence quoted verbatim, the wrong
claims found, and how sure the scorer is. A score the software is unsure of says so and
names why, so a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from bot.roles import KeyPoint, Misconception


class Flag:
    OFF_TOPIC = "off-topic"
    INJECTION = "injection attempt"
    UNVERIFIABLE = "unverifiable claim"
    REPETITION = "repetition"
    NO_ANSWER = "did not answer"
    DEFLECTION = "answered with a question"
    INCORRECT = "incorrect claim"
    STUFFING = "keyword stuffing"
    DONT_KNOW = "said they don't know"
    GENERIC_RUBRIC = "generic rubric"
    SWEEPING = "sweeping claims"
    NEEDS_REVIEW = "needs human review"


class Rubric:
    """Which rubric an item is scored on."""

    BANK = "bank"
    INTRO = "intro"
    PROJECT = "project"
    GENERIC = "generic"


HIGH_CONFIDENCE = 0.7
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class ScoreItem:
    """One question asked and everything the candidate said in reply to it."""

    position: int
    question_id: str
    topic: str
    question: str
    key_points: tuple[KeyPoint, ...]
    anchors: dict[int, str] = field(default_factory=dict)
    answers: tuple[str, ...] = ()
    rubric: str = Rubric.BANK
    # Follow-up questions the interviewer asked inside this question, in order.
    followups: tuple[str, ...] = ()
    # Wrong claims of the question as a whole and of the role, beyond the key points' own.
    misconceptions: tuple[Misconception, ...] = ()
    # The project story is also read against the whole bank (bot.scoring.project_story).
    bank_points: tuple[tuple[KeyPoint, ...], ...] = ()

    @property
    def answer_text(self) -> str:
        return "\n".join(a for a in self.answers if a.strip())


class IncorrectClaim(BaseModel):
    claim: str  # the rubric author's description of the wrong claim
    quote: str  # the candidate's sentence, verbatim


class QuestionEvaluation(BaseModel):
    position: int
    question_id: str
    topic: str
    question: str
    score: int = Field(ge=1, le=5)
    justification: str
    evidence: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    covered: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    incorrect_claims: list[IncorrectClaim] = Field(default_factory=list)
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    # Why a person should look at this score; empty when the scorer is confident.
    review_reasons: list[str] = Field(default_factory=list)
    rubric: str = Rubric.BANK
    # What produced the score, so a re-run can be compared and drift seen.
    scorer: str = "offline"
    model: str = ""
    prompt_version: str = ""
    rubric_hash: str = ""
    samples: int = 1
    sample_scores: list[int] = Field(default_factory=list)

    @property
    def confidence_level(self) -> str:
        if self.confidence >= HIGH_CONFIDENCE:
            return "high"
        return "medium" if self.confidence >= LOW_CONFIDENCE else "low"

    @property
    def needs_review(self) -> bool:
        return Flag.NEEDS_REVIEW in self.flags


def mean_score(evaluations: list[QuestionEvaluation]) -> float:
    if not evaluations:
        return 0.0
    return round(sum(e.score for e in evaluations) / len(evaluations), 2)
