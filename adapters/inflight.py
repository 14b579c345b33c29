"""Counts adapter handler work still running after its acknowledgement, so shutdown (and
tests) can wait for it instead of guessing with sleeps. Shared by the Slack and Discord
adapters."""

from __future__ import annotations

import asyncio


class InFlight:
    def __init__(self) -> None:
        self.started = 0
        self.finished = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __aenter__(self) -> None:
        self.started += 1
        self._idle.clear()

    async def __aexit__(self, *exc: object) -> None:
        self.finished += 1
        if self.busy == 0:
            self._idle.set()

    @property
    def busy(self) -> int:
        return self.started - self.finished

    async def wait_idle(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._idle.wait(), timeout)
