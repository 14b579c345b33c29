"""`interview-bot run`: the chat adapters, one service and one reminder sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from typing import TYPE_CHECKING, Any

from adapters.commands.common import (
    Access,
    build_service,
    fail,
    load_settings,
    open_database,
    out,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.service import InterviewService
    from bot.settings import Settings

# Read once into `Settings`; taken out of the environment so that no library re-reads them
# (Bolt, given our client, otherwise warns at every start that SLACK_BOT_TOKEN "will be
# unused").
SECRETS_READ_BY_LIBRARIES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def run(*, slack: bool, discord: bool, http: bool, port: int, verbose: bool,
        host: str = "0.0.0.0") -> None:
    if not (slack or discord):
        fail("nothing to run: pass --slack and/or --discord")
    if not 1 <= port <= 65535:
        fail(f"--port must be from 1 to 65535, not {port}")
    settings = load_settings()
    if not verbose:
        logging.getLogger().setLevel(settings.log_level)
    slack_config = _slack_config(settings, http) if slack else None
    discord_config = _discord_config(settings) if discord else None
    for name in SECRETS_READ_BY_LIBRARIES:
        os.environ.pop(name, None)
    engine = open_database(settings, Access.CREATE)
    from adapters.discord.runner import DiscordStartupError
    from adapters.runtime import run_platforms
    from adapters.slack.app import SlackStartupError

    async def run_all() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await run_platforms(lambda router: build_service_with_sweeper(settings, engine, router),
                            slack_config=slack_config, discord_config=discord_config,
                            http=http, host=host, port=port, stop=stop)

    names = " and ".join(n for n, on in (("Slack", slack), ("Discord", discord)) if on)
    mode = (f" (Slack over HTTP on port {port}, /slack/events; health at /healthz)"
            if slack and http else "")
    out.print(f"{names} starting{mode}; Ctrl-C stops it.", highlight=False, soft_wrap=True)
    try:
        asyncio.run(run_all())
    except (SlackStartupError, DiscordStartupError) as exc:
        fail(str(exc))


def _slack_config(settings: Settings, http: bool) -> Any:
    from adapters.slack.settings import SlackConfig, SlackConfigError

    try:
        return SlackConfig.from_settings(settings, http=http)
    except SlackConfigError as exc:
        fail(str(exc))


def _discord_config(settings: Settings) -> Any:
    from adapters.discord.config import DiscordConfig, DiscordConfigError

    try:
        return DiscordConfig.from_settings(settings)
    except DiscordConfigError as exc:
        fail(str(exc))


def build_service_with_sweeper(settings: Settings, engine: Engine,
                               port: Any) -> InterviewService:
    """The service plus its reminder sweeper (one APScheduler job on the running loop)."""
    from adapters.runtime import freeze_startup_heap
    from bot.sweeper import ReminderSweeper

    service = build_service(settings, engine, port)
    ReminderSweeper(service).start()
    freeze_startup_heap()
    return service
