"""Which database errors say "try again", and trying again.

A deadlock (PostgreSQL aborts one of the two transactions, SQLSTATE 40P01), a serialization
failure (40001), a lock not granted (55P03) and SQLite's "database is locked" (another
process held the write lock past the busy timeout, or a read transaction could not become a
write one) say nothing about the work itself: the same transaction, run again from its
start, goes through. Dropping it instead loses whatever it carried, a candidate's message
among them. Retries are few and short (a handful of milliseconds, doubling, jittered so two
losers do not meet again), and log the error's kind only: with `hide_parameters` the error
carries no values, and the kind is all an operator needs.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 6  # the first try and five more: 5 + 10 + 20 + 40 + 80 ms of waiting at most x1.5
FIRST_WAIT = 0.005
# No new attempt once this long has gone by since the first began: an attempt that itself
# waited out SQLite's 30 s busy timeout is not worth five more on the single writer (every
# interview waits behind it); the caller answers with an error and Slack redelivers.
RETRY_WITHIN = 2.0
RETRIED_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_transient(exc: BaseException) -> bool:
    """A lock conflict the database resolved by refusing this transaction."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RETRIED_SQLSTATES:
        return True
    return isinstance(orig, sqlite3.OperationalError) and str(orig).startswith(_SQLITE_BUSY)


def is_transient_or_integrity(exc: BaseException) -> bool:
    """`is_transient`, or a unique key that someone else took first: for work that reads
    the key's current state at its start (a turn number, an event id), a second run sees
    the other writer's row and does the right thing with it."""
    return is_transient(exc) or isinstance(exc, sa.exc.IntegrityError)


def kind_of(exc: BaseException) -> str:
    """The error's class and SQLSTATE: what a log line may say about it."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None)
    return f"{type(orig).__name__}" + (f" ({state})" if state else "")


def wait_before(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt` (0-based)."""
    return FIRST_WAIT * (2 ** attempt) * random.uniform(0.5, 1.5)


def run_retrying(work: Callable[[], T], *, what: str,
                 retry_if: Callable[[BaseException], bool] = is_transient,
                 attempts: int = ATTEMPTS) -> T:
    """`work()`, run again (after a short wait) while it fails with an error `retry_if`
    accepts, at most `attempts` times in all and none begun after RETRY_WITHIN seconds;
    the last error is raised, never swallowed.
    `work` must start its own transaction: each run begins from a clean state."""
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            return work()
        except Exception as exc:
            if (attempt + 1 >= attempts or not retry_if(exc)
                    or time.monotonic() - started > RETRY_WITHIN):
                raise
            logger.warning("%s: %s; trying again (%d of %d)", what, kind_of(exc),
                           attempt + 2, attempts)
            time.sleep(wait_before(attempt))
    raise AssertionError("unreachable")  # the loop returns or raises
