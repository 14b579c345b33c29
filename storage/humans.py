"""Handovers, notices for the recruiter channel and recruiters' score reviews: small
functions over a session, one job each (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    AuditEvent,
    Candidate,
    Handover,
    Interview,
    QuestionScore,
    RecruiterNotice,
    Report,
    ScoreReview,
    Turn,
)

LATE_KIND = "late"  # a candidate message after the end, kept for the recruiter
LATE_REPLY_ACTION = "late_reply"  # audited with each polite reply after the end

# ------------------------------------------------------------------ handovers


def open_handover(session: Session, interview_id: str) -> Handover | None:
    """The handover in force (not handed back), newest first."""
    return session.exec(
        select(Handover).where(Handover.interview_id == interview_id,
                               col(Handover.handed_back_at).is_(None))
        .order_by(col(Handover.id).desc()).limit(1)).first()


def handover_by_thread(session: Session, *, platform: str, message_id: str
                       ) -> tuple[Handover, Interview] | None:
    """The open handover whose recruiter-channel notice is message `message_id`, with its
    interview: where a recruiter's reply in that notice's thread goes."""
    found = session.execute(
        sa.select(Handover, Interview)
        .join(RecruiterNotice, RecruiterNotice.id == Handover.alert_notice_id)
        .join(Interview, Interview.id == Handover.interview_id)
        .where(RecruiterNotice.message_id == message_id, Interview.platform == platform,
               col(Handover.handed_back_at).is_(None))
        .order_by(col(Handover.id).desc()).limit(1)).first()
    return (found[0], found[1]) if found else None


# ------------------------------------------------------------------ notices


def add_notice(session: Session, *, interview_id: str, kind: str, text: str, quote: str = "",
               parent_id: int | None = None, actions: Sequence[str] = (),
               at: datetime) -> RecruiterNotice:
    notice = RecruiterNotice(interview_id=interview_id, kind=kind, text=text, quote=quote,
                             parent_id=parent_id, actions=list(actions), created_at=at)
    session.add(notice)
    session.flush()
    return notice


def unposted_notices(session: Session, interview_id: str) -> list[RecruiterNotice]:
    return list(session.exec(
        select(RecruiterNotice).where(RecruiterNotice.interview_id == interview_id,
                                      col(RecruiterNotice.posted_at).is_(None))
        .order_by(col(RecruiterNotice.id))).all())


def has_notice(session: Session, interview_id: str, kind: str) -> bool:
    return session.execute(
        sa.select(RecruiterNotice.id).where(RecruiterNotice.interview_id == interview_id,
                                            RecruiterNotice.kind == kind).limit(1)
    ).first() is not None


def interviews_with_human_work(session: Session, *, platform: str | None = None) -> list[str]:
    """Interviews with a notice not yet posted or a confirmed erasure not yet run: what a
    restarted process finishes."""
    ids = set(session.exec(select(RecruiterNotice.interview_id).where(
        col(RecruiterNotice.posted_at).is_(None)).distinct()).all())
    ids |= set(session.exec(select(Interview.id).where(
        col(Interview.erasure_confirmed_at).is_not(None))).all())
    if platform is not None and ids:
        ids = set(session.exec(select(Interview.id).where(
            col(Interview.id).in_(ids), Interview.platform == platform)).all())
    return sorted(ids)


# ------------------------------------------------------------------ after the end


def late_messages(session: Session, interview_id: str) -> tuple[int, int]:
    """How many messages after the end are stored for the interview, and their length."""
    count, chars = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.func.length(Turn.text)), 0))
        .where(Turn.interview_id == interview_id, Turn.speaker == "candidate",
               Turn.kind == LATE_KIND)).one()
    return int(count), int(chars)


def last_late_reply_at(session: Session, interview_id: str) -> datetime | None:
    return session.execute(
        sa.select(sa.func.max(AuditEvent.created_at)).where(
            AuditEvent.interview_id == interview_id,
            AuditEvent.action == LATE_REPLY_ACTION)).scalar()


# ------------------------------------------------------------------ reviews


def machine_score(session: Session, interview_id: str, position: int) -> QuestionScore | None:
    return session.exec(select(QuestionScore).where(
        QuestionScore.interview_id == interview_id, QuestionScore.position == position)).first()


def add_review(session: Session, **values: Any) -> ScoreReview:
    review = ScoreReview(**values)
    session.add(review)
    session.flush()
    return review


def latest_reviews(session: Session, interview_id: str) -> list[ScoreReview]:
    """The review in force for each reviewed question (the latest), by position."""
    rows = session.exec(select(ScoreReview).where(ScoreReview.interview_id == interview_id)
                        .order_by(col(ScoreReview.id))).all()
    latest: dict[int, ScoreReview] = {}
    for row in rows:
        latest[row.position] = row
    return [latest[p] for p in sorted(latest)]


def reviewed_pairs(session: Session) -> list[tuple[str, str, int, int]]:
    """(interview id, question id, machine score, human score) for every reviewed
    question of every interview, the review in force only."""
    newest = (sa.select(ScoreReview.interview_id, ScoreReview.position,
                        sa.func.max(ScoreReview.id).label("id"))
              .group_by(ScoreReview.interview_id, ScoreReview.position).subquery())
    rows = session.execute(
        sa.select(ScoreReview.interview_id, ScoreReview.question_id, QuestionScore.score,
                  ScoreReview.score)
        .join(newest, newest.c.id == ScoreReview.id)
        .join(QuestionScore, sa.and_(QuestionScore.interview_id == ScoreReview.interview_id,
                                     QuestionScore.position == ScoreReview.position))
        .order_by(ScoreReview.interview_id, ScoreReview.position)).all()
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


def report_row(session: Session, interview_id: str) -> Report | None:
    return session.exec(select(Report).where(Report.interview_id == interview_id)).first()


def candidate_of(session: Session, interview: Interview) -> Candidate:
    candidate = session.get(Candidate, interview.candidate_id)
    assert candidate is not None, interview.candidate_id
    return candidate
