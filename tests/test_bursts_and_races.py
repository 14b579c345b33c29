"""Bursts, redeliveries and racing starts (issue 17), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.console import ConsolePort
from bot import reminders as reminder_policy
from bot.errors import AlreadyInterviewingError
from bot.service import InterviewService, StartRequest
from bot.sweeper import ReminderSweeper
from bot.usecases import starting
from storage import start_claims
from storage.engine import make_engine, session
from storage.models import Candidate, ProcessedEvent, RoleRecord, Turn, utcnow
from tests.conftest import make_settings
from tests.helpers import start

ANSWERS = [
    "I'm Ada, a senior DBA with eight years on PostgreSQL and MySQL.",
    "I ran streaming replication with Patroni for failover.",
    "Backups with pgBackRest, tested restores every week.",
    "Query tuning with EXPLAIN ANALYZE and the right indexes.",
    "Partitioned the largest tables by month.",
]


@pytest.fixture
def replicas(database_url: str, engine: Engine, port: ConsolePort
             ) -> Iterator[list[InterviewService]]:
    """Two services on one database, each with its own engine and locks: two processes."""
    second = make_engine(database_url)
    yield [InterviewService(engine=engine, port=port, settings=make_settings()),
           InterviewService(engine=second, port=port, settings=make_settings())]
    second.dispose()


def turns_of(engine: Engine, interview_id: str) -> list[Turn]:
    with session(engine) as s:
        return list(s.exec(select(Turn).where(Turn.interview_id == interview_id)
                           .order_by(Turn.seq)).all())


async def test_a_burst_is_stored_whole_in_order_and_answered_once_each(replicas, engine) -> None:
    cand = await start(replicas[0])
    messages = [cand.message(text) for text in ANSWERS]

    async def send(i: int) -> None:
        await asyncio.sleep(i * 0.002)
        await replicas[i % 2].handle_message(messages[i])

    await asyncio.gather(*(send(i) for i in range(len(messages))))
    await replicas[0].recover()
    stored = turns_of(engine, cand.started.interview_id)
    assert [t.seq for t in stored] == list(range(1, len(stored) + 1))
    said = [t for t in stored if t.speaker == "candidate"]
    assert sorted(t.platform_message_id for t in said) == sorted(m.message_id for m in messages)
    assert all(t.handled for t in said)
    replies = [t for t in stored if t.speaker == "bot" and t.seq > 1]
    assert len(replies) == len(said)


async def test_one_message_delivered_five_times_at_once_stores_one_turn(replicas,
                                                                       engine) -> None:
    cand = await start(replicas[0])
    message = cand.message(ANSWERS[0])
    await asyncio.gather(*(replicas[i % 2].handle_message(message) for i in range(5)))
    stored = turns_of(engine, cand.started.interview_id)
    assert [t.speaker for t in stored] == ["bot", "candidate", "bot"]


def grace(candidate_id: str = "U9") -> StartRequest:
    return StartRequest(role="database-administrator", candidate_id=candidate_id,
                        candidate_name="Grace", platform="console", recruiter_id="R1")


async def test_racing_starts_for_one_candidate_open_one_conversation(replicas, engine,
                                                                    port) -> None:
    results = await asyncio.gather(*(replicas[i % 2].start_interview(grace())
                                     for i in range(4)), return_exceptions=True)
    started = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, AlreadyInterviewingError)]
    assert len(started) == 1 and len(refused) == 3, results
    assert port.opened == [started[0].conversation] and port.closed == []
    with session(engine) as s:
        assert s.exec(select(ProcessedEvent)).all() == []  # the claim went with the start


async def test_a_start_that_fails_after_opening_closes_it_and_can_be_tried_again(
        service, engine, port, monkeypatch) -> None:
    def no_plan(*_args: object) -> None:
        raise RuntimeError("planning failed")

    monkeypatch.setattr(starting, "_plan", no_plan)
    with pytest.raises(RuntimeError):
        await service.start_interview(grace())
    assert port.closed == port.opened and len(port.opened) == 1
    monkeypatch.undo()
    started = await service.start_interview(grace())
    assert port.opened[-1] == started.conversation and len(port.closed) == 1


async def test_a_start_refused_by_the_database_after_opening_closes_it(
        replicas, engine, port, monkeypatch) -> None:
    """Should both starts get past the claim (one's claim gone stale meanwhile), the
    unique index refuses the second interview, and its conversation is closed."""
    first = await replicas[0].start_interview(grace())
    monkeypatch.setattr(starting.start_claims, "claim_start", lambda *_a, **_k: True)
    monkeypatch.setattr(starting.repo, "open_interview_for", lambda *_a, **_k: None)
    with pytest.raises(AlreadyInterviewingError):
        await replicas[1].start_interview(grace())
    assert port.opened[0] == first.conversation and port.closed == port.opened[1:]


async def test_a_claim_left_by_a_start_that_died_expires(engine) -> None:
    now = utcnow()
    claim = {"platform": "console", "candidate_id": "U9", "role_name": "dba"}
    with engine.begin() as conn:
        assert start_claims.claim_start(conn, **claim, now=now)
    with engine.begin() as conn:
        assert not start_claims.claim_start(conn, **claim, now=now + timedelta(seconds=30))
    with engine.begin() as conn:
        assert start_claims.claim_start(
            conn, **claim, now=now + start_claims.STALE_AFTER + timedelta(seconds=1))
    with engine.begin() as conn:
        start_claims.release_start(conn, **{k: claim[k] for k in claim})
        assert start_claims.claim_start(conn, **claim, now=now)


async def test_racing_starts_for_one_role_all_succeed(replicas, engine) -> None:
    requests = [StartRequest(role="database-administrator", candidate_id=f"U{i}",
                             candidate_name=f"C{i}", platform="console", recruiter_id="R1")
                for i in range(6)]
    results = await asyncio.gather(*(replicas[i % 2].start_interview(r)
                                     for i, r in enumerate(requests)), return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)], results
    with session(engine) as s:
        assert len(s.exec(select(RoleRecord)).all()) == 1


@pytest.fixture
def three_replicas(database_url: str, engine: Engine, port: ConsolePort
                   ) -> Iterator[list[InterviewService]]:
    engines = [engine, make_engine(database_url), make_engine(database_url)]
    yield [InterviewService(engine=e, port=port, settings=make_settings()) for e in engines]
    for extra in engines[1:]:
        extra.dispose()


async def test_reminder_resyncs_and_sweeps_racing_bursts_lose_no_message(three_replicas,
                                                                         engine) -> None:
    """Bursts on three replicas while recruiters extend and nudge (each re-syncs the
    interview's reminders) and every replica's sweeper sends what is due: every message is
    stored once, in order, and answered; no transaction is lost to a deadlock."""
    services = three_replicas
    sweepers = [ReminderSweeper(s) for s in services]
    people = [await start(services[0], candidate_id=f"U{i}", name=f"Person {i}")
              for i in range(4)]
    rng = random.Random(17)

    async def burst(who: int) -> None:
        cand = people[who]

        async def say(j: int) -> None:
            await asyncio.sleep(rng.uniform(0, 0.01))
            await services[rng.randrange(3)].handle_message(cand.message(ANSWERS[j]))

        async def nudge(k: int) -> None:
            await asyncio.sleep(rng.uniform(0, 0.01))
            service = services[k % 3]
            if k % 2:
                await service.extend(cand.started.interview_id, actor="R1", days=1)
            else:
                await service.remind(cand.started.interview_id, actor="R1")

        await asyncio.gather(*(say(j) for j in range(len(ANSWERS))),
                             *(nudge(k) for k in range(3)))

    async def sweep(sweeper: ReminderSweeper) -> None:
        for _ in range(5):
            await sweeper.tick()
            await asyncio.sleep(0.003)

    await asyncio.gather(*(burst(i) for i in range(len(people))),
                         *(sweep(s) for s in sweepers))
    for cand in people:
        stored = turns_of(engine, cand.started.interview_id)
        assert [t.seq for t in stored] == list(range(1, len(stored) + 1))
        said = [t for t in stored if t.speaker == "candidate"]
        assert sorted(t.text for t in said) == sorted(ANSWERS) and all(t.handled for t in said)
        answers = [t for t in stored if t.speaker == "bot"
                   and t.kind not in ("greeting", reminder_policy.TURN_KIND)]
        assert len(answers) == len(said)


async def test_unstorable_characters_in_a_burst_and_a_start_are_dropped_not_the_text(
        replicas, engine) -> None:
    """PostgreSQL refuses NUL in text and no encoder writes a lone surrogate: both go at
    the core's door, the rest of what the candidate wrote is kept and answered."""
    cand = await start(replicas[1], name="Ada\x00 Love\udc80lace",
                       resume="DBA,\x00 8 years\ud83d of PostgreSQL")
    hostile = [cand.message("I'm Ada\x00, a DBA."), cand.message("Replication \udc00and backups.")]
    await asyncio.gather(*(replicas[i].handle_message(m) for i, m in enumerate(hostile)))
    await replicas[0].recover()
    stored = turns_of(engine, cand.started.interview_id)
    said = sorted(t.text for t in stored if t.speaker == "candidate")
    assert said == ["I'm Ada, a DBA.", "Replication and backups."]
    assert len([t for t in stored if t.speaker == "bot"]) == 3
    with session(engine) as s:
        person = s.exec(select(Candidate).where(Candidate.platform_user_id == "U123")).one()
    assert (person.display_name, person.resume) == ("Ada Lovelace", "DBA, 8 years of PostgreSQL")
