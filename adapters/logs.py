"""Logging for every command: our own loggers at the level asked for, the libraries' capped.

Candidate text must never reach a log, where `forget` cannot erase it. Our own log lines
name ids, counts and kinds, never message text. Libraries are another matter: at DEBUG,
slack_sdk logs every Web API call's body (the messages we post), Bolt logs the whole body of
a request whose signature fails (in HTTP mode, anyone can send one), discord.py's HTTP client
logs each request's payload, the openai SDK logs the prompt, httpx and aiohttp their traffic,
SQLAlchemy's engine at INFO its parameters. So each of those is capped (`LIBRARY_CAPS`)
whatever `-v` says; an operator who needs one library's detail names it in
`LOG_LIBRARY_LEVELS` (for example `slack_bolt=DEBUG`), knowing it will log message text.

Tracebacks are the other way in: a database error's own text can carry row values
(PostgreSQL's "Failing row contains (...)" detail), which SQLAlchemy's `hide_parameters` does
not reach. Every handler of the root logger scrubs them (`DatabaseErrorText`): the frames
stay, each database exception in the chain is shown by its class alone.
"""

from __future__ import annotations

import logging
import traceback

FORMAT = "%(levelname)s %(name)s: %(message)s"

# The most detail each library may log unless LOG_LIBRARY_LEVELS asks for more.
LIBRARY_CAPS: dict[str, int] = {
    "slack_bolt": logging.WARNING,
    "slack_sdk": logging.WARNING,
    "discord": logging.INFO,  # INFO is connection state; DEBUG is every payload
    "openai": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "apscheduler": logging.WARNING,
    "alembic": logging.WARNING,
}


# Exceptions from these packages may quote the data they refused.
_DATABASE_PACKAGES = frozenset({"sqlalchemy", "psycopg", "psycopg2", "sqlite3", "_sqlite3"})


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of `exc` as logging prints it, with the text of every database
    exception in its chain (cause and context) replaced by a note."""
    formatted = traceback.TracebackException.from_exception(exc)
    seen: set[int] = set()
    pending = [formatted]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.exc_type is not None and _is_database_error_type(current.exc_type):
            current._str = "(the database's text is not logged: it may quote candidate data)"
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return "".join(formatted.format()).rstrip("\n")


def _is_database_error_type(kind: type[BaseException]) -> bool:
    return any(c.__module__.split(".")[0] in _DATABASE_PACKAGES for c in kind.__mro__)


class DatabaseErrorText(logging.Filter):
    """Puts the scrubbed traceback in a record whose exception chain holds a database error;
    the formatter then prints that instead of formatting the exception itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _chain_has_database_error(exc):
            record.exc_text = scrubbed_traceback(exc)
        return True


def _chain_has_database_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _is_database_error_type(type(current)):
            return True
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return False


class LogLevelsError(ValueError):
    """LOG_LIBRARY_LEVELS is malformed; the message says how to write it."""


def parse_levels(value: str) -> dict[str, int]:
    """`"slack_bolt=DEBUG, discord=INFO"` → {"slack_bolt": 10, "discord": 20}."""
    levels: dict[str, int] = {}
    for part in (p.strip() for p in value.replace(";", ",").split(",")):
        if not part:
            continue
        name, _, level = part.partition("=")
        number = logging.getLevelName(level.strip().upper())
        if not name.strip() or not isinstance(number, int):
            raise LogLevelsError(f"LOG_LIBRARY_LEVELS has {part!r}: write logger=LEVEL, e.g. "
                                 "slack_bolt=DEBUG (levels: DEBUG, INFO, WARNING, ERROR)")
        levels[name.strip()] = number
    return levels


def configure_logging(level: int = logging.WARNING, library_levels: str = "") -> None:
    """Root (our loggers) at `level`; each library in LIBRARY_CAPS at no more detail than
    its cap, unless `library_levels` names it. Safe to call again (settings read later)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=FORMAT)
    for handler in root.handlers:
        if not any(isinstance(f, DatabaseErrorText) for f in handler.filters):
            handler.addFilter(DatabaseErrorText())
    root.setLevel(level)
    asked = parse_levels(library_levels)
    for name, cap in LIBRARY_CAPS.items():
        logging.getLogger(name).setLevel(asked.pop(name, max(level, cap)))
    for name, chosen in asked.items():
        logging.getLogger(name).setLevel(chosen)
