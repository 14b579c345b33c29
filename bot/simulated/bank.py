"""The answer bank: what simulated candidates say about each bank question, written by
practitioners in their own words (never the rubric's wording), one file per role in
`bot/simulated/answers/`.

For every key point: a few correct sentences (`says`) and a half-made, unsure one
(`hedged`); for every question: fluent wrong claims (`wrong`) and one subtler mistake
(`partly_wrong`). Because the sentences were written without the scorer's keywords, a
simulated strong candidate scores only as well as the scorer understands paraphrase.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.roles import Question, Role

log = logging.getLogger(__name__)

ANSWERS_DIR = Path(__file__).parent / "answers"


@dataclass(frozen=True)
class PointSentences:
    says: tuple[str, ...]
    hedged: str


@dataclass(frozen=True)
class QuestionAnswers:
    points: tuple[PointSentences, ...]
    wrong: tuple[str, ...]
    partly_wrong: str


@functools.lru_cache(maxsize=32)
def _bank(role_name: str) -> dict[str, QuestionAnswers]:
    path = ANSWERS_DIR / f"{role_name}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    bank = {}
    for qid, entry in (data.get("questions") or {}).items():
        points = tuple(PointSentences(tuple(p["says"]), p["hedged"]) for p in entry["points"])
        bank[qid] = QuestionAnswers(points, tuple(entry["wrong"]), entry["partly_wrong"])
    return bank


def answers_for(role: Role, question: Question) -> QuestionAnswers | None:
    """The bank's sentences for this question, or None when the role has no bank or the
    bank no longer matches the question's key points (an edited role file)."""
    answers = _bank(role.name).get(question.id)
    if answers is None:
        return None
    if len(answers.points) != len(question.key_points):
        log.warning("answer bank for %s/%s has %d points, the role %d; not used", role.name,
                    question.id, len(answers.points), len(question.key_points))
        return None
    return answers
