"""The tables. One module so that the whole schema reads in one place.

Timestamps are timezone-aware UTC everywhere (`UTCDateTime` restores the zone that SQLite
drops). JSON columns are reassigned, never mutated in place (SQLAlchemy does not track that).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes in UTC and always hands back aware UTC datetimes."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(
        default_factory=None if nullable else utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index),
    )


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=sa.Column(sa.JSON, nullable=False))


def _text() -> Any:
    return Field(sa_column=sa.Column(sa.Text, nullable=False))


class RoleRecord(SQLModel, table=True):
    """A snapshot of a role definition as used by interviews, so edits to YAML never change
    an interview already under way or an evaluation already given."""

    __tablename__ = "roles"
    __table_args__ = (sa.UniqueConstraint("name", "version", name="uq_roles_name_version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=100)
    version: str = Field(max_length=64)
    title: str = Field(max_length=200)
    definition: dict[str, Any] = _json(dict)
    created_at: datetime = _ts()


class Candidate(SQLModel, table=True):
    __tablename__ = "candidates"
    __table_args__ = (
        sa.UniqueConstraint("platform", "platform_user_id", name="uq_candidates_platform_user"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    platform: str = Field(max_length=32)
    platform_user_id: str = Field(max_length=100)
    display_name: str = Field(max_length=200)
    resume: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts()


# Open: under way, paused, or handed over to a person (issue 12); every other status ends it.
_OPEN_INTERVIEW = sa.text("status IN ('active', 'paused', 'handed_over')")


class Interview(SQLModel, table=True):
    """One interview and the whole of its flow state: a restarted process needs nothing else."""

    __tablename__ = "interviews"
    __table_args__ = (
        # One open interview per candidate and role, even when two recruiters race.
        sa.Index("uq_interviews_open_candidate_role", "candidate_id", "role_name", unique=True,
                 sqlite_where=_OPEN_INTERVIEW, postgresql_where=_OPEN_INTERVIEW),
        sa.Index("ix_interviews_conversation", "platform", "channel", "thread"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    candidate_id: str = Field(foreign_key="candidates.id", index=True, max_length=32)
    role_id: int = Field(foreign_key="roles.id", index=True)
    role_name: str = Field(max_length=100)
    recruiter_id: str = Field(default="", max_length=100)
    brain: str = Field(default="offline", max_length=32)

    status: str = Field(default="active", index=True, max_length=16)
    stage: str = Field(default="greeting", max_length=32)
    end_reason: str | None = Field(default=None, max_length=200)

    platform: str = Field(max_length=32)
    workspace: str = Field(default="", max_length=100)
    channel: str = Field(default="", max_length=100)
    thread: str = Field(default="", index=True, max_length=100)

    flow: dict[str, Any] = _json(dict)
    plan: list[str] = _json(list)
    question_index: int = 0
    followups_used: int = 0
    candidate_exchanges: int = 0
    candidate_turns: int = 0
    awaiting_withdraw_confirmation: bool = False
    # The candidate asked for their data to be erased; the next message confirms or not.
    awaiting_erasure_confirmation: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()})
    # They confirmed: the erasure runs right after that message's transaction (or, after a
    # crash, at the next start-up), so a confirmed request is never lost.
    erasure_confirmed_at: datetime | None = _ts(nullable=True)
    # Messages after the end beyond the cap: counted, not stored (their text is not kept).
    late_messages_dropped: int = Field(default=0,
                                       sa_column_kwargs={"server_default": sa.text("0")})
    version: int = 0
    # The seq of the interview's last turn: whoever stores a turn takes the next number and
    # moves this on in the same transaction (no MAX(seq) lookup per insert).
    last_turn_seq: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})

    consent_version: str = Field(default="", max_length=32)
    consent_shown_at: datetime | None = _ts(nullable=True)
    deadline_at: datetime | None = _ts(nullable=True)
    last_candidate_at: datetime | None = _ts(nullable=True)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    created_at: datetime = _ts(index=True)
    updated_at: datetime = _ts()
    finished_at: datetime | None = _ts(nullable=True)


class Turn(SQLModel, table=True):
    """One message of the interview, in order. Candidate turns are stored before anything
    else happens with them; bot turns are stored before they are sent (`delivered_at`)."""

    __tablename__ = "turns"
    __table_args__ = (sa.UniqueConstraint("interview_id", "seq", name="uq_turns_interview_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    # No index of its own: the unique (interview_id, seq) key serves every lookup by interview.
    interview_id: str = Field(foreign_key="interviews.id", max_length=32)
    seq: int
    speaker: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    stage: str = Field(max_length=32)
    question_id: str | None = Field(default=None, max_length=100)
    text: str = _text()
    platform_message_id: str | None = Field(default=None, max_length=100)
    handled: bool = False
    delivered_at: datetime | None = _ts(nullable=True)
    edited_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class QuestionScore(SQLModel, table=True):
    __tablename__ = "question_scores"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    position: int
    question_id: str = Field(max_length=100)
    topic: str = Field(max_length=200)
    question: str = _text()
    score: int
    justification: str = _text()
    evidence: list[str] = _json(list)
    flags: list[str] = _json(list)
    brain: str = Field(max_length=32)
    # How sure the scorer was (0-1) and what produced the score: a re-run can be compared.
    confidence: float = Field(default=1.0, sa_column=sa.Column(sa.Float, nullable=False,
                                                               server_default="1.0"))
    scorer: str = Field(default="", max_length=64)
    model: str = Field(default="", max_length=200)
    prompt_version: str = Field(default="", max_length=32)
    rubric_hash: str = Field(default="", max_length=64)
    samples: int = 1
    # Covered and missed points, wrong claims, review reasons, rubric kind, sample scores.
    details: dict[str, Any] = _json(dict)
    created_at: datetime = _ts()


class Report(SQLModel, table=True):
    __tablename__ = "reports"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", unique=True, max_length=32)
    brain: str = Field(max_length=32)
    partial: bool = False
    recommendation: str = Field(max_length=100)
    overall_score: float
    sections: dict[str, Any] = _json(dict)
    markdown: str = _text()
    created_at: datetime = _ts()
    posted_at: datetime | None = _ts(nullable=True)


class ProcessedEvent(SQLModel, table=True):
    """Platform event ids already taken in; the unique key is what makes redelivery harmless."""

    __tablename__ = "processed_events"
    __table_args__ = (
        sa.UniqueConstraint("platform", "event_key", name="uq_processed_events_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    event_key: str = Field(max_length=200)
    interview_id: str | None = Field(default=None, index=True, max_length=32)
    created_at: datetime = _ts()


class Reminder(SQLModel, table=True):
    __tablename__ = "reminders"
    __table_args__ = (sa.Index("ix_reminders_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    kind: str = Field(max_length=32)
    due_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    lease_until: datetime | None = _ts(nullable=True)
    sent_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class AuditEvent(SQLModel, table=True):
    """Who or what did what to an interview: kept for the human oversight the law asks for."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64)
    detail: dict[str, Any] = _json(dict)
    created_at: datetime = _ts()


