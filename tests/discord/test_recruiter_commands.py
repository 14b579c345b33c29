"""`/interview` for recruiters: who may use it, answering inside Discord's 3 seconds, and
each subcommand's answer."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime, time, timedelta

import discord
import pytest
from sqlmodel import select

from adapters.discord.commands import NOT_A_RECRUITER
from bot.sweeper import ReminderSweeper
from storage.engine import session as db_session
from storage.models import AuditEvent, Candidate, Interview, Turn
from tests.discord.world import (
    BYSTANDER,
    CANDIDATE,
    GUILD,
    INTERVIEWS,
    OTHER_BOT,
    RECRUITER,
    RECRUITERS,
    DiscordWorld,
)


async def test_commands_are_synced_to_the_configured_server_at_login(
        quick_world: DiscordWorld) -> None:
    app = quick_world.fake.application_id
    (sync,) = quick_world.fake.requests("PUT", f"/applications/{app}/guilds/{GUILD}/commands")
    (group,) = sync.body
    assert group["name"] == "interview" and group["type"] == 1
    assert {o["name"] for o in group["options"]} == {"start", "status", "cancel", "remind",
                                                     "extend", "report", "forget", "takeover",
                                                     "handback", "roles"}
    start = next(o for o in group["options"] if o["name"] == "start")
    kinds = {o["name"]: (o["type"], o.get("required", False), o.get("autocomplete", False))
             for o in start["options"]}
    assert kinds == {"candidate": (6, True, False), "role": (3, True, True),
                     "resume": (3, False, False), "resume_file": (11, False, False)}


async def test_non_recruiter_is_refused_ephemerally_and_nothing_happens(
        quick_world: DiscordWorld) -> None:
    calls = len(quick_world.fake.calls)
    replies = await quick_world.interact("start", user=BYSTANDER,
                                         candidate=("user", str(CANDIDATE)),
                                         role=("str", "database-administrator"))
    assert len(replies) == 1
    body = replies[0].body
    assert body["type"] == 4 and body["data"]["flags"] == 64
    assert body["data"]["content"] == NOT_A_RECRUITER
    assert len(quick_world.fake.calls) == calls + 1  # only the refusal
    assert await quick_world.service.list_status() == []


async def test_non_recruiter_gets_no_autocomplete_choices(quick_world: DiscordWorld) -> None:
    assert await quick_world.autocomplete("start", "role", user=BYSTANDER, role=("str", "")) == []


async def test_role_autocomplete_offers_the_roles(quick_world: DiscordWorld) -> None:
    choices = await quick_world.autocomplete("start", "role", role=("str", "datab"))
    assert {"name": "Database Administrator (database-administrator)",
            "value": "database-administrator"} in choices
    assert all("datab" in c["value"] or "datab" in c["name"].lower() for c in choices)


async def test_every_command_is_deferred_before_its_answer(quick_world: DiscordWorld) -> None:
    replies = await quick_world.interact("roles")
    assert replies[0].path.endswith("/callback") and replies[0].body == {
        "type": 5, "data": {"flags": 64}}
    assert replies[1].path.startswith(f"/webhooks/{quick_world.fake.application_id}/")
    assert "database-administrator" in replies[1].body["content"]
    assert replies[1].body["flags"] == 64


async def test_start_refuses_bots_recruiters_and_unknown_roles(quick_world: DiscordWorld) -> None:
    assert "is a bot" in await quick_world.command(
        "start", candidate=("user", str(OTHER_BOT)), role=("str", "database-administrator"))
    assert "can't interview yourself" in await quick_world.command(
        "start", candidate=("user", str(RECRUITER)), role=("str", "database-administrator"))
    assert "Unknown role `astronaut`" in await quick_world.command(
        "start", candidate=("user", str(CANDIDATE)), role=("str", "astronaut"))
    assert not quick_world.fake.requests("POST", f"/channels/{INTERVIEWS}/threads")


async def test_start_refuses_a_candidate_who_cannot_see_the_interviews_channel(
        quick_world: DiscordWorld) -> None:
    deny = {"id": str(CANDIDATE), "type": 1, "allow": "0", "deny": str(1 << 10)}
    quick_world.fake.set_overwrites(INTERVIEWS, [deny])
    quick_world.dispatch("CHANNEL_UPDATE", quick_world.fake.channels[INTERVIEWS])
    reply = await quick_world.command("start", candidate=("user", str(CANDIDATE)),
                                      role=("str", "database-administrator"))
    assert "can't read or answer threads" in reply and "view channel" in reply
    assert await quick_world.service.list_status() == []


async def test_candidate_who_cannot_be_added_is_reported_and_the_thread_closed(
        world: DiscordWorld) -> None:
    """A candidate the bot cannot reach is reported to the recruiter, not lost. The empty
    thread is archived and locked: deleting it needs Manage Threads, which the bot does not
    have (the fake refuses it, as Discord does, with 50013)."""
    world.fake.script_error("PUT", "/channels/*/thread-members/*", status=404, code=10013,
                            message="Unknown User")
    reply = await world.command("start", candidate=("user", str(CANDIDATE)),
                                role=("str", "database-administrator"))
    assert "couldn't open a private thread" in reply and "Unknown User" in reply
    (created,) = world.fake.requests("POST", f"/channels/{INTERVIEWS}/threads")
    thread = int(created.response["id"])
    assert not world.fake.requests("DELETE", f"/channels/{thread}", ok=False)
    (edit,) = world.fake.requests("PATCH", f"/channels/{thread}")
    assert edit.body == {"archived": True, "locked": True}
    assert world.fake.channels[thread]["thread_metadata"]["archived"] is True
    assert await world.service.list_status() == []


async def test_the_fake_refuses_what_discord_refuses_a_bot_without_manage_threads(
        world: DiscordWorld) -> None:
    _, thread = await world.start()
    client = world.client
    with pytest.raises(discord.Forbidden):
        await client.http.delete_channel(int(thread))
    world.fake.channels[int(thread)]["owner_id"] = str(RECRUITER)  # not the bot's own thread
    with pytest.raises(discord.Forbidden):
        await client.http.edit_channel(int(thread), archived=True)


async def test_resume_can_be_an_attached_text_file(world: DiscordWorld) -> None:
    world.fake.attachments["cv.txt"] = (b"Senior Database Administrator, 8 years\n"
                                        b"Led the migration of on-premises MySQL to AWS RDS")
    attachment = {"id": "6001", "filename": "cv.txt", "size": 90, "content_type": "text/plain",
                  "url": f"http://127.0.0.1:{world.fake.port}/attachments/cv.txt",
                  "proxy_url": f"http://127.0.0.1:{world.fake.port}/attachments/cv.txt"}
    interview_id, _ = await world.start(resume_file=("attachment", "6001"),
                                        attachments={"6001": attachment})
    export = await world.service.export(interview_id)
    assert export["interview"]["candidate"] == "Ada Lovelace"
    pdf = {**attachment, "id": "6002", "filename": "cv.pdf", "content_type": "application/pdf"}
    reply = await world.command("start", candidate=("user", str(BYSTANDER)),
                                role=("str", "database-administrator"),
                                resume_file=("attachment", "6002"), attachments={"6002": pdf})
    assert "text résumés only" in reply


async def test_a_utf16_resume_file_is_read_by_its_byte_order_mark(world: DiscordWorld) -> None:
    """Notepad's "Unicode" is UTF-16 with a BOM: read as UTF-8 it is every other byte NUL,
    which PostgreSQL refuses (the interview was lost)."""
    resume = "Senior Database Administrator, 8 years\nManaged PostgreSQL at Ørsted"
    world.fake.attachments["cv.txt"] = codecs.BOM_UTF16_LE + resume.encode("utf-16-le")
    attachment = {"id": "6003", "filename": "cv.txt", "size": 140, "content_type": "text/plain",
                  "url": f"http://127.0.0.1:{world.fake.port}/attachments/cv.txt",
                  "proxy_url": f"http://127.0.0.1:{world.fake.port}/attachments/cv.txt"}
    interview_id, _ = await world.start(resume_file=("attachment", "6003"),
                                        attachments={"6003": attachment})
    with db_session(world.engine) as s:
        interview = s.get(Interview, interview_id)
        assert interview is not None
        assert s.get(Candidate, interview.candidate_id).resume == resume


async def test_wildcards_in_an_interview_id_match_nothing(world: DiscordWorld) -> None:
    """`_` and `%` are LIKE wildcards: `______` once resolved a real interview."""
    interview_id, _ = await world.start()
    for typed in ("______", "%%%%%%", interview_id[:6] + "%", "' OR 1=1 --"):
        reply = await world.command("status", interview=("str", typed))
        assert "No interview with id" in reply and "Ada" not in reply, (typed, reply)
    assert "Ada Lovelace" in await world.command("status", interview=("str", interview_id[:6]))


async def test_status_cancel_remind_and_report(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    short = interview_id[:8]

    listing = await world.command("status")
    assert "Open interviews" in listing and short in listing and f"<#{thread}>" in listing
    detail = await world.command("status", interview=("str", short))
    assert "Ada Lovelace" in detail and "active" in detail
    assert short in await world.command("status", candidate=("user", str(CANDIDATE)))

    choices = await world.autocomplete("cancel", "interview", interview=("str", ""))
    assert [c["value"] for c in choices] == [short]

    reminded = await world.command("remind", interview=("str", short))
    assert "reminder" in reminded.lower() and f"<@{CANDIDATE}>" in reminded

    still_open = await world.command("report", interview=("str", short))
    assert "still active" in still_open and not world.fake.posted(RECRUITERS)

    cancelled = await world.command("cancel", interview=("str", short))
    assert f"Cancelled `{short}`" in cancelled
    assert "closed this interview" in world.fake.posted(thread)[-1]["content"]

    reported = await world.command("report", interview=("str", short))
    assert f"<#{RECRUITERS}>" in reported
    assert len(world.fake.posted(RECRUITERS)) == 1
    assert "(partial)" in world.fake.posted(RECRUITERS)[0]["embeds"][0]["description"]


async def test_unknown_interview_id_is_a_plain_ephemeral_answer(quick_world: DiscordWorld) -> None:
    reply = await quick_world.command("cancel", interview=("str", "deadbeef"))
    assert "No interview with id" in reply


def _options(quick_world: DiscordWorld, subcommand: str) -> dict[str, dict]:
    app = quick_world.fake.application_id
    (sync,) = quick_world.fake.requests("PUT", f"/applications/{app}/guilds/{GUILD}/commands")
    (group,) = sync.body
    command = next(o for o in group["options"] if o["name"] == subcommand)
    return {o["name"]: o for o in command["options"]}


async def test_extend_and_forget_options_are_declared(quick_world: DiscordWorld) -> None:
    extend = _options(quick_world, "extend")
    assert extend["interview"]["type"] == 3 and extend["interview"]["autocomplete"]
    days = extend["days"]
    assert (days["type"], days["required"], days["min_value"], days["max_value"]) == (
        10, True, 0.5, 60)
    forget = _options(quick_world, "forget")
    # A member, or (issue 12) a name or an id in `who`: neither is required on its own.
    assert (forget["candidate"]["type"], forget["candidate"]["required"]) == (6, False)
    assert (forget["who"]["type"], forget["who"]["required"]) == (3, False)
    assert (forget["confirm"]["type"], forget["confirm"].get("required", False)) == (5, False)


async def test_extend_moves_the_deadline_and_the_candidate_is_told(world: DiscordWorld) -> None:
    interview_id, thread = await world.start()
    short = interview_id[:8]
    before = (await world.service.status(interview_id)).deadline_at
    assert before is not None

    reply = await world.command("extend", interview=("str", short), days=("float", 1.5))
    after = (await world.service.status(interview_id)).deadline_at
    assert after is not None and after - before == timedelta(days=1.5)
    assert f"Extended `{short}`" in reply and f"<t:{int(after.timestamp())}:f>" in reply
    assert f"<#{thread}>" in reply

    posted = len(world.fake.posted(thread))
    noon = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(12), tzinfo=UTC)
    report = await ReminderSweeper(world.service, clock=lambda: noon).tick()
    assert report.sent == 1
    [notice] = world.fake.posted(thread)[posted:]
    assert "more time" in notice["content"]

    choices = await world.autocomplete("extend", "interview", interview=("str", short[:3]))
    assert [c["value"] for c in choices] == [short]


async def test_extend_with_bad_days_or_an_ended_interview_is_refused(
        world: DiscordWorld) -> None:
    interview_id, _ = await world.start()
    short = interview_id[:8]
    before = (await world.service.status(interview_id)).deadline_at
    for days in (0.1, 0, -2, 61):  # Discord's client enforces the range; the bot checks too
        reply = await world.command("extend", interview=("str", short), days=("float", days))
        assert "`days` must be from 0.5 to 60" in reply, reply
    unknown = await world.command("extend", interview=("str", "deadbeef"), days=("float", 2))
    assert "No interview with id" in unknown
    assert (await world.service.status(interview_id)).deadline_at == before

    await world.command("cancel", interview=("str", short))
    ended = await world.command("extend", interview=("str", short), days=("float", 2))
    assert "already cancelled" in ended and "cannot be extended" in ended


async def test_forget_shows_what_it_would_erase_until_confirmed(world: DiscordWorld) -> None:
    interview_id, _ = await world.start()
    preview = await world.command("forget", candidate=("user", str(CANDIDATE)))
    assert "1 interview(s)" in preview and interview_id[:8] in preview
    assert "cannot be undone" in preview and "Still open: 1" in preview
    assert "`confirm: True`" in preview
    unconfirmed = await world.command("forget", candidate=("user", str(CANDIDATE)),
                                      confirm=("bool", False))
    assert unconfirmed == preview
    assert (await world.service.status(interview_id)).status == "active"

    nobody = await world.command("forget", candidate=("user", str(BYSTANDER)))
    assert "no interviews" in nobody and "`confirm: True`" in nobody
    assert "nothing to erase" in await world.command(
        "forget", candidate=("user", str(BYSTANDER)), confirm=("bool", True))


async def test_confirmed_forget_erases_that_person_and_reports_rows(world: DiscordWorld) -> None:
    erased, thread = await world.start()
    kept, _ = await world.start(candidate=BYSTANDER)
    await world.say("Hi! Ready when you are.", thread=thread)
    assert world.candidate_turns(erased)

    reply = await world.command("forget", candidate=("user", str(CANDIDATE)),
                                confirm=("bool", True))
    assert reply.startswith(f"Erased everything I stored about <@{CANDIDATE}>")
    assert "interviews 1" in reply and "candidates 1" in reply and "turns " in reply
    found = re.search(r"(\d+) row\(s\) deleted", reply)
    assert found and int(found.group(1)) >= 5, reply

    with db_session(world.engine) as s:
        assert s.get(Interview, erased) is None
        assert not s.exec(select(Turn).where(Turn.interview_id == erased)).all()
        assert not s.exec(select(AuditEvent).where(AuditEvent.interview_id == erased)).all()
        assert not s.exec(select(Candidate).where(
            Candidate.platform_user_id == str(CANDIDATE))).all()
        assert s.exec(select(Turn).where(Turn.interview_id == kept)).all()
        assert s.exec(select(Candidate).where(
            Candidate.platform_user_id == str(BYSTANDER))).one()
    assert (await world.service.status(kept)).status == "active"
    assert [s.id for s in await world.service.list_status(open_only=False)] == [kept]


async def test_forget_and_extend_are_for_recruiters_only(world: DiscordWorld) -> None:
    interview_id, _ = await world.start()
    before = await world.service.status(interview_id)
    assert await world.command("forget", user=BYSTANDER, candidate=("user", str(CANDIDATE)),
                               confirm=("bool", True)) == NOT_A_RECRUITER
    assert await world.command("extend", user=BYSTANDER, interview=("str", interview_id[:8]),
                               days=("float", 3)) == NOT_A_RECRUITER
    after = await world.service.status(interview_id)
    assert after.status == "active" and after.deadline_at == before.deadline_at
