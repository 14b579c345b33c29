"""A candidate's side of Discord: a whole interview in a private thread, redelivered events,
rate limits, long messages, and the messages that must not reach the interview."""

from __future__ import annotations

import re

from adapters.discord.bot_client import TEXT_PLEASE
from adapters.discord.port import message_nonce
from adapters.discord.split import MESSAGE_LIMIT
from bot.ports import OutgoingMessage
from bot.service import EDIT_NOTED_NOTICE
from tests.discord import gateway
from tests.discord.world import (
    BYSTANDER,
    CANDIDATE,
    GUILD,
    INTERVIEWS,
    OTHER_BOT,
    RECRUITERS,
    DiscordWorld,
    embed_text,
    run_discord_interview,
)


async def test_whole_interview_from_slash_command_to_private_report(
        world: DiscordWorld) -> None:
    scores = await run_discord_interview(world)

    summary = (await world.service.list_status(open_only=False))[0]
    assert summary.status == "completed" and summary.recommendation
    thread = summary.conversation.thread
    assert summary.conversation.workspace == str(GUILD)

    # The thread: private, not invitable, in the interviews channel, the candidate added.
    created = world.fake.requests("POST", f"/channels/{INTERVIEWS}/threads")
    assert len(created) == 1
    assert created[0].body["type"] == 12 and created[0].body["invitable"] is False
    assert world.fake.thread_members[int(thread)] == {int(world.fake.bot["id"]), CANDIDATE}

    # One bot message per candidate answer, plus the greeting; all in the thread.
    answers = world.candidate_turns(summary.id)
    assert len(world.fake.posted(thread)) == len(answers) + 1
    assert all(len(m["content"]) <= MESSAGE_LIMIT for m in world.fake.posted(thread))

    reports = world.fake.posted(RECRUITERS)
    assert len(reports) == 1, "the report must reach the recruiter channel exactly once"
    text = embed_text(reports[0])
    assert "Ada Lovelace" in text and "Database Administrator" in text
    assert "Recommendation:" in text and "Overall score:" in text
    assert "Scores by question" in text and "Strengths" in text and "Gaps" in text
    assert f"https://discord.com/channels/{GUILD}/{thread}" in text
    per_question = re.findall(r"\*\*(\d)/5\*\*", text)
    assert [int(s) for s in per_question] == scores and len(scores) >= 4
    assert [a["filename"] for a in reports[0]["attachments"]] == [
        f"interview-{summary.id[:8]}-report.md"]
    call = world.fake.requests("POST", f"/channels/{RECRUITERS}/messages")[0]
    markdown = next(iter(call.files.values())).decode()
    assert "Key Strengths" in markdown and "Overall Recommendation" in markdown

    # Finishing again (a restart's recovery, `/interview report`) posts nothing more.
    await world.service.finish(summary.id)
    assert len(world.fake.posted(RECRUITERS)) == 1


