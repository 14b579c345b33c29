"""`run_discord`, as `interview-bot run --discord` calls it: settings checked first, the real
`client.start()` (login, command sync, gateway), and a clean stop on request."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import discord
import pytest
import yarl
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from adapters.discord.bot_client import DiscordStartupError, bot_intents
from adapters.discord.checks import bot_permissions, invite_url
from adapters.discord.config import DiscordConfig, DiscordConfigError
from adapters.discord.runner import run_discord
from bot.ports import ChatPort
from bot.service import InterviewService
from bot.settings import Settings
from tests.discord import gateway
from tests.discord.fake_discord import FakeDiscord
from tests.discord.world import (
    GENERAL,
    GUILD,
    INTERVIEWS,
    RECRUITER,
    RECRUITER_ROLE,
    RECRUITERS,
    make_fake,
)


def test_missing_settings_are_named_in_one_line() -> None:
    with pytest.raises(DiscordConfigError) as raised:
        DiscordConfig.from_settings(Settings(discord_token=SecretStr("t0ken")))
    message = str(raised.value)
    assert "DISCORD_GUILD_IDS" in message and "DISCORD_RECRUITER_ROLE" in message
    assert "DISCORD_TOKEN" not in message and "t0ken" not in message


def test_settings_become_a_config_that_never_shows_the_token() -> None:
    config = DiscordConfig.from_settings(Settings(
        discord_token=SecretStr("secret-token"), discord_guild_ids=f"{GUILD}, {GUILD + 1}",
        discord_interviews_channel=INTERVIEWS, discord_recruiter_channel=RECRUITERS,
        discord_recruiter_role=RECRUITER_ROLE))
    assert config.guild_ids == (GUILD, GUILD + 1)
    assert config.api_url == "https://discord.com/api/v10"
    assert "secret-token" not in repr(config)
    with pytest.raises(DiscordConfigError, match="numeric server ids"):
        DiscordConfig.from_settings(Settings(
            discord_token=SecretStr("x"), discord_guild_ids="acme",
            discord_interviews_channel=1, discord_recruiter_channel=2,
            discord_recruiter_role=3))


def test_invite_url_asks_for_what_the_bot_needs_and_no_more() -> None:
    url = invite_url(1234)
    assert "scope=bot+applications.commands" in url
    permissions = bot_permissions()
    assert permissions.create_private_threads and permissions.send_messages_in_threads
    assert permissions.embed_links and permissions.attach_files
    assert not permissions.manage_threads and not permissions.administrator
    assert f"permissions={permissions.value}" in url


@pytest.fixture
def fake_gateway() -> Iterator[None]:
    """discord.py's gateway URL setting, restored afterwards (see `use_api_url`)."""
    original = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = original


def config_for(fake: FakeDiscord, *, token: str | None = None) -> DiscordConfig:
    return DiscordConfig(token=token or fake.token, guild_ids=(GUILD,),
                         interviews_channel=INTERVIEWS, recruiter_channel=RECRUITERS,
                         recruiter_role=RECRUITER_ROLE, api_url=fake.api_url)


async def test_a_refused_token_stops_start_up_with_one_readable_line(
        memory_engine: Engine) -> None:
    fake = make_fake()
    await fake.start()
    try:
        with pytest.raises(DiscordStartupError, match="refused DISCORD_TOKEN"):
            await run_discord(config_for(fake, token="wrong-token"),
                              lambda port: InterviewService(engine=memory_engine, port=port),
                              stop=asyncio.Event())
    finally:
        await fake.stop()
    assert fake.requests("GET", "/users/@me", ok=False)[0].status == 401


async def test_run_discord_logs_in_syncs_connects_answers_and_stops(
        engine: Engine, fake_gateway: None) -> None:
    fake = make_fake()
    await fake.start()
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    fake.on_identify = lambda: [("READY", gateway.ready(fake)),
                                ("GUILD_CREATE", gateway.guild_create(fake))]
    built: list[InterviewService] = []

    def make_service(port: ChatPort) -> InterviewService:
        built.append(InterviewService(engine=engine, port=port))
        return built[-1]

    stop = asyncio.Event()
    running = asyncio.create_task(run_discord(config_for(fake), make_service, stop=stop,
                                              guild_ready_timeout=0.01))
    try:
        await fake.wait_for(lambda: fake.requests("GET", f"/channels/{RECRUITERS}"))
        assert fake.identify is not None
        assert fake.identify["intents"] == bot_intents().value  # message content included
        assert fake.requests("PUT", f"/applications/{fake.application_id}/guilds/{GUILD}/")

        # A slash command over the socket reaches the tree and is answered.
        command = gateway.interaction(fake, user_id=RECRUITER, channel_id=GENERAL,
                                      subcommand="roles")
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_for(lambda: fake.requests("POST", f"/webhooks/{fake.application_id}/"))
        assert len(built) == 1
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        await fake.stop()
    # Closed by the client (discord.py's close frame carries 1000 or, racing its own
    # reader, 4000): either way the socket is gone and run_discord returned.
    assert fake.gateway_closed_with in (1000, 4000)
    assert running.done() and running.exception() is None
