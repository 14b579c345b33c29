"""Logging for every command: our own loggers at the level asked for, the libraries' capped.

Candidate text must never reach a log, where `forget` cannot erase it. Our own log lines
name ids, counts and kinds, never message text. Libraries are another matter: at DEBUG,
slack_sdk logs every Web API call's body (the messages we post), Bolt logs the whole body of
a request whose signature fails (in HTTP mode, anyone can send one), discord.py's HTTP client
logs each request's payload, the openai SDK logs the prompt, httpx and aiohttp their traffic,
SQLAlchemy's engine at INFO its parameters. So each of those is capped (`LIBRARY_CAPS`)
whatever `-v` says; an operator who needs one library's detail names it in
`LOG_LIBRARY_LEVELS` (for example `slack_bolt=DEBUG`), knowing it will log message text.
"""

from __future__ import annotations

import logging

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
    root.setLevel(level)
    asked = parse_levels(library_levels)
    for name, cap in LIBRARY_CAPS.items():
        logging.getLogger(name).setLevel(asked.pop(name, max(level, cap)))
    for name, chosen in asked.items():
        logging.getLogger(name).setLevel(chosen)
