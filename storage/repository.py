"""Small functions over a session, one job each. Callers own the transaction."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import turns
from storage.models import (
    AuditEvent,
    Candidate,
    Interview,
    QuestionScore,
    Report,
    RoleRecord,
    Turn,
    utcnow,
)

OPEN = ("active", "paused", "handed_over")
MIN_ID_PREFIX = 6
_INTERVIEW_ID = re.compile(r"[0-9a-f]{1,32}")


def role_version(definition: dict[str, Any]) -> str:
    blob = json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def upsert_role_snapshot(session: Session, *, name: str, title: str,
                         definition: dict[str, Any]) -> RoleRecord:
    version = role_version(definition)
    found = session.exec(
        select(RoleRecord).where(RoleRecord.name == name, RoleRecord.version == version)
    ).first()
    if found:
        return found
    # Two processes may store the same new snapshot at once (replicas starting their first
    # interview of a role): the loser's insert does nothing and it reads the winner's row.
    values = {"name": name, "title": title, "version": version, "definition": definition,
              "created_at": utcnow()}
    session.execute(_insert_for(session)(RoleRecord).values(**values).on_conflict_do_nothing())
    return session.exec(
        select(RoleRecord).where(RoleRecord.name == name, RoleRecord.version == version)
    ).one()


def get_or_create_candidate(
    session: Session, *, platform: str, platform_user_id: str, display_name: str,
    resume: str | None = None, timezone: str | None = None,
) -> Candidate:
    """The candidate with this platform user id, created if new. Two starts for one new
    candidate at once (a double-submitted form, two replicas) both get the one row: the
    insert does nothing when another transaction has just made it, then both read it."""
    key = (Candidate.platform == platform, Candidate.platform_user_id == platform_user_id)
    candidate = session.exec(select(Candidate).where(*key)).first()
    if candidate is None:
        fresh = Candidate(platform=platform, platform_user_id=platform_user_id,
                          display_name=display_name, resume=resume or "", timezone=timezone)
        session.execute(_insert_for(session)(Candidate).values(
            fresh.model_dump()).on_conflict_do_nothing())
        candidate = session.exec(select(Candidate).where(*key)).one()
        if candidate.id == fresh.id:
            return candidate
    candidate.display_name = display_name or candidate.display_name
    if resume:
        candidate.resume = resume
    if timezone:
        candidate.timezone = timezone
    session.add(candidate)
    session.flush()
    return candidate


def _insert_for(session: Session) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_nothing` (both PostgreSQL's and
    SQLite's)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert


def open_interview_for(session: Session, *, candidate_id: str, role_name: str) -> Interview | None:
    return session.exec(
        select(Interview).where(
            Interview.candidate_id == candidate_id,
            Interview.role_name == role_name,
            col(Interview.status).in_(OPEN),
        )
    ).first()


def find_interview_for_message(
    session: Session, *, platform: str, channel: str, thread: str
) -> Interview | None:
    """The interview a message belongs to: its thread (whatever the status), else the newest
    open interview in that channel (a candidate writing at the top level of the DM)."""
    query = select(Interview).where(Interview.platform == platform, Interview.channel == channel)
    if thread:
        found = session.exec(
            query.where(Interview.thread == thread).order_by(col(Interview.created_at).desc())
        ).first()
        if found:
            return found
    return session.exec(
        query.where(col(Interview.status).in_(OPEN)).order_by(col(Interview.created_at).desc())
    ).first()


def locked_interview(session: Session, interview_id: str) -> Interview | None:
    """The interview, row-locked until commit (`turns.lock_interview`): how a write
    transaction of the ORM paths starts."""
    turns.lock_interview(session.connection(), interview_id)
    return session.get(Interview, interview_id, populate_existing=True)


def get_interview(session: Session, interview_id: str) -> Interview | None:
    """By full id or by a unique prefix of at least six characters (ids are long to type).
    Ids are hex: anything else (`______` would be six LIKE wildcards) matches nothing."""
    interview_id = interview_id.strip().lower()
    if not _INTERVIEW_ID.fullmatch(interview_id):
        return None
    found = session.get(Interview, interview_id)
    if found or len(interview_id) < MIN_ID_PREFIX:
        return found
    matches = session.exec(
        select(Interview).where(col(Interview.id).startswith(interview_id, autoescape=True))
        .limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


def list_interviews(
    session: Session, *, statuses: Sequence[str] | None = None,
    candidate_ids: Sequence[str] | None = None, platform: str | None = None,
    workspaces: Sequence[str] | None = None, limit: int = 50,
) -> list[Interview]:
    """Newest first. Filters apply before the limit, so one workspace's list is not cut
    short by another's interviews."""
    query = select(Interview).order_by(col(Interview.created_at).desc()).limit(limit)
    if statuses:
        query = query.where(col(Interview.status).in_(statuses))
    if candidate_ids is not None:
        query = query.where(col(Interview.candidate_id).in_(candidate_ids))
    if platform:
        query = query.where(Interview.platform == platform)
    if workspaces is not None:
        query = query.where(col(Interview.workspace).in_(workspaces))
    return list(session.exec(query).all())


def next_seq(session: Session, interview_id: str) -> int:
    """Reserve the interview's next turn number: one statement moves its counter on and
    returns it (and on PostgreSQL locks the row until commit, so two writers never share
    a number)."""
    table = Interview.__table__
    return session.execute(
        sa.update(table).where(table.c.id == interview_id)
        .values(last_turn_seq=table.c.last_turn_seq + 1).returning(table.c.last_turn_seq)
    ).scalar_one()


