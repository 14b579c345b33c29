"""Candidates' rights and a person in the loop on Slack (issue 12): a request for a person
mid-interview, a recruiter taking over and handing back, a deletion request, an
explanation request, and messages after the end, all through the fake Web API."""

from __future__ import annotations

import json

from sqlmodel import select

from adapters.slack.team_blocks import HANDBACK_ACTION_ID, TAKEOVER_ACTION_ID, WHERE_TO_WRITE
from bot.rights import ERASURE_PROMPT, EXPLANATION_ACK, PERSON_ACK
from bot.usecases.humans import JOINING
from storage.engine import session as db_session
from storage.models import (
    ALL_TABLES,
    AuditEvent,
    ErasureRecord,
    Interview,
    RecruiterNotice,
    Reminder,
    Turn,
)
from tests.slack.fake_slack import Call
from tests.slack.world import (
    BYSTANDER,
    CANDIDATE,
    RECRUITER,
    RECRUITER_CHANNEL,
    SlackWorld,
)

DM = SlackWorld.dm(CANDIDATE)
INTRO = ("I'm Ada, a database administrator with eight years of PostgreSQL: replication, "
         "backups and query tuning for a payments company.")


def top_level(world: SlackWorld) -> list[Call]:
    return [p for p in world.fake.posts(RECRUITER_CHANNEL) if not p.params.get("thread_ts")]


def in_thread(world: SlackWorld, ts: str) -> list[Call]:
    return [p for p in world.fake.posts(RECRUITER_CHANNEL) if p.params.get("thread_ts") == ts]


def rows(world: SlackWorld, model: type, **where: object) -> list:
    with db_session(world.engine) as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(s.exec(query).all())


async def press(world: SlackWorld, message: Call, action_id: str, *, user: str = RECRUITER,
                option: str | None = None) -> None:
    posted = world.fake.message_in(RECRUITER_CHANNEL, message.response["ts"])
    payload = world.sender.action_on_message(user_id=user, channel=RECRUITER_CHANNEL,
                                             message=posted, action_id=action_id,
                                             option=option)
    done = world.adapter.listeners.in_flight.finished
    assert (await world.sender.interactive(payload))[0] == 200
    await world.until_finished(done + 1)


async def test_a_person_request_stops_the_questions_alerts_once_audits_and_ends_nudges(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread_ts=thread)
    asked_before = len(world.thread(DM, thread))
    with db_session(world.engine) as s:
        nudges = [r.kind for r in s.exec(select(Reminder).where(
            Reminder.interview_id == interview_id, Reminder.status == "pending")).all()]
    assert "nudge_1" in nudges  # an interview under way is nudged

    await world.say("Is this a bot? I'd rather speak to a person, not an AI.", thread_ts=thread)
    reply = world.thread(DM, thread)[-1].params["text"]
    assert len(world.thread(DM, thread)) == asked_before + 1
    assert reply.startswith(PERSON_ACK[:40]) and "?" not in reply  # it asks nothing
    assert (await world.service.status(interview_id)).status == "handed_over"

    [alert] = top_level(world)
    text = alert.blocks_text
    assert "Ada Lovelace" in text and "asked to speak to a person" in text
    assert "Database Administrator" in text and interview_id[:8] in text
    assert "I'd rather speak to a person, not an AI." in text  # the candidate's words
    assert f"https://fake.slack.com/archives/{DM}/p{thread.replace('.', '')}" in text
    assert TAKEOVER_ACTION_ID in text
    assert [a.action for a in rows(world, AuditEvent, interview_id=interview_id)
            ].count("person_requested") == 1
    assert not rows(world, Reminder, interview_id=interview_id, status="pending")

    # More messages: stored, silent in the DM, relayed to the alert's thread; no new alert.
    await world.say("Hello? Anyone there?", thread_ts=thread)
    assert len(world.thread(DM, thread)) == asked_before + 1
    relayed = in_thread(world, alert.response["ts"])
    assert [r for r in relayed if "Anyone there?" in r.blocks_text]
    assert len(top_level(world)) == 1
    turns = world.candidate_turns(interview_id)
    assert [t.kind for t in turns][-2:] == ["request", "handover"]

    # Handed back later, the interview goes on, but the bot never nudges them again.
    await world.command(f"handback {interview_id[:8]}")
    assert (await world.service.status(interview_id)).status == "active"
    kinds = {r.kind for r in rows(world, Reminder, interview_id=interview_id, status="pending")}
    assert kinds == {"deadline"}
    await world.say("OK, happy to carry on with the bot now.", thread_ts=thread)
    kinds = {r.kind for r in rows(world, Reminder, interview_id=interview_id, status="pending")}
    assert kinds == {"deadline"}


