"""MESSAGE_CREATE payloads → core messages: one parametrized test over payloads/*.json, in
Discord's documented shapes, parsed by discord.py into real `discord.Message` objects, so
every kind of message has a deliberate translation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord.bot_client import bot_intents
from adapters.discord.translate import NeedsText, to_incoming
from bot.ports import IncomingMessage
from tests.discord import gateway
from tests.discord.fake_discord import BOT_ID as BOT
from tests.discord.world import GUILD, INTERVIEWS, make_fake

PAYLOADS = sorted((Path(__file__).parent / "payloads").glob("*.json"))
THREAD = 1169400000000005555


def _thread_payload() -> dict[str, Any]:
    return {"id": str(THREAD), "type": 12, "guild_id": str(GUILD), "parent_id": str(INTERVIEWS),
            "owner_id": str(BOT), "name": "Database Administrator interview with Ada Lovelace",
            "last_message_id": None, "rate_limit_per_user": 0, "message_count": 3,
            "member_count": 2, "flags": 0,
            "thread_metadata": {"archived": False, "locked": False, "invitable": False,
                                "auto_archive_duration": 10080,
                                "archive_timestamp": "2026-11-20T14:00:00+00:00"}}


@pytest.fixture
def state() -> discord.state.ConnectionState:
    """An unconnected client's state holding the server, as after GUILD_CREATE."""
    fake = make_fake()
    fake.channels[THREAD] = _thread_payload()
    client = discord.Client(intents=bot_intents())
    client._connection._add_guild_from_data(gateway.guild_create(fake))
    return client._connection


def parse(state: discord.state.ConnectionState, data: dict[str, Any]) -> discord.Message:
    """What `ConnectionState.parse_message_create` builds before dispatching `on_message`."""
    channel, _ = state._get_guild_channel(data)
    return discord.Message(state=state, channel=channel, data=data)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", PAYLOADS, ids=[p.stem for p in PAYLOADS])
def test_payload_translates_deliberately(state: discord.state.ConnectionState,
                                         path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    data = case["payload"]
    found = to_incoming(parse(state, data), bot_user_id=BOT)
    if case["expect"] is None:
        assert found is None
        return
    expected = {"incoming": IncomingMessage, "needs_text": NeedsText}[case["expect"]]
    assert isinstance(found, expected)
    conversation = found.conversation
    assert (conversation.platform, conversation.workspace) == ("discord", str(GUILD))
    assert conversation.channel == conversation.thread == data["channel_id"]
    assert found.author_id == data["author"]["id"] and found.message_id == data["id"]
    if isinstance(found, IncomingMessage):
        assert found.text == case["text"]
        assert found.at is not None and found.at.isoformat().startswith("2026-11-20T14:03:07")


def test_every_payload_is_a_message_create_shape() -> None:
    for path in PAYLOADS:
        data = json.loads(path.read_text(encoding="utf-8"))["payload"]
        assert {"id", "channel_id", "author", "content", "timestamp", "type"} <= data.keys()
        if "guild_id" in data and not data["author"].get("bot"):
            assert "member" in data, path.name


def test_threads_of_other_channels_are_dropped_before_the_core(
        state: discord.state.ConnectionState) -> None:
    data = json.loads((Path(__file__).parent / "payloads" / "thread_candidate_message.json")
                      .read_text(encoding="utf-8"))["payload"]
    message = parse(state, data)
    assert to_incoming(message, bot_user_id=BOT, interviews_channel=INTERVIEWS) is not None
    assert to_incoming(message, bot_user_id=BOT, interviews_channel=INTERVIEWS + 1) is None
