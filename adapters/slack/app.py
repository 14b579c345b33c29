"""Wiring: the Web API client, the port, the service and the Bolt `AsyncApp`, served over
Socket Mode (the default: no public URL needed) or HTTP at `/slack/events`.

The core is built by the caller (`make_service`), so this module stays the Slack adapter and
`adapters/cli.py` stays the composition root.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.listener_matcher import builtins as builtin_matchers
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.health import HEALTH_PATH, health_handler
from adapters.slack.actions import RecruiterActions
from adapters.slack.blocks import CANCEL_ACTION_ID, START_FORM_ID
from adapters.slack.inbound import MAX_BODY_BYTES, check_request
from adapters.slack.listeners import SlackListeners
from adapters.slack.port import SlackPort
from adapters.slack.recruiters import RecruiterPolicy
from adapters.slack.settings import SlackConfig
from adapters.slack.team_blocks import (
    ADJUST_FORM_ID,
    HANDBACK_ACTION_ID,
    REVIEW_ACTION_ID,
    TAKEOVER_ACTION_ID,
)
from adapters.slack.translate import PLATFORM
from bot.ports import ChatPort
from bot.service import InterviewService

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
COMMAND = "/interview"
# Every Events API type a listener is registered for; the manifest must subscribe to each
# (tests/slack/test_manifest.py checks it). `message` in a DM arrives as `message.im`; in
# the private recruiter channel (a recruiter writing to a candidate) as `message.groups`.
HANDLED_EVENTS = ("message",)
RATE_LIMIT_RETRIES = 5  # each waits Retry-After; then the core keeps the message for later
# Calls whose silent resend after a dropped connection could repeat what Slack already did.
NOT_IDEMPOTENT = frozenset({"chat.postMessage"})
SHUTDOWN_GRACE_SECONDS = 10.0


class SlackStartupError(RuntimeError):
    """Slack refused to start (bad token, unreachable API); the message is one line."""


def make_client(config: SlackConfig, session: aiohttp.ClientSession | None = None
                ) -> AsyncWebClient:
    """A client that waits out 429s (per Retry-After) instead of dropping the call."""
    return AsyncWebClient(
        token=config.bot_token, base_url=config.api_url, session=session, timeout=30,
        retry_handlers=[PostSafeConnectionRetry(),
                        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)])


class PostSafeConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack_sdk's connection retry, except that a `chat.postMessage` is sent again only
    when its connection was never made: after a reset or a disconnect Slack may already
    have accepted it, and a silent second send would double the post. The port then
    sees the error and looks for the post (metadata) before posting it again."""

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        if request.url.rstrip("/").rsplit("/", 1)[-1] in NOT_IDEMPOTENT:
            return isinstance(error, aiohttp.ClientConnectorError)
        return await super()._can_retry_async(state=state, request=request,
                                              response=response, error=error)


@dataclass
class SlackAdapter:
    bolt: AsyncApp
    client: AsyncWebClient
    port: SlackPort
    service: InterviewService
    listeners: SlackListeners
    config: SlackConfig

    def web_app(self) -> web.Application:
        """Commands, events and interactivity all arrive at one path: checked here first
        (size, signature, shape: `inbound.py`), so Bolt only ever parses what Slack sent."""
        secret = self.config.signing_secret or ""

        async def events(request: web.Request) -> web.Response:
            body = await read_capped(request, MAX_BODY_BYTES)
            text, refused = check_request(body=body, headers=request.headers,
                                          content_type=request.content_type, secret=secret)
            if refused is not None:
                logger.debug("refused a request to %s: %s", EVENTS_PATH, refused.reason)
                return web.Response(status=refused.status, text=refused.reason)
            return await to_aiohttp_response(await self.bolt.async_dispatch(AsyncBoltRequest(
                body=text, query=request.query_string, headers=dict(request.headers))))

        app = web.Application(client_max_size=MAX_BODY_BYTES + 1)
        app.router.add_post(EVENTS_PATH, events)
        app.router.add_get(HEALTH_PATH, health_handler(self.service.engine))
        return app

    async def startup(self) -> None:
        """Check the token and the recruiter channel, then finish what a previous run left."""
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            raise SlackStartupError(f"Slack refused SLACK_BOT_TOKEN: "
                                    f"{exc.response.get('error')}") from exc
        except aiohttp.ClientError as exc:
            raise SlackStartupError(f"cannot reach the Slack Web API at "
                                    f"{self.config.api_url}: {exc}") from exc
        logger.info("connected to Slack team %s as %s", auth.get("team_id"), auth.get("user_id"))
        channel = self.config.recruiter_channel
        if not channel:
            logger.error("SLACK_RECRUITER_CHANNEL is not set: reports stay in the database "
                         "until it is")
        elif problem := await self.port.privacy_problem(channel):
            logger.error("recruiter channel: %s; reports will not be posted there", problem)
        else:
            await self._check_open_candidates(channel)
        if not self.config.recruiters:
            logger.warning("SLACK_RECRUITERS is empty: nobody can use %s", COMMAND)
        # Parse every role once, off the loop: the first command would otherwise hold the
        # loop (and every acknowledgement) for seconds.
        await asyncio.to_thread(self.listeners.actions.roles)
        recovered = await self.service.recover(platform=PLATFORM)
        if recovered:
            logger.info("recovered %d interview(s) with unfinished work", recovered)


    async def _check_open_candidates(self, channel: str) -> None:
        """The per-report check, run once for every open interview: a candidate who is a
        member of the recruiter channel would see their own report, so it will wait."""
        try:
            members = await self.port.channel_members(channel)
        except SlackApiError as exc:
            logger.error("recruiter channel: I couldn't list its members (%s); each report is "
                         "checked again before it is posted", exc.response.get("error"))
            return
        for summary in await self.service.list_status(platform=PLATFORM):
            if summary.candidate_id in members:
                logger.error("recruiter channel: the candidate of interview %s is a member of "
                             "%s; their report will not be posted there until they are "
                             "removed from it", summary.id[:8], channel)


