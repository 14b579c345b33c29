"""Builds the engine from a URL: SQLite (WAL with synchronous=NORMAL, foreign keys, busy
timeout) or PostgreSQL (full durability: its defaults are kept)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

logger = logging.getLogger(__name__)


class DatabaseUnavailableError(RuntimeError):
    """The database URL is malformed or the server does not answer."""


class PgArray(list):  # type: ignore[type-arg]
    """A list that goes to PostgreSQL as one binary array parameter.

    psycopg sends a plain list in text format, quoting every element through a regular
    expression: about 10 ms per 1,000 strings, most of a bulk statement's client time. The
    binary format copies the values as they are."""


def make_engine(url: str) -> Engine:
    """One engine per process (or per test), built from settings, never a module global."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseUnavailableError(f"DATABASE_URL is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=_connect_args(parsed))
    except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        raise DatabaseUnavailableError(f"cannot use DATABASE_URL: {exc}") from exc
    sa.event.listen(engine, "connect", _send_arrays_binary)
    return engine


def _send_arrays_binary(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    adapters = getattr(dbapi_connection, "adapters", None)  # psycopg 3; other drivers: lists
    if adapters is not None:
        from psycopg.types.array import ListBinaryDumper

        adapters.register_dumper(PgArray, ListBinaryDumper)


def _connect_args(parsed: sa.engine.URL) -> dict[str, object]:
    if parsed.get_backend_name() == "postgresql":
        return {"connect_timeout": 5}
    return {}


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    kwargs: dict[str, object] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL syncs at checkpoints instead of at every commit: a power loss
            # (not a crash of the process) may lose the last transactions, never corrupts the
            # file. FULL's fsync per commit was a quarter of a candidate turn's time.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def check_connection(engine: Engine) -> None:
    """Fail early with one readable line instead of a driver traceback later."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        safe_url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailableError(f"cannot connect to {safe_url}: {reason}") from exc


def session(engine: Engine) -> Session:
    """A session whose objects stay readable after commit (we hand them across threads)."""
    return Session(engine, expire_on_commit=False)