async def test_takeover_relays_both_ways_and_handback_resumes_with_the_next_question(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread_ts=thread)
    await world.say("At the payments company I moved our PostgreSQL cluster to streaming "
                    "replication with Patroni; I owned the failover runbook and we cut "
                    "recovery time from an hour to two minutes.", thread_ts=thread)
    question = world.thread(DM, thread)[-1].params["text"]

    reply = await world.command(f"takeover {interview_id[:8]}")
    assert "taken over" in reply and interview_id[:8] in reply
    joined = world.thread(DM, thread)[-1].params["text"]
    assert joined == JOINING.format(name="Rita Recruiter")
    [notice] = top_level(world)
    assert "Rita Recruiter" in notice.blocks_text and WHERE_TO_WRITE[:30] in notice.blocks_text
    assert HANDBACK_ACTION_ID in notice.blocks_text

    # The recruiter writes in the notice's thread: the candidate gets it, signed.
    event = world.sender.channel_message(user=RECRUITER, channel=RECRUITER_CHANNEL,
                                         text="Hi Ada, Rita here. Any questions so far?",
                                         thread_ts=notice.response["ts"])
    done = world.adapter.listeners.in_flight.finished
    assert (await world.sender.event(event))[0] == 200
    await world.until_finished(done + 1)
    relayed = world.thread(DM, thread)[-1].params["text"]
    assert relayed == "*Rita Recruiter (hiring team):* Hi Ada, Rita here. Any questions so far?"
    # A redelivery of the same event relays nothing more.
    assert (await world.sender.event(event, retry_num=1))[0] == 200
    await world.settle()
    assert world.thread(DM, thread)[-1].params["text"] == relayed

    # The candidate answers: nothing from the bot, the words reach the notice's thread.
    posts_before = len(world.thread(DM, thread))
    await world.say("Just one: how big is the team?", thread_ts=thread)
    assert len(world.thread(DM, thread)) == posts_before
    assert any("how big is the team?" in p.blocks_text
               for p in in_thread(world, notice.response["ts"]))

    # Someone who is not a recruiter cannot write through, nor hand back.
    outsider = world.sender.channel_message(user=BYSTANDER, channel=RECRUITER_CHANNEL,
                                            text="psst", thread_ts=notice.response["ts"])
    done = world.adapter.listeners.in_flight.finished
    await world.sender.event(outsider)
    await world.until_finished(done + 1)
    assert len(world.thread(DM, thread)) == posts_before
    await press(world, notice, HANDBACK_ACTION_ID, user=BYSTANDER)
    assert (await world.service.status(interview_id)).status == "handed_over"

    await press(world, notice, HANDBACK_ACTION_ID)
    assert (await world.service.status(interview_id)).status == "active"
    back = world.thread(DM, thread)[-1].params["text"]
    assert back.startswith("Thank you both") and question.split(". ")[-1][:40] in back
    await world.say("I start with EXPLAIN ANALYZE to read the plan, check statistics and "
                    "indexes, look at pg_stat_statements and compare before and after.",
                    thread_ts=thread)
    assert world.thread(DM, thread)[-1].params["text"] != back  # the flow moved on

    export = await world.service.export(interview_id)
    said = [(t["speaker"], t["kind"]) for t in export["turns"]]
    assert ("recruiter", "relay") in said and ("candidate", "handover") in said
    texts = [t["text"] for t in export["turns"]]
    assert any("Any questions so far?" in t for t in texts)
    assert "Just one: how big is the team?" in texts  # nothing lost


async def test_a_deletion_request_erases_every_row_after_the_candidate_confirms(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread_ts=thread)
    await world.say("Actually, please delete my data.", thread_ts=thread)
    assert world.thread(DM, thread)[-1].params["text"] == ERASURE_PROMPT
    assert rows(world, Interview, id=interview_id)  # nothing erased before the "yes"

    await world.say("yes", thread_ts=thread)
    told = world.thread(DM, thread)[-1].params["text"]
    assert told.startswith("Done: everything stored about you here has been erased")
    with db_session(world.engine) as s:
        counts = {m.__tablename__: len(s.exec(select(m)).all()) for m in ALL_TABLES}
    assert counts.pop("roles") == 1 and counts.pop("erasure_log") == 1
    assert counts == dict.fromkeys(counts, 0), counts
    [record] = rows(world, ErasureRecord)
    stored = json.dumps({"rows": record.rows, "by": record.requested_by})
    for personal in (CANDIDATE, "Ada", interview_id, interview_id[:8]):
        assert personal not in stored
    assert record.requested_by == "candidate" and record.rows["turns"] >= 4
    [notice] = top_level(world)
    assert "erased" in notice.blocks_text and "Ada" not in notice.blocks_text
    # Writing again finds nothing: no interview is left to answer.
    posts = len(world.fake.posts(DM))
    await world.say("hello?", thread_ts=thread)
    assert len(world.fake.posts(DM)) == posts


