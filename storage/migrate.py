"""Alembic, driven from code so that `interview-bot db upgrade` and the demo need no ini file.

Every process migrates at start, so several replicas starting together on a fresh
database all run `upgrade` at once. The upgrade therefore runs in one transaction that
first takes a lock only one process can hold (PostgreSQL: a transaction-scoped advisory
lock; SQLite: `BEGIN IMMEDIATE`, the database's single write lock). The others wait, then
find the schema current and do nothing. Without it, two processes both saw an empty
database and both created the tables ("table candidates already exists",
`UniqueViolation pg_type_typname_nsp_index`).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Hashed to the advisory lock's key; the purge's lock hashes another name.
MIGRATION_LOCK_KEY = "interview-bot:migrate"
LOCK_WAIT_SECONDS = 120  # PostgreSQL; SQLite waits for its busy timeout


class MigrationLockTimeoutError(RuntimeError):
    """Another process held the migration lock for too long."""


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call at every start, from any number of
    processes at once."""
    try:
        command.upgrade(alembic_config(engine), revision)
    except sa.exc.OperationalError as exc:
        if _is_lock_timeout(exc):
            raise MigrationLockTimeoutError(
                "another process kept the database locked while this one waited to migrate "
                "it; try again, or stop the process holding it") from exc
        raise


def lock_for_migration(connection: Connection) -> None:
    """Begin the migration's transaction holding the schema lock (see the module doc).
    Alembic then runs inside this transaction (it treats it as external) and the caller's
    commit releases the lock."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'"))
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                           {"key": MIGRATION_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # pysqlite starts transactions only before DML; DDL and reads would run unlocked.
        # Waits up to the engine's busy timeout (30 s, `storage.engine`).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _is_lock_timeout(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "lock timeout" in text or "database is locked" in text


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision (read-only commands check this
    instead of migrating)."""
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads
