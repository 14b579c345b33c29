"""The conversation as a candidate meets it (issue 15), through the service on a real
database: clarifying questions answered and waited on, "I don't know" accepted, small talk
and replies without words bounded, hedged answers followed up, the greeting's outline, the
name only when known, the last-question notice, the report's questions for the recruiter,
and the console demo that stops on any ending turn."""

from __future__ import annotations

import pytest

from adapters.console import ConsolePort, run_demo
from bot.followups import leaks_rubric
from bot.roles import load_role
from bot.service import InterviewService
from bot.small_words import AFTER_DONT_KNOW
from tests.conftest import make_settings
from tests.helpers import start

INTRO = ("I'm Ada, a PostgreSQL DBA with eight years of experience running replicated "
         "clusters, backups and migrations to AWS RDS.")
PROJECT = ("At Enterprise Solutions I led the move of twelve MySQL databases to RDS. The hard "
           "part was a 2 TB billing database: I set up DMS with ongoing replication, "
           "rehearsed the cut-over three times and we switched with four minutes of "
           "downtime, measured from the application's error logs.")


async def _on_first_technical(service):
    cand = await start(service)
    await cand.say(INTRO)
    replies = await cand.say(PROJECT)
    assert replies[-1].kind in ("technical", "followup")
    while replies[-1].kind == "followup":
        replies = await cand.say(PROJECT)
    return cand, replies[-1]


async def test_a_clarifying_question_is_answered_and_the_question_waits(service) -> None:
    cand = await start(service)
    await cand.say(INTRO)
    reply = (await cand.say("Do you mean a work project or a personal one?"))[-1]
    assert reply.kind == "notice"
    assert "noted your question" not in reply.text and "recruiter" not in reply.text
    assert "Either is fine" in reply.text
    status = await service.status(cand.started.interview_id)
    assert status.stage == "project"  # still waiting for the answer
    reply = (await cand.say(PROJECT))[-1]
    assert reply.kind in ("technical", "followup")


async def test_i_dont_know_moves_on_gracefully_without_a_re_ask(service) -> None:
    cand, first = await _on_first_technical(service)
    reply = (await cand.say("I don't know, sorry."))[-1]
    assert reply.kind == "technical" and reply.question_id != first.question_id
    assert reply.text.startswith(AFTER_DONT_KNOW)  # thanked, not judged, not asked again


async def test_two_replies_without_words_move_on_and_the_report_notes_them(service,
                                                                           port) -> None:
    cand, first = await _on_first_technical(service)
    once = (await cand.say("👍"))[-1]
    assert once.kind == "notice" and once.question_id == first.question_id
    twice = (await cand.say("🙂🙂"))[-1]
    assert twice.kind == "technical" and twice.question_id != first.question_id
    assert "noted" in twice.text
    while (await cand.say("No idea."))[-1].kind == "technical":
        pass
    await cand.say("No, that's all, thanks.")
    report = port.reports[-1].export["report"]
    assert "2 message(s) held no words" in report["communication"]


async def test_hi_is_not_taken_for_an_introduction(service) -> None:
    cand = await start(service)
    reply = (await cand.say("hi"))[-1]
    assert reply.kind == "notice" and reply.text.startswith("Hello!")
    assert "introduce yourself" in reply.text
    assert (await service.status(cand.started.interview_id)).stage == "greeting"


async def test_a_hedged_answer_gets_a_follow_up_that_gives_nothing_away(service) -> None:
    cand, first = await _on_first_technical(service)
    question = load_role("database-administrator").question(first.question_id)
    reply = (await cand.say("Maybe restart it and see if that helps?"))[-1]
    assert reply.kind == "followup"
    assert not leaks_rubric(reply.text, question)
    assert "noted your question" not in reply.text


async def test_greeting_outlines_the_interview_and_names_the_role_once(service, port) -> None:
    await start(service)
    greeting = port.posted[0].text
    assert "6 questions" in greeting and "4 technical" in greeting
    assert "minutes" in greeting and "`pause`" in greeting
    assert greeting.count("Database Administrator") == 1
    assert greeting.startswith("Hello Ada!")


@pytest.mark.parametrize("name", ["", "U024BE7LH"])
async def test_no_name_is_made_up_when_none_is_known(engine, name: str) -> None:
    port = ConsolePort()
    service = InterviewService(engine=engine, port=port, settings=make_settings())
    cand = await start(service, name=name)
    assert port.posted[0].text.startswith("Hello! ")
    reply = (await cand.say(INTRO))[-1]
    assert "U024" not in reply.text and ", ." not in reply.text


async def test_the_last_candidate_question_turn_says_it_is_the_last(engine) -> None:
    port = ConsolePort()
    service = InterviewService(engine=engine, port=port,
                               settings=make_settings(technical_questions=1,
                                                      candidate_question_exchanges=3))
    cand = await start(service)
    await cand.say(INTRO)
    replies = await cand.say(PROJECT)
    while replies[-1].kind != "candidate_questions":
        replies = await cand.say("No idea.")
    first = (await cand.say("Is the role remote?"))[-1]
    assert "one more question" not in first.text
    second = (await cand.say("What does on-call look like?"))[-1]
    assert "one more question before we wrap up" in second.text
    third = (await cand.say("How many interview steps are there?"))[-1]
    assert "end of the interview" in third.text


async def test_hesitations_and_hedges_never_reach_the_recruiters_list(service, port) -> None:
    cand, _ = await _on_first_technical(service)
    await cand.say("Honestly? Maybe restart it and see if that helps? What's the next "
                   "question?")
    while (await cand.say("I don't know."))[-1].kind == "technical":
        pass
    await cand.say("Is there a learning budget for conferences? No, that's all.")
    listed = port.reports[-1].export["report"]["follow_up_questions"]
    assert not any(q in listed for q in ("Honestly?", "What's the next question?",
                                         "Maybe restart it and see if that helps?"))


async def test_the_console_demo_stops_asking_after_an_ending_answer(memory_engine) -> None:
    asked: list[str] = []
    goodbye = "Is the role remote? That's all, thanks."
    by_kind = {"greeting": INTRO, "project": PROJECT, "followup": PROJECT,
               "technical": "No idea.", "candidate_questions": goodbye}

    def ask() -> str | None:
        text = by_kind.get(port.posted[-1].kind, "No idea.") if len(asked) < 40 else None
        asked.append(text or "")
        return text

    port = ConsolePort()
    service = InterviewService(engine=memory_engine, port=port, settings=make_settings())
    result = await run_demo(service, load_role("database-administrator"), ask=ask)
    summary = await service.status(result.interview_id)
    assert summary.status == "completed"
    assert asked[-1] == goodbye and asked.count(goodbye) == 1  # nothing asked after it
    assert port.posted[0].text.startswith("Hello! ")
    assert "You" not in port.posted[-1].text.split("Thank you for your time")[-1][:8]


async def test_a_question_about_the_role_first_waits_and_the_intro_is_asked(service) -> None:
    cand = await start(service)
    reply = (await cand.say("Is the role remote?"))[-1]
    assert reply.kind == "notice" and "for the end" in reply.text
    assert "introduce yourself" in reply.text
    assert (await service.status(cand.started.interview_id)).stage == "greeting"
    assert (await cand.say(INTRO))[-1].kind == "project"
