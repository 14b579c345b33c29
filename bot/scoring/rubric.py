"""Rubrics for every question the flow can ask, and what an answer covers of one.

Bank questions carry their own key points. The introduction, the resume-based project
question and questions from a transcript that match no bank question get rubrics built
here, so that every question asked can be scored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.intents import injection_attempt
from bot.roles import KeyPoint, Role
from bot.scoring.language import read_answer
from bot.scoring.matching import (
    Evidence,
    PointFinding,
    SentenceContext,
    WrongClaim,
    compile_pattern,
    find_point,
    find_wrong_claims,
    listed_tokens,
    occurrences,
)

_PROJECT_POINTS = (
    KeyPoint(
        point="Sets out a concrete situation or problem",
        keywords=["challenge", "problem", "issue", "incident", "outage", "bottleneck",
                  "degradation", "slow", "failing", "deadline", "risk"],
    ),
    KeyPoint(
        point="Explains the actions they personally took",
        keywords=["i implemented", "i added", "i designed", "i built", "i wrote", "i led",
                  "i introduced", "i analysed", "i analyzed", "i migrated", "i rewrote",
                  "i set up", "i automated", "my approach", "i started", "i initiated",
                  "i worked", "i proposed", "i identified"],
    ),
    KeyPoint(
        point="Gives a measurable outcome",
        keywords=["%", "percent", "reduced", "reduction", "improved", "cut", "faster",
                  "dropped", "saved", "increased", "from", "seconds", "minutes", "hours"],
    ),
    KeyPoint(
        point="Shows judgement: trade-offs, alternatives or lessons learned",
        keywords=["trade-off", "tradeoff", "instead", "alternative", "lesson", "learned",
                  "learnt", "in hindsight", "decided", "because", "risk", "rollback"],
    ),
)

_INTRO_EXTRA = (
    KeyPoint(
        point="States their experience (years or seniority)",
        keywords=["years", "year", "senior", "lead", "principal", "junior", "experience"],
    ),
    KeyPoint(
        point="Connects their background to this role",
        keywords=["excited", "interested", "passionate", "motivated", "looking for",
                  "this role", "the role", "your team", "contribute"],
    ),
)


def project_points() -> tuple[KeyPoint, ...]:
    return _PROJECT_POINTS


def intro_points(role: Role) -> tuple[KeyPoint, ...]:
    """Two role-skill points (any two distinct skills) plus experience and motivation."""
    skills = [s.lower() for s in role.skills]
    half = max(1, len(skills) // 2)
    return (
        KeyPoint(point=f"Mentions skills the role needs ({', '.join(skills[:3])}, ...)",
                 keywords=skills[:half]),
        KeyPoint(point="Mentions further relevant skills", keywords=skills[half:] or skills),
        *_INTRO_EXTRA,
    )


_GENERIC_POINTS = (
    KeyPoint(
        point="Gives a concrete approach: the steps they would take",
        keywords=["first", "then", "step", "start by", "i would", "i will", "we would",
                  "approach", "process"],
    ),
    KeyPoint(
        point="Explains the reasoning behind it",
        keywords=["because", "so that", "which means", "the reason", "otherwise", "since",
                  "in order to"],
    ),
    KeyPoint(
        point="Grounds it in specifics or their own experience",
        keywords=["for example", "for instance", "in my last", "at my", "we had", "i had",
                  "once", "last year", "%", "ms", "seconds", "minutes"],
    ),
    KeyPoint(
        point="Weighs trade-offs, risks or how they would check the result",
        keywords=["trade-off", "tradeoff", "trade off", "risk", "downside", "cost", "verify",
                  "measure", "monitor", "test", "depends", "alternative", "instead"],
    ),
)


def generic_points() -> tuple[KeyPoint, ...]:
    """For a question no bank question matches: the structure of a good answer only. The
    report says so; an unrelated bank rubric would score it on the wrong things."""
    return _GENERIC_POINTS


@dataclass(frozen=True)
class Coverage:
    """Which key points an answer shows, and how: credited, only guessed at, rejected,
    listed as bare keywords, or contradicted by a known wrong claim."""

    points: tuple[KeyPoint, ...]
    findings: tuple[PointFinding, ...]
    sentences: tuple[SentenceContext, ...] = ()

    @property
    def hits(self) -> tuple[bool, ...]:
        return tuple(f.evidence is Evidence.CREDITED and not f.wrong_claims
                     for f in self.findings)

    @property
    def fraction(self) -> float:
        return sum(self.hits) / len(self.hits) if self.hits else 0.0

    def covered(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if hit]

    def missed(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if not hit]

    def with_evidence(self, evidence: Evidence) -> list[KeyPoint]:
        return [p for p, f in zip(self.points, self.findings, strict=True)
                if f.evidence is evidence and not f.wrong_claims]

    @property
    def wrong_claims(self) -> tuple[WrongClaim, ...]:
        return tuple(c for f in self.findings for c in f.wrong_claims)

    @property
    def weak_hedges(self) -> int:
        return sum(1 for hit, f in zip(self.hits, self.findings, strict=True)
                   if hit and f.weak_hedge)

    @property
    def stuffed(self) -> bool:
        """Most of what the answer names stands in bare lists of keywords."""
        listed = len(self.with_evidence(Evidence.LISTED))
        named = sum(1 for f in self.findings if f.evidence is not Evidence.ABSENT)
        return listed >= 2 and listed * 2 >= named

    def credited_sentences(self) -> list[int]:
        """Sentence indexes carrying credited points, most points first."""
        counts: dict[int, int] = {}
        for hit, f in zip(self.hits, self.findings, strict=True):
            if hit:
                counts[f.sentence] = counts.get(f.sentence, 0) + 1
        return sorted(counts, key=lambda i: (-counts[i], i))


def sentence_contexts(points: Sequence[KeyPoint], answer: str) -> tuple[SentenceContext, ...]:
    """Each sentence of the answer with what the scorer must know about it: whether it
    addresses the grader (ignored) and which of its words are bare keywords in a list."""
    contexts = []
    for index, sentence in enumerate(read_answer(answer)):
        spans = [span for p in points for kw in p.keywords
                 for combo in occurrences(compile_pattern(kw), sentence) for span in combo]
        contexts.append(SentenceContext(
            sentence=sentence, index=index, instruction=injection_attempt(sentence.text),
            listed=listed_tokens(sentence, spans)))
    return tuple(contexts)


def coverage(points: Sequence[KeyPoint], answer: str) -> Coverage:
    points = tuple(points)
    contexts = sentence_contexts(points, answer)
    findings = []
    for point in points:
        finding = find_point(point.keywords, contexts)
        wrong = find_wrong_claims([(m.claim, m.phrases) for m in point.misconceptions],
                                  contexts)
        findings.append(replace(finding, wrong_claims=wrong) if wrong else finding)
    return Coverage(points, tuple(findings), contexts)
