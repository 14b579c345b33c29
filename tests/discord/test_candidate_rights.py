"""Candidates' rights and a person in the loop on Discord (issue 12): a request for a
person, a recruiter taking over (added to the private thread) and handing back, a deletion
request, and recruiters reviewing scores with the report's components."""

from __future__ import annotations

from sqlmodel import select

from adapters.discord.components import NOT_A_RECRUITER, NOT_A_REVIEWER
from bot.rights import ERASURE_PROMPT, PERSON_ACK
from bot.usecases.humans import JOINING
from storage.engine import session as db_session
from storage.models import (
    ALL_TABLES,
    AuditEvent,
    ErasureRecord,
    Interview,
    Reminder,
    ScoreReview,
    Turn,
)
from tests.discord.world import (
    BYSTANDER,
    CANDIDATE,
    RECRUITER,
    RECRUITERS,
    DiscordWorld,
    embed_text,
    run_discord_interview,
)

INTRO = ("I'm Ada, a database administrator with eight years of PostgreSQL: replication, "
         "backups and query tuning for a payments company.")


def rows(world: DiscordWorld, model: type, **where: object) -> list:
    with db_session(world.engine) as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(s.exec(query).all())


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or []
            for c in row["components"]]


def final_text(replies: list) -> str:
    for call in reversed(replies):
        body = call.body.get("data", call.body) if "callback" in call.path else call.body
        if body.get("content"):
            return str(body["content"])
    return ""


async def test_a_person_request_stops_the_questions_alerts_once_and_ends_reminders(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread=thread)
    asked = len(world.fake.posted(thread))
    await world.say("Can I talk to a human? I'd prefer a real interviewer.", thread=thread)
    assert len(world.fake.posted(thread)) == asked + 1
    assert world.fake.posted(thread)[-1]["content"] == PERSON_ACK
    assert (await world.service.status(interview_id)).status == "handed_over"

    [alert] = world.fake.posted(RECRUITERS)
    assert "Ada Lovelace" in alert["content"] and "asked to speak to a person" in alert["content"]
    assert "> Can I talk to a human? I'd prefer a real interviewer." in alert["content"]
    assert f"<#{thread}>" in alert["content"] and interview_id[:8] in alert["content"]
    assert custom_ids(alert) == [f"ib:takeover:{interview_id}"]
    assert rows(world, AuditEvent, interview_id=interview_id, action="person_requested")
    assert not rows(world, Reminder, interview_id=interview_id, status="pending")

    await world.say("Hello?", thread=thread)  # stored, no reply, no second alert
    assert len(world.fake.posted(thread)) == asked + 1
    assert len(world.fake.posted(RECRUITERS)) == 1
    assert [t.kind for t in world.candidate_turns(interview_id)][-1] == "handover"


async def test_takeover_adds_the_recruiter_keeps_both_sides_and_handback_resumes(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread=thread)
    await world.say("Please, let me talk to someone real.", thread=thread)
    [alert] = world.fake.posted(RECRUITERS)

    refused = await world.press(alert, f"ib:takeover:{interview_id}", user=BYSTANDER)
    assert final_text(refused) == NOT_A_RECRUITER
    assert RECRUITER not in world.fake.thread_members[int(thread)]

    reply = final_text(await world.press(alert, f"ib:takeover:{interview_id}"))
    assert "taken over" in reply and f"<#{thread}>" in reply
    assert RECRUITER in world.fake.thread_members[int(thread)]
    assert world.fake.posted(thread)[-1]["content"] == JOINING.format(name="Rita Recruiter")

    bot_posts = len(world.fake.posted(thread))
    await world.say("Hi Ada, I'm Rita from the hiring team. What would you like to know?",
                    thread=thread, user=RECRUITER)
    await world.say("Mostly whether the team is on call at weekends.", thread=thread)
    assert len(world.fake.posted(thread)) == bot_posts  # the bot stays quiet
    with db_session(world.engine) as s:
        said = [(t.speaker, t.kind, t.text) for t in s.exec(
            select(Turn).where(Turn.interview_id == interview_id).order_by(Turn.seq)).all()]
    assert ("recruiter", "relay",
            "Hi Ada, I'm Rita from the hiring team. What would you like to know?") in said
    assert ("candidate", "handover", "Mostly whether the team is on call at weekends.") in said
    recruiter_turn = rows(world, Turn, interview_id=interview_id, speaker="recruiter")[0]
    assert recruiter_turn.delivered_at is not None  # already in the thread: never re-posted

    back = await world.command("handback", interview=("str", interview_id[:8]))
    assert "back with me" in back
    assert RECRUITER not in world.fake.thread_members[int(thread)]
    resumed = world.fake.posted(thread)[-1]["content"]
    assert resumed.startswith("Thank you both") and "The question was:" in resumed
    await world.say("At the payments company I moved us to streaming replication with "
                    "Patroni, owned the failover runbook and cut recovery to two minutes.",
                    thread=thread)
    assert world.fake.posted(thread)[-1]["content"] != resumed  # the flow moved on
    assert (await world.service.status(interview_id)).status == "active"


