"""Real message shapes through the whole Slack adapter: forwarded messages, `/me`, and
mention markup reach the core as what the person saw (payload shapes and their sources:
tests/slack/payloads/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.slack.listeners import TEXT_PLEASE
from tests.slack.world import CANDIDATE, SlackWorld

DM = SlackWorld.dm(CANDIDATE)
PAYLOADS = Path(__file__).parent / "payloads"


def event_of(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))["payload"]["event"]


def shape(name: str) -> dict:
    """A recorded event's distinguishing fields, for `world.say(..., **shape)`."""
    event = event_of(name)
    return {k: event[k] for k in ("subtype", "attachments") if k in event}


async def test_a_forwarded_message_is_read_as_the_answer(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("", thread_ts=thread, **shape("im_forwarded_message.json"))
    (turn,) = world.candidate_turns(interview_id)
    assert turn.text == "I set up streaming replication with Patroni last year."
    assert world.thread(DM, thread)[-1].params["text"] != TEXT_PLEASE  # answered


async def test_a_forwarded_file_gets_asked_for_text(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("", thread_ts=thread, **shape("im_forwarded_file_without_text.json"))
    assert world.candidate_turns(interview_id) == []
    assert world.thread(DM, thread)[-1].params["text"] == TEXT_PLEASE


async def test_a_me_message_is_an_answer(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("would start with EXPLAIN ANALYZE", thread_ts=thread,
                    **shape("im_me_message.json"))
    assert [t.text for t in world.candidate_turns(interview_id)] == [
        "would start with EXPLAIN ANALYZE"]


async def test_mentions_reach_the_core_as_names_not_ids(world: SlackWorld) -> None:
    world.fake.add_user("U0GRACE", "Grace Hopper")
    world.fake.add_channel("C0DBATEAM", "dba-team", is_private=False)
    interview_id, thread = await world.start()
    await world.say("Ask <@U0GRACE>, she ran <#C0DBATEAM> with me; <!here> knows.",
                    thread_ts=thread)
    (turn,) = world.candidate_turns(interview_id)
    assert turn.text == "Ask @Grace Hopper, she ran #dba-team with me; @here knows."
    assert world.fake.ok_calls("users.info", user="U0GRACE")
    await world.say("Also <@U0GRACE>.", thread_ts=thread)
    assert len(world.fake.ok_calls("users.info", user="U0GRACE")) == 1  # remembered
