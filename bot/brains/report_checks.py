"""The model's HR report, checked claim by claim and merged with the software's.

A real small model wrote `overall_suitability: "5/5"` and `communication: "7/60"` beside a
mean of 2.3 and "Not recommended", listed skills the answers never showed, and its areas
for development replaced the software's (so injection and repeated-story findings could
vanish). Here each section the model wrote must be prose of some length, state no score
that no question got and no ratio that is not a score, agree with the band the software
chose, and quote only verbatim evidence; a section that fails is replaced by the
software's and counted in the report's notes. The software's gaps are always kept, the
model's sound ones added after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.report import (
    ADVANCE,
    HUMAN_REVIEW,
    NOT_RECOMMENDED,
    HRReport,
    ReportSections,
)
from bot.scoring.evaluation import QuestionEvaluation
from bot.text import STOPWORDS, word_count, words

MIN_PROSE_WORDS = 8
MIN_ITEM_WORDS = 4
MIN_QUOTE_WORDS = 3

_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+(?:\.\d+)?)", re.I)
_NUMERIC = re.compile(r"\d+(?:\.\d+)?\s*(?:/|out of)\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?%?", re.I)
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_POSITIVE = re.compile(
    r"\b(?:strong (?:candidate|fit|hire)|highly recommend\w*|recommend(?:ed)? (?:advancing|"
    r"to advance|moving forward|for the next)|should (?:advance|be advanced|move forward)|"
    r"advance (?:to|the candidate|them)|excellent (?:candidate|fit)|outstanding|"
    r"ideal candidate|perfect fit)\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:not recommended|do not advance|should not (?:advance|be advanced|move forward)|"
    r"unsuitable|not suitable|weak candidate|poor fit|not a (?:good )?fit|decline)\b", re.I)
# A person decides: the report never announces a decision, whatever the band.
_DECISION = re.compile(r"\breject\w*|\bhire\b|\b(?:make|extend) (?:them |the candidate )?an "
                       r"offer\b", re.I)


@dataclass
class Checked:
    """The merged report and what was replaced, for the report's notes."""

    report: HRReport
    replaced: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Facts:
    """What the model's claims are checked against."""

    label: str
    scores: frozenset[float]
    quotes: tuple[str, ...]
    shown: str  # evidence and topics of answers scoring 3 or more, lowercased

    @classmethod
    def of(cls, label: str, evaluations: list[QuestionEvaluation], mean: float) -> Facts:
        scores = {float(e.score) for e in evaluations} | {round(mean, 1), round(mean, 2)}
        quotes = tuple(q for e in evaluations for q in e.evidence) + tuple(
            c.quote for e in evaluations for c in e.incorrect_claims)
        # Only the candidate's own words and the topics they passed: a rubric point's
        # description names tools the answer may never have mentioned.
        shown = " ".join(part for e in evaluations if e.score >= 3
                         for part in (*e.evidence, e.topic)).lower()
        return cls(label, frozenset(scores), quotes, shown)


def prose_problem(text: str, facts: Facts, *, min_words: int = MIN_PROSE_WORDS) -> str | None:
    """Why a piece of the model's prose must not reach the recruiter; None when sound."""
    if word_count(_NUMERIC.sub(" ", text)) < min_words:
        return "a bare number or too short" if _NUMERIC.search(text) else "too short"
    for found, whole in _RATIO.findall(text):
        if float(whole) != 5:
            return f"a ratio that is not a score ({found}/{whole})"
        if float(found) not in facts.scores:
            return f"a score no answer got ({found}/5)"
    if _DECISION.search(text):
        return "announces a hiring decision"
    if facts.label != ADVANCE and _POSITIVE.search(text):
        return f"contradicts the band ({facts.label})"
    if facts.label != NOT_RECOMMENDED and _NEGATIVE.search(text):
        return f"contradicts the band ({facts.label})"
    for match in _QUOTE.finditer(text):
        quote = (match.group(1) or match.group(2)).strip()
        if len(quote.split()) >= MIN_QUOTE_WORDS and not any(quote in q for q in facts.quotes):
            return "quotes words the candidate did not write"
    return None


def strength_problem(text: str, facts: Facts) -> str | None:
    quoted = [m.group(1) or m.group(2) for m in _QUOTE.finditer(text)]
    if not quoted:
        return "no quoted evidence"
    return prose_problem(text, facts, min_words=MIN_ITEM_WORDS)


def skill_problem(text: str, facts: Facts) -> str | None:
    """A skill is kept when the evidence of a passing answer shows one of its words."""
    content = [w for w in words(text) if w not in STOPWORDS and len(w) > 2]
    if not content or not any(w in facts.shown for w in content):
        return "not shown by any evidence"
    return None


def merge_report(out: ReportSections, baseline: HRReport, facts: Facts,
                 *, produced_by: str) -> Checked:
    """Model prose where it is sound; the software's sections where it is not; the
    software's gaps always, the model's sound gaps after them."""
    replaced: list[str] = []

    def prose(name: str, text: str) -> str | None:
        problem = prose_problem(text.strip(), facts)
        if problem:
            replaced.append(f"{name} ({problem})")
            return None
        return text.strip()

    def items(name: str, values: list[str], problem_of) -> list[str]:
        kept = []
        for value in (v.strip() for v in values):
            if not value:
                continue
            problem = problem_of(value, facts)
            if problem:
                replaced.append(f"{name} item ({problem})")
            else:
                kept.append(value)
        return kept

    suitability = prose("overall suitability", out.overall_suitability)
    communication = prose("communication", out.communication)
    recommendation = prose("recommendation", out.recommendation)
    strengths = items("key strength", out.key_strengths, strength_problem)
    skills = items("technical skill", out.technical_skills, skill_problem)
    model_gaps = items("area for development", out.areas_for_development,
                       lambda text, f: prose_problem(text, f, min_words=MIN_ITEM_WORDS))
    known = " ".join(baseline.areas_for_development).lower()
    gaps = baseline.areas_for_development + [g for g in model_gaps if g.lower() not in known]
    if recommendation is not None:
        recommendation = (f"**{baseline.recommendation_label}.** {recommendation} "
                          f"{HUMAN_REVIEW} {produced_by}")
    report = baseline.model_copy(update={
        "overall_suitability": suitability or baseline.overall_suitability,
        "key_strengths": strengths or baseline.key_strengths,
        "areas_for_development": gaps,
        "technical_skills": skills or baseline.technical_skills,
        "communication": communication or baseline.communication,
        "recommendation": recommendation or baseline.recommendation,
    })
    return Checked(report, replaced)
