"""`interview-bot run --slack --discord`: both adapters in one process and one event loop,
sharing one service; each interview's messages go to its own platform."""

from __future__ import annotations

import asyncio
import sys
import warnings
from urllib.parse import parse_qsl

import aiohttp
import yarl
from sqlalchemy.engine import Engine

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # discord.py's unused audioop
    import discord

from adapters.runtime import GIL_SWITCH_SECONDS, run_platforms  # noqa: E402
from adapters.slack.settings import Recruiters, SlackConfig  # noqa: E402
from bot.ports import ChatPort  # noqa: E402
from bot.service import InterviewService  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.discord import gateway  # noqa: E402
from tests.discord.test_runner import config_for  # noqa: E402
from tests.discord.world import CANDIDATE, GENERAL, RECRUITER, make_fake  # noqa: E402
from tests.slack.fake_slack import FakeSlack  # noqa: E402
from tests.slack.slack_requests import SlackSender  # noqa: E402


async def test_one_process_serves_slack_and_discord_with_one_service(engine: Engine) -> None:
    original_base = discord.http.Route.BASE
    original_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    slack = FakeSlack()
    await slack.start()
    slack.add_user("UREC1", "Rita Recruiter")
    slack.add_user("UCAND", "Ada Lovelace")
    slack.add_channel("GRECRUIT", "recruiters", is_private=True)
    slack_config = SlackConfig(bot_token=slack.token, app_token=slack.app_token,
                               signing_secret=None, api_url=slack.api_url,
                               recruiters=Recruiters.parse("UREC1"),
                               recruiter_channel="GRECRUIT")
    dc = make_fake()
    await dc.start()
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(dc.gateway_url)
    dc.on_identify = lambda: [("READY", gateway.ready(dc)),
                              ("GUILD_CREATE", gateway.guild_create(dc))]
    built: list[InterviewService] = []

    def build(port: ChatPort) -> InterviewService:
        built.append(InterviewService(engine=engine, port=port, settings=make_settings()))
        return built[-1]

    stop = asyncio.Event()
    running = asyncio.create_task(run_platforms(
        build, slack_config=slack_config, discord_config=config_for(dc), stop=stop,
        guild_ready_timeout=0.01))
    try:
        await slack.wait_for(lambda: slack.socket_connected or running.done())
        await dc.wait_for(lambda: dc.identify is not None or running.done())
        async with aiohttp.ClientSession() as session:
            sender = SlackSender(url="unused", secret="unused", fake=slack, session=session)
            command = dict(parse_qsl(sender.command_body(
                "<@UCAND|ada> database-administrator", user_id="UREC1")))
            await slack.socket_send({"envelope_id": "env-1", "type": "slash_commands",
                                     "accepts_response_payload": True, "payload": command})
            await slack.wait_for(lambda: slack.hooks)
        await dc.dispatch("INTERACTION_CREATE", gateway.interaction(
            dc, user_id=RECRUITER, channel_id=GENERAL, subcommand="start",
            options={"candidate": ("user", str(CANDIDATE)),
                     "role": ("str", "backend-engineer")}))
        await dc.wait_for(lambda: [r for r in dc.requests("POST", "/channels/")
                                   if "/messages" in r.path])

        assert len(built) == 1  # one service for both platforms
        assert sys.getswitchinterval() == GIL_SWITCH_SECONDS  # the loop and writers share
        summaries = await built[0].list_status()
        assert sorted(s.conversation.platform for s in summaries) == ["discord", "slack"]
        slack_greeting = [p for p in slack.posts("DCAND") if "AI interviewer" in
                          p.params.get("text", "")]
        assert len(slack_greeting) == 1
        discord_thread = next(s.conversation.channel for s in summaries
                              if s.conversation.platform == "discord")
        assert any("AI interviewer" in (m.get("content") or "")
                   for m in dc.posted(discord_thread))
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=15)
        await slack.stop()
        await dc.stop()
        discord.http.Route.BASE = original_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = original_gateway
        sys.setswitchinterval(0.005)  # CPython's default, for the tests after this one
