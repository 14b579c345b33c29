"""The report as a person reviewed it: the machine's evaluations with recruiters' scores
beside them, and the recommendation recomputed from the scores in force.

A review never overwrites a machine score: both are kept, and this module only decides
what to show. A reviewed question's score is the person's; the flags that asked for a
person to look (low confidence, keyword stuffing, sweeping claims, a wrong claim in an
answer that still scored well) are settled for that question, because a person has
looked. The band comes from `bot.report.recommend`, as the machine's did, and says who
reviewed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.report import HRReport, labelled, recommend
from bot.scoring.evaluation import Flag, QuestionEvaluation, mean_score

# Flags that ask for a person's look; a reviewed question has had it.
SETTLED_BY_REVIEW = frozenset({Flag.NEEDS_REVIEW, Flag.STUFFING, Flag.SWEEPING})


@dataclass(frozen=True)
class HumanScore:
    """One recruiter's verdict on one question, as stored."""

    position: int
    question_id: str
    machine_score: int
    score: int
    verdict: str  # "agree" or "adjust"
    reason: str
    reviewer_id: str
    reviewer_name: str
    at: datetime | None = None


@dataclass(frozen=True)
class Reviewed:
    """What to show once people have reviewed some scores (`reviews` empty: nothing)."""

    evaluations: list[QuestionEvaluation]  # each reviewed question at its human score
    report: HRReport  # recommendation and overall score recomputed, marked reviewed
    reviews: dict[int, HumanScore]  # by question position
    reviewers: list[str]
    machine_label: str
    machine_score: float

    @property
    def complete(self) -> bool:
        return bool(self.evaluations) and all(
            e.position in self.reviews for e in self.evaluations)


def reviewed_report(evaluations: Sequence[QuestionEvaluation], report: HRReport,
                    reviews: Sequence[HumanScore]) -> Reviewed:
    """The evaluations and report to show, given the stored machine ones and the reviews in
    force (one per question: the latest)."""
    by_position = {r.position: r for r in reviews}
    shown = [_reviewed(e, by_position[e.position]) if e.position in by_position else e
             for e in evaluations]
    reviewers = list(dict.fromkeys(r.reviewer_name or r.reviewer_id for r in reviews))
    if not by_position:
        return Reviewed(list(evaluations), report, {}, [], report.recommendation_label,
                        report.overall_score)
    label = recommend(shown)
    done = sum(1 for e in evaluations if e.position in by_position)
    who = ", ".join(reviewers)
    if done == len(evaluations):
        marked = f"{label} (reviewed by {who})"
    else:  # partly machine still: the offline brain's part stays a screening signal
        marked = f"{labelled(label, report.brain)} (reviewed by {who}: {done} of " \
                 f"{len(evaluations)} questions)"
    changed = sum(1 for r in by_position.values() if r.score != r.machine_score)
    note = (f"Reviewed by {who}: {done} of {len(evaluations)} scores reviewed, {changed} "
            f"changed. The recommendation was recomputed from the reviewed scores; the "
            f"machine's was \"{report.recommendation_label}\" at {report.overall_score:.1f}/5.")
    shown_report = report.model_copy(update={
        "recommendation_label": marked, "overall_score": mean_score(shown),
        "notes": [*report.notes, note]})
    return Reviewed(shown, shown_report, by_position, reviewers, report.recommendation_label,
                    report.overall_score)


def _reviewed(evaluation: QuestionEvaluation, review: HumanScore) -> QuestionEvaluation:
    return evaluation.model_copy(update={
        "score": review.score,
        "flags": [f for f in evaluation.flags if f not in SETTLED_BY_REVIEW],
        "incorrect_claims": [] if review.verdict == "adjust" else evaluation.incorrect_claims,
        "review_reasons": [],
        "justification": (f"{evaluation.justification} Reviewed by "
                          f"{review.reviewer_name or review.reviewer_id}: "
                          + (f"{review.machine_score}/5 → {review.score}/5, "
                             f"\"{review.reason}\"." if review.verdict == "adjust"
                             else "agreed.")),
    })


def review_markdown(reviewed: Reviewed) -> str:
    """The human review as a section of the Markdown report ("" when nobody reviewed)."""
    if not reviewed.reviews:
        return ""
    lines = ["## Human review", "",
             f"**{reviewed.report.recommendation_label}.** Overall "
             f"{reviewed.report.overall_score:.1f}/5 on the reviewed scores (the machine's: "
             f"{reviewed.machine_label}, {reviewed.machine_score:.1f}/5).", ""]
    for e in reviewed.evaluations:
        review = reviewed.reviews.get(e.position)
        if review is None:
            lines.append(f"- {e.position}. {e.topic}: {e.score}/5 (machine; not reviewed)")
        elif review.verdict == "agree":
            lines.append(f"- {e.position}. {e.topic}: {review.score}/5, agreed by "
                         f"{review.reviewer_name or review.reviewer_id}")
        else:
            lines.append(f"- {e.position}. {e.topic}: {review.machine_score}/5 → "
                         f"{review.score}/5 by {review.reviewer_name or review.reviewer_id}: "
                         f"{review.reason}")
    return "\n".join(lines) + "\n"
