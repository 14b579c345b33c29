"""Real message shapes through the whole Discord adapter: a forward is read from its
`message_snapshots`, a poll is answered with a request to type, and neither trips the
"enable Message Content" warning (payloads and their sources: tests/discord/payloads)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from adapters.discord.bot_client import POLL_PLEASE, TEXT_PLEASE
from tests.discord.world import DiscordWorld

PAYLOADS = Path(__file__).parent / "payloads"


def shape(name: str) -> dict:
    data = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))["payload"]
    return {k: data[k] for k in ("message_reference", "message_snapshots", "poll", "flags")
            if k in data}


async def test_a_forward_is_read_from_its_snapshot(world: DiscordWorld,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="adapters.discord")
    interview_id, thread = await world.start()
    await world.say("", thread=thread, **shape("thread_forwarded_message.json"))
    (turn,) = world.candidate_turns(interview_id)
    assert turn.text == "We ran @someone's failover drill in #general every month."
    assert world.fake.posted(thread)[-1]["content"] not in (TEXT_PLEASE, POLL_PLEASE)
    assert "Message Content" not in caplog.text


async def test_a_poll_is_answered_with_a_request_to_type(world: DiscordWorld,
                                                         caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    caplog.set_level(logging.WARNING, logger="adapters.discord")
    interview_id, thread = await world.start()
    await world.say("", thread=thread, **shape("thread_poll_only.json"))
    assert world.candidate_turns(interview_id) == []
    assert world.fake.posted(thread)[-1]["content"] == POLL_PLEASE
    assert "Message Content" not in caplog.text


async def test_a_forwarded_file_is_answered_like_a_file(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("", thread=thread, **shape("thread_forwarded_file_only.json"))
    assert world.candidate_turns(interview_id) == []
    assert world.fake.posted(thread)[-1]["content"] == TEXT_PLEASE
