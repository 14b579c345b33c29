"""Builds the engine from a URL: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

import logging
import os
from pathlib import Path

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


POSTGRES_EXTRA_HINT = ("DATABASE_URL is a PostgreSQL URL, which needs the PostgreSQL driver: "
                       "pip install 'interview-bot[postgres]'")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """One engine per process (or per test), built from settings, never a module global.

    `read_only` opens a SQLite file read-only (commands that only read, which then work in
    a folder the user cannot write); PostgreSQL is unaffected."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseUnavailableError(f"DATABASE_URL is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if read_only and not in_memory:
            return _sqlite_read_only_engine(parsed)
        return _sqlite_engine(url, in_memory=in_memory)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=_connect_args(parsed))
    except ImportError as exc:
        if parsed.get_backend_name() == "postgresql":
            raise DatabaseUnavailableError(POSTGRES_EXTRA_HINT) from exc
        raise DatabaseUnavailableError(f"cannot use DATABASE_URL: {exc}") from exc
    except sa.exc.ArgumentError as exc:
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


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for other databases and in-memory SQLite)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if database.startswith("file:"):  # a URI filename (?uri=true)
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).expanduser().absolute()


def _sqlite_read_only_engine(parsed: sa.engine.URL) -> Engine:
    """`mode=ro`: nothing can be written through it. A WAL database needs its -shm file to
    be read; when the folder cannot be written and no writer has left one (so none is
    active), `immutable=1` lets SQLite read the file as it is."""
    path = sqlite_file(parsed.render_as_string(hide_password=False))
    assert path is not None
    wal_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    query = {"mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK) and not any(f.exists() for f in wal_files):
        query["immutable"] = "1"
    from urllib.parse import quote

    uri = parsed.set(database=f"file:{quote(str(path))}", query=query)
    engine = create_engine(uri, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


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
