"""Builds the engine from a URL: SQLite (WAL with synchronous=NORMAL, foreign keys, busy
timeout) or PostgreSQL (full durability: its defaults are kept).

Candidate text is kept where `forget` can reach it, and nowhere else:
- SQL parameters are hidden from every error and log line (`hide_parameters`): a failing
  insert would otherwise print the candidate's message with the statement;
- the SQLite file is created readable by its owner only (0600); SQLite gives its `-wal`
  and `-shm` files the main file's permissions;
- `secure_delete` makes SQLite overwrite deleted content with zeros instead of leaving it in
  free pages, and `scrub_erased` checkpoints and truncates the write-ahead log after an
  erasure, which would otherwise keep copies of the erased rows while the bot runs.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

logger = logging.getLogger(__name__)

AUTOCHECKPOINT_PAGES = 10_000


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
        if not in_memory and parsed.database and not parsed.database.startswith("file:"):
            make_private(Path(parsed.database))
        return _sqlite_engine(url, in_memory=in_memory)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True,
                               connect_args=_connect_args(parsed))
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
    engine = create_engine(uri, hide_parameters=True,
                           connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


PRIVATE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Create the database file owner-only if it is new; tighten it (and any side files a
    previous version left 0644) if it is not. A file we may not change is left to SQLite."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    except OSError:
        return  # a missing folder or a read-only file: SQLite says so at connect
    try:
        os.fchmod(fd, PRIVATE_MODE)
    except OSError as exc:
        logger.warning("cannot make %s private (owner-only): %s", path, exc.strerror)
    finally:
        os.close(fd)
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        try:
            if side.exists():
                side.chmod(PRIVATE_MODE)
        except OSError as exc:
            logger.warning("cannot make %s private (owner-only): %s", side, exc.strerror)


def scrub_erased(engine: Engine) -> None:
    """After a `forget` or a purge: fold SQLite's write-ahead log into the (securely
    deleted) database file and truncate it, so no copy of the erased rows stays in the
    `-wal` file. PostgreSQL keeps deleted rows in its data files until autovacuum reuses
    the space; that is the server's storage, outside this process (README, privacy)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        logger.warning("the write-ahead log could not be truncated yet (a reader was busy); "
                       "SQLite folds it in at the next checkpoint")


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    kwargs: dict[str, object] = {"connect_args": {"check_same_thread": False, "timeout": 30},
                                 "hide_parameters": True}
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
            # The bot checkpoints in a thread of its own (`WalCheckpoints`); SQLite's own,
            # inside a commit, is the backstop at 10,000 pages (40 MB) instead of 1,000.
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def is_sqlite_file(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and not isinstance(engine.pool, StaticPool)


class WalCheckpoints:
    """SQLite's WAL checkpoints in a thread of their own, for a process that writes often.

    By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
    commit, a candidate's turn, then copies the pages into the database file and syncs it,
    several milliseconds and most of the turn path's p99 on a file (measured over 1,000 turns
    at one interview: p99 4.4-4.7 ms with those checkpoints, 1.8-2.6 ms without). A PASSIVE
    checkpoint here every `every` write transactions (a turn is two, about 7 pages) keeps the
    WAL short of the engine's `wal_autocheckpoint`; writers never wait for it. What is left
    in a commit is one sync of the WAL header when the WAL starts over after a checkpoint,
    hence few, large checkpoints rather than many small ones."""

    def __init__(self, engine: Engine, *, every: int = 1_000) -> None:
        self._engine = engine
        self._every = every
        self._since = 0
        self._running = False
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
        self.last: Future[None] | None = None

    def committed(self) -> None:
        """Count one write transaction; every `every`, start a checkpoint unless one runs."""
        with self._lock:
            self._since += 1
            if self._since < self._every or self._running:
                return
            self._since, self._running = 0, True
        self.last = self._worker.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except sa.exc.DBAPIError:
            logger.warning("WAL checkpoint failed; SQLite's own will run", exc_info=True)
        finally:
            with self._lock:
                self._running = False


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
