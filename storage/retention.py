"""What the retention purge would delete, counted without deleting (`purge --dry-run`).

Selects exactly what `storage.reminders.purge_ended_before` deletes: ended interviews that
finished before the cutoff, their child rows, and candidates left with no interview. A test
runs both on the same data and compares the counts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.models import Interview
from storage.reminders import _CHILD_TABLES, ENDED_STATUSES, TABLES


def count_ended_before(session: Session, cutoff: datetime) -> dict[str, int]:
    ended_at = sa.func.coalesce(Interview.finished_at, Interview.updated_at)
    doomed = (sa.select(Interview.id)
              .where(col(Interview.status).in_(ENDED_STATUSES), ended_at < cutoff))
    counts = dict.fromkeys(TABLES, 0)
    for name, table in _CHILD_TABLES:
        counts[name] = session.execute(
            sa.select(sa.func.count()).select_from(table)
            .where(table.c.interview_id.in_(doomed))).scalar_one()
    counts["interviews"] = session.execute(
        sa.select(sa.func.count()).select_from(doomed.subquery())).scalar_one()
    kept = sa.select(Interview.candidate_id).where(col(Interview.id).not_in(doomed))
    orphaned = (sa.select(sa.func.count(sa.distinct(Interview.candidate_id)))
                .where(col(Interview.id).in_(doomed), col(Interview.candidate_id).not_in(kept)))
    counts["candidates"] = session.execute(orphaned).scalar_one()
    return counts
