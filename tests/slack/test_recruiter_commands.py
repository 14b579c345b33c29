"""The recruiter's side: `/interview` and its subcommands, the start form, the cancel
button, who may use them, and every refusal saying what to do instead."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from adapters.slack.blocks import CANCEL_ACTION_ID
from adapters.slack.listeners import NOT_A_RECRUITER
from bot.sweeper import ReminderSweeper
from storage.engine import session as db_session
from storage.models import AuditEvent, Candidate, Interview, Turn
from tests.slack.world import (
    BYSTANDER,
    CANDIDATE,
    GROUP_RECRUITER,
    HELPER_BOT,
    RECRUITER,
    SlackWorld,
)


async def test_ack_is_empty_and_immediate_and_work_follows(world: SlackWorld) -> None:
    status, body = await world.sender.command("roles", user_id=RECRUITER)
    assert (status, body) == (200, "")
    await world.fake.wait_for(lambda: world.fake.hooks)
    reply = world.fake.hooks[0].params
    assert reply["response_type"] == "ephemeral" and "`database-administrator`" in reply["text"]


async def test_non_recruiter_is_refused_ephemerally_and_nothing_starts(
        world: SlackWorld) -> None:
    reply = await world.command(f"<@{CANDIDATE}|ada> database-administrator", user_id=BYSTANDER)
    assert reply == NOT_A_RECRUITER
    assert world.fake.hooks[-1].params["response_type"] == "ephemeral"
    assert not world.fake.ok_calls("conversations.open")


async def test_member_of_a_recruiter_user_group_may_start(world: SlackWorld) -> None:
    reply = await world.command(f"<@{CANDIDATE}|ada> database-administrator",
                                user_id=GROUP_RECRUITER)
    assert reply.startswith("Started interview")
    assert world.fake.ok_calls("usergroups.users.list", usergroup="SRECRUIT")


async def test_an_unreadable_recruiter_group_refuses_the_start_and_is_not_cached(
        world: SlackWorld) -> None:
    """Failing open let a group recruiter be interviewed (and read their own report)."""
    world.fake.script("usergroups.users.list", error="ratelimited", times=1)
    reply = await world.command(f"<@{GROUP_RECRUITER}|greg> database-administrator")
    assert "couldn't read the recruiter user group SRECRUIT (ratelimited)" in reply
    assert "No interview was started" in reply
    assert not world.fake.ok_calls("conversations.open")
    again = await world.command(f"<@{GROUP_RECRUITER}|greg> database-administrator")
    assert "is a recruiter" in again  # read again, not the failure cached for a minute


async def test_an_unreadable_group_grants_nobody_the_command(world: SlackWorld) -> None:
    world.fake.script("usergroups.users.list", error="missing_scope", times=1)
    reply = await world.command("roles", user_id=GROUP_RECRUITER)
    assert reply == NOT_A_RECRUITER


BAD_COMMANDS = [
    ("frobnicate", "Unknown subcommand `frobnicate`", "/interview help"),
    (f"<@{CANDIDATE}|ada> astronaut", "Unknown role `astronaut`", "/interview roles"),
    ("database-administrator", "No candidate", "/interview @candidate database-administrator"),
    (f"<@{CANDIDATE}|ada>", "Which role?", "`database-administrator`"),
    ("@ada database-administrator", "couldn't read `@ada`", "@-autocomplete"),
    (f"<@{HELPER_BOT}|helper> database-administrator", "is a bot", "Mention the candidate"),
    (f"<@{RECRUITER}|rita> database-administrator", "can't interview yourself",
     "interview-bot demo"),
    (f"<@{GROUP_RECRUITER}|greg> database-administrator", "is a recruiter", "Pick someone"),
    ("<@UNOBODY|ghost> database-administrator", "can't find", "Mention a person"),
    ("<!subteam^SRECRUIT|@recruiters> database-administrator", "not a user group",
     "/interview @candidate <role>"),
    ("cancel", "needs one interview id", "/interview status"),
    ("cancel zz-top", "is not an interview id", "/interview status"),
    ("extend zz-top 2", "is not an interview id", "/interview extend 3f9c2a1b 3"),
    ("extend 3f9c2a1b", "needs an interview id and a number of days",
     "/interview extend 3f9c2a1b 3"),
    ("forget", "needs one @candidate", "/interview forget @ada"),
    (f"forget <@{CANDIDATE}|ada> please", "the word `confirm`", "/interview forget @ada confirm"),
]


async def test_bad_commands_get_an_ephemeral_explanation_and_how_to_fix_it(
        world: SlackWorld) -> None:
    for text, wrong, fix in BAD_COMMANDS:
        reply = await world.command(text)
        assert wrong in reply and fix in reply, (text, reply)
        assert world.fake.hooks[-1].params["response_type"] == "ephemeral"
    assert not world.fake.ok_calls("conversations.open")
    assert await world.service.list_status(open_only=False) == []


async def test_second_open_interview_for_the_same_role_is_refused(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    reply = await world.command(f"<@{CANDIDATE}|ada> database-administrator")
    assert "already has an open" in reply and interview_id[:8] in reply
    assert len(world.fake.ok_calls("conversations.open")) == 1
    other = await world.command(f"<@{CANDIDATE}|ada> backend-engineer")
    assert other.startswith("Started interview")


async def test_status_cancel_report_remind_help(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    short = interview_id[:8]
    listing = await world.command("status")
    assert short in listing and f"<@{CANDIDATE}>" in listing
    assert "introduction" in await world.command(f"status {short}")
    assert short in await world.command(f"status <@{CANDIDATE}|ada>")
    reminded = await world.command(f"remind {short}")
    assert "reminder" in reminded and f"<@{CANDIDATE}>" in reminded
    assert "still active" in await world.command(f"report {short}")
    assert "/interview @candidate <role>" in await world.command("help")

    cancelled = await world.command(f"cancel {short}")
    assert cancelled.startswith(f"Cancelled {short}")
    assert "closed this interview" in world.thread(world.dm(CANDIDATE), thread)[-1].params["text"]
    assert "already cancelled" in await world.command(f"cancel {short}")
    reported = await world.command(f"report {short}")
    assert "is in <#GRECRUIT>" in reported
    assert len([p for p in world.fake.posts("GRECRUIT") if not p.params.get("thread_ts")]) == 1
    assert "No open interviews" in await world.command("status")
    assert "No interview with id" in await world.command("status abcdef12")


async def test_slash_command_alone_opens_the_form_and_submission_starts(
        world: SlackWorld) -> None:
    status, _ = await world.sender.command("", user_id=RECRUITER)
    assert status == 200
    opened = await world.fake.wait_for(lambda: world.fake.ok_calls("views.open"))
    view = opened[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "interview_start"
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds == {"candidate": "users_select", "role": "static_select",
                     "resume": "plain_text_input", "deadline": "datepicker"}

    deadline = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    values = {
        "candidate": {"candidate": {"type": "users_select", "selected_user": CANDIDATE}},
        "role": {"role": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "Backend Engineer"},
            "value": "backend-engineer"}}},
        "resume": {"resume": {"type": "plain_text_input",
                              "value": "Backend engineer, 6 years\nBuilt a payments API in Go"}},
        "deadline": {"deadline": {"type": "datepicker", "selected_date": deadline}},
    }
    payload = world.sender.view_submission(user_id=RECRUITER, values=values,
                                           private_metadata=view["private_metadata"])
    status, body = await world.sender.interactive(payload)
    assert (status, body) == (200, "")
    await world.fake.wait_for(lambda: world.fake.hooks)
    await world.settle()
    assert world.fake.hooks[-1].params["text"].startswith("Started interview")
    [summary] = await world.service.list_status()
    assert summary.role_name == "backend-engineer" and summary.deadline_at is not None
    assert summary.deadline_at.date().isoformat() in (deadline, _next_day(deadline))


async def test_form_with_a_past_deadline_stays_open_with_an_inline_error(
        world: SlackWorld) -> None:
    values = {
        "candidate": {"candidate": {"type": "users_select", "selected_user": CANDIDATE}},
        "role": {"role": {"type": "static_select",
                          "selected_option": {"value": "database-administrator"}}},
        "deadline": {"deadline": {"type": "datepicker", "selected_date": "2020-01-01"}},
    }
    payload = world.sender.view_submission(user_id=RECRUITER, values=values,
                                           private_metadata="{}")
    status, body = await world.sender.interactive(payload)
    assert status == 200
    assert json.loads(body) == {"response_action": "errors",
                                "errors": {"deadline": "That date has passed: pick today or "
                                                       "later."}}
    assert await world.service.list_status() == []


async def test_cancel_button_cancels_for_recruiters_only(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    refused = world.sender.block_action(user_id=BYSTANDER, action_id=CANCEL_ACTION_ID,
                                        value=interview_id)
    assert (await world.sender.interactive(refused))[0] == 200
    await world.fake.wait_for(lambda: len(world.fake.hooks) >= 2)
    await world.settle()
    assert world.fake.hooks[-1].params["text"] == NOT_A_RECRUITER
    assert (await world.service.status(interview_id)).status == "active"

    press = world.sender.block_action(user_id=RECRUITER, action_id=CANCEL_ACTION_ID,
                                      value=interview_id)
    assert (await world.sender.interactive(press))[0] == 200
    await world.fake.wait_for(lambda: len(world.fake.hooks) >= 3)
    await world.settle()
    assert world.fake.hooks[-1].params["replace_original"] is True
    assert (await world.service.status(interview_id)).status == "cancelled"


def _next_day(day: str) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()


async def test_remind_is_sent_by_the_sweeper_in_the_interview_thread(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    reply = await world.command(f"remind {interview_id[:8]}")
    assert f"<@{CANDIDATE}>" in reply
    before = len(world.thread(world.dm(CANDIDATE), thread))
    berlin = ZoneInfo("Europe/Berlin")  # the candidate's zone; noon is never quiet hours
    tomorrow = datetime.now(berlin).date() + timedelta(days=1)
    later = datetime.combine(tomorrow, time(12), tzinfo=berlin)  # before any nudge is due
    report = await ReminderSweeper(world.service, clock=lambda: later).tick()
    assert report.sent == 1
    reminders = world.thread(world.dm(CANDIDATE), thread)[before:]
    assert len(reminders) == 1
    await world.command(f"cancel {interview_id[:8]}")
    refused = await world.command(f"remind {interview_id[:8]}")
    assert "cancelled" in refused and "no reminder" in refused


def _noon_tomorrow_in_berlin() -> datetime:
    """The candidate's zone; noon is never quiet hours, and it is before any nudge is due."""
    berlin = ZoneInfo("Europe/Berlin")
    return datetime.combine(datetime.now(berlin).date() + timedelta(days=1), time(12),
                            tzinfo=berlin)


