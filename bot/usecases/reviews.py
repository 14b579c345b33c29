"""Recruiters review the machine's scores where they read the report (issue 12, point 4):
per question "agree" or "adjust" (a score 1-5 and a reason). Each review is stored beside
the machine score, never over it; the report card then shows the person's scores and the
recommendation recomputed from them, and the export carries both.

Who may review is the adapter's to check (recruiters only, as for `/interview`); the core
records who did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.calibration.metrics import Agreement, agreement
from bot.errors import InvalidRequestError
from bot.ports import ReportDelivery
from bot.reviewed import HumanScore, Reviewed, reviewed_report
from bot.usecases.core import ServiceCore
from bot.usecases.finishing import card_delivery, stored_evaluation
from storage import humans as store
from storage import repository as repo
from storage.models import ScoreReview

AGREE = "agree"
ADJUST = "adjust"
REASON_LIMIT = 1000


@dataclass(frozen=True)
class ReviewLine:
    """One question as a reviewer sees it."""

    position: int
    question_id: str
    topic: str
    question: str
    machine_score: int
    justification: str
    human: HumanScore | None


async def review_score(core: ServiceCore, interview_id: str, *, position: int,
                       reviewer_id: str, reviewer_name: str, verdict: str,
                       score: int | None = None, reason: str = "") -> ReportDelivery:
    """Store one recruiter's verdict on one question; the report card as it now reads."""
    if verdict not in (AGREE, ADJUST):
        raise InvalidRequestError("A review agrees with a score or adjusts it.")
    reason = " ".join(reason.split())[:REASON_LIMIT]
    if verdict == ADJUST:
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise InvalidRequestError("An adjusted score is a whole number from 1 to 5.")
        if not reason:
            raise InvalidRequestError("Say why you adjust the score: the reason is kept with "
                                      "it for whoever reads the report next.")
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        await core.tx(_store_review, core, full_id, position, reviewer_id, reviewer_name,
                      verdict, score, reason)
    return await report_delivery(core, full_id)


def _store_review(session: Session, core: ServiceCore, interview_id: str, position: int,
                  reviewer_id: str, reviewer_name: str, verdict: str, score: int | None,
                  reason: str) -> None:
    machine = store.machine_score(session, interview_id, position)
    if machine is None:
        raise InvalidRequestError(
            f"Interview {interview_id[:8]} has no scored question {position}: it is reviewed "
            "once its report exists.")
    final = machine.score if verdict == AGREE else int(score or 0)
    store.add_review(session, interview_id=interview_id, position=position,
                     question_id=machine.question_id, machine_score=machine.score,
                     verdict=verdict, score=final, reason=reason, reviewer_id=reviewer_id,
                     reviewer_name=reviewer_name, created_at=core.clock())
    repo.audit(session, interview_id=interview_id, actor=reviewer_id, action="score_reviewed",
               detail={"position": position, "machine": machine.score, "human": final,
                       "verdict": verdict})


def human_scores(session: Session, interview_id: str) -> list[HumanScore]:
    return [_human(r) for r in store.latest_reviews(session, interview_id)]


def _human(row: ScoreReview) -> HumanScore:
    return HumanScore(position=row.position, question_id=row.question_id,
                      machine_score=row.machine_score, score=row.score, verdict=row.verdict,
                      reason=row.reason, reviewer_id=row.reviewer_id,
                      reviewer_name=row.reviewer_name, at=row.created_at)


def reviewed_of(session: Session, interview_id: str) -> Reviewed | None:
    """The stored evaluation with the reviews in force applied (None: not evaluated)."""
    stored = stored_evaluation(session, interview_id)
    if stored is None:
        return None
    return reviewed_report(stored.evaluations, stored.report,
                           human_scores(session, interview_id))


async def review_lines(core: ServiceCore, interview_id: str) -> list[ReviewLine]:
    """Every scored question with its machine score and the review in force, if any."""
    full_id = await core.resolve(interview_id)

    def run(session: Session) -> list[ReviewLine]:
        stored = stored_evaluation(session, full_id)
        if stored is None:
            return []
        reviews = {h.position: h for h in human_scores(session, full_id)}
        return [ReviewLine(e.position, e.question_id, e.topic, e.question, e.score,
                           e.justification, reviews.get(e.position))
                for e in stored.evaluations]
    return await core.read(run)


async def report_delivery(core: ServiceCore, interview_id: str) -> ReportDelivery:
    """The report card's content as it reads now, reviews applied (for the adapter to
    redraw the card it posted)."""
    full_id = await core.resolve(interview_id)
    return await core.read(_delivery, core, full_id)


def _delivery(session: Session, core: ServiceCore, interview_id: str) -> ReportDelivery:
    reviewed = reviewed_of(session, interview_id)
    if reviewed is None:
        raise InvalidRequestError(f"Interview {interview_id[:8]} has no report yet.")
    report = repo.get_report(session, interview_id)
    return card_delivery(session, core, interview_id, reviewed.report,
                         report.markdown if report else "")


@dataclass(frozen=True)
class HumanAgreement:
    """Machine against human over every reviewed question (`calibrate --human`)."""

    interviews: int
    agreement: Agreement
    pairs: list[tuple[str, str, int, int]]  # (interview id, question id, machine, human)


def human_agreement(session: Session) -> HumanAgreement:
    pairs = store.reviewed_pairs(session)
    human = [p[3] for p in pairs]
    machine = [p[2] for p in pairs]
    return HumanAgreement(len({p[0] for p in pairs}), agreement(human, machine), pairs)
