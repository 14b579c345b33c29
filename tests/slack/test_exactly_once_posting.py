"""A post Slack accepted but the database never marked delivered (the process died in
between) is found in the conversation at restart, by the metadata each post carries, and
not posted again; one that never reached Slack is posted once. The same for report cards
and their parts in the recruiter channel."""

from __future__ import annotations

import asyncio

import aiohttp
from sqlmodel import select

from adapters.slack.app import SlackAdapter, build_adapter
from adapters.slack.posted import REPORT_EVENT, TURN_EVENT
from bot.ports import OutgoingMessage
from bot.service import InterviewService
from storage.engine import session as db_session
from storage.models import Report, Turn
from tests.slack.world import CANDIDATE, RECRUITER_CHANNEL, SlackWorld, run_slack_interview


async def _restart(world: SlackWorld, session: aiohttp.ClientSession) -> SlackAdapter:
    """A new process on the same database and workspace: a new service, then start-up
    (its recovery)."""
    settings = world.service.settings
    adapter = build_adapter(world.adapter.config,
                            lambda port: InterviewService(engine=world.engine, port=port,
                                                          settings=settings),
                            http=True, session=session)
    await adapter.startup()
    return adapter



def _last_bot_turn(world: SlackWorld, interview_id: str) -> Turn:
    with db_session(world.engine) as s:
        turn = s.exec(select(Turn).where(Turn.interview_id == interview_id,
                                         Turn.speaker == "bot")
                      .order_by(Turn.seq.desc())).first()  # type: ignore[attr-defined]
        assert turn is not None
        return turn


def _set_undelivered(world: SlackWorld, turn_id: int) -> None:
    with db_session(world.engine) as s:
        turn = s.get(Turn, turn_id)
        assert turn is not None
        turn.delivered_at = None
        turn.platform_message_id = None
        s.add(turn)
        s.commit()


