"""What every fake outside party shares: serving an aiohttp app on 127.0.0.1 at a free port,
and waiting for something the client does in the background to show up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

T = TypeVar("T")


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    """Start `app` on 127.0.0.1 at a port the OS picks; the runner is for `cleanup()`."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def poll_until(predicate: Callable[[], T], *, timeout: float,
                     describe: Callable[[], str]) -> T:
    """Poll until `predicate()` is truthy and return it; fail with `describe()` (what the fake
    recorded) if it never is."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out; {describe()}")
        await asyncio.sleep(0.01)
