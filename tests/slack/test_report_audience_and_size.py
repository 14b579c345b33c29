"""Reports reach only the recruiters' eyes, and every report message fits Slack's limits.

Audience: before each report the channel must be private, not a (group) DM, not shared with
another workspace or organisation (the flags `conversations.info` returns, docs.slack.dev
conversation object), and this candidate must not be a member (`conversations.members`).
A refusal keeps the report, logs what to fix and tells the recruiter who started it.

Size: the fake Slack refuses blocks over 12,000 characters of text (`msg_blocks_too_long`,
as Slack does); every message stays under 10,000 as JSON, a report takes as many thread
replies as it needs, a failed part is retried, and a report counts as posted only when every
part is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.slack.blocks import BLOCKS_BUDGET, blocks_size
from adapters.slack.mrkdwn import from_markdown, split_text
from bot.ports import ConversationRef, ReportDelivery
from storage.engine import session as db_session
from storage.models import Report
from tests.slack.fake_slack import BLOCKS_TEXT_LIMIT, blocks_text_length
from tests.slack.test_security_and_reports import SHORT, _finish_short_interview
from tests.slack.world import (
    CANDIDATE,
    RECRUITER,
    RECRUITER_CHANNEL,
    SlackWorld,
    open_world,
    settings_for,
)

RECRUITER_DM = SlackWorld.dm(RECRUITER)


@pytest.fixture
async def short_world(engine: Engine) -> AsyncIterator[SlackWorld]:
    opened = await open_world(engine, settings=settings_for(**SHORT))
    try:
        yield opened
    finally:
        await opened.close()


def cards(world: SlackWorld) -> list:
    return [p for p in world.fake.posts(RECRUITER_CHANNEL) if not p.params.get("thread_ts")]


def posted_at(world: SlackWorld, interview_id: str) -> object:
    with db_session(world.engine) as s:
        return s.exec(select(Report).where(Report.interview_id == interview_id)).one().posted_at


@pytest.mark.parametrize("flag", ["is_ext_shared", "is_pending_ext_shared", "is_shared",
                                  "is_org_shared", "is_mpim"])
async def test_a_shared_channel_or_group_dm_gets_no_report_and_the_recruiter_is_told(
        short_world: SlackWorld, flag: str, caplog: pytest.LogCaptureFixture) -> None:
    world = short_world
    caplog.set_level(logging.ERROR, logger="adapters.slack")
    world.fake.channels[RECRUITER_CHANNEL][flag] = True
    interview_id = await _finish_short_interview(world)

    assert cards(world) == [] and posted_at(world, interview_id) is None
    assert (await world.service.status(interview_id)).recommendation  # kept, evaluated
    assert any("not posted" in r.getMessage() for r in caplog.records)
    (told,) = world.fake.posts(RECRUITER_DM)
    assert f"`{interview_id[:8]}`" in told.params["text"]
    assert f"/interview report {interview_id[:8]}" in told.params["text"]

    world.fake.channels[RECRUITER_CHANNEL][flag] = False  # an admin stops sharing it
    reply = await world.command(f"report {interview_id[:8]}")
    assert f"is in <#{RECRUITER_CHANNEL}>" in reply and len(cards(world)) == 1
    assert posted_at(world, interview_id) is not None
    assert len(world.fake.posts(RECRUITER_DM)) == 1  # told once


async def test_a_candidate_in_the_recruiter_channel_never_sees_their_report(
        short_world: SlackWorld) -> None:
    world = short_world
    members = world.fake.members[RECRUITER_CHANNEL]
    interview_id = await _finish_short_interview_with(world, lambda: members.append(CANDIDATE))
    assert cards(world) == [] and posted_at(world, interview_id) is None
    refused = await world.command(f"report {interview_id[:8]}")
    assert f"the candidate <@{CANDIDATE}> is a member of <#{RECRUITER_CHANNEL}>" in refused
    assert "Remove them from the channel" in refused

    members.remove(CANDIDATE)
    await world.command(f"report {interview_id[:8]}")
    assert len(cards(world)) == 1


async def test_membership_is_read_page_by_page(short_world: SlackWorld) -> None:
    world = short_world
    members = world.fake.members[RECRUITER_CHANNEL]
    interview_id = await _finish_short_interview_with(
        world, lambda: members.extend([f"UFILL{i:04d}" for i in range(450)] + [CANDIDATE]))
    assert cards(world) == []
    pages = world.fake.ok_calls("conversations.members", channel=RECRUITER_CHANNEL)
    assert len(pages) >= 3 and pages[-1].response["members"][-1] == CANDIDATE
    assert posted_at(world, interview_id) is None


async def test_a_candidate_already_in_the_recruiter_channel_cannot_be_interviewed(
        world: SlackWorld) -> None:
    world.fake.members[RECRUITER_CHANNEL].append(CANDIDATE)
    reply = await world.command(f"<@{CANDIDATE}|ada> database-administrator")
    assert "is a member of the recruiter channel" in reply and "Remove them" in reply
    assert not world.fake.ok_calls("conversations.open")


async def test_start_up_names_open_interviews_whose_candidate_is_in_the_channel(
        world: SlackWorld, caplog: pytest.LogCaptureFixture) -> None:
    interview_id, _ = await world.start()
    world.fake.members[RECRUITER_CHANNEL].append(CANDIDATE)
    caplog.set_level(logging.ERROR, logger="adapters.slack")
    await world.adapter.startup()  # a restart
    assert any(interview_id[:8] in r.getMessage() and "is a member" in r.getMessage()
               for r in caplog.records)


async def _finish_short_interview_with(world: SlackWorld, change: object) -> str:
    """Start, change the channel (after the start-time check), finish."""
    original = world.start

    async def start_then_change(*args: object, **kwargs: object) -> tuple[str, str]:
        started = await original(*args, **kwargs)
        change()  # type: ignore[operator]
        return started

    world.start = start_then_change  # type: ignore[method-assign]
    try:
        return await _finish_short_interview(world)
    finally:
        world.start = original  # type: ignore[method-assign]


# ------------------------------------------------------------------ size


def long_delivery(interview_id: str, conversation: ConversationRef) -> ReportDelivery:
    """A 20-question report whose full text is 29,000 characters (the issue's worst case)."""
    paragraph = ("The candidate explained how they read the plan, then *why* the estimate "
                 "was off & what they'd change <in production>. ") * 4
    markdown = "\n\n".join(f"## Question {i}\n\n{paragraph}" for i in range(60))[:29_000]
    scores = [{"question_id": f"q{i}", "topic": f"Topic number {i}", "score": 3 + i % 3,
               "question": "How would you " + "really " * 20 + "do it?"} for i in range(20)]
    strengths = [f"**Topic {i}** (5/5): " + "quoted evidence " * 40 for i in range(20)]
    return ReportDelivery(
        interview_id=interview_id, candidate_name="Ada & <Ørsted>", role_title="DBA",
        candidate_id=CANDIDATE, recruiter_id=RECRUITER, recommendation="Consider",
        overall_score=3.9, partial=False, markdown=markdown, conversation=conversation,
        export={"scores": scores, "report": {"key_strengths": strengths,
                                             "areas_for_development": strengths}})


def thread_parts(world: SlackWorld, card_ts: str) -> list:
    return [p for p in world.fake.posts(RECRUITER_CHANNEL) if p.params.get("thread_ts") == card_ts]


async def test_a_29000_character_report_fits_in_as_many_replies_as_it_needs(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    summary = await world.service.status(interview_id)
    report = long_delivery(interview_id, summary.conversation)
    await world.adapter.port.post_report(report)

    (card,) = cards(world)
    parts = thread_parts(world, card.response["ts"])
    assert len(parts) >= 3
    for message in [card, *parts]:
        assert blocks_size(message.blocks) <= BLOCKS_BUDGET
        assert blocks_text_length(message.blocks) <= BLOCKS_TEXT_LIMIT
    sent = [b["text"]["text"] for p in parts for b in p.blocks]
    assert sent == split_text(from_markdown(report.markdown), 2900)  # nothing lost
    assert "more in the full report below" in card.blocks_text
    assert card.params["text"].startswith("Interview report: Ada &amp; &lt;Ørsted&gt;")


def test_the_fake_refuses_what_slack_refuses() -> None:
    from tests.slack.fake_slack import FakeSlack

    fake = FakeSlack()
    fake.add_channel("GX", "x", is_private=True)
    big = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2999}}] * 5
    answer = fake._chat_postMessage({"channel": "GX", "text": "t", "blocks": json.dumps(big)})
    assert answer == {"ok": False, "error": "msg_blocks_too_long"}


