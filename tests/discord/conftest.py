"""Fixtures for the Discord adapter's tests: a whole fake server per test, on each database
backend (through the `engine` fixture). discord.py's REST base URL is restored afterwards."""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import Engine

with warnings.catch_warnings():
    # discord.py imports `audioop` for voice, which this bot never uses (deprecated in 3.11).
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord

from tests.discord.world import DiscordWorld, open_world  # noqa: E402

# A developer's real Discord settings must never reach a test.
for _name in ("DISCORD_TOKEN", "DISCORD_GUILD_IDS", "DISCORD_INTERVIEWS_CHANNEL",
              "DISCORD_RECRUITER_CHANNEL", "DISCORD_RECRUITER_ROLE", "DISCORD_API_URL"):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def _restore_api_base() -> Iterator[None]:
    original = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = original


@pytest.fixture
async def world(engine: Engine) -> AsyncIterator[DiscordWorld]:
    opened = await open_world(engine)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def quick_world(memory_engine: Engine) -> AsyncIterator[DiscordWorld]:
    """For tests of Discord behaviour that store nothing worth checking on both backends
    (refusals, autocomplete, command sync, splitting): in-memory SQLite only."""
    opened = await open_world(memory_engine)
    try:
        yield opened
    finally:
        await opened.close()
