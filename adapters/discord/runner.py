"""Run the Discord adapter as one awaitable, so it can share an event loop with others
(`run --slack --discord`): `client.start(token)` (login, command sync, gateway), never
`client.run`, which would own the loop.

The core is built by the caller (`make_service`), so `adapters/cli.py` stays the composition
root:

    config = DiscordConfig.from_settings(settings)          # DiscordConfigError: one line
    await run_discord(config, lambda port: build_service(settings, engine, port))
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from adapters.discord.bot_client import DiscordStartupError, InterviewBotClient
from adapters.discord.config import DiscordConfig
from bot.ports import ChatPort
from bot.service import InterviewService

logger = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0

__all__ = ["DiscordStartupError", "build_client", "run_discord", "use_api_url"]


def use_api_url(api_url: str) -> None:
    """Point discord.py at a Discord REST API base URL (a proxy, or a test's fake server).

    This sets discord.py's own base-URL setting, `Route.BASE`, which every REST call and
    webhook follow-up is built from: configuration of where the library sends requests, as
    Slack's `base_url` is, not a change of what it does. It is process-wide, as is the one
    Discord client a process runs.
    """
    discord.http.Route.BASE = api_url.rstrip("/")


def build_client(config: DiscordConfig, make_service: Callable[[ChatPort], InterviewService],
                 **options: Any) -> InterviewBotClient:
    use_api_url(config.api_url)
    return InterviewBotClient(config=config, make_service=make_service, **options)


async def run_discord(config: DiscordConfig,
                      make_service: Callable[[ChatPort], InterviewService], *,
                      stop: asyncio.Event | None = None, **options: Any) -> None:
    """Run until `stop` is set (default: SIGINT/SIGTERM), then let running work finish
    (briefly) and disconnect. Raises DiscordStartupError when Discord refuses to start.

    With several adapters in one process, pass one shared `stop` event: a signal handler
    installed here would replace another adapter's.
    """
    stop = stop or _stop_on_signals()
    client = build_client(config, make_service, **options)
    connection = asyncio.create_task(client.start(config.token), name="discord-client")
    stopping = asyncio.create_task(stop.wait(), name="discord-stop")
    try:
        done, _ = await asyncio.wait({connection, stopping},
                                     return_when=asyncio.FIRST_COMPLETED)
        if connection in done:
            connection.result()
    except discord.LoginFailure as exc:
        raise DiscordStartupError("Discord refused DISCORD_TOKEN: copy the bot token again "
                                  "from the Developer Portal (Bot → Reset Token)") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise DiscordStartupError("Discord refused the Message Content intent: enable it in "
                                  "the Developer Portal (Bot → Privileged Gateway Intents)"
                                  ) from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise DiscordStartupError(f"cannot reach Discord at {config.api_url}: {exc}") from exc
    finally:
        stopping.cancel()
        with contextlib.suppress(TimeoutError):
            await client.in_flight.wait_idle(SHUTDOWN_GRACE_SECONDS)
        await client.close()
        if not connection.done():
            connection.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await connection
        logger.info("Discord adapter stopped")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
