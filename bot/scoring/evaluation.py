"""What gets scored and how the offline brain scores it.

An interview (or a transcript file) becomes a list of `ScoreItem`s: each question asked,
with every answer the candidate gave to it, follow-ups included. Each item gets one
`QuestionEvaluation`: a 1-5 score, a justification and evidence quoted verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from bot.intents import injection_attempt, is_blank, strip_injection
from bot.roles import KeyPoint
from bot.rubric import Coverage, coverage, keyword_hit
from bot.text import sentences, shorten, words

MAX_EVIDENCE = 3
MAX_QUOTE_CHARS = 280


class Flag:
    OFF_TOPIC = "off-topic"
    INJECTION = "injection attempt"
    UNVERIFIABLE = "unverifiable claim"
    REPETITION = "repetition"
    NO_ANSWER = "did not answer"
    DEFLECTION = "answered with a question"


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

    @property
    def answer_text(self) -> str:
        return "\n".join(a for a in self.answers if a.strip())


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


def score_offline(item: ScoreItem) -> QuestionEvaluation:
    """Rubric coverage → score. Length is never rewarded; injected instructions are ignored."""
    raw = item.answer_text
    flags: list[str] = []
    if injection_attempt(raw):
        flags.append(Flag.INJECTION)
    content = strip_injection(raw) if flags else raw
    n_words = len(words(content))
    cov = coverage(item.key_points, content)
    if is_blank(content):
        flags.append(Flag.NO_ANSWER)
    elif cov.fraction == 0 and n_words >= 20:
        flags.append(Flag.OFF_TOPIC)
    if content.strip() and _mostly_questions(content) and cov.fraction < 0.4:
        flags.append(Flag.DEFLECTION)
    score = _score_from(cov, n_words)
    return QuestionEvaluation(
        position=item.position,
        question_id=item.question_id,
        topic=item.topic,
        question=item.question,
        score=score,
        justification=_justify(item, cov, score, n_words, flags),
        evidence=_evidence(item.key_points, item.answers),
        flags=flags,
        covered=[p.point for p in cov.covered()],
        missed=[p.point for p in cov.missed()],
    )


def _score_from(cov: Coverage, n_words: int) -> int:
    if n_words == 0:
        return 1
    frac = cov.fraction
    score = 5 if frac >= 0.8 else 4 if frac >= 0.6 else 3 if frac >= 0.4 else 2 if frac > 0 else 1
    if n_words < 15:
        score = min(score, 2)
    elif n_words < 40:
        score = min(score, 3)
    return score


def _mostly_questions(text: str) -> bool:
    parts = sentences(text)
    return bool(parts) and sum(p.rstrip().endswith("?") for p in parts) * 2 >= len(parts)


def _justify(
    item: ScoreItem, cov: Coverage, score: int, n_words: int, flags: list[str]
) -> str:
    total = len(cov.points)
    parts = [f"Covered {len(cov.covered())} of {total} rubric points"]
    if cov.covered():
        parts[0] += ": " + "; ".join(p.point for p in cov.covered())
    parts[0] += "."
    if cov.missed():
        parts.append("Missing: " + "; ".join(p.point for p in cov.missed()) + ".")
    if n_words < 40 and n_words:
        parts.append(f"The answer is short ({n_words} words), which caps the score.")
    if Flag.INJECTION in flags:
        parts.append("The answer tried to instruct the interviewer; that text was ignored "
                     "and the rest scored on its content.")
    if Flag.NO_ANSWER in flags:
        parts.append("No answer in words was given.")
    if Flag.OFF_TOPIC in flags:
        parts.append("The answer did not address the question.")
    if Flag.DEFLECTION in flags:
        parts.append("The candidate mostly replied with questions instead of an answer.")
    anchor = item.anchors.get(_nearest_anchor(score))
    if anchor:
        parts.append(f"Closest anchor ({_nearest_anchor(score)}/5): {anchor.strip()}")
    return " ".join(parts)


def _nearest_anchor(score: int) -> int:
    return 1 if score <= 2 else 3 if score == 3 else 5


def _evidence(points: tuple[KeyPoint, ...], answers: tuple[str, ...]) -> list[str]:
    """Verbatim sentences that show rubric points, best first; each a slice of an answer."""
    scored: list[tuple[int, int, str]] = []
    order = 0
    for answer in answers:
        for sentence in sentences(answer):
            if injection_attempt(sentence):
                continue
            lowered = sentence.lower()
            hits = sum(keyword_hit(p, lowered) is not None for p in points)
            if hits:
                scored.append((-hits, order, _verbatim_cut(sentence)))
            order += 1
    scored.sort()
    quotes: list[str] = []
    for _, _, quote in scored:
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) == MAX_EVIDENCE:
            break
    return quotes


def _verbatim_cut(sentence: str) -> str:
    """Keep quotes short but verbatim: cut at a word boundary with no ellipsis added."""
    if len(sentence) <= MAX_QUOTE_CHARS:
        return sentence
    cut = sentence[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut if cut else shorten(sentence, MAX_QUOTE_CHARS)


def mean_score(evaluations: list[QuestionEvaluation]) -> float:
    if not evaluations:
        return 0.0
    return round(sum(e.score for e in evaluations) / len(evaluations), 2)
