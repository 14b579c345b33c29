"""Acknowledging Slack once the work is stored, not before.

Slack wants an answer within 3 seconds. An ack sent first and work done after it is lost
if the process dies in between: Slack, having had its 200, never sends the request again.
So a candidate's message is acknowledged once its transaction commits, and a command, form
or button once its work has committed: when the port is about to post a message the work
stored (a start's greeting: the interview and the greeting are one transaction), or when
the work is done, or at `ACK_WITHIN` seconds if it takes longer, whichever comes first; the
rest (posting, answering the recruiter) follows. Past `ACK_WITHIN` the ack goes out before
the commit: a kill in that window loses the command, and the recruiter, who never gets its
confirmation, runs it again. Killed before the ack, a message is redelivered by Slack,
and a command shows the recruiter Slack's own "didn't respond" error, so they run it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import ContextVar, Token

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse

ACK_WITHIN = 2.0  # seconds: under Slack's 3, with room for the network
# The ack of the request being handled in this task, for `stored_work_posting`.
_CURRENT: ContextVar[AckOnce | None] = ContextVar("slack_ack", default=None)


async def stored_work_posting() -> None:
    """Called by the port before it posts a stored message: whatever stored it has
    committed (a start's interview and greeting are one transaction), so the request that
    caused it can be acknowledged now rather than after the post."""
    current = _CURRENT.get()
    if current is not None:
        await current()


class AckOnce:
    """Bolt's `ack`, sent at most once: when called, at `within` seconds (if given), or on
    leaving the `async with`. A refused one answers 500, which Slack redelivers (HTTP and
    Socket Mode alike)."""

    def __init__(self, ack: AsyncAck, *, within: float | None = ACK_WITHIN) -> None:
        self._ack = ack
        self._within = within
        self._timer: asyncio.Task[None] | None = None
        self._token: Token[AckOnce | None] | None = None
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
        self._token = _CURRENT.set(self)
        if self._within is not None:
            self._timer = asyncio.create_task(self._at_deadline(self._within))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        if exc_type is not None:
            self.refuse()  # an error on its way out: not acknowledged as if it were stored
        await self()

    async def _at_deadline(self, within: float) -> None:
        await asyncio.sleep(within)
        await self()
