"""Candidates' rights and human review (issue 12)

- `handed_over`, a new open status: the one-open-interview-per-candidate-and-role index
  counts it as open too;
- `interviews`: a pending erasure confirmation, a confirmed erasure still to run, and the
  count of late messages not stored;
- `handovers` (an interview given to a person), `recruiter_notices` (what the recruiter
  channel is told, stored before it is posted), `score_reviews` (recruiters' scores beside
  the machine's) and `erasure_log` (that an erasure happened, counts only).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_OPEN = sa.text("status IN ('active', 'paused')")
_NEW_OPEN = sa.text("status IN ('active', 'paused', 'handed_over')")
_INDEX = "uq_interviews_open_candidate_role"


def upgrade() -> None:
    # Plain ALTER TABLE on both databases, as 0004 does: a batch copy of `interviews` would
    # trip the foreign keys pointing at it.
    op.add_column("interviews", sa.Column("awaiting_erasure_confirmation", sa.Boolean(),
                                          nullable=False, server_default=sa.false()))
    op.add_column("interviews", sa.Column("erasure_confirmed_at", UTCDateTime(),
                                          nullable=True))
    op.add_column("interviews", sa.Column("late_messages_dropped", sa.Integer(),
                                          nullable=False, server_default=sa.text("0")))
    op.drop_index(_INDEX, table_name="interviews")
    op.create_index(_INDEX, "interviews", ["candidate_id", "role_name"], unique=True,
                    sqlite_where=_NEW_OPEN, postgresql_where=_NEW_OPEN)

    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("taken_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("taken_by_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("handed_back_at", UTCDateTime(), nullable=True),
        sa.Column("handed_back_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("alert_notice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handovers_interview_id", "handovers", ["interview_id"])

    op.create_table(
        "recruiter_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recruiter_notices_interview_id", "recruiter_notices", ["interview_id"])

    op.create_table(
        "score_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("machine_score", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reviewer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_score_reviews_interview_id", "score_reviews", ["interview_id"])

    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("erasure_log")
    op.drop_index("ix_score_reviews_interview_id", table_name="score_reviews")
    op.drop_table("score_reviews")
    op.drop_index("ix_recruiter_notices_interview_id", table_name="recruiter_notices")
    op.drop_table("recruiter_notices")
    op.drop_index("ix_handovers_interview_id", table_name="handovers")
    op.drop_table("handovers")
    # Interviews handed over have no place in the old schema: they count as active again.
    op.execute("UPDATE interviews SET status = 'active' WHERE status = 'handed_over'")
    op.drop_index(_INDEX, table_name="interviews")
    op.create_index(_INDEX, "interviews", ["candidate_id", "role_name"], unique=True,
                    sqlite_where=_OLD_OPEN, postgresql_where=_OLD_OPEN)
    op.drop_column("interviews", "late_messages_dropped")
    op.drop_column("interviews", "erasure_confirmed_at")
    op.drop_column("interviews", "awaiting_erasure_confirmation")
