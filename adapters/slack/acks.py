"""Acknowledging Slack once the work is stored, not before.

Slack wants an answer within 3 seconds. An ack sent first and work done after it is lost
if the process dies in between: Slack, having had its 200, never sends the request again.
So a candidate's message is acknowledged once its transaction commits, and a command, form
or button once its work has committed (a start: the interview and its greeting stored), or
at `ACK_WITHIN` seconds if the work takes longer, whichever comes first; the rest (posting,
answering the recruiter) follows. Killed before the ack, a message is redelivered by Slack,
and a command shows the recruiter Slack's own "didn't respond" error, so they run it again.
"""

from __future__ import annotations

import asyncio
import contextlib

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse

ACK_WITHIN = 2.0  # seconds: under Slack's 3, with room for the network


class AckOnce:
    """Bolt's `ack`, sent at most once: when called, at `within` seconds (if given), or on
    leaving the `async with`. A refused one answers 500, which Slack redelivers (HTTP and
    Socket Mode alike)."""

    def __init__(self, ack: AsyncAck, *, within: float | None = ACK_WITHIN) -> None:
        self._ack = ack
        self._within = within
        self._timer: asyncio.Task[None] | None = None
        self.done = False

    async def __call__(self) -> None:
        if not self.done:
            self.done = True
            await self._ack()

    def refuse(self) -> None:
        if not self.done:
            self.done = True
            self._ack.response = BoltResponse(status=500, body="")

    async def __aenter__(self) -> AckOnce:
        if self._within is not None:
            self._timer = asyncio.create_task(self._at_deadline(self._within))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        await self()

    async def _at_deadline(self, within: float) -> None:
        await asyncio.sleep(within)
        await self()
