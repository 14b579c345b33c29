"""A calibration run: score every gold interview with a brain and compare with the experts.

The result holds one row per labelled question and one per interview, so the CLI can print
agreement per set and overall, a confusion matrix, the worst misses, and whether any
fluent bluffer would have been advanced.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.brains.base import Brain
from bot.calibration.gold import GoldFile, align
from bot.calibration.metrics import Agreement, agreement
from bot.report import ADVANCE, SCREENING
from bot.roles import load_role
from bot.scoring.conversation import evaluate_conversation
from bot.text import shorten
from bot.transcript import label_turns, parse_transcript_text

TECHNICAL_KINDS_EXCLUDED = frozenset({"intro", "project"})
BLUFFER = "fluent-bluffer"


@dataclass(frozen=True)
class ScoredLabel:
    file: str
    set_name: str
    role: str
    archetype: str
    question: str
    question_id: str | None
    kind: str
    level: int
    why: str
    score: int | None  # None: the reader did not find this question
    confidence: float | None = None
    flags: tuple[str, ...] = ()
    read_as: str | None = None
    answer: str = ""

    @property
    def technical(self) -> bool:
        return self.kind not in TECHNICAL_KINDS_EXCLUDED


@dataclass(frozen=True)
class InterviewOutcome:
    file: str
    set_name: str
    archetype: str
    recommendation: str
    overall_score: float
    reader_errors: tuple[str, ...] = ()

    @property
    def advanced(self) -> bool:
        return self.recommendation.removeprefix(SCREENING) == ADVANCE


@dataclass
class CalibrationResult:
    brain: str
    labels: list[ScoredLabel] = field(default_factory=list)
    interviews: list[InterviewOutcome] = field(default_factory=list)

    @property
    def sets(self) -> list[str]:
        return list(dict.fromkeys(label.set_name for label in self.labels))

    def rows(self, set_name: str | None = None, *, technical_only: bool = False
             ) -> list[ScoredLabel]:
        return [r for r in self.labels
                if (set_name is None or r.set_name == set_name)
                and (not technical_only or r.technical)]

    def agreement(self, set_name: str | None = None, *, technical_only: bool = False
                  ) -> Agreement:
        scored = [r for r in self.rows(set_name, technical_only=technical_only)
                  if r.score is not None]
        return agreement([r.level for r in scored], [r.score for r in scored if r.score])

    def unread(self, set_name: str | None = None) -> list[ScoredLabel]:
        return [r for r in self.rows(set_name) if r.score is None]

    def worst_misses(self, set_name: str | None = None, limit: int = 8) -> list[ScoredLabel]:
        misses = [r for r in self.rows(set_name) if r.score is not None and r.score != r.level]
        misses.sort(key=lambda r: (-abs((r.score or 0) - r.level), r.file, r.question))
        return misses[:limit]

    def bluffers_advanced(self, set_name: str | None = None) -> list[InterviewOutcome]:
        return [i for i in self.interviews
                if i.archetype == BLUFFER and i.advanced
                and (set_name is None or i.set_name == set_name)]

    def to_json(self) -> dict[str, Any]:
        def stats(a: Agreement) -> dict[str, Any]:
            data = asdict(a)
            return {k: (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in data.items()}

        return {
            "brain": self.brain,
            "sets": {
                name: {"all": stats(self.agreement(name)),
                       "technical": stats(self.agreement(name, technical_only=True)),
                       "unread_questions": len(self.unread(name)),
                       "bluffers_advanced": [i.file for i in self.bluffers_advanced(name)]}
                for name in self.sets
            },
            "overall": {"all": stats(self.agreement()),
                        "technical": stats(self.agreement(technical_only=True))},
            "labels": [asdict(r) for r in self.labels],
            "interviews": [asdict(i) for i in self.interviews],
        }


async def calibrate(files: list[GoldFile], brain: Brain, *,
                    progress: Callable[[GoldFile], None] | None = None) -> CalibrationResult:
    result = CalibrationResult(brain=brain.name)
    for gold in files:
        if progress is not None:
            progress(gold)
        await _score_one(gold, brain, result)
    return result


async def _score_one(gold: GoldFile, brain: Brain, result: CalibrationResult) -> None:
    interview = gold.interview
    role = load_role(interview.role)
    transcript = parse_transcript_text(interview.transcript)
    turns = label_turns(transcript, role)
    evaluated = await evaluate_conversation(role, turns, brain,
                                            candidate_name=interview.candidate)
    alignment = align(list(interview.labels), turns)
    by_position = {e.position: e for e in evaluated.evaluations}
    items = evaluated.items
    for label, index in zip(interview.labels, alignment.item_for_label, strict=True):
        evaluation = by_position.get(index + 1) if index is not None else None
        item = items[index] if index is not None else None
        result.labels.append(ScoredLabel(
            file=gold.path.name, set_name=gold.set_name, role=interview.role,
            archetype=interview.archetype, question=label.question,
            question_id=label.question_id, kind=label.kind, level=label.level, why=label.why,
            score=evaluation.score if evaluation else None,
            confidence=evaluation.confidence if evaluation else None,
            flags=tuple(evaluation.flags) if evaluation else (),
            read_as=item.question_id if item else None,
            answer=shorten(item.answer_text, 160) if item else ""))
    result.interviews.append(InterviewOutcome(
        file=gold.path.name, set_name=gold.set_name, archetype=interview.archetype,
        recommendation=evaluated.report.recommendation_label,
        overall_score=evaluated.report.overall_score,
        reader_errors=tuple(alignment.reader_errors)))