async def test_saying_no_to_the_erasure_keeps_everything(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say("Can you erase everything you have about me?", thread_ts=thread)
    assert world.thread(DM, thread)[-1].params["text"] == ERASURE_PROMPT
    await world.say("no", thread_ts=thread)
    kept = world.thread(DM, thread)[-1].params["text"]
    assert kept.startswith("Understood: nothing has been erased") and "introduce" in kept
    assert (await world.service.status(interview_id)).status == "active"
    assert not rows(world, ErasureRecord)


async def test_an_explanation_request_is_recorded_sent_on_and_the_interview_goes_on(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.say(INTRO, thread_ts=thread)
    await world.say("Before we go on: why did I get this score on the introduction?",
                    thread_ts=thread)
    reply = world.thread(DM, thread)[-1].params["text"]
    assert reply.startswith(EXPLANATION_ACK) and "The question was:" in reply
    [notice] = top_level(world)
    assert "asked why they got their score" in notice.blocks_text
    assert "why did I get this score on the introduction?" in notice.blocks_text
    assert rows(world, AuditEvent, interview_id=interview_id, action="explanation_requested")
    assert (await world.service.status(interview_id)).status == "active"
    [request] = [t for t in world.candidate_turns(interview_id) if t.kind == "request"]
    assert "why did I get" in request.text


async def test_late_messages_are_kept_answered_once_an_hour_and_the_recruiter_told_once(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    await world.command(f"cancel {interview_id[:8]}")
    posts = len(world.thread(DM, thread))
    for text in ("Thanks! One more thing I forgot to mention.", "I also know Oracle.",
                 "And MySQL."):
        await world.say(text, thread_ts=thread)
    replies = world.thread(DM, thread)[posts:]
    assert len(replies) == 1 and "has ended" in replies[0].params["text"]
    late = [t.text for t in world.candidate_turns(interview_id) if t.kind == "late"]
    assert late == ["Thanks! One more thing I forgot to mention.", "I also know Oracle.",
                    "And MySQL."]
    notices = [p for p in top_level(world) if "after it ended" in p.blocks_text]
    assert len(notices) == 1
    # A redelivered event stores nothing and gets nothing.
    event = world.sender.message_event(user=CANDIDATE, channel=DM, text="once", thread_ts=thread)
    for retry in (None, 1):
        done = world.adapter.listeners.in_flight.finished
        await world.sender.event(event, retry_num=retry)
        await world.until_finished(done + 1)
    assert [t.text for t in world.candidate_turns(interview_id)].count("once") == 1


async def test_a_file_without_text_gets_one_notice_per_event(world: SlackWorld) -> None:
    _, thread = await world.start()
    event = world.sender.message_event(user=CANDIDATE, channel=DM, text="", thread_ts=thread,
                                       subtype="file_share",
                                       files=[{"id": "F1", "name": "cv.pdf"}])
    posts = len(world.thread(DM, thread))
    for retry in (None, 1, 2):
        done = world.adapter.listeners.in_flight.finished
        await world.sender.event(event, retry_num=retry)
        await world.until_finished(done + 1)
    asked = [p for p in world.thread(DM, thread)[posts:] if "type your answer" in
             p.params["text"]]
    assert len(asked) == 1


async def test_a_late_edit_redelivered_is_noticed_once(world: SlackWorld) -> None:
    _, thread = await world.start()
    first = await world.say(INTRO, thread_ts=thread)
    await world.say("At the payments company I owned our replication setup and its runbook.",
                    thread_ts=thread)
    edit = {"type": "message", "subtype": "message_changed", "channel": DM,
            "channel_type": "im", "ts": world.fake.next_ts(), "hidden": True,
            "message": {**first, "text": INTRO + " (edited)",
                        "edited": {"user": CANDIDATE, "ts": world.fake.next_ts()}},
            "previous_message": first}
    posts = len(world.thread(DM, thread))
    for retry in (None, 1):
        done = world.adapter.listeners.in_flight.finished
        await world.sender.event(edit, retry_num=retry)
        await world.until_finished(done + 1)
    noticed = [p for p in world.thread(DM, thread)[posts:] if "I saw your edit" in
               p.params["text"]]
    assert len(noticed) == 1
    assert len(rows(world, AuditEvent, action="edit_noted")) == 1


async def test_the_notice_waits_when_the_recruiter_channel_fails_its_check(
        world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    world.fake.members[RECRUITER_CHANNEL].append(CANDIDATE)  # they would read their words
    await world.say("Can I talk to a human?", thread_ts=thread)
    assert not top_level(world)
    [stored] = rows(world, RecruiterNotice, interview_id=interview_id)
    assert stored.posted_at is None
    world.fake.members[RECRUITER_CHANNEL].remove(CANDIDATE)
    await world.say("Hello?", thread_ts=thread)  # the next turn posts what waited
    [alert] = top_level(world)
    assert "asked to speak to a person" in alert.blocks_text
    assert all(n.posted_at is not None for n in rows(world, RecruiterNotice,
                                                     interview_id=interview_id))


async def test_takeover_of_an_ended_interview_or_by_a_non_recruiter_is_refused(
        world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    assert "Only recruiters" in await world.command(f"takeover {interview_id[:8]}",
                                                    user_id=BYSTANDER)
    await world.command(f"cancel {interview_id[:8]}")
    refused = await world.command(f"takeover {interview_id[:8]}")
    assert "only an open interview can be taken over" in refused
    assert "nothing to hand back" in await world.command(f"handback {interview_id[:8]}")
    assert not rows(world, Turn, interview_id=interview_id, speaker="recruiter")


# ------------------------------------------------------------------ reviewing the scores


async def _finished_card(world: SlackWorld, profile: str = "weak") -> tuple[str, Call]:
    from tests.slack.world import run_slack_interview

    await run_slack_interview(world, profile=profile)
    [card] = [p for p in top_level(world) if "Interview report" in p.blocks_text]
    [summary] = await world.service.list_status(open_only=False)
    return summary.id, card


async def _adjust(world: SlackWorld, card: Call, interview_id: str, position: int, score: int,
                  reason: str, *, user: str = RECRUITER) -> None:
    opened = len(world.fake.ok_calls("views.open"))
    await press(world, card, "interview_review", user=user,
                option=f"adjust:{interview_id}:{position}")
    assert len(world.fake.ok_calls("views.open")) == opened + 1
    view = world.fake.ok_calls("views.open")[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    values = {"score": {"score": {"type": "static_select",
                                  "selected_option": {"value": str(score)}}},
              "reason": {"reason": {"type": "plain_text_input", "value": reason}}}
    payload = world.sender.view_submission(user_id=user, values=values,
                                           private_metadata=view["private_metadata"],
                                           callback_id=view["callback_id"])
    done = world.adapter.listeners.in_flight.finished
    status, body = await world.sender.interactive(payload)
    assert (status, body) == (200, "")
    await world.until_finished(done + 1)


async def test_only_recruiters_can_review_a_score(world: SlackWorld) -> None:
    from storage.models import ScoreReview

    interview_id, card = await _finished_card(world)
    hooks = len(world.fake.hooks)
    for option in (f"adjust:{interview_id}:1", f"agree:{interview_id}:1"):
        await press(world, card, "interview_review", user=BYSTANDER, option=option)
    assert [h.params["text"] for h in world.fake.hooks[hooks:]] == [
        "Only recruiters can review scores. Ask your Slack admin to add you (or a user group "
        "you are in) to SLACK_RECRUITERS."] * 2
    assert not world.fake.ok_calls("views.open") and not world.fake.ok_calls("chat.update")
    assert not rows(world, ScoreReview)
    # A forged submission of the form by a non-recruiter stores nothing either.
    values = {"score": {"score": {"type": "static_select", "selected_option": {"value": "5"}}},
              "reason": {"reason": {"type": "plain_text_input", "value": "trust me"}}}
    metadata = json.dumps({"interview_id": interview_id, "position": 1,
                           "channel": RECRUITER_CHANNEL, "ts": card.response["ts"]})
    payload = world.sender.view_submission(user_id=BYSTANDER, values=values,
                                           private_metadata=metadata,
                                           callback_id="interview_review_adjust")
    done = world.adapter.listeners.in_flight.finished
    await world.sender.interactive(payload)
    await world.until_finished(done + 1)
    assert not rows(world, ScoreReview)


async def test_adjusted_scores_change_the_recommendation_shown_and_both_are_exported(
        world: SlackWorld) -> None:
    interview_id, card = await _finished_card(world)
    machine = await world.service.export(interview_id)
    machine_label = machine["report"]["recommendation_label"]
    assert not machine_label.startswith("Advance")
    positions = [s["position"] for s in machine["scores"]]

    await press(world, card, "interview_review", option=f"agree:{interview_id}:{positions[0]}")
    for position in positions[1:]:
        await _adjust(world, card, interview_id, position, 5,
                      "Strong answer once you read the follow-up closely.")
    # A reason is required: the form says so inline and nothing is stored.
    values = {"score": {"score": {"type": "static_select", "selected_option": {"value": "2"}}},
              "reason": {"reason": {"type": "plain_text_input", "value": "  "}}}
    payload = world.sender.view_submission(
        user_id=RECRUITER, values=values, callback_id="interview_review_adjust",
        private_metadata=json.dumps({"interview_id": interview_id, "position": positions[0],
                                     "channel": RECRUITER_CHANNEL,
                                     "ts": card.response["ts"]}))
    status, body = await world.sender.interactive(payload)
    assert status == 200 and json.loads(body)["response_action"] == "errors"

    redrawn = world.fake.message_in(RECRUITER_CHANNEL, card.response["ts"])
    shown = json.dumps(redrawn["blocks"])
    assert "reviewed by Rita Recruiter" in shown and machine_label not in shown
    assert "adjusted by Rita Recruiter" in shown and "agreed by Rita Recruiter" in shown
    record = in_thread(world, card.response["ts"])
    assert any("adjusted" in p.params.get("text", "") and "Strong answer" in
               p.params.get("text", "") for p in record)

    export = await world.service.export(interview_id)
    for before, after in zip(machine["scores"], export["scores"], strict=True):
        assert after["score"] == before["score"]  # the machine's score is never overwritten
        assert after["human"]["reviewer"] == "Rita Recruiter"
    assert [s["human"]["score"] for s in export["scores"][1:]] == [5] * (len(positions) - 1)
    assert export["scores"][0]["human"] == {**export["scores"][0]["human"],
                                            "verdict": "agree",
                                            "score": machine["scores"][0]["score"]}
    reviewed = export["report"]["reviewed"]
    assert reviewed["recommendation_label"] != machine_label
    assert export["report"]["recommendation_label"] == machine_label
    assert reviewed["questions_reviewed"] == len(positions)
    assert "Human review" in await world.service.export_markdown(interview_id)


# ------------------------------------------------------------------ forget, as recruiters run it


async def test_forget_by_name_or_id_is_scoped_to_this_workspace_and_asks_which(
        world: SlackWorld) -> None:
    import sqlalchemy as sa

    world.fake.add_user("UADA2", "Ada Byron")
    ada, _ = await world.start()
    byron, _ = await world.start(candidate="UADA2")
    otto, _ = await world.start(candidate=BYSTANDER)
    with db_session(world.engine) as s:  # Otto's interview is another workspace's
        s.execute(sa.update(Interview).where(Interview.id == otto).values(workspace="TOTHER"))
        s.commit()

    several = await world.command("forget Ada")
    assert "matches 2 candidates" in several and "Ada Lovelace" in several
    assert "Ada Byron" in several and "/interview forget <candidate id>" in several
    preview = await world.command("forget Ada Lovelace")
    summary = await world.service.status(ada)
    assert ada[:8] in preview and "cannot be undone" in preview
    assert f"`/interview forget {summary.candidate_key[:8]} confirm`" in preview
    for who in ("Otto Other", otto[:8], f"<@{BYSTANDER}|otto>"):
        reply = await world.command(f"forget {who}")
        assert "No candidate" in reply or "no interviews" in reply, (who, reply)
        assert "nothing to erase" in await world.command(f"forget {who} confirm")
    assert (await world.service.status(otto)).status == "active"

    erased = await world.command(f"forget {summary.candidate_key[:8]} confirm")
    assert erased.startswith(f"Erased everything I stored about `{summary.candidate_key[:8]}`")
    assert "interviews 1" in erased
    erased = await world.command(f"forget {byron[:8]} confirm")
    assert "interviews 1" in erased
    assert {s.id for s in await world.service.list_status(open_only=False)} == {otto}
    assert [r.requested_by for r in rows(world, ErasureRecord)] == [RECRUITER, RECRUITER]


async def test_status_shows_the_candidate_id(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    key = (await world.service.status(interview_id)).candidate_key
    assert f"candidate `{key[:8]}`" in await world.command("status")
    assert f"candidate `{key[:8]}`" in await world.command(f"status {interview_id[:8]}")
    assert (await world.service.export(interview_id))["interview"]["candidate_id"] == key