class Handover(SQLModel, table=True):
    """An interview given to a person: asked for by the candidate, or taken over by a
    recruiter, until it is handed back. While one is open the bot asks nothing."""

    __tablename__ = "handovers"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    requested_by: str = Field(max_length=100)  # "candidate", or the recruiter who took over
    requested_at: datetime = _ts()
    taken_by: str | None = Field(default=None, max_length=100)
    taken_by_name: str | None = Field(default=None, max_length=200)
    taken_at: datetime | None = _ts(nullable=True)
    handed_back_at: datetime | None = _ts(nullable=True)
    handed_back_by: str | None = Field(default=None, max_length=100)
    # The recruiter-channel message whose thread carries the conversation (Slack's relay).
    alert_notice_id: int | None = None


class RecruiterNotice(SQLModel, table=True):
    """A message for the recruiter channel (a request, a relayed message, late messages),
    stored in the transaction that caused it and posted after, so none is lost."""

    __tablename__ = "recruiter_notices"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    kind: str = Field(max_length=32)
    text: str = _text()  # the core's Markdown; "{candidate}" stands for the candidate's name
    # Someone's own words, shown quoted and escaped by the adapter (never as markup).
    quote: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    parent_id: int | None = None  # the notice to post under (its thread)
    actions: list[str] = _json(list)
    created_at: datetime = _ts()
    posted_at: datetime | None = _ts(nullable=True)
    message_id: str | None = Field(default=None, max_length=100)


class ScoreReview(SQLModel, table=True):
    """A recruiter's verdict on one question's machine score: stored beside it, never over
    it. The latest review of a question is the one in force."""

    __tablename__ = "score_reviews"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interviews.id", index=True, max_length=32)
    position: int
    question_id: str = Field(max_length=100)
    machine_score: int  # the score reviewed, as it was shown
    verdict: str = Field(max_length=16)  # "agree" or "adjust"
    score: int
    reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    reviewer_id: str = Field(max_length=100)
    reviewer_name: str = Field(default="", max_length=200)
    created_at: datetime = _ts()


class ErasureRecord(SQLModel, table=True):
    """That an erasure happened, and what it removed: counts only, nothing about the person
    (no name, no user id, no interview id), so it outlives the data it describes."""

    __tablename__ = "erasure_log"

    id: int | None = Field(default=None, primary_key=True)
    requested_by: str = Field(max_length=100)  # "candidate", "cli" or the recruiter's user id
    platform: str = Field(default="", max_length=32)
    rows: dict[str, Any] = _json(dict)
    created_at: datetime = _ts()


ALL_TABLES = [
    RoleRecord, Candidate, Interview, Turn, QuestionScore, Report, ProcessedEvent, Reminder,
    AuditEvent, Handover, RecruiterNotice, ScoreReview, ErasureRecord,
]
