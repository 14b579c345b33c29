"""A start that fails after its private thread was opened archives and locks the thread
(deleting it needs Manage Threads), so nothing looks like an interview (issue 17)."""

from __future__ import annotations

from bot.usecases import starting
from tests.discord.world import CANDIDATE, INTERVIEWS, DiscordWorld


def no_plan(*_args: object) -> None:
    raise RuntimeError("planning failed")


async def test_a_failed_start_archives_and_locks_its_thread(world: DiscordWorld,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(starting, "_plan", no_plan)
    await world.command("start", candidate=("user", str(CANDIDATE)),
                        role=("str", "database-administrator"))
    (created,) = world.fake.requests("POST", f"/channels/{INTERVIEWS}/threads")
    thread = int(created.response["id"])
    (edit,) = world.fake.requests("PATCH", f"/channels/{thread}")
    assert edit.body == {"archived": True, "locked": True}
    assert world.fake.channels[thread]["thread_metadata"]["locked"] is True
    assert await world.service.list_status() == []