async def test_a_deletion_request_erases_every_row_after_confirmation(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread=thread)
    await world.say("I want my information removed, please.", thread=thread)
    assert world.fake.posted(thread)[-1]["content"] == ERASURE_PROMPT
    assert rows(world, Interview, id=interview_id)
    await world.say("Yes, delete it.", thread=thread)
    assert world.fake.posted(thread)[-1]["content"].startswith("Done: everything stored")
    with db_session(world.engine) as s:
        counts = {m.__tablename__: len(s.exec(select(m)).all()) for m in ALL_TABLES}
    assert counts.pop("roles") == 1 and counts.pop("erasure_log") == 1
    assert counts == dict.fromkeys(counts, 0), counts
    [record] = rows(world, ErasureRecord)
    assert str(CANDIDATE) not in str(record.rows) and record.requested_by == "candidate"
    [notice] = world.fake.posted(RECRUITERS)
    assert "erased" in notice["content"] and "Ada" not in notice["content"]


async def test_only_recruiters_review_and_an_adjusted_score_changes_the_recommendation(
        world: DiscordWorld) -> None:
    await run_discord_interview(world, profile="weak")
    [summary] = await world.service.list_status(open_only=False)
    interview_id = summary.id
    [report] = world.fake.posted(RECRUITERS)
    machine = await world.service.export(interview_id)
    machine_label = machine["report"]["recommendation_label"]
    select_id = f"ib:review:{interview_id}"
    assert custom_ids(report) == [select_id]

    refused = await world.press(report, select_id, user=BYSTANDER, values=["1"])
    assert final_text(refused) == NOT_A_REVIEWER
    prompt = await world.press(report, select_id, values=["1"])
    [shown] = [c for c in prompt if c.body.get("type") == 4]
    buttons = shown.body["data"]["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["Agree", "Adjust…"]
    ephemeral = {"id": str(world.fake.snowflake()), "channel_id": str(RECRUITERS),
                 "author": world.fake.bot, "content": shown.body["data"]["content"],
                 "timestamp": "2026-11-25T08:00:00+00:00", "edited_timestamp": None,
                 "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
                 "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 64,
                 "components": shown.body["data"]["components"]}
    adjust_id = buttons[1]["custom_id"]

    # Someone without the role pressing "Adjust…" gets no form, and nothing is stored.
    forged = await world.press(ephemeral, adjust_id, user=BYSTANDER)
    assert final_text(forged) == NOT_A_REVIEWER
    assert not [c for c in forged if c.body.get("type") == 9]
    assert not rows(world, ScoreReview)

    for position in [s["position"] for s in machine["scores"]]:
        prompt = await world.press(report, select_id, values=[str(position)])
        [shown] = [c for c in prompt if c.body.get("type") == 4]
        adjust_id = shown.body["data"]["components"][0]["components"][1]["custom_id"]
        ephemeral = {**ephemeral, "components": shown.body["data"]["components"]}
        opened = await world.press(ephemeral, adjust_id)
        [form] = [c for c in opened if c.body.get("type") == 9]
        form_id = form.body["data"]["custom_id"]
        if position == 1:  # a score that is not 1-5 is refused and nothing saved
            bad = await world.submit(form_id, {"score": "9", "reason": "typo"})
            assert "not a score" in final_text(bad) and not rows(world, ScoreReview)
            opened = await world.press(ephemeral, adjust_id)
        saved = await world.submit(form_id, {"score": "5",
                                             "reason": "Clear, correct reasoning."})
        assert final_text(saved).startswith("Saved:")

    redrawn = world.fake.message_by_id(RECRUITERS, report["id"])
    text = embed_text(redrawn)
    assert "reviewed by Rita Recruiter" in text and "adjusted by Rita Recruiter" in text
    assert machine_label not in text.split("Overall score")[0]
    export = await world.service.export(interview_id)
    assert [s["score"] for s in export["scores"]] == [s["score"] for s in machine["scores"]]
    assert {s["human"]["score"] for s in export["scores"]} == {5}
    assert export["report"]["reviewed"]["recommendation_label"] != machine_label
    assert len(rows(world, ScoreReview)) == len(machine["scores"])
    assert rows(world, AuditEvent, interview_id=interview_id, action="score_reviewed")


async def test_an_explanation_request_reaches_the_recruiters(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("How was I scored? I'd like to know.", thread=thread)
    assert world.fake.posted(thread)[-1]["content"].startswith("I've passed your question")
    [notice] = world.fake.posted(RECRUITERS)
    assert "asked why they got their score" in notice["content"]
    assert "> How was I scored? I'd like to know." in notice["content"]
    assert (await world.service.status(interview_id)).status == "active"


async def test_after_the_end_messages_are_kept_answered_once_and_noticed_once(
        world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    await world.command("cancel", interview=("str", interview_id[:8]))
    posts = len(world.fake.posted(thread))
    for text in ("One more thing!", "And another.", "Last one."):
        await world.say(text, thread=thread)
    replies = world.fake.posted(thread)[posts:]
    assert len(replies) == 1 and "has ended" in replies[0]["content"]
    assert [t.text for t in world.candidate_turns(interview_id) if t.kind == "late"] == [
        "One more thing!", "And another.", "Last one."]
    notices = [m for m in world.fake.posted(RECRUITERS) if "after it ended" in m["content"]]
    assert len(notices) == 1


async def test_a_file_without_text_redelivered_gets_one_notice(world: DiscordWorld) -> None:
    from tests.discord import gateway

    _, thread = await world.start()
    files = [{"id": "1169400000000007001", "filename": "cv.pdf", "size": 10,
              "url": "http://127.0.0.1/cv.pdf", "proxy_url": "http://127.0.0.1/cv.pdf",
              "content_type": "application/pdf"}]
    data = gateway.message_create(world.fake, channel_id=thread, author_id=CANDIDATE,
                                  content="", attachments=files)
    posts = len(world.fake.posted(thread))
    for _ in range(3):
        await world.deliver(data)
    asked = [m for m in world.fake.posted(thread)[posts:] if "type your answer" in
             m["content"]]
    assert len(asked) == 1


async def test_forget_by_name_or_id_is_scoped_to_this_server(world: DiscordWorld) -> None:
    import sqlalchemy as sa

    ada, _ = await world.start()
    otto, _ = await world.start(candidate=BYSTANDER)
    with db_session(world.engine) as s:  # Otto's interview is another server's
        s.execute(sa.update(Interview).where(Interview.id == otto).values(workspace="42"))
        s.commit()
    summary = await world.service.status(ada)
    preview = await world.command("forget", who=("str", "Ada Lovelace"))
    assert ada[:8] in preview and f"who:{summary.candidate_key[:8]} confirm:True" in preview
    assert "No candidate" in await world.command("forget", who=("str", "Otto Other"))
    assert "nothing to erase" in await world.command("forget", who=("str", otto[:8]),
                                                     confirm=("bool", True))
    assert "Say whom to erase" in await world.command("forget")
    erased = await world.command("forget", who=("str", ada[:8]), confirm=("bool", True))
    assert "interviews 1" in erased and "candidates 1" in erased
    assert {s.id for s in await world.service.list_status(open_only=False)} == {otto}
    assert [r.requested_by for r in rows(world, ErasureRecord)] == [str(RECRUITER)]
