"""What every command needs: one-line errors, settings, the database, the service.

A user mistake becomes one `error: ...` line and a non-zero exit, checked before any work
is done, so nothing is written when a command is refused.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.brains.base import Brain
    from bot.roles import Role
    from bot.service import InterviewService
    from bot.settings import Settings

out = Console()
err = Console(stderr=True)


class Access(StrEnum):
    """What a command does to the database: decides whether it may create, must migrate,
    or only reads (a read-only command never migrates and opens SQLite read-only)."""

    CREATE = "create"  # demo, run, db upgrade: a missing SQLite file is made
    WRITE = "write"    # cancel, extend, forget, ...: the database must exist
    READ = "read"      # status, export, reminders, purge --dry-run


def fail(message: str, code: int = 1) -> NoReturn:
    """The one line a refused command prints. The message is plain text (never read as
    rich markup: `[postgres]` or a file name in brackets stays as written)."""
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False,
              soft_wrap=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    from bot.settings_reference import SettingsProblem
    from bot.settings_reference import load_settings as load

    try:
        settings = load()
    except SettingsProblem as exc:
        fail(str(exc))
    if settings.roles_dir is not None and not Path(settings.roles_dir).expanduser().is_dir():
        fail(f"ROLES_DIR={str(settings.roles_dir)!r} is not a folder: create it, or unset "
             "ROLES_DIR to use the built-in roles only")
    import logging

    from adapters.logs import LogLevelsError, configure_logging

    try:  # the libraries' log levels, now that .env has been read (see adapters/logs.py)
        configure_logging(logging.getLogger().level, settings.log_library_levels)
    except LogLevelsError as exc:
        fail(str(exc))
    return settings


def output_path(path: Path, option: str) -> Path:
    """Refuse an output file that cannot be written before the work that fills it starts."""
    target = path.expanduser()
    folder = target.parent
    if target.is_dir():
        fail(f"{option} {path} is a folder: give a file name")
    if not folder.is_dir():
        fail(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        fail(f"{option} {path} cannot be written: no write permission")
    return target


def open_database(settings: Settings, access: Access = Access.CREATE) -> Engine:
    """Engine, connectivity and schema: one readable line if any of it is wrong.

    CREATE and WRITE migrate to the latest schema (under a lock, so replicas starting
    together are safe); READ checks the schema is current and writes nothing."""
    from storage.engine import DatabaseUnavailableError, check_connection, make_engine
    from storage.migrate import MigrationLockTimeoutError, schema_is_current, upgrade

    _check_sqlite_file(settings.database_url, access)
    try:
        engine = make_engine(settings.database_url, read_only=access is Access.READ)
        check_connection(engine)
        if access is Access.READ:
            if not schema_is_current(engine):
                fail(f"the database at {_safe_url(engine)} has no schema yet or an older "
                     "one: run `interview-bot db upgrade`")
        else:
            upgrade(engine)
    except (DatabaseUnavailableError, MigrationLockTimeoutError) as exc:
        fail(str(exc))
    return engine


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _check_sqlite_file(url: str, access: Access) -> None:
    """SQLite's usual failures named before SQLite meets them: no file, a read-only file, a
    folder where its -wal and -shm files cannot be made."""
    from storage.engine import sqlite_file

    path = sqlite_file(url)
    if path is None:
        return
    folder = path.parent
    if not path.exists():
        if access is not Access.CREATE:
            fail(f"no database at {path}: run `interview-bot demo` or "
                 "`interview-bot db upgrade` first (or set DATABASE_URL)")
        if not folder.is_dir():
            fail(f"DATABASE_URL points into {folder}, which does not exist: create the "
                 "folder or change DATABASE_URL")
    if access is Access.READ:
        return
    if path.exists() and not os.access(path, os.W_OK):
        fail(f"the database file {path} is read-only: make it writable (chmod u+w) or set "
             "DATABASE_URL to a writable file")
    if not os.access(folder, os.W_OK):
        fail(f"cannot write in {folder}: SQLite keeps {path.name}-wal and -shm beside the "
             "database, so the folder must be writable (or set DATABASE_URL elsewhere)")


def build_brain(settings: Settings) -> Brain:
    """The brain the settings ask for; the openai one needs a key or a local server URL."""
    if settings.brain == "openai":
        if settings.openai_api_key is None and settings.openai_base_url is None:
            fail("BRAIN=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)")
        from bot.brains.openai_brain import OpenAIBrain

        return OpenAIBrain(settings)
    from bot.brains.offline import OfflineBrain

    return OfflineBrain()


def build_service(settings: Settings, engine: Engine, port: Any = None) -> InterviewService:
    from adapters.console import ConsolePort
    from bot.service import InterviewService

    return InterviewService(engine=engine, port=port if port is not None else ConsolePort(),
                            brain=build_brain(settings), settings=settings)


def get_role(name: str, settings: Settings) -> Role:
    from bot.roles import RoleInvalidError, RoleNotFoundError, load_role

    try:
        return load_role(name, settings.roles_dir)
    except RoleNotFoundError as exc:
        fail(str(exc.args[0] if exc.args else exc))
    except RoleInvalidError as exc:
        more = len(exc.errors) - 1
        extra = f" (and {more} more: run `interview-bot roles validate`)" if more > 0 else ""
        fail(f"role {name!r} is invalid: {exc.errors[0]}{extra}")


def print_counts(counts: dict[str, int], heading: str = "rows deleted") -> None:
    table = Table("table", heading)
    for name, n in counts.items():
        table.add_row(name, str(n))
    out.print(table)