async def test_a_part_slack_fails_to_take_is_retried(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    summary = await world.service.status(interview_id)
    world.fake.script("chat.postMessage", error="internal_error", times=2,
                      when=lambda params: "part 2 of" in str(params.get("text")))
    await world.adapter.port.post_report(long_delivery(interview_id, summary.conversation))
    (card,) = cards(world)
    texts = [p.params["text"] for p in thread_parts(world, card.response["ts"])]
    assert texts == [f"Full HR report, part {n} of {len(texts)}"
                     for n in range(1, len(texts) + 1)]
    failed = [c for c in world.fake.calls if c.method == "chat.postMessage"
              and not c.response.get("ok")]
    assert len(failed) == 2


async def test_a_report_counts_as_posted_only_when_every_part_is(short_world: SlackWorld) -> None:
    world = short_world
    world.fake.script("chat.postMessage", error="internal_error", times=3,
                      when=lambda params: str(params.get("text", "")).startswith(
                          "Full HR report, part 1"))
    interview_id = await _finish_short_interview(world)
    assert len(cards(world)) == 1 and posted_at(world, interview_id) is None

    reply = await world.command(f"report {interview_id[:8]}")  # continues after the card
    assert f"is in <#{RECRUITER_CHANNEL}>" in reply
    (card,) = cards(world)
    assert thread_parts(world, card.response["ts"])
    assert posted_at(world, interview_id) is not None


async def test_a_card_slack_refuses_is_a_readable_refusal_not_a_crash(
        short_world: SlackWorld) -> None:
    world = short_world
    world.fake.script("chat.postMessage", error="invalid_blocks", times=1,
                      when=lambda params: params.get("channel") == RECRUITER_CHANNEL)
    interview_id = await _finish_short_interview(world)
    assert posted_at(world, interview_id) is None
    world.fake.script("chat.postMessage", error="invalid_blocks", times=1,
                      when=lambda params: params.get("channel") == RECRUITER_CHANNEL)
    reply = await world.command(f"report {interview_id[:8]}")
    assert "Slack did not take the card" in reply and "(invalid_blocks)" in reply
    assert f"/interview report {interview_id[:8]}" in reply
    await world.command(f"report {interview_id[:8]}")
    assert len(cards(world)) == 1 and posted_at(world, interview_id) is not None


async def test_an_injected_report_reaches_the_channel_guarded(short_world: SlackWorld) -> None:
    from bot.guard import WITHHELD
    from tests.test_guard import InjectedReportBrain

    world = short_world
    world.service.core.brain = InjectedReportBrain()
    await _finish_short_interview(world)
    posted = " ".join(p.blocks_text + p.params.get("text", "")
                      for p in world.fake.posts(RECRUITER_CHANNEL))
    assert WITHHELD in posted
    for bad in ("evil.example.net", "phish.example.io", "default_api", "[Candidate Name]"):
        assert bad not in posted, bad
