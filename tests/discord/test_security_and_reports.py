"""Reports reach only a recruiter channel that @everyone cannot read: checked at start-up
and again, over REST, before every post."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine

from bot.roles import load_role
from bot.simulated import SimulatedCandidate
from tests.discord.fake_discord import VIEW_CHANNEL
from tests.discord.world import (
    ADMIN_ROLE,
    CANDIDATE,
    GUILD,
    PRIVATE,
    PUBLIC,
    RECRUITER,
    RECRUITERS,
    STAFF_ROLE,
    DiscordWorld,
    answer_until_done,
    open_world,
    settings_for,
)


@pytest.fixture
async def public_world(engine: Engine) -> AsyncIterator[DiscordWorld]:
    """A server whose recruiter channel everyone can read; short interviews."""
    opened = await open_world(engine, recruiter_overwrites=PUBLIC,
                              settings=settings_for(technical_questions=1,
                                                    candidate_question_exchanges=0))
    try:
        yield opened
    finally:
        await opened.close()


async def test_recruiter_channel_readable_by_everyone_is_flagged_at_startup(
        public_world: DiscordWorld) -> None:
    problems = public_world.client.setup_problems
    assert any("readable by @everyone" in p for p in problems), problems


async def test_nobody_who_can_read_the_recruiter_channel_can_be_a_candidate(
        public_world: DiscordWorld) -> None:
    reply = await public_world.command("start", candidate=("user", str(CANDIDATE)),
                                       role=("str", "database-administrator"))
    assert "can view the recruiter channel" in reply and "no interview was started" in reply
    assert await public_world.service.list_status() == []


async def test_report_is_refused_while_everyone_can_read_the_recruiter_channel(
        engine: Engine) -> None:
    world = await open_world(engine, settings=settings_for(technical_questions=1,
                                                           candidate_question_exchanges=0))
    try:
        role = load_role("database-administrator")
        candidate = SimulatedCandidate(role=role, profile="strong", seed=0)
        interview_id, thread = await world.start(resume=("str", candidate.resume()))
        world.fake.set_overwrites(RECRUITERS, PUBLIC)  # opened behind the gateway's back
        await answer_until_done(world, thread, candidate)

        summary = await world.service.status(interview_id)
        assert summary.status == "completed" and summary.recommendation  # evaluated, stored
        assert world.fake.posted(RECRUITERS) == []
        refused = await world.command("report", interview=("str", interview_id[:8]))
        assert "not posted" in refused and "readable by @everyone" in refused
        assert world.fake.posted(RECRUITERS) == []

        # Made private (no gateway event needed: the REST re-read sees it), it goes once.
        world.fake.set_overwrites(RECRUITERS, PRIVATE)
        posted = await world.command("report", interview=("str", interview_id[:8]))
        assert f"<#{RECRUITERS}>" in posted
        await world.command("report", interview=("str", interview_id[:8]))
        assert len(world.fake.posted(RECRUITERS)) == 1
    finally:
        await world.close()


async def test_channel_opened_to_everyone_after_startup_is_caught_before_posting(
        world: DiscordWorld) -> None:
    assert world.client.setup_problems == []
    interview_id, _ = await world.start()
    await world.command("cancel", interview=("str", interview_id[:8]))
    world.fake.set_overwrites(RECRUITERS, PUBLIC)  # changed behind the gateway's back
    refused = await world.command("report", interview=("str", interview_id[:8]))
    assert "readable by @everyone" in refused
    assert world.fake.posted(RECRUITERS) == []
    assert world.fake.requests("GET", f"/channels/{RECRUITERS}")  # re-read over REST


async def test_report_embed_stays_within_discord_limits_and_mentions_nobody(
        quick_world: DiscordWorld) -> None:
    interview_id, _ = await quick_world.start()
    await quick_world.command("cancel", interview=("str", interview_id[:8]))
    await quick_world.command("report", interview=("str", interview_id[:8]))
    (call,) = quick_world.fake.requests("POST", f"/channels/{RECRUITERS}/messages")
    (embed,) = call.body["embeds"]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25 and all(len(f["value"]) <= 1024 for f in embed["fields"])
    assert call.body["allowed_mentions"] == {"parse": []}
    assert call.body["nonce"].startswith("ib-r") and call.body["enforce_nonce"] is True


STAFF_CAN_VIEW = [*PRIVATE, {"id": str(STAFF_ROLE), "type": 0, "allow": str(VIEW_CHANNEL),
                             "deny": "0"}]


async def test_a_role_the_candidate_holds_letting_them_in_refuses_the_report(
        world: DiscordWorld) -> None:
    """The issue's case: @everyone denied, a "Staff" role allowed, the candidate holds it."""
    interview_id, _ = await world.start()
    await world.command("cancel", interview=("str", interview_id[:8]))
    world.fake.set_overwrites(RECRUITERS, STAFF_CAN_VIEW)
    world.fake.members[CANDIDATE].append(STAFF_ROLE)
    refused = await world.command("report", interview=("str", interview_id[:8]))
    assert "lets the role @Staff view it" in refused and "only the recruiter role" in refused
    assert world.fake.posted(RECRUITERS) == []
    (told,) = world.fake.posted(world.fake.dm_of(RECRUITER))  # the recruiter hears, once
    assert f"`{interview_id[:8]}`" in told["content"] and "/interview report" in told["content"]
    await world.command("report", interview=("str", interview_id[:8]))
    assert len(world.fake.posted(world.fake.dm_of(RECRUITER))) == 1

    world.fake.set_overwrites(RECRUITERS, PRIVATE)
    await world.command("report", interview=("str", interview_id[:8]))
    assert len(world.fake.posted(RECRUITERS)) == 1


async def test_a_candidate_who_can_view_by_any_means_gets_no_report(world: DiscordWorld) -> None:
    """No overwrite lets them in, but a role with Administrator does: only asking Discord
    about this member (fetched over REST) finds it."""
    interview_id, _ = await world.start()
    await world.command("cancel", interview=("str", interview_id[:8]))
    world.fake.members[CANDIDATE].append(ADMIN_ROLE)
    refused = await world.command("report", interview=("str", interview_id[:8]))
    assert f"the candidate <@{CANDIDATE}> can view <#{RECRUITERS}>" in refused
    assert world.fake.requests("GET", f"/guilds/{GUILD}/members/{CANDIDATE}")
    assert world.fake.posted(RECRUITERS) == []

    world.fake.members[CANDIDATE].remove(ADMIN_ROLE)
    await world.command("report", interview=("str", interview_id[:8]))
    assert len(world.fake.posted(RECRUITERS)) == 1


async def test_start_up_names_open_interviews_whose_candidate_can_view(
        world: DiscordWorld) -> None:
    interview_id, _ = await world.start()
    world.fake.members[CANDIDATE].append(ADMIN_ROLE)
    problems = await world.client.check_setup()
    assert any(interview_id[:8] in p and "can view" in p for p in problems), problems
