"""question_scores: confidence, what produced the score, and its details

A score now carries how sure the scorer was, which scorer/model/prompt/rubric produced it
(so a re-run can be compared and drift seen), and its covered/missed points, wrong claims
and review reasons, so a stored evaluation reads back exactly as it was given.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=False,
                                      server_default="1.0"))
        batch_op.add_column(sa.Column("scorer", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("model", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("prompt_version", sa.String(length=32), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("rubric_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("samples", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=False,
                                      server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("question_scores", schema=None) as batch_op:
        for name in ("details", "samples", "rubric_hash", "prompt_version", "model", "scorer",
                     "confidence"):
            batch_op.drop_column(name)