async def test_every_post_names_its_turn_in_metadata(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("Yes, I'm ready.", thread_ts=thread)
    for post in world.thread(world.dm(CANDIDATE), thread):
        meta = post.params["metadata"]
        assert meta["event_type"] == TURN_EVENT
        assert world.bot_turn(post.response["ts"]).id == meta["event_payload"]["turn_id"]


async def test_a_reply_slack_accepted_before_a_crash_is_not_posted_again(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("Yes, I'm ready.", thread_ts=thread)
    turn = _last_bot_turn(world, interview_id)
    posted_ts = turn.platform_message_id
    _set_undelivered(world, turn.id)  # type: ignore[arg-type]
    before = len(world.thread(world.dm(CANDIDATE), thread))

    async with aiohttp.ClientSession() as session:
        await _restart(world, session)

    assert len(world.thread(world.dm(CANDIDATE), thread)) == before  # nothing re-posted
    assert world.fake.ok_calls("conversations.replies", ts=thread)  # it looked
    with db_session(world.engine) as s:
        again = s.get(Turn, turn.id)
        assert again is not None and again.delivered_at is not None
        assert again.platform_message_id == posted_ts  # the message Slack already had


async def test_a_reply_that_never_reached_slack_is_posted_once_at_restart(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("Yes, I'm ready.", thread_ts=thread)
    turn = _last_bot_turn(world, interview_id)
    _set_undelivered(world, turn.id)  # type: ignore[arg-type]
    dm = world.dm(CANDIDATE)
    lost = [key for key, m in world.fake.messages.items()
            if (m.get("metadata") or {}).get("event_payload", {}).get("turn_id") == turn.id]
    for key in lost:  # Slack never had it
        del world.fake.messages[key]
    before = len(world.thread(dm, thread))

    async with aiohttp.ClientSession() as session:
        await _restart(world, session)

    posts = world.thread(dm, thread)
    assert len(posts) == before + 1
    assert posts[-1].params["metadata"]["event_payload"]["turn_id"] == turn.id


async def test_a_report_posted_before_a_crash_is_not_posted_again_and_a_partial_one_is_finished(
        world: SlackWorld) -> None:
    await run_slack_interview(world)
    reports = world.fake.posts(RECRUITER_CHANNEL)
    cards = [p for p in reports if not p.params.get("thread_ts")]
    assert len(cards) == 1 and len(reports) >= 2
    assert all(p.params["metadata"]["event_type"] == REPORT_EVENT for p in reports)
    last = reports[-1]
    del world.fake.messages[(RECRUITER_CHANNEL, last.response["ts"])]  # its last part lost
    with db_session(world.engine) as s:
        report = s.exec(select(Report)).one()
        report.posted_at = None
        s.add(report)
        s.commit()

    async with aiohttp.ClientSession() as session:
        await _restart(world, session)
        await _restart(world, session)  # and once more: now all of it is there

    after = world.fake.posts(RECRUITER_CHANNEL)
    assert len([p for p in after if not p.params.get("thread_ts")]) == 1  # one card
    assert len(after) == len(reports) + 1  # only the lost part went out again
    assert after[-1].params["metadata"] == last.params["metadata"]
    assert after[-1].params["thread_ts"] == cards[0].response["ts"]
    with db_session(world.engine) as s:
        assert s.exec(select(Report)).one().posted_at is not None


async def test_one_turn_reached_by_two_paths_at_once_is_posted_once(world: SlackWorld) -> None:
    """A start delivering its greeting while the candidate's first answer finds it not yet
    marked delivered: both reach the port with the same turn; Slack gets one post."""
    interview_id, thread = await world.start()
    turn = _last_bot_turn(world, interview_id)
    before = len(world.thread(world.dm(CANDIDATE), thread))
    message = OutgoingMessage(conversation=(await world.service.status(
        interview_id)).conversation, text="A stored question?", kind="technical",
        turn_id=(turn.id or 0) + 1000)
    first, second = await asyncio.gather(world.adapter.port.post(message),
                                         world.adapter.port.post(message))
    again = await world.adapter.port.post(message)
    assert first.message_id == second.message_id == again.message_id
    assert len(world.thread(world.dm(CANDIDATE), thread)) == before + 1



async def test_a_turn_id_reused_in_another_thread_is_posted_there(world: SlackWorld) -> None:
    """SQLite hands an erased interview's top turn ids to new turns: the port's memory of
    what it posted is per thread, so a reused id in another interview's thread still goes
    out (keyed by the id alone it was answered with the first thread's ts, never posted)."""
    first_id, first_thread = await world.start()
    world.fake.add_user("U0OTHER", "Other Candidate")
    second_id, second_thread = await world.start(candidate="U0OTHER")
    turn_id = (_last_bot_turn(world, second_id).id or 0) + 1000
    for interview_id in (first_id, second_id):
        conversation = (await world.service.status(interview_id)).conversation
        await world.adapter.port.post(OutgoingMessage(
            conversation=conversation, text="A stored question?", kind="technical",
            turn_id=turn_id))
    for user, thread in ((CANDIDATE, first_thread), ("U0OTHER", second_thread)):
        assert world.thread(world.dm(user), thread)[-1].params["text"].startswith(
            "A stored question?")


async def test_a_dropped_post_is_not_resent_blindly_but_other_calls_are() -> None:
    """slack_sdk's connection retry would send a `chat.postMessage` again after a reset or
    a disconnect, when Slack may already have accepted it; ours resends a post only when
    the connection was never made, and any other call as slack_sdk does."""
    from slack_sdk.http_retry.request import HttpRequest
    from slack_sdk.http_retry.state import RetryState

    from adapters.slack.app import PostSafeConnectionRetry

    handler = PostSafeConnectionRetry()

    def request(method: str) -> HttpRequest:
        return HttpRequest(method="POST", url=f"http://127.0.0.1:1/api/{method}", headers={})

    refused = aiohttp.ClientConnectorError(None, OSError(111, "Connection refused"))  # type: ignore[arg-type]
    dropped = aiohttp.ServerDisconnectedError()
    reset = aiohttp.ClientOSError(104, "Connection reset by peer")
    verdicts = {(method, type(error).__name__): await handler._can_retry_async(
        state=RetryState(), request=request(method), error=error)
        for method in ("chat.postMessage", "users.info") for error in (refused, dropped, reset)}
    assert verdicts == {
        ("chat.postMessage", "ClientConnectorError"): True,
        ("chat.postMessage", "ServerDisconnectedError"): False,
        ("chat.postMessage", "ClientOSError"): False,
        ("users.info", "ClientConnectorError"): True,
        ("users.info", "ServerDisconnectedError"): True,
        ("users.info", "ClientOSError"): True,
    }