async def test_duplicate_message_create_stores_one_turn_and_gets_one_reply(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    before = len(world.fake.posted(thread))
    event = gateway.message_create(world.fake, channel_id=thread, author_id=CANDIDATE,
                                   content="Yes, happy to start. I'm a DBA of eight years.")
    await world.deliver(event)
    await world.deliver(dict(event))  # the gateway redelivers it (e.g. after a RESUME)
    assert len(world.candidate_turns(interview_id)) == 1
    assert len(world.fake.posted(thread)) == before + 1


async def test_rate_limited_reply_is_waited_out_by_discord_py_and_posted_once(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    before = len(world.fake.posted(thread))
    world.fake.script_429("POST", f"/channels/{thread}/messages", retry_after=0.2)
    started = world.fake.calls[-1]
    await world.say("Yes, let's begin. I have run PostgreSQL for years.", thread=thread)
    sends = [c for c in world.fake.calls[world.fake.calls.index(started):]
             if c.method == "POST" and c.path == f"/channels/{thread}/messages"]
    assert [c.status for c in sends] == [429, 200]
    assert sends[0].body == sends[1].body  # the same message, retried by discord.py
    replies = world.fake.posted(thread)[before:]
    assert len(replies) == 1
    assert world.bot_turn(replies[0]["id"]).delivered_at is not None


async def test_someone_else_in_the_thread_is_ignored(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    posts = len(world.fake.calls)
    await world.say("Let me answer for Ada: she is great.", thread=thread, user=BYSTANDER)
    await world.say("Beep. I summarise threads.", thread=thread, user=OTHER_BOT)
    own = gateway.message_create(world.fake, channel_id=thread,
                                 author_id=int(world.fake.bot["id"]), content="Hello again")
    await world.deliver(own)
    assert world.candidate_turns(interview_id) == []
    assert len(world.fake.calls) == posts, "nothing may be posted for others' messages"


async def test_edit_of_the_current_answer_replaces_it_and_a_late_edit_is_noted(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    intro = await world.say("I'm Ada, a DBA with 8 years on PostgreSQL and MySQL.",
                            thread=thread)
    project = await world.say("Short.", thread=thread)  # thin: a follow-up comes next
    posts = len(world.fake.posted(thread))

    await world.edit(project, "A fuller answer about the 10TB clusters.")
    assert len(world.fake.posted(thread)) == posts  # applied quietly
    await world.edit(intro, "I'm Ada.")
    assert [m["content"] for m in world.fake.posted(thread)[posts:]] == [EDIT_NOTED_NOTICE]
    assert [t.text for t in world.candidate_turns(interview_id)] == [
        "I'm Ada, a DBA with 8 years on PostgreSQL and MySQL.",
        "A fuller answer about the 10TB clusters."]


async def test_previews_and_other_peoples_edits_change_nothing(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    answer = await world.say("I'm Ada, a DBA; see https://example.com/cv", thread=thread)
    other = await world.say("Ada is great.", thread=thread, user=BYSTANDER)
    posts = len(world.fake.calls)
    await world.edit(answer, answer["content"], text_edit=False)  # the link preview arrived
    await world.edit(other, "Ada is the best candidate.")
    assert len(world.fake.calls) == posts
    assert [t.text for t in world.candidate_turns(interview_id)] == [answer["content"]]


async def test_candidate_message_outside_the_thread_is_not_an_answer(
        quick_world: DiscordWorld) -> None:
    interview_id, _ = await quick_world.start()
    await quick_world.say("Is this where I answer?", thread=str(INTERVIEWS))
    assert quick_world.candidate_turns(interview_id) == []


async def test_file_without_text_gets_a_request_for_text_in_the_thread(
        quick_world: DiscordWorld) -> None:
    interview_id, thread = await quick_world.start()
    before = len(quick_world.fake.posted(thread))
    attachment = {"id": "5001", "filename": "answers.pdf", "size": 1234,
                  "url": "https://cdn.discordapp.com/attachments/1/2/answers.pdf",
                  "proxy_url": "https://media.discordapp.net/attachments/1/2/answers.pdf",
                  "content_type": "application/pdf"}
    await quick_world.say("", thread=thread, attachments=[attachment])
    assert [m["content"] for m in quick_world.fake.posted(thread)[before:]] == [TEXT_PLEASE]
    assert quick_world.candidate_turns(interview_id) == []


async def test_a_2500_character_bot_message_becomes_two_messages_without_broken_words(
        quick_world: DiscordWorld) -> None:
    _, thread = await quick_world.start()
    summary = (await quick_world.service.list_status())[0]
    words = [f"word{i}" for i in range(420)]
    text = " ".join(words)[:2500].rsplit(" ", 1)[0] + "."
    before = len(quick_world.fake.posted(thread))
    message = OutgoingMessage(summary.conversation, text, kind="technical", turn_id=777)
    posted = await quick_world.client.port.post(message)
    pieces = quick_world.fake.posted(thread)[before:]
    assert len(pieces) == 2 and posted.message_id == pieces[0]["id"]
    assert all(len(p["content"]) <= 2000 for p in pieces)
    assert " ".join(p["content"] for p in pieces).split() == text.split()
    assert [p["nonce"] for p in pieces] == [message_nonce(summary.conversation, 777, n)
                                             for n in (0, 1)]


async def test_resending_a_turn_returns_the_existing_message(quick_world: DiscordWorld) -> None:
    """A crash after Discord took a message but before the core marked it delivered: the
    re-send carries the same nonce, so Discord returns the first message."""
    _, thread = await quick_world.start()
    summary = (await quick_world.service.list_status())[0]
    message = OutgoingMessage(summary.conversation, "Question 1 of 4: ...", kind="technical",
                              turn_id=4242)
    before = len(quick_world.fake.posted(thread))
    first = await quick_world.client.port.post(message)
    again = await quick_world.client.port.post(message)
    assert first.message_id == again.message_id
    assert len(quick_world.fake.posted(thread)) == before + 1
    sends = quick_world.fake.requests("POST", f"/channels/{thread}/messages")[-2:]
    assert all(c.body["enforce_nonce"] is True for c in sends)
