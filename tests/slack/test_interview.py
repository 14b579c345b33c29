"""A candidate's side of Slack: a whole interview in a DM thread, redeliveries, rate limits,
and the messages that must not reach the interview."""

from __future__ import annotations

import asyncio

from adapters.console import END_KINDS, question_for
from adapters.slack.listeners import TEXT_PLEASE
from bot.roles import load_role
from bot.simulated import SimulatedCandidate
from tests.slack.world import (
    BYSTANDER,
    CANDIDATE,
    RECRUITER_CHANNEL,
    SlackWorld,
)

DM = SlackWorld.dm(CANDIDATE)


async def test_whole_interview_from_slash_command_to_private_report(world: SlackWorld) -> None:
    role = load_role("database-administrator")
    candidate = SimulatedCandidate(role=role, profile="strong", seed=0)
    interview_id, thread = await world.start()
    header = world.fake.posts(DM)[0]
    assert header.response["ts"] == thread and "thread_ts" not in header.params

    for _ in range(60):
        last = world.thread(DM, thread)[-1]
        turn = world.bot_turn(last.response["ts"])
        if turn.kind in END_KINDS:
            break
        answer = candidate.reply(last.params["text"], kind=turn.kind,
                                 question=question_for(role, turn.question_id))
        await world.say(answer, thread_ts=thread)
    else:
        raise AssertionError("the interview never ended")
    await world.fake.wait_for(lambda: world.fake.posts(RECRUITER_CHANNEL))
    await world.settle()

    summary = await world.service.status(interview_id)
    assert summary.status == "completed" and summary.recommendation
    dm_posts = world.fake.posts(DM)
    assert all(p.params.get("thread_ts") == thread for p in dm_posts[1:]), "unthreaded reply"
    answers = world.candidate_turns(interview_id)
    assert len(dm_posts) - 1 == len(answers) + 1  # the greeting, then one reply per answer

    report_posts = world.fake.posts(RECRUITER_CHANNEL)
    cards = [p for p in report_posts if not p.params.get("thread_ts")]
    assert len(cards) == 1, "the report must reach the recruiter channel exactly once"
    card = cards[0]
    assert all(p.params["thread_ts"] == card.response["ts"] for p in report_posts[1:])
    assert len(report_posts) >= 2, "the full HR report goes in the card's thread"
    blocks_text = card.blocks_text
    assert "Ada Lovelace" in blocks_text and "Database Administrator" in blocks_text
    assert f"https://fake.slack.com/archives/{DM}/p{thread.replace('.', '')}" in blocks_text
    assert "Scores by question" in blocks_text and "Strengths" in blocks_text
    assert "Gaps" in blocks_text
    full = "".join(p.blocks_text for p in report_posts[1:])
    assert "Key Strengths" in full and "Overall Recommendation" in full
    assert world.fake.ok_calls("chat.getPermalink", channel=DM, message_ts=thread)