async def test_extend_moves_the_deadline_and_the_candidate_is_told(world: SlackWorld) -> None:
    interview_id, thread = await world.start()
    short = interview_id[:8]
    before = (await world.service.status(interview_id)).deadline_at
    assert before is not None

    reply = await world.command(f"extend {short} 1.5")
    after = (await world.service.status(interview_id)).deadline_at
    assert after is not None and after - before == timedelta(days=1.5)
    assert reply.startswith(f"Extended {short}") and f"<@{CANDIDATE}>" in reply
    assert f"now closes {after:%Y-%m-%d %H:%M} UTC" in reply
    assert world.fake.hooks[-1].params["response_type"] == "ephemeral"

    posted = len(world.thread(world.dm(CANDIDATE), thread))
    report = await ReminderSweeper(world.service, clock=_noon_tomorrow_in_berlin).tick()
    assert report.sent == 1
    [notice] = world.thread(world.dm(CANDIDATE), thread)[posted:]
    assert "more time" in notice.params["text"]


async def test_extend_with_bad_days_or_an_ended_interview_is_refused(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    short = interview_id[:8]
    before = (await world.service.status(interview_id)).deadline_at
    for days in ("0", "-1", "61", "soon", "nan"):
        reply = await world.command(f"extend {short} {days}")
        assert f"`{days}` is not a number of days" in reply, reply
        assert "`/interview extend 3f9c2a1b 3`" in reply and "at most 60" in reply
    missing = await world.command(f"extend {short}")
    assert "needs an interview id and a number of days" in missing
    assert "No interview with id" in await world.command("extend abcdef12 2")
    assert (await world.service.status(interview_id)).deadline_at == before

    await world.command(f"cancel {short}")
    ended = await world.command(f"extend {short} 2")
    assert "already cancelled" in ended and "cannot be extended" in ended


async def test_forget_shows_what_it_would_erase_until_confirmed(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    preview = await world.command(f"forget <@{CANDIDATE}|ada>")
    assert "1 interview(s)" in preview and interview_id[:8] in preview
    assert "cannot be undone" in preview and "Still open: 1" in preview
    assert f"`/interview forget` <@{CANDIDATE}> `confirm`" in preview
    assert world.fake.hooks[-1].params["response_type"] == "ephemeral"
    assert (await world.service.status(interview_id)).status == "active"

    nobody = await world.command(f"forget <@{BYSTANDER}|otto>")
    assert "no interviews" in nobody and "`confirm`" in nobody
    assert "nothing to erase" in await world.command(f"forget <@{BYSTANDER}|otto> confirm")
    assert "end the command with the word `confirm`" in await world.command(
        f"forget <@{CANDIDATE}|ada> yes")
    assert (await world.service.status(interview_id)).status == "active"


async def test_confirmed_forget_erases_that_person_and_reports_rows(world: SlackWorld) -> None:
    erased, thread = await world.start()
    kept, _ = await world.start(candidate=BYSTANDER)
    await world.say("Hi! Ready when you are.", thread_ts=thread)
    assert world.candidate_turns(erased)

    reply = await world.command(f"forget <@{CANDIDATE}|ada> confirm")
    assert reply.startswith(f"Erased everything I stored about <@{CANDIDATE}>")
    assert "interviews 1" in reply and "candidates 1" in reply and "turns " in reply
    found = re.search(r"(\d+) row\(s\) deleted", reply)
    assert found and int(found.group(1)) >= 5, reply
    assert world.fake.hooks[-1].params["response_type"] == "ephemeral"

    with db_session(world.engine) as s:
        assert s.get(Interview, erased) is None
        assert not s.exec(select(Turn).where(Turn.interview_id == erased)).all()
        assert not s.exec(select(AuditEvent).where(AuditEvent.interview_id == erased)).all()
        assert not s.exec(select(Candidate).where(Candidate.platform_user_id == CANDIDATE)).all()
        assert s.exec(select(Turn).where(Turn.interview_id == kept)).all()
        assert s.exec(select(Candidate).where(Candidate.platform_user_id == BYSTANDER)).one()
    assert (await world.service.status(kept)).status == "active"
    assert [s.id for s in await world.service.list_status(open_only=False)] == [kept]
    assert "nothing to erase" in await world.command(f"forget <@{CANDIDATE}|ada> confirm")


async def test_forget_and_extend_are_for_recruiters_only(world: SlackWorld) -> None:
    interview_id, _ = await world.start()
    before = await world.service.status(interview_id)
    for text in (f"forget <@{CANDIDATE}|ada> confirm", f"forget <@{CANDIDATE}|ada>",
                 f"extend {interview_id[:8]} 3"):
        assert await world.command(text, user_id=BYSTANDER) == NOT_A_RECRUITER
        assert world.fake.hooks[-1].params["response_type"] == "ephemeral"
    after = await world.service.status(interview_id)
    assert after.status == "active" and after.deadline_at == before.deadline_at
