"""Candidates' rights and human review in the service (issue 12), on SQLite and PostgreSQL:
nudges that stop for good, a person request in each state, erasure confirmed and recovered
after a crash, messages after the end within their cap, `forget` by name or id within a
scope, reviewed reports, and `calibrate --human`."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot import rights
from bot.errors import AmbiguousCandidateError, InvalidRequestError
from bot.report import ADVANCE, NOT_RECOMMENDED, HRReport
from bot.reviewed import HumanScore, reviewed_report
from bot.scoring.evaluation import Flag, QuestionEvaluation
from bot.service import StartRequest
from bot.usecases.late import LATE_CHARS, LATE_MESSAGES
from storage.engine import session
from storage.models import (
    ALL_TABLES,
    AuditEvent,
    ErasureRecord,
    Interview,
    RecruiterNotice,
    Reminder,
    Turn,
)
from tests.helpers import STRONG_DBA_RESUME, cached_words, remembers
from tests.helpers import Candidate as Speaker
from tests.test_reminders import D, H, World, make_world

INTRO = "I'm Ada, a PostgreSQL DBA of eight years: replication, backups and tuning."


@pytest.fixture
def world(engine: Engine) -> World:
    return make_world(engine)


def pending(world: World, interview_id: str) -> set[str]:
    return {r.kind for r in world.rows(interview_id) if r.status == "pending"}


def count(engine: Engine, model: type, **where: object) -> int:
    with session(engine) as s:
        query = select(sa.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.exec(query).one()


# ------------------------------------------------------------------ a person


async def test_after_asking_for_a_person_the_bot_never_nudges_again(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await cand.say(INTRO)
    await cand.say("I'd rather talk to a human.")
    assert pending(world, iid) == set()  # handed over: no reminders at all, deadline included
    await world.run_until(world.clock.now + 10 * D)
    assert world.port.reminders() == [] and world.interview(iid).status == "handed_over"

    await world.service.handback(iid, actor="R1", actor_name="Rita")
    assert pending(world, iid) == {"deadline"}
    await cand.say("Thanks, I'll carry on with the bot.")
    await world.run_until(world.clock.now + 5 * D)
    assert world.port.reminders() == []
    # The time with a person did not count against the deadline: it is still open.
    assert world.interview(iid).status == "active"
    # A recruiter's own reminder still goes.
    await world.service.remind(iid, actor="R1")
    await world.sweeper.tick()
    assert len(world.port.reminders()) == 1


async def test_a_person_request_while_paused_or_confirming_a_withdrawal(world: World) -> None:
    paused = await world.start(candidate_id="U-paused")
    await paused.say("pause")
    [reply] = await paused.say("Could I speak with a person instead?")
    assert reply.text == rights.PERSON_ACK
    assert world.interview(paused.started.interview_id).status == "handed_over"

    torn = await world.start(candidate_id="U-torn")
    await torn.say("withdraw")
    [reply] = await torn.say("Actually, can I talk to a human?")
    interview = world.interview(torn.started.interview_id)
    assert reply.text == rights.PERSON_ACK and interview.status == "handed_over"
    assert interview.awaiting_withdraw_confirmation is False


async def test_control_words_still_come_first_and_help_says_how_to_ask(world: World) -> None:
    cand = await world.start()
    [reply] = await cand.say("help")
    assert "`human`" in reply.text and "delete my data" in reply.text
    [reply] = await cand.say("human")
    assert reply.text == rights.PERSON_ACK
    assert await cand.say("pause") == []  # a person has it: the bot stays quiet
    assert world.interview(cand.started.interview_id).status == "handed_over"


async def test_both_requests_in_one_message_are_both_answered(world: World) -> None:
    cand = await world.start()
    [reply] = await cand.say("I'd rather speak to a person, not an AI. Please delete my data.")
    assert reply.text == f"{rights.PERSON_ACK} {rights.ERASURE_PROMPT}"
    iid = cand.started.interview_id
    assert world.interview(iid).awaiting_erasure_confirmation
    assert count(world.engine, AuditEvent, interview_id=iid, action="erasure_requested") == 1
    assert await cand.say("yes") == []
    assert count(world.engine, Interview) == 0
    assert world.port.posted[-1].text.startswith("Done: everything stored about you")


async def test_the_request_is_never_scored_as_an_answer(world: World) -> None:
    cand = await world.start()
    await cand.say("I'd rather speak to a person, not an AI.")
    iid = cand.started.interview_id
    await world.service.handback(iid, actor="R1")
    await world.service.cancel(iid, actor="R1")
    evaluated = await world.service.finish(iid, partial=True)
    quotes = [q for e in evaluated.evaluations for q in e.evidence]
    assert not any("speak to a person" in q for q in quotes)
    [request] = [t for t in _turns(world, iid) if t.speaker == "candidate"]
    assert request.kind == "request"  # not "answer": nothing scores it


# ------------------------------------------------------------------ erasure


async def test_a_confirmed_erasure_a_crash_left_runs_at_the_next_start(
        engine: Engine) -> None:
    world = make_world(engine)
    cand = await world.start()
    iid = cand.started.interview_id
    await cand.say(INTRO)
    await cand.say("please delete my data")

    async def crash(*_: object, **__: object) -> None:
        raise RuntimeError("killed before the erasure ran")

    from bot.usecases import messages
    original = messages.rights.after_turn
    messages.rights.after_turn = crash  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            await cand.say("yes")
    finally:
        messages.rights.after_turn = original  # type: ignore[assignment]
    assert world.interview(iid).erasure_confirmed_at is not None  # the "yes" is kept

    restarted = make_world(engine)
    await restarted.service.recover()
    assert count(engine, Interview) == 0 and count(engine, Turn) == 0
    assert count(engine, ErasureRecord) == 1
    assert restarted.port.posted[-1].text.startswith("Done: everything stored about you")


async def test_erasure_after_the_end_asks_then_erases(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    said = "I tuned autovacuum on our largest tables and cut the bloat by half."
    await cand.say(said)
    assert remembers(said)
    await world.service.cancel(iid, actor="R1")
    [reply] = await cand.say("I'd like my data deleted.")
    assert reply.text == rights.ERASURE_PROMPT
    [kept] = await cand.say("no thanks")
    assert kept.text == rights.ERASURE_KEPT and count(world.engine, Interview) == 1
    await cand.say("Actually yes: erase everything you have about me.")
    await cand.say("yes")
    assert count(world.engine, Interview) == 0
    assert cached_words() == 0  # no copy of their words in memory either


# ------------------------------------------------------------------ after the end


async def test_late_messages_are_capped_counted_and_answered_once_an_hour(
        world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await world.service.cancel(iid, actor="R1")
    first = await cand.say("One more thing: I also ran Oracle RAC.")
    assert [m.kind for m in first] == ["closing"] and first[0].text == rights.LATE_REPLY
    for n in range(LATE_MESSAGES + 4):
        assert await cand.say(f"late note {n}") == []  # within the hour: no second reply
    late = [t for t in _turns(world, iid) if t.kind == "late"]
    assert len(late) == LATE_MESSAGES
    assert world.interview(iid).late_messages_dropped == 5
    export = await world.service.export(iid)
    assert export["interview"]["late_messages_not_kept"] == 5
    assert count(world.engine, RecruiterNotice, interview_id=iid, kind="late_messages") == 1

    world.clock.advance(H)
    [reply] = await cand.say("Hello again?")
    assert reply.text == rights.LATE_REPLY_NOT_KEPT
    assert not [t for t in _turns(world, iid) if t.text == "Hello again?"]


async def test_late_messages_stop_being_kept_at_the_character_cap(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await world.service.cancel(iid, actor="R1")
    await cand.say("x" * (LATE_CHARS - 10))
    await cand.say("this one is over the cap")
    assert [t.text[:4] for t in _turns(world, iid) if t.kind == "late"] == ["xxxx"]
    assert world.interview(iid).late_messages_dropped == 1


async def test_requests_after_the_end_still_reach_a_person(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await world.service.cancel(iid, actor="R1")
    [reply] = await cand.say("Why was I rejected? Can I talk to a real person?")
    assert rights.PERSON_AFTER_END_TEXT in reply.text and rights.EXPLANATION_ACK in reply.text
    kinds = {n.kind for n in world.port.notices}
    assert {"person_request", "explanation_request"} <= kinds
    assert [t.kind for t in _turns(world, iid) if t.speaker == "candidate"][-1] == "request"


def _turns(world: World, interview_id: str) -> list[Turn]:
    with session(world.engine) as s:
        return list(s.exec(select(Turn).where(Turn.interview_id == interview_id)
                           .order_by(Turn.seq)).all())


# ------------------------------------------------------------------ forget


async def _start(world: World, user: str, name: str, *, workspace: str = "T1",
                 role: str = "database-administrator") -> Speaker:
    started = await world.service.start_interview(StartRequest(
        role=role, candidate_id=user, candidate_name=name, platform="console",
        workspace=workspace, resume=STRONG_DBA_RESUME, recruiter_id="R1"))
    return Speaker(world.service, started, user)


async def test_forget_by_name_id_prefix_or_user_within_a_scope(world: World) -> None:
    ada = await _start(world, "U-ada", "Ada Lovelace")
    other_ada = await _start(world, "U-ada2", "Ada Byron")
    grace = await _start(world, "U-grace", "Grace Hopper", workspace="T2")
    scope = {"platform": "console", "workspaces": ["T1"]}

    with pytest.raises(AmbiguousCandidateError) as several:
        await world.service.forget_candidate("ada", **scope)
    assert len(several.value.matches) == 2
    assert "Ada Lovelace" in str(several.value) and "Ada Byron" in str(several.value)
    assert count(world.engine, Interview) == 3  # asking which erased nothing

    # Another workspace's candidate is not found from this one, by any name.
    for who in ("Grace Hopper", grace.started.interview_id[:8], "U-grace"):
        with pytest.raises(InvalidRequestError):
            await world.service.find_candidate(who, **scope)

    match = await world.service.find_candidate("ada lovelace", **scope)
    assert match.platform_user_id == "U-ada"
    summary = await world.service.status(ada.started.interview_id)
    assert summary.candidate_key == match.candidate_id
    counts = await world.service.forget_candidate(ada.started.interview_id[:8], actor="R1",
                                                  **scope)
    assert counts["interviews"] == 1 and counts["candidates"] == 1
    counts = await world.service.forget_candidate(
        (await world.service.status(other_ada.started.interview_id)).candidate_key[:8],
        **scope)
    assert counts["interviews"] == 1
    assert count(world.engine, Interview) == 1  # Grace, in the other workspace, stays
    [_, requested] = [r.requested_by for r in _erasures(world)]
    assert requested == "cli" and _erasures(world)[0].requested_by == "R1"
    export = await world.service.export(grace.started.interview_id)
    assert export["interview"]["candidate_id"] == (
        await world.service.status(grace.started.interview_id)).candidate_key


def _erasures(world: World) -> list[ErasureRecord]:
    with session(world.engine) as s:
        return list(s.exec(select(ErasureRecord).order_by(ErasureRecord.id)).all())


async def test_forget_of_someone_with_interviews_in_two_workspaces_keeps_the_other(
        world: World) -> None:
    await _start(world, "U-both", "Bo Both", workspace="T1")
    kept = await _start(world, "U-both", "Bo Both", workspace="T2", role="backend-engineer")
    counts = await world.service.forget_candidate("U-both", platform="console",
                                                  workspaces=["T1"])
    assert counts["interviews"] == 1 and counts["candidates"] == 0
    assert (await world.service.status(kept.started.interview_id)).status == "active"


def test_cli_forget_by_name_asks_which_when_several_match(engine: Engine, database_url: str,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import asyncio

    from adapters.cli import app

    world = make_world(engine)
    asyncio.run(_start(world, "U-1", "Sam Smith"))
    asyncio.run(_start(world, "U-2", "Sam Jones"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    several = CliRunner().invoke(app, ["forget", "Sam", "--yes"])
    assert several.exit_code == 1 and "matches 2 candidates" in several.output
    assert "Sam Smith" in several.output and "Sam Jones" in several.output
    done = CliRunner().invoke(app, ["forget", "Sam Smith", "--yes"])
    assert done.exit_code == 0, done.output
    assert count(engine, Interview) == 1
    [left] = asyncio.run(world.service.list_status())
    status = CliRunner().invoke(app, ["status"], env={"COLUMNS": "200"})
    assert "candidate id" in status.output and left.candidate_key[:8] in status.output
    gone = CliRunner().invoke(app, ["forget", left.candidate_key[:8], "--yes"])
    assert gone.exit_code == 0 and count(engine, Interview) == 0


# ------------------------------------------------------------------ reviews


def _evaluation(position: int, score: int, **extra: object) -> QuestionEvaluation:
    return QuestionEvaluation(position=position, question_id=f"q{position}",
                              topic=f"Topic {position}", question="?", score=score,
                              justification="Covered some points.", **extra)


def _report(evaluations: list[QuestionEvaluation], label: str) -> HRReport:
    return HRReport(overall_suitability="", key_strengths=[], areas_for_development=[],
                    technical_skills=[], communication="", recommendation="",
                    recommendation_label=label, overall_score=2.0, brain="offline")


def test_a_reviewed_report_recomputes_the_recommendation_from_the_human_scores() -> None:
    machine = [_evaluation(1, 2), _evaluation(2, 2), _evaluation(3, 2,
                                                                 flags=[Flag.NEEDS_REVIEW])]
    report = _report(machine, "Screening signal: " + NOT_RECOMMENDED)
    reviews = [HumanScore(position=p, question_id=f"q{p}", machine_score=2, score=5,
                          verdict="adjust", reason="read it again", reviewer_id="U9",
                          reviewer_name="Rita") for p in (1, 2, 3)]
    shown = reviewed_report(machine, report, reviews)
    assert shown.report.recommendation_label == f"{ADVANCE} (reviewed by Rita)"
    assert shown.report.overall_score == 5.0 and shown.complete
    assert [e.score for e in machine] == [2, 2, 2]  # the machine's are untouched
    partly = reviewed_report(machine, report, reviews[:1])
    assert partly.report.recommendation_label.startswith("Screening signal: ")
    assert "(reviewed by Rita: 1 of 3 questions)" in partly.report.recommendation_label
    assert reviewed_report(machine, report, []).report is report


async def test_calibrate_human_prints_machine_human_agreement(
        engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.cli import app

    world = make_world(engine)
    cand = await world.start()
    iid = cand.started.interview_id
    await cand.say(INTRO)
    await world.service.cancel(iid, actor="R1")
    evaluated = await world.service.finish(iid, partial=True)
    scores = [e.score for e in evaluated.evaluations]
    for e in evaluated.evaluations:
        human = min(e.score + 1, 5) if e.position == 1 else e.score
        await world.service.review_score(iid, position=e.position, reviewer_id="R1",
                                         reviewer_name="Rita", verdict="adjust",
                                         score=human, reason="checked")
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["calibrate", "--human", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["interviews"] == 1 and data["n"] == len(scores)
    expected_exact = sum(1 for e in evaluated.evaluations if e.position != 1 or e.score == 5)
    assert data["exact"] == pytest.approx(expected_exact / len(scores))
    assert data["within_one"] == 1.0
    table = CliRunner().invoke(app, ["calibrate", "--human"])
    assert table.exit_code == 0 and "Spearman" in table.output and "within 1" in table.output


def test_every_table_is_erased_or_counts_only(engine: Engine) -> None:
    """A new table must be erased with its interview or hold nothing about a person."""
    from storage.reminders import TABLES

    kept = {"roles", "erasure_log"}
    assert {m.__tablename__ for m in ALL_TABLES} == set(TABLES) | kept
    assert count(engine, Reminder) == 0


async def test_the_report_says_the_candidate_asked_for_a_person(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await cand.say(INTRO)
    await cand.say("Can I talk to a human?")
    await world.service.takeover(iid, recruiter_id="R1", recruiter_name="Rita")
    await world.service.cancel(iid, actor="R1")
    evaluated = await world.service.finish(iid, partial=True)
    notes = " ".join(evaluated.report.notes)
    assert "asked to speak to a person" in notes and "took the interview over" in notes
    assert "asked to speak to a person" in evaluated.markdown
