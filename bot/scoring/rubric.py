"""Rubrics for every question the flow can ask, and matching answers against key points.

Bank questions carry their own key points. The introduction and the resume-based project
question get rubrics built here, so that every question asked can be scored the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.roles import KeyPoint, Role
from bot.text import contains_phrase

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


@dataclass(frozen=True)
class Coverage:
    hits: tuple[bool, ...]
    points: tuple[KeyPoint, ...]

    @property
    def fraction(self) -> float:
        return sum(self.hits) / len(self.hits) if self.hits else 0.0

    def covered(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if hit]

    def missed(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if not hit]


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


def keyword_hit(point: KeyPoint, normalized_answer: str) -> str | None:
    """The first keyword of `point` found in the (lowercased) answer, or None."""
    for keyword in point.keywords:
        if keyword == "%":
            if "%" in normalized_answer:
                return keyword
        elif contains_phrase(normalized_answer, keyword):
            return keyword
    return None


def coverage(points: tuple[KeyPoint, ...] | list[KeyPoint], answer: str) -> Coverage:
    text = answer.lower().replace("\u2019", "'")
    return Coverage(tuple(keyword_hit(p, text) is not None for p in points), tuple(points))
