"""One Slack message delivered under five different event ids at once (Slack can send a
message as `message` and as another subscription's event, and redeliveries after a timeout
may carry new ids) stores one turn and gets one reply, through the real Bolt app over HTTP
(issue 17). The key is the message's own (channel, ts), unique in the database."""

from __future__ import annotations

import asyncio

from tests.slack.world import CANDIDATE, SlackWorld


async def test_one_message_under_five_event_ids_at_once_stores_one_turn(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    dm = world.dm(CANDIDATE)
    before = len(world.thread(dm, thread))
    event = world.sender.message_event(user=CANDIDATE, channel=dm, thread_ts=thread,
                                       text="Yes, happy to start. I'm a DBA of eight years.")
    done = world.adapter.listeners.in_flight.finished
    answers = await asyncio.gather(*(world.sender.event(event, event_id=f"Ev0MANY{n}")
                                     for n in range(5)))
    assert [status for status, _ in answers] == [200] * 5
    await world.until_finished(done + 5)
    await world.settle()
    assert len(world.candidate_turns(interview_id)) == 1
    assert len(world.thread(dm, thread)) == before + 1