def add_turn(session: Session, *, interview_id: str, speaker: str, kind: str, stage: str,
             text: str, question_id: str | None = None,
             platform_message_id: str | None = None, handled: bool = False) -> Turn:
    turn = Turn(interview_id=interview_id, seq=next_seq(session, interview_id), speaker=speaker,
                kind=kind, stage=stage, text=text, question_id=question_id,
                platform_message_id=platform_message_id, handled=handled)
    session.add(turn)
    session.flush()
    return turn


def turn_by_message_id(session: Session, *, interview_id: str, message_id: str) -> Turn | None:
    return session.exec(
        select(Turn).where(Turn.interview_id == interview_id,
                           Turn.platform_message_id == message_id)
    ).first()


def list_turns(session: Session, interview_id: str) -> list[Turn]:
    return list(session.exec(
        select(Turn).where(Turn.interview_id == interview_id).order_by(col(Turn.seq))
    ).all())


def unhandled_candidate_turns(session: Session, interview_id: str) -> list[Turn]:
    return list(session.exec(
        select(Turn).where(Turn.interview_id == interview_id, Turn.speaker == "candidate",
                           col(Turn.handled).is_(False)).order_by(col(Turn.seq))
    ).all())


# Turns the bot posts: its own, and a recruiter's it relays to the candidate (issue 12).
POSTED_BY_BOT = ("bot", "recruiter")


def undelivered_bot_turns(session: Session, interview_id: str) -> list[Turn]:
    return list(session.exec(
        select(Turn).where(Turn.interview_id == interview_id,
                           col(Turn.speaker).in_(POSTED_BY_BOT),
                           col(Turn.delivered_at).is_(None)).order_by(col(Turn.seq))
    ).all())


def interviews_with_pending_work(session: Session, *, platform: str | None = None) -> list[str]:
    """Interviews a restarted process must pick up: unhandled answers, unsent messages,
    or a finished interview whose report was never posted (optionally of one platform)."""
    pending_turns = select(Turn.interview_id).where(
        sa.or_(
            sa.and_(Turn.speaker == "candidate", col(Turn.handled).is_(False)),
            sa.and_(col(Turn.speaker).in_(POSTED_BY_BOT), col(Turn.delivered_at).is_(None)),
        )
    )
    ids = set(session.exec(pending_turns.distinct()).all())
    unposted = select(Report.interview_id).where(col(Report.posted_at).is_(None))
    ids |= set(session.exec(unposted).all())
    finished_unreported = select(Interview.id).where(
        col(Interview.status).in_(("completed", "expired")),
        ~sa.exists().where(Report.interview_id == Interview.id),
    )
    ids |= set(session.exec(finished_unreported).all())
    if platform is not None and ids:
        ids = set(session.exec(select(Interview.id).where(
            col(Interview.id).in_(ids), Interview.platform == platform)).all())
    return sorted(ids)


def save_scores(session: Session, *, interview_id: str, brain: str,
                evaluations: Sequence[Any]) -> None:
    session.execute(sa.delete(QuestionScore).where(QuestionScore.interview_id == interview_id))
    for e in evaluations:
        session.add(QuestionScore(
            interview_id=interview_id, position=e.position, question_id=e.question_id,
            topic=e.topic, question=e.question, score=e.score, justification=e.justification,
            evidence=list(e.evidence), flags=list(e.flags), brain=brain,
            confidence=e.confidence, scorer=e.scorer, model=e.model,
            prompt_version=e.prompt_version, rubric_hash=e.rubric_hash, samples=e.samples,
            details=score_details(e),
        ))


SCORE_DETAIL_FIELDS = ("covered", "missed", "incorrect_claims", "review_reasons", "rubric",
                       "sample_scores")


def score_details(evaluation: Any) -> dict[str, Any]:
    """The parts of a score kept in the JSON `details` column, in JSON-ready form."""
    dumped = evaluation.model_dump(mode="json", include=set(SCORE_DETAIL_FIELDS))
    return {key: dumped[key] for key in SCORE_DETAIL_FIELDS if key in dumped}


def get_report(session: Session, interview_id: str) -> Report | None:
    return session.exec(select(Report).where(Report.interview_id == interview_id)).first()


def list_scores(session: Session, interview_id: str) -> list[QuestionScore]:
    return list(session.exec(
        select(QuestionScore).where(QuestionScore.interview_id == interview_id)
        .order_by(col(QuestionScore.position))
    ).all())


def audit(session: Session, *, interview_id: str, actor: str, action: str,
          detail: dict[str, Any] | None = None) -> None:
    session.add(AuditEvent(interview_id=interview_id, actor=actor, action=action,
                           detail=detail or {}))


def count_audit(session: Session, *, interview_id: str, action: str) -> int:
    return session.exec(
        select(sa.func.count()).select_from(AuditEvent)
        .where(AuditEvent.interview_id == interview_id, AuditEvent.action == action)
    ).one()


def latest_candidate_turn(session: Session, interview_id: str) -> Turn | None:
    return session.exec(
        select(Turn).where(Turn.interview_id == interview_id, Turn.speaker == "candidate")
        .order_by(col(Turn.seq).desc()).limit(1)
    ).first()
