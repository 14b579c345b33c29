"""A start's claim on one candidate and role, taken before their conversation is opened.

The unique index on open interviews refuses a second interview for one candidate and role,
but only when the interview row is inserted, after the DM thread or Discord thread has been
opened: two replicas starting the same interview at once left the loser's conversation
empty. The claim is a row of `processed_events` under a `start:` key (its unique key is the
database's, so it holds across replicas), committed before anything is opened; the
transaction that stores the interview deletes it, and a start that fails deletes it on its
way out. A start that died with its process leaves its claim behind: after `STALE_AFTER` it
no longer counts, so that candidate and role can be started again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import ProcessedEvent
from storage.turns import RECORD_EVENT

STALE_AFTER = timedelta(minutes=5)  # a start takes seconds; a model's greeting, at most ~1 min
_E = ProcessedEvent.__table__


def _key(candidate_id: str, role_name: str) -> str:
    return f"start:{candidate_id}:{role_name}"[:200]


def claim_start(connection: Connection, *, platform: str, candidate_id: str, role_name: str,
                now: datetime) -> bool:
    """True when this start may open the conversation: nobody else is starting that
    candidate and role, or whoever was did not finish within `STALE_AFTER`."""
    key = _key(candidate_id, role_name)
    inserted = connection.execute(RECORD_EVENT[connection.dialect.name], {
        "platform": platform, "event_key": key, "interview_id": None,
        "created_at": now}).first()
    if inserted is not None:
        return True
    taken_over = connection.execute(
        sa.update(_E).where(_E.c.platform == platform, _E.c.event_key == key,
                            _E.c.created_at < now - STALE_AFTER).values(created_at=now))
    return taken_over.rowcount == 1


def release_start(connection: Connection, *, platform: str, candidate_id: str,
                  role_name: str) -> None:
    connection.execute(sa.delete(_E).where(_E.c.platform == platform,
                                           _E.c.event_key == _key(candidate_id, role_name)))
