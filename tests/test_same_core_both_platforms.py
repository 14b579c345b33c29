"""The same core serves Slack and Discord: one role, one simulated candidate, the same
scores through both adapters' whole interviews (each against its fake platform)."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # discord.py's unused audioop
    import discord

from tests.discord.world import open_world as open_discord_world  # noqa: E402
from tests.discord.world import run_discord_interview  # noqa: E402
from tests.slack.world import open_world as open_slack_world  # noqa: E402
from tests.slack.world import run_slack_interview  # noqa: E402


async def test_slack_and_discord_give_the_same_scores(engine) -> None:
    original_base = discord.http.Route.BASE
    slack = await open_slack_world(engine)
    try:
        slack_scores = await run_slack_interview(slack, profile="average", seed=3)
    finally:
        await slack.close()
    discord_world = await open_discord_world(engine)
    try:
        discord_scores = await run_discord_interview(discord_world, profile="average", seed=3)
    finally:
        await discord_world.close()
        discord.http.Route.BASE = original_base
    assert len(slack_scores) == 6
    assert slack_scores == discord_scores
