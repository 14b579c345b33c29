"""`GET /healthz` for HTTP mode: is this process serving, and can it reach its database?

Container health checks and load balancers call it every few seconds, so it does one
`SELECT 1` in a worker thread, bounded by a timeout, and returns 200 `{"status": "ok"}` or
503 with the reason (never the database URL's password). It needs no Slack signature:
it reveals nothing about interviews."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.engine import Engine

from storage.engine import DatabaseUnavailableError, check_connection

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
CHECK_TIMEOUT_SECONDS = 5.0


def health_handler(engine: Engine) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def healthz(_request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(asyncio.to_thread(check_connection, engine),
                                   CHECK_TIMEOUT_SECONDS)
        except TimeoutError:
            reason = f"database did not answer within {CHECK_TIMEOUT_SECONDS:g} s"
        except DatabaseUnavailableError as exc:
            reason = str(exc)
        else:
            return web.json_response({"status": "ok", "database": "ok"})
        logger.warning("health check failed: %s", reason)
        return web.json_response({"status": "unavailable", "database": reason}, status=503)

    return healthz
