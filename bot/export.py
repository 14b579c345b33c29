"""The export format (documented in the README): interview, turns, scores, report."""

from __future__ import annotations

from typing import Any

from bot.report import HRReport, render_markdown
from bot.reviewed import Reviewed
from bot.scoring.evaluation import QuestionEvaluation


def scores_json(evaluations: list[QuestionEvaluation]) -> list[dict[str, Any]]:
    return [
        {
            "position": e.position,
            "question": e.question,
            "question_id": e.question_id,
            "topic": e.topic,
            "score": e.score,
            "justification": e.justification,
            "evidence": list(e.evidence),
            "flags": list(e.flags),
            "incorrect_claims": [c.model_dump() for c in e.incorrect_claims],
            "confidence": e.confidence,
            "confidence_level": e.confidence_level,
            "review_reasons": list(e.review_reasons),
            "rubric": e.rubric,
            "scorer": e.scorer,
            "model": e.model,
            "prompt_version": e.prompt_version,
            "rubric_hash": e.rubric_hash,
            "samples": e.samples,
            "sample_scores": list(e.sample_scores),
        }
        for e in evaluations
    ]


def report_json(report: HRReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        **report.sections(),
        "recommendation_label": report.recommendation_label,
        "overall_score": report.overall_score,
        "brain": report.brain,
        "partial": report.partial,
        "follow_up_questions": list(report.follow_up_questions),
        "notes": list(report.notes),
    }


def with_human_scores(scores: list[dict[str, Any]], reviewed: Reviewed | None
                      ) -> list[dict[str, Any]]:
    """Each score with the review in force beside it (`human`: None when not reviewed);
    `score` stays the machine's."""
    reviews = reviewed.reviews if reviewed is not None else {}
    out = []
    for score in scores:
        review = reviews.get(score["position"])
        out.append({**score, "human": None if review is None else {
            "score": review.score, "verdict": review.verdict, "reason": review.reason,
            "reviewer": review.reviewer_name or review.reviewer_id,
            "reviewer_id": review.reviewer_id,
            "reviewed_at": review.at.isoformat() if review.at else None}})
    return out


def with_review(report: dict[str, Any] | None, reviewed: Reviewed | None
                ) -> dict[str, Any] | None:
    """The report with `reviewed`: the recommendation and overall score recomputed from
    the human scores, and who reviewed (None when nobody did)."""
    if report is None:
        return None
    if reviewed is None or not reviewed.reviews:
        return {**report, "reviewed": None}
    return {**report, "reviewed": {
        "recommendation_label": reviewed.report.recommendation_label,
        "overall_score": reviewed.report.overall_score,
        "reviewed_by": list(reviewed.reviewers),
        "questions_reviewed": len(reviewed.reviews),
        "questions": len(reviewed.evaluations)}}


def evaluation_json(evaluations: list[QuestionEvaluation], report: HRReport) -> dict[str, Any]:
    """What `evaluate --format json` prints: the export's `scores` and `report`."""
    return {"scores": scores_json(evaluations), "report": report_json(report)}


def export_markdown(export: dict[str, Any], evaluations: list[QuestionEvaluation],
                    report: HRReport | None) -> str:
    info = export["interview"]
    lines = [
        f"# Interview {info['id']}: {info['candidate']} for {info['role_title']}",
        "",
        f"Status: {info['status']}. Brain: {info['brain']}. Started {info['created_at']}.",
        "",
        "## Transcript",
        "",
    ]
    for turn in export["turns"]:
        who = "Interviewer" if turn["speaker"] == "bot" else "Candidate"
        lines += [f"**{who}** ({turn['at']}):", "", turn["text"], ""]
    if report is not None:
        lines.append(render_markdown(report, evaluations))
    else:
        lines.append("_No evaluation yet: the interview is still open._")
    return "\n".join(lines)