async def test_duplicate_slack_event_stores_one_turn_and_gets_one_reply(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    before = len(world.thread(DM, thread))
    event = world.sender.message_event(user=CANDIDATE, channel=DM, thread_ts=thread,
                                       text="Yes, happy to start. I'm a DBA of eight years.")
    done = world.adapter.listeners.in_flight.finished
    first, retry = await asyncio.gather(
        world.sender.event(event, event_id="Ev0DUPLICATE"),
        world.sender.event(event, event_id="Ev0DUPLICATE", retry_num=1))
    assert first[0] == retry[0] == 200
    await world.until_finished(done + 2)
    assert len(world.candidate_turns(interview_id)) == 1
    assert len(world.thread(DM, thread)) == before + 1

    await world.say(event["text"], thread_ts=thread, ts=event["ts"], retry_num=2)
    assert len(world.candidate_turns(interview_id)) == 1
    assert len(world.thread(DM, thread)) == before + 1


async def test_rate_limited_reply_is_retried_and_delivered_once(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    before = len(world.thread(DM, thread))
    world.fake.script("chat.postMessage", status=429, retry_after=0)
    await world.say("Yes, let's begin. I have run PostgreSQL for years.", thread_ts=thread)
    limited = [c for c in world.fake.calls if c.method == "chat.postMessage" and c.status == 429]
    assert len(limited) == 1
    replies = world.thread(DM, thread)[before:]
    assert len(replies) == 1 and replies[0].params["text"] == limited[0].params["text"]
    assert world.bot_turn(replies[0].response["ts"]).delivered_at is not None


async def test_top_level_dm_message_reaches_the_interview_and_reply_is_threaded(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("Hi! Yes, I'm ready to start.", thread_ts=None)
    assert len(world.candidate_turns(interview_id)) == 1
    assert all(p.params.get("thread_ts") == thread for p in world.fake.posts(DM)[1:])


async def test_someone_else_in_the_thread_is_ignored(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    posts = len(world.fake.posts())
    # A bystander writing in their own DM with the bot, quoting the candidate's thread ts.
    await world.say("Let me answer for Ada: she is great.", thread_ts=thread, user=BYSTANDER)
    # Someone else's message delivered in the candidate's DM channel (e.g. a shared DM).
    event = world.sender.message_event(user=BYSTANDER, channel=DM, thread_ts=thread,
                                       text="I'm answering instead.")
    done = world.adapter.listeners.in_flight.finished
    assert (await world.sender.event(event))[0] == 200
    await world.until_finished(done + 1)
    assert world.candidate_turns(interview_id) == []
    assert len(world.fake.posts()) == posts


async def test_file_without_text_gets_a_polite_threaded_request_for_text(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    before = len(world.thread(DM, thread))
    await world.say("", thread_ts=thread, subtype="file_share",
                    files=[{"id": "F0CV", "name": "answers.pdf", "mimetype": "application/pdf"}])
    replies = world.thread(DM, thread)[before:]
    assert [r.params["text"] for r in replies] == [TEXT_PLEASE]
    assert world.candidate_turns(interview_id) == []


async def test_edits_and_bot_messages_do_not_reach_the_interview(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    posts = len(world.fake.posts())
    edit = world.sender.message_event(user=CANDIDATE, channel=DM, text="", thread_ts=thread,
                                      subtype="message_changed",
                                      message={"type": "message", "user": CANDIDATE,
                                               "text": "edited answer", "ts": thread})
    edit.pop("user")
    own = world.sender.message_event(user=world.fake.bot_user_id, channel=DM, text="Hello",
                                     thread_ts=thread, bot_id=world.fake.bot_id)
    done = world.adapter.listeners.in_flight.finished
    for event in (edit, own):
        assert (await world.sender.event(event))[0] == 200
    await world.until_finished(done + 1)  # the edit reaches the core (which ignores it)
    # A real answer afterwards is handled; the two above left nothing behind.
    await world.say("Yes, I'm ready.", thread_ts=thread)
    assert [t.text for t in world.candidate_turns(interview_id)] == ["Yes, I'm ready."]
    assert len(world.fake.posts()) == posts + 1


async def test_edit_of_the_current_answer_replaces_it_and_a_late_edit_is_noted(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    intro = await world.say("I'm Ada, a DBA with 8 years on PostgreSQL and MySQL.",
                            thread_ts=thread)
    project = await world.say("Short.", thread_ts=thread)  # thin: a follow-up comes next

    async def edit(original: dict, text: str) -> None:
        event = world.sender.message_event(
            user=CANDIDATE, channel=DM, text="", thread_ts=thread, subtype="message_changed",
            message={"type": "message", "user": CANDIDATE, "text": text,
                     "ts": original["ts"], "thread_ts": thread,
                     "edited": {"user": CANDIDATE, "ts": world.fake.next_ts()}},
            previous_message={"type": "message", "user": CANDIDATE,
                              "text": original["text"], "ts": original["ts"]})
        event.pop("user")
        done = world.adapter.listeners.in_flight.finished
        assert (await world.sender.event(event))[0] == 200
        await world.until_finished(done + 1)

    posts = len(world.fake.posts())
    await edit(project, "A fuller answer about the 10TB clusters.")
    assert len(world.fake.posts()) == posts  # applied quietly
    await edit(intro, "I'm Ada.")
    notes = world.fake.posts()[posts:]
    assert len(notes) == 1 and "first answer stands" in notes[0].params["text"]
    assert notes[0].params["thread_ts"] == thread
    assert [t.text for t in world.candidate_turns(interview_id)] == [
        "I'm Ada, a DBA with 8 years on PostgreSQL and MySQL.",
        "A fuller answer about the 10TB clusters."]