async def read_capped(request: web.Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit` (read no further than that)."""
    if (request.content_length or 0) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while size <= limit and (chunk := await request.content.read(limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= limit else None


def bolt_logger() -> logging.Logger:
    """The logger Bolt builds all of its own from. Bolt copies its base logger's level
    (without one, the root's) into every logger it creates, so a root at DEBUG would bypass
    the `slack_bolt` cap (adapters/logs.py), and Bolt logs whole request bodies below
    WARNING. Its level is the cap in force when the app is built."""
    logger = logging.getLogger("slack_bolt.interview_bot")
    logger.setLevel(logging.getLogger("slack_bolt").getEffectiveLevel())
    return logger


def build_adapter(config: SlackConfig, make_service: Callable[[ChatPort], InterviewService],
                  *, http: bool, session: aiohttp.ClientSession | None = None) -> SlackAdapter:
    client = make_client(config, session)
    port = SlackPort(client, recruiter_channel=config.recruiter_channel)
    service = make_service(port)
    actions = RecruiterActions(service=service, client=client, port=port,
                               policy=RecruiterPolicy(client, config.recruiters))
    listeners = SlackListeners(service=service, actions=actions)
    bolt = AsyncApp(client=client, signing_secret=config.signing_secret or "",
                    # Socket Mode payloads come over an authenticated socket, unsigned.
                    request_verification_enabled=http, name="interview-bot",
                    logger=bolt_logger())
    bolt.command(COMMAND)(listeners.interview_command)
    bolt.view(START_FORM_ID)(listeners.start_form_submitted)
    bolt.action(CANCEL_ACTION_ID)(listeners.cancel_clicked)
    bolt.action(TAKEOVER_ACTION_ID)(listeners.takeover_clicked)
    bolt.action(HANDBACK_ACTION_ID)(listeners.handback_clicked)
    bolt.action(REVIEW_ACTION_ID)(listeners.review_chosen)
    bolt.view(ADJUST_FORM_ID)(listeners.adjust_submitted)
    for event in HANDLED_EVENTS:
        acked_when_stored(bolt, event, listeners.message)
    return SlackAdapter(bolt=bolt, client=client, port=port, service=service,
                        listeners=listeners, config=config)


def acked_when_stored(bolt: AsyncApp, event: str,
                      listener: Callable[..., Awaitable[None]]) -> None:
    """`bolt.event(event)(listener)` without Bolt's automatic ack, which `event()` always
    turns on (slack_bolt AsyncApp.event passes auto_acknowledgement=True): the listener acks
    once the message is stored, so Bolt's response waits for it (its ack timeout is 3 s).
    `_register_listener` is the one call `event()` itself makes."""
    matcher = builtin_matchers.event(event, True, base_logger=bolt.logger)
    bolt._register_listener([listener], matcher, None, None, False)


async def serve_http(adapter: SlackAdapter, *, host: str, port: int) -> web.AppRunner:
    """Start the HTTP server; the caller cleans the returned runner up."""
    runner = web.AppRunner(adapter.web_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def run_slack(config: SlackConfig, make_service: Callable[[ChatPort], InterviewService],
                    *, http: bool, host: str = "0.0.0.0", port: int = 3000,
                    stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (by default: until SIGINT/SIGTERM), then let acknowledged
    work finish, briefly."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
    async with aiohttp.ClientSession() as session:
        adapter = build_adapter(config, make_service, http=http, session=session)
        await adapter.startup()
        if http:
            runner = await serve_http(adapter, host=host, port=port)
            logger.info("serving Slack requests on http://%s:%d%s", host, port, EVENTS_PATH)
            close = runner.cleanup
        else:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(adapter.bolt, config.app_token)
            await handler.connect_async()
            logger.info("connected to Slack over Socket Mode")
            close = handler.close_async
        try:
            await stop.wait()
        finally:
            await close()
            with contextlib.suppress(TimeoutError):
                await adapter.listeners.in_flight.wait_idle(SHUTDOWN_GRACE_SECONDS)
