"""Slack gets its acknowledgement only once the work is stored: a message's turn, a
start's interview. A message that cannot be stored is answered 500, so Slack sends it
again, and the redelivery is stored once."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from storage import turns
from tests.slack.world import CANDIDATE, SlackWorld


async def test_a_message_is_committed_before_slack_gets_its_ack(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    event = world.sender.message_event(user=CANDIDATE, channel=world.dm(CANDIDATE),
                                       text="Yes, I'm ready to start.", thread_ts=thread)
    status, _ = await world.sender.event(event)
    assert status == 200
    # No waiting: whatever the 200 answered is already in the database.
    assert [t.text for t in world.candidate_turns(interview_id)] == ["Yes, I'm ready to start."]
    await world.settle()


async def test_a_start_command_is_stored_before_its_ack(world: SlackWorld) -> None:
    status, _ = await world.sender.command("<@UCAND|ada> database-administrator",
                                           user_id="UREC1")
    assert status == 200
    [summary] = await world.service.list_status(candidate_id=CANDIDATE)
    assert summary.role_name == "database-administrator"
    await world.settle()


async def test_a_message_that_cannot_be_stored_is_refused_then_stored_on_redelivery(
        world: SlackWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    interview_id, thread = await world.start()
    stored = turns.insert_turn

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(turns, "insert_turn", broken)
    event = world.sender.message_event(user=CANDIDATE, channel=world.dm(CANDIDATE),
                                       text="Yes, I'm ready to start.", thread_ts=thread)
    event_id = "Ev0STORE0FAIL"
    status, _ = await world.sender.event(event, event_id=event_id)
    assert status == 500  # not acknowledged: Slack redelivers it
    await world.settle()
    assert world.candidate_turns(interview_id) == []
    replies = len(world.thread(world.dm(CANDIDATE), thread))

    monkeypatch.setattr(turns, "insert_turn", stored)
    status, _ = await world.sender.event(event, event_id=event_id, retry_num=1)
    assert status == 200
    assert len(world.candidate_turns(interview_id)) == 1
    await world.fake.wait_for(lambda: len(world.thread(world.dm(CANDIDATE), thread))
                              == replies + 1)
    await world.settle()
    assert len(world.thread(world.dm(CANDIDATE), thread)) == replies + 1


async def test_an_error_leaving_the_ack_block_is_answered_500_not_200() -> None:
    """Work that raises before its ack (a name lookup failing in a way nobody caught, a
    bug) must not be acknowledged as stored: Slack gets a 500 and sends the event again."""
    from slack_bolt.context.ack.async_ack import AsyncAck

    from adapters.slack.acks import AckOnce

    failed, fine = AsyncAck(), AsyncAck()
    with contextlib.suppress(RuntimeError):
        async with AckOnce(failed, within=None):
            raise RuntimeError("not stored")
    async with AckOnce(fine, within=None):
        pass
    assert failed.response is not None and failed.response.status == 500
    assert fine.response is not None and fine.response.status == 200
