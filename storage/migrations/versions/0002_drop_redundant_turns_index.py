"""drop ix_turns_interview_id: uq_turns_interview_seq (interview_id, seq) serves its lookups

Every turn insert maintained both B-trees; the reminder sweeper inserts a thousand turns per
batch, so the duplicate index was pure write cost.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index("ix_turns_interview_id")


def downgrade() -> None:
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index("ix_turns_interview_id", ["interview_id"], unique=False)
