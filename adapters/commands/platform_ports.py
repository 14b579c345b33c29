"""A chat port for one command run from the terminal: the platform an interview lives on,
reached with the same settings the running bot uses, so a CLI `cancel` tells the candidate
in their own thread. Nothing stays connected after the command."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings


class PlatformNotConfiguredError(RuntimeError):
    """The platform's token is not set; the message names it."""


def check_configured(settings: Settings, platform: str) -> None:
    if platform == "slack" and settings.slack_bot_token is None:
        raise PlatformNotConfiguredError("SLACK_BOT_TOKEN")
    if platform == "discord" and settings.discord_token is None:
        raise PlatformNotConfiguredError("DISCORD_TOKEN")


@contextlib.asynccontextmanager
async def port_for(settings: Settings, platform: str) -> AsyncIterator[Any]:
    check_configured(settings, platform)
    if platform == "slack":
        async with _slack_port(settings) as port:
            yield port
    elif platform == "discord":
        async with _discord_port(settings) as port:
            yield port
    else:
        from adapters.console import ConsolePort

        yield ConsolePort()


@contextlib.asynccontextmanager
async def _slack_port(settings: Settings) -> AsyncIterator[Any]:
    import aiohttp

    from adapters.slack.app import make_client
    from adapters.slack.port import SlackPort
    from adapters.slack.settings import DEFAULT_API_URL, Recruiters, SlackConfig

    assert settings.slack_bot_token is not None
    api_url = settings.slack_api_url or DEFAULT_API_URL
    config = SlackConfig(bot_token=settings.slack_bot_token.get_secret_value(),
                         app_token=None, signing_secret=None,
                         api_url=api_url if api_url.endswith("/") else api_url + "/",
                         recruiters=Recruiters.parse(""),
                         recruiter_channel=settings.slack_recruiter_channel)
    async with aiohttp.ClientSession() as session:
        yield SlackPort(make_client(config, session), recruiter_channel=config.recruiter_channel)


@contextlib.asynccontextmanager
async def _discord_port(settings: Settings) -> AsyncIterator[Any]:
    import discord

    from adapters.discord.config import DEFAULT_API_URL
    from adapters.discord.port import DiscordPort
    from adapters.discord.runner import use_api_url

    assert settings.discord_token is not None
    use_api_url(settings.discord_api_url or DEFAULT_API_URL)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(settings.discord_token.get_secret_value())  # REST only, no gateway
        yield DiscordPort(client, interviews_channel=settings.discord_interviews_channel,
                          recruiter_channel=settings.discord_recruiter_channel)
    finally:
        await client.close()
