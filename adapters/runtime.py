"""Running chat adapters together: one service, one reminder sweeper and one routing port
for every platform this process serves (`interview-bot run --slack --discord`)."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Callable
from typing import Any

from adapters.router import PlatformRouter
from bot.ports import ChatPort
from bot.service import InterviewService


def freeze_startup_heap() -> None:
    """Move everything built at startup (imported modules, settings, the service) out of the
    garbage collector's sight; called once the process is ready to serve.

    A long-running bot keeps those objects forever, yet every full collection walks them
    all: measured in `bench/bench_reminders.py`, a 70 ms pause in the middle of a reminder
    batch, which `gc.freeze()` brings down to about 6 ms. Python's `gc` docs recommend this
    for long-lived processes."""
    gc.collect()
    gc.freeze()


GIL_SWITCH_SECONDS = 0.001


def shorten_gil_switch_interval() -> None:
    """Let the event loop and the service's database writer threads take turns with the
    GIL every millisecond instead of every five (CPython's default).

    A serving process is one event loop (adapters, acknowledgements) beside writer threads
    that decide and store candidate turns. Each time one of them wants the GIL while the
    other runs Python, it may wait a whole switch interval. Measured with
    `bench/bench_turns.py` on the 2-core build machine: at 100 concurrent interviews on
    SQLite, 737 turns/s with the default against 967 with 1 ms, and the slash-command ack
    p99 under load 25 ms against 16 ms."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


class SharedService:
    """Hands every adapter the same service; each adapter's port joins the router."""

    def __init__(self, build: Callable[[ChatPort], InterviewService]) -> None:
        self.router = PlatformRouter()
        self._build = build
        self.service: InterviewService | None = None

    def for_platform(self, platform: str) -> Callable[[ChatPort], InterviewService]:
        def attach(port: ChatPort) -> InterviewService:
            self.router.add(platform, port)
            if self.service is None:
                self.service = self._build(self.router)
            return self.service
        return attach


async def run_platforms(build: Callable[[ChatPort], InterviewService], *,
                        slack_config: Any = None, discord_config: Any = None,
                        http: bool = False, host: str = "0.0.0.0", port: int = 3000,
                        stop: asyncio.Event, **discord_options: Any) -> SharedService:
    """Run the configured adapters until `stop` is set (or one of them fails to start)."""
    shorten_gil_switch_interval()
    shared = SharedService(build)
    tasks = []
    if slack_config is not None:
        from adapters.slack.app import run_slack

        tasks.append(asyncio.ensure_future(run_slack(
            slack_config, shared.for_platform("slack"), http=http, host=host, port=port,
            stop=stop)))
    if discord_config is not None:
        from adapters.discord.runner import run_discord

        tasks.append(asyncio.ensure_future(run_discord(
            discord_config, shared.for_platform("discord"), stop=stop, **discord_options)))
    try:
        await asyncio.gather(*tasks)
    finally:
        stop.set()  # one adapter failing to start stops the others
        await asyncio.gather(*tasks, return_exceptions=True)
    return shared
