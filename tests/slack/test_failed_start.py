"""A start that fails after the DM thread was opened deletes the thread's header (the bot's
own message), so no header stays without an interview under it (issue 17)."""

from __future__ import annotations

from bot.usecases import starting
from tests.slack.world import CANDIDATE, RECRUITER, SlackWorld


def no_plan(*_args: object) -> None:
    raise RuntimeError("planning failed")


async def test_a_failed_start_deletes_its_dm_header_and_can_be_tried_again(
        world: SlackWorld, monkeypatch) -> None:
    monkeypatch.setattr(starting, "_plan", no_plan)
    status, _ = await world.sender.command(f"<@{CANDIDATE}|cand> database-administrator",
                                           user_id=RECRUITER)
    assert status == 200
    dm = world.dm(CANDIDATE)
    await world.fake.wait_for(lambda: world.fake.ok_calls("chat.delete"))
    await world.settle()
    [header] = world.fake.ok_calls("chat.postMessage", channel=dm)
    [deleted] = world.fake.ok_calls("chat.delete")
    assert (deleted.params["channel"], deleted.params["ts"]) == (dm, header.response["ts"])
    assert (dm, header.response["ts"]) not in world.fake.messages
    assert await world.service.list_status() == []
    monkeypatch.undo()
    _, thread = await world.start()  # the start's claim was given back
    assert thread != header.response["ts"]
