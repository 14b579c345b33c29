"""Reminders, deadline, controls, retention and erasure, on SQLite and PostgreSQL.

Time is a `Clock` the test advances; the sweeper's `tick` is called directly. Nothing sleeps.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from adapters.console import ConsolePort
from bot import reminders as rem
from bot.errors import InvalidRequestError
from bot.guard import find_violations
from bot.ports import OutgoingMessage, PostedMessage
from bot.service import InterviewService, StartRequest
from bot.settings import FlowSettings, ReminderSettings, Settings
from bot.sweeper import JOB_ID, ReminderSweeper
from storage import reminders as store
from storage.engine import session
from storage.models import AuditEvent, Candidate, Interview, Reminder, Report, Turn
from tests.helpers import STRONG_DBA_RESUME
from tests.helpers import Candidate as Speaker

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC
H = timedelta(hours=1)
D = timedelta(days=1)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class TimedPort(ConsolePort):
    """Records what was posted and when (by the test's clock)."""

    clock: Clock = field(default_factory=Clock)
    at: list[datetime] = field(default_factory=list)

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        self.at.append(self.clock())
        return await super().post(message)

    def kinds(self) -> list[str]:
        return [m.kind for m in self.posted]

    def reminders(self) -> list[OutgoingMessage]:
        return [m for m in self.posted if m.kind == rem.TURN_KIND]


def settings(**reminders: object) -> Settings:
    values: dict[str, object] = {"first_nudge_hours": 48, "second_nudge_hours": 96,
                                 "deadline_days": 7, "quiet_hours_start": 21,
                                 "quiet_hours_end": 8, "default_timezone": "UTC",
                                 "pause_days": 7, **reminders}
    return Settings(flow=FlowSettings(), reminders=ReminderSettings(**values))


@dataclass
class World:
    engine: Engine
    clock: Clock
    port: TimedPort
    service: InterviewService
    sweeper: ReminderSweeper

    async def start(self, *, candidate_id: str = "U1", timezone: str | None = None,
                    role: str = "database-administrator",
                    reminders: dict[str, float] | None = None) -> Speaker:
        started = await self.service.start_interview(StartRequest(
            role=role, candidate_id=candidate_id, candidate_name="Ada Lovelace",
            platform="console", resume=STRONG_DBA_RESUME, recruiter_id="R1",
            timezone=timezone, reminders=reminders))
        return Speaker(self.service, started, candidate_id)

    async def run_until(self, end: datetime, step: timedelta = H) -> None:
        """Tick every `step` until `end`, like the interval job would."""
        while self.clock.now < end:
            self.clock.advance(min(step, end - self.clock.now))
            await self.sweeper.tick()

    def interview(self, interview_id: str) -> Interview:
        with session(self.engine) as s:
            found = s.get(Interview, interview_id)
            assert found is not None
            return found

    def rows(self, interview_id: str) -> list[Reminder]:
        with session(self.engine) as s:
            return list(s.exec(select(Reminder).where(Reminder.interview_id == interview_id)
                               .order_by(Reminder.id)).all())


def make_world(engine: Engine, **reminders: object) -> World:
    clock = Clock()
    port = TimedPort(clock=clock)
    service = InterviewService(engine=engine, port=port, settings=settings(**reminders),
                               clock=clock)
    return World(engine, clock, port, service, ReminderSweeper(service))


@pytest.fixture
def world(engine: Engine) -> World:
    return make_world(engine)


def set_stage(engine: Engine, interview_id: str, stage: str, question_index: int) -> None:
    with session(engine) as s:
        s.execute(sa.update(Interview).where(Interview.id == interview_id)
                  .values(stage=stage, question_index=question_index))
        s.commit()


# ------------------------------------------------------------------ policy, pure


def test_policy_layers_settings_then_role_then_interview() -> None:
    base = settings(policy_overrides={"database-administrator": {"deadline_days": 10,
                                                                 "first_nudge_hours": 24}})
    policy = rem.policy_for(base.reminders, "database-administrator", {"deadline_days": 3})
    assert (policy.first_nudge_hours, policy.second_nudge_hours, policy.deadline_days) == (
        24, 96, 3)
    assert rem.policy_for(base.reminders, "other-role").deadline_days == 7
    with pytest.raises(ValueError):
        rem.policy_for(base.reminders, "x", {"second_nudge_hours": 1})
    with pytest.raises(ValueError):
        ReminderSettings(policy_overrides={"x": {"nudge_hours": 1}})
    with pytest.raises(ValueError):
        ReminderSettings(first_nudge_hours=100)


@pytest.mark.parametrize(("local", "expected"), [
    ("2026-03-02 20:59", "2026-03-02 20:59"),
    ("2026-03-02 21:00", "2026-03-03 08:00"),
    ("2026-03-02 23:30", "2026-03-03 08:00"),
    ("2026-03-03 03:00", "2026-03-03 08:00"),
    ("2026-03-03 08:00", "2026-03-03 08:00"),
])
def test_quiet_hours_move_to_the_morning_in_the_candidates_zone(local: str,
                                                                expected: str) -> None:
    zone = ZoneInfo("Asia/Tokyo")
    policy = rem.ReminderPolicy()
    at = datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(UTC)
    moved = rem.next_allowed(at, zone, policy).astimezone(zone)
    assert moved.strftime("%Y-%m-%d %H:%M") == expected
    assert not rem.in_quiet_hours(moved, zone, policy)


def test_no_quiet_hours_when_start_equals_end() -> None:
    policy = rem.ReminderPolicy(quiet_hours_start=0, quiet_hours_end=0)
    assert not rem.in_quiet_hours(T0.replace(hour=3), ZoneInfo("UTC"), policy)


def test_desired_reminders_follow_the_state() -> None:
    zone, policy = ZoneInfo("UTC"), rem.ReminderPolicy()
    deadline = T0 + 3 * D
    active = rem.desired_reminders(status="active", anchor=T0, deadline_at=deadline,
                                   resume_by=None, policy=policy, zone=zone)
    assert active == {rem.DEADLINE: deadline, rem.NUDGE_1: T0 + 48 * H}  # 96 h is too late
    paused = rem.desired_reminders(status="paused", anchor=T0, deadline_at=deadline,
                                   resume_by=T0 + D, policy=policy, zone=zone)
    assert paused == {rem.DEADLINE: deadline, rem.RESUME_BY: T0 + D}
    assert rem.desired_reminders(status="completed", anchor=T0, deadline_at=deadline,
                                 resume_by=None, policy=policy, zone=zone) == {}


def due(kind: str = rem.NUDGE_1, **changes: object) -> rem.Due:
    values: dict[str, object] = {
        "kind": kind, "created_at": T0, "status": "active", "stage": "technical",
        "question_index": 1, "question_total": 4, "last_candidate_at": None,
        "deadline_at": T0 + 7 * D, "candidate_name": "Ada Lovelace",
        "role_title": "Database Administrator", "zone": ZoneInfo("Europe/Berlin"),
        "policy": rem.ReminderPolicy(), **changes}
    return rem.Due(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", [rem.NUDGE_1, rem.NUDGE_2, rem.MANUAL, rem.EXTENDED,
                                  rem.RESUME_BY, rem.DEADLINE])
def test_every_message_is_safe_and_says_where_the_candidate_is(kind: str) -> None:
    status = "paused" if kind == rem.RESUME_BY else "active"
    now = T0 + 8 * D if kind == rem.DEADLINE else T0 + 2 * D
    action = rem.decide(due(kind, status=status), now)
    assert action.verdict in ("send", "resume", "expire")
    assert find_violations(action.text) == []
    assert "Ada" in action.text and "Database Administrator" in action.text
    if kind != rem.DEADLINE:
        assert "technical question 2 of 4" in action.text
        assert "`pause`" in action.text and "`withdraw`" in action.text
        assert "Monday 9 March at 11:00 (Europe/Berlin time)" in action.text


def test_decide_checks_the_interview_again() -> None:
    later = T0 + 2 * D
    assert rem.decide(due(status="paused"), later).verdict == "skip"
    assert rem.decide(due(status="cancelled"), later).verdict == "skip"
    assert rem.decide(due(last_candidate_at=T0 + H), later).verdict == "skip"
    night = datetime(2026, 3, 4, 23, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    deferred = rem.decide(due(), night)
    assert deferred.verdict == "defer"
    assert deferred.due_at == datetime(2026, 3, 5, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    moved = rem.decide(due(rem.DEADLINE, deadline_at=T0 + 9 * D), T0 + 7 * D)
    assert (moved.verdict, moved.due_at) == ("defer", T0 + 9 * D)


# ------------------------------------------------------------------ nudges


async def test_nudges_come_at_the_right_times_and_say_how_far_along(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    set_stage(world.engine, iid, "technical", 1)
    await world.run_until(T0 + 47 * H)
    assert world.port.reminders() == []
    await world.run_until(T0 + 48 * H)
    [first] = world.port.reminders()
    assert world.port.at[-1] == T0 + 48 * H
    assert "technical question 2 of 4" in first.text
    await world.run_until(T0 + 96 * H)
    assert len(world.port.reminders()) == 2
    assert world.port.at[-1] == T0 + 96 * H
    await world.run_until(T0 + 7 * D - H)
    assert len(world.port.reminders()) == 2  # two nudges, no more
    turns = [t for t in turns_of(world.engine, iid) if t.kind == rem.TURN_KIND]
    assert len(turns) == 2 and all(t.delivered_at is not None for t in turns)


async def test_role_and_interview_overrides_set_the_schedule(engine: Engine) -> None:
    world = make_world(engine, policy_overrides={
        "database-administrator": {"first_nudge_hours": 4, "second_nudge_hours": 8}})
    by_role = await world.start(candidate_id="U-role")
    own = await world.start(candidate_id="U-own", reminders={"first_nudge_hours": 2,
                                                             "second_nudge_hours": 6,
                                                             "deadline_days": 1})
    assert world.interview(own.started.interview_id).deadline_at == T0 + D
    await world.run_until(T0 + 8 * H)
    times = sorted((at - T0, m.conversation.thread) for at, m in
                   zip(world.port.at, world.port.posted, strict=True) if m.kind == "reminder")
    role_thread = by_role.started.conversation.thread
    assert [t for t, thread in times if thread == role_thread] == [4 * H, 8 * H]
    assert [t for t, thread in times if thread != role_thread] == [2 * H, 6 * H]
    with pytest.raises(InvalidRequestError):
        await world.start(candidate_id="U-bad", reminders={"first_nudge_hours": 9,
                                                           "second_nudge_hours": 3})


async def test_never_nudged_in_quiet_hours(engine: Engine) -> None:
    world = make_world(engine, first_nudge_hours=11, second_nudge_hours=20)
    world.clock.now = datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 02:00 UTC
    await world.start(timezone="Asia/Tokyo")
    await world.run_until(world.clock.now + 3 * D, step=timedelta(minutes=30))
    tokyo = ZoneInfo("Asia/Tokyo")
    local = [at.astimezone(tokyo) for at, m in zip(world.port.at, world.port.posted,
                                                       strict=True) if m.kind == "reminder"]
    # 11 h after 11:00 is 22:00 (quiet): the first nudge waits for 08:00; the second
    # (20 h after, 07:00, also quiet) keeps its 9 h spacing after the first.
    assert [t.strftime("%d %H:%M") for t in local] == ["03 08:00", "03 17:00"]


async def test_an_answer_resets_the_reminders(world: World) -> None:
    cand = await world.start()
    await world.run_until(T0 + 24 * H)
    await cand.say("Hello, I'm Ada, a PostgreSQL DBA with 8 years of experience.")
    await world.run_until(T0 + 71 * H)  # past the first nudge's original time (48 h)
    assert world.port.reminders() == []
    await world.run_until(T0 + 72 * H)
    [nudge] = world.port.reminders()
    assert "project question" in nudge.text


async def test_pause_stops_nudges_and_the_pause_ends_with_a_message(engine: Engine) -> None:
    world = make_world(engine, pause_days=3)
    cand = await world.start()
    iid = cand.started.interview_id
    await world.run_until(T0 + 10 * H)
    [paused] = await cand.say("pause")
    assert world.interview(iid).status == "paused"
    await world.run_until(T0 + 10 * H + 3 * D - H)
    assert world.port.reminders() == []
    await world.run_until(T0 + 10 * H + 3 * D)
    [reopened] = world.port.reminders()
    assert "pause has ended" in reopened.text and "`withdraw`" in reopened.text
    assert world.interview(iid).status == "active"
    await world.run_until(T0 + 10 * H + 3 * D + 48 * H)
    assert len(world.port.reminders()) == 2  # nudges count again from the reopening


async def test_recruiter_pause_until_a_date(world: World) -> None:
    cand = await world.start(timezone="Europe/Berlin")
    iid = cand.started.interview_id
    await world.service.pause(iid, actor="R1", until=T0 + 2 * D)
    assert "Wednesday 4 March at 11:00 (Europe/Berlin time)" in world.port.posted[-1].text
    assert {r.kind: r.due_at for r in world.rows(iid) if r.status == "pending"} == {
        rem.RESUME_BY: T0 + 2 * D, rem.DEADLINE: T0 + 7 * D}
    await world.run_until(T0 + 2 * D)
    assert "pause has ended" in world.port.reminders()[-1].text


async def test_no_reminder_for_a_cancelled_interview(world: World) -> None:
    cand = await world.start()
    await world.service.cancel(cand.started.interview_id, actor="R1")
    assert [r.status for r in world.rows(cand.started.interview_id)
            if r.status == "pending"] == []
    await world.run_until(T0 + 8 * D, step=6 * H)
    assert world.port.reminders() == [] and world.port.reports == []


async def test_a_nudge_claimed_before_an_answer_is_not_sent(world: World) -> None:
    cand = await world.start()
    world.clock.advance(48 * H)
    claims = claim(world)
    assert [c.kind for c in claims] == [rem.NUDGE_1]
    await cand.say("Sorry for the delay! I'm Ada, a PostgreSQL DBA.")
    report = await world.sweeper.dispatch(claims)
    assert (report.sent, report.skipped) == (0, 1)
    assert world.port.reminders() == []


# ------------------------------------------------------------------ deadline


async def test_deadline_expires_with_a_closing_message_and_one_partial_report(
        world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    await cand.say("Hello, I'm Ada, a PostgreSQL DBA with 8 years of experience.")
    await world.run_until(T0 + 7 * D, step=6 * H)
    interview = world.interview(iid)
    assert (interview.status, interview.end_reason) == ("expired", "deadline passed")
    assert world.port.posted[-1].kind == "closing"
    assert "deadline" in world.port.posted[-1].text
    [report] = world.port.reports
    assert report.partial is True
    await world.run_until(T0 + 8 * D, step=6 * H)
    assert await world.service.recover() >= 0
    assert len(world.port.reports) == 1
    assert [m.kind for m in world.port.posted].count("closing") == 1
    with session(world.engine) as s:
        assert s.exec(select(Report).where(Report.interview_id == iid)).one().partial
    assert {r.status for r in world.rows(iid)} <= {"sent", "skipped"}


async def test_extend_moves_the_deadline_and_tells_the_candidate(world: World) -> None:
    cand = await world.start()
    iid = cand.started.interview_id
    summary = await world.service.extend(iid, actor="R1", days=3)
    assert summary.deadline_at == T0 + 10 * D
    await world.sweeper.tick()
    [notice] = world.port.reminders()
    assert "more time" in notice.text and "Thursday 12 March" in notice.text
    await world.run_until(T0 + 7 * D + H, step=6 * H)
    assert world.interview(iid).status == "active"
    await world.run_until(T0 + 10 * D, step=6 * H)
    assert world.interview(iid).status == "expired"
    with pytest.raises(InvalidRequestError):
        await world.service.extend(iid, actor="R1", days=1)


async def test_extend_refuses_an_earlier_date(world: World) -> None:
    cand = await world.start()
    with pytest.raises(InvalidRequestError):
        await world.service.extend(cand.started.interview_id, actor="R1", until=T0 + D)
    with pytest.raises(InvalidRequestError):
        await world.service.extend(cand.started.interview_id, actor="R1")


# ------------------------------------------------------------------ recruiter's remind


async def test_remind_now_and_in_quiet_hours(world: World) -> None:
    cand = await world.start(timezone="Europe/Berlin")
    iid = cand.started.interview_id
    scheduled = await world.service.remind(iid, actor="R1")
    assert (scheduled.due_at, scheduled.held_for_quiet_hours) == (T0, False)
    await world.sweeper.tick()
    [nudge] = world.port.reminders()
    assert "recruiter asked me to check in" in nudge.text
    world.clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    later = await world.service.remind(iid, actor="R1")
    assert later.held_for_quiet_hours
    assert later.due_at == datetime(2026, 3, 3, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    await world.sweeper.tick()
    assert len(world.port.reminders()) == 1
    await world.service.pause(iid, actor="U1")
    with pytest.raises(InvalidRequestError):
        await world.service.remind(iid, actor="R1")


# ------------------------------------------------------------------ crash safety


def claim(world: World, limit: int = 100) -> list[store.Claim]:
    with session(world.engine) as s:
        claims = store.claim_due(s, now=world.clock(), limit=limit,
                                 lease_seconds=world.service.settings.reminders.lease_seconds)
        s.commit()
    return claims


async def test_killed_after_claiming_the_restarted_sweeper_sends_once(world: World) -> None:
    cand = await world.start()
    world.clock.advance(48 * H)
    assert len(claim(world)) == 1  # then the process "dies": nothing stored, nothing sent
    fresh = make_world(world.engine)
    fresh.clock.now = world.clock.now
    assert (await fresh.sweeper.tick()).claimed == 0  # the lease still holds
    fresh.clock.advance(timedelta(seconds=fresh.service.settings.reminders.lease_seconds))
    report = await fresh.sweeper.tick()
    assert (report.claimed, report.sent) == (1, 1)
    await fresh.service.recover()
    fresh.clock.advance(H)
    await fresh.sweeper.tick()
    assert len(fresh.port.reminders()) == 1 and world.port.reminders() == []
    reminder_turns = [t for t in turns_of(world.engine, cand.started.interview_id)
                      if t.kind == rem.TURN_KIND]
    assert len(reminder_turns) == 1
    [row] = [r for r in world.rows(cand.started.interview_id) if r.kind == rem.NUDGE_1]
    assert (row.status, row.attempts) == ("sent", 2)


class Crash(BaseException):
    """Stands for the process dying inside `port.post`."""


async def test_killed_before_posting_the_stored_nudge_is_sent_once_on_restart(
        world: World) -> None:
    cand = await world.start()
    world.clock.advance(48 * H)

    async def die(message: OutgoingMessage) -> PostedMessage:
        raise Crash

    world.port.post = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await world.sweeper.tick()
    fresh = make_world(world.engine)
    fresh.clock.now = world.clock.now + 10 * H
    await fresh.service.recover()
    await fresh.sweeper.tick()
    assert len(fresh.port.reminders()) == 1
    assert len([t for t in turns_of(world.engine, cand.started.interview_id)
                if t.kind == rem.TURN_KIND]) == 1


async def test_a_busy_interview_does_not_stall_the_batch(world: World) -> None:
    busy = await world.start(candidate_id="U-busy")
    await world.start(candidate_id="U-idle")
    world.clock.advance(48 * H)
    async with world.service.lock_for(busy.started.interview_id):  # e.g. a slow model call
        report = await asyncio.wait_for(world.sweeper.tick(), timeout=10)
    assert report.sent == 2


async def test_a_stale_sweeper_cannot_act_on_a_reclaimed_row(world: World) -> None:
    await world.start()
    world.clock.advance(48 * H)
    stale = claim(world)
    world.clock.advance(timedelta(seconds=world.service.settings.reminders.lease_seconds))
    assert (await world.sweeper.tick()).sent == 1
    late = await world.sweeper.dispatch(stale)
    assert (late.lost, late.sent) == (1, 0)
    assert len(world.port.reminders()) == 1


async def test_a_row_that_keeps_killing_sweepers_fails_for_good(engine: Engine) -> None:
    world = make_world(engine, max_attempts=2)
    cand = await world.start()
    world.clock.advance(48 * H)
    lease = timedelta(seconds=world.service.settings.reminders.lease_seconds)
    claim(world)
    world.clock.advance(lease)
    claim(world)
    world.clock.advance(lease)
    report = await world.sweeper.tick()
    assert report.failed == 1 and world.port.reminders() == []
    statuses = {r.kind: r.status for r in world.rows(cand.started.interview_id)}
    assert statuses[rem.NUDGE_1] == "failed"


# ------------------------------------------------------------------ the scheduler


async def test_one_scheduler_job_however_many_interviews(world: World) -> None:
    for i in range(5):
        await world.start(candidate_id=f"U{i}")
    scheduler = world.sweeper.start(run_now=False)
    try:
        [job] = scheduler.get_jobs()
        assert job.id == JOB_ID and job.max_instances == 1 and job.coalesce
        assert job.misfire_grace_time is None
        assert world.service.reminder_wakeup is not None
    finally:
        world.sweeper.shutdown()
        await asyncio.sleep(0)  # let the scheduler's shutdown callback run
    assert world.service.reminder_wakeup is None


async def test_a_recruiters_reminder_wakes_the_scheduled_job(world: World) -> None:
    cand = await world.start()
    world.sweeper.start(run_now=False)  # next run only after an interval (60 s)
    try:
        await world.service.remind(cand.started.interview_id, actor="R1")
        async with asyncio.timeout(10):  # the job runs at once; this only bounds a failure
            while not world.port.reminders():
                await asyncio.sleep(0.01)
    finally:
        world.sweeper.shutdown()
        await asyncio.sleep(0)
    assert "recruiter asked me to check in" in world.port.reminders()[0].text


# ------------------------------------------------------------------ bulk storage


async def test_bulk_turns_keep_their_text_and_order_per_interview(world: World) -> None:
    """The sweeper stores a batch's messages in one statement (binary arrays on PostgreSQL):
    quotes, braces, backslashes, newlines and NULLs arrive intact, and several messages for
    one interview follow its transcript in the order given."""
    first = (await world.start(candidate_id="U1")).started.interview_id
    second = (await world.start(candidate_id="U2")).started.interview_id
    odd = 'He said "hi", {a,b} \\ back\\slash\nnew line, NULL and \'quotes\' — ü'
    new = [store.NewTurn(first, "reminder", "technical", "one " + odd),
           store.NewTurn(second, "closing", "done", "only", question_id="q-7"),
           store.NewTurn(first, "closing", "done", "two")]
    before = {i: len(turns_of(world.engine, i)) for i in (first, second)}
    with session(world.engine) as s:
        stored = store.add_bot_turns(s, new, now=world.clock())
        s.commit()
    expected = [(first, "one " + odd, "reminder", None), (first, "two", "closing", None),
                (second, "only", "closing", "q-7")]  # posting order: by interview, then seq
    assert [(t.interview_id, t.text, t.kind, t.question_id) for t in stored] == sorted(
        expected, key=lambda row: row[0])
    for interview_id in (first, second):
        rows = turns_of(world.engine, interview_id)
        assert [t.seq for t in rows] == list(range(1, len(rows) + 1))
        added = rows[before[interview_id]:]
        assert [(t.id, t.text, t.speaker) for t in added] == [
            (t.id, t.text, "bot") for t in stored if t.interview_id == interview_id]


# ------------------------------------------------------------------ retention and erasure


def turns_of(engine: Engine, interview_id: str) -> list[Turn]:
    with session(engine) as s:
        return list(s.exec(select(Turn).where(Turn.interview_id == interview_id)
                           .order_by(Turn.seq)).all())


def count(engine: Engine, model: type, **where: object) -> int:
    with session(engine) as s:
        query = select(sa.func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return s.exec(query).one()


async def test_retention_purges_old_ended_interviews_only(engine: Engine) -> None:
    world = make_world(engine)
    world.service.settings.retention_days = 30
    old = await world.start(candidate_id="U-old")
    await world.service.cancel(old.started.interview_id, actor="R1")
    world.clock.advance(20 * D)
    recent = await world.start(candidate_id="U-recent")
    await world.service.cancel(recent.started.interview_id, actor="R1")
    still_open = await world.start(candidate_id="U-open", reminders={"deadline_days": 60})
    world.clock.advance(11 * D)
    purged = await world.sweeper.purge()
    assert (purged["interviews"], purged["candidates"]) == (1, 1)
    assert purged["turns"] >= 2 and purged["audit_events"] >= 2
    assert count(engine, Interview, id=old.started.interview_id) == 0
    assert count(engine, Turn, interview_id=old.started.interview_id) == 0
    for kept in (recent, still_open):
        assert count(engine, Interview, id=kept.started.interview_id) == 1
    assert (await world.sweeper.purge())["interviews"] == 0


async def test_forget_erases_everything_about_one_candidate(world: World) -> None:
    gone = await world.start(candidate_id="U-gone")
    await gone.say("Hello, I'm Ada, a PostgreSQL DBA with 8 years of experience.")
    await world.service.finish(gone.started.interview_id, partial=True)
    kept = await world.start(candidate_id="U-kept")
    counts = await world.service.forget_candidate("U-gone")
    assert counts["candidates"] == 1 and counts["interviews"] == 1
    assert counts["turns"] == 3 and counts["reports"] == 1 and counts["reminders"] >= 1
    assert counts["processed_events"] == 1 and counts["audit_events"] >= 2
    assert counts["question_scores"] >= 1
    gid = gone.started.interview_id
    for model, where in ((Interview, {"id": gid}), (Turn, {"interview_id": gid}),
                         (Reminder, {"interview_id": gid}), (AuditEvent, {"interview_id": gid}),
                         (Candidate, {"platform_user_id": "U-gone"})):
        assert count(world.engine, model, **where) == 0
    assert count(world.engine, Interview, id=kept.started.interview_id) == 1
    with pytest.raises(InvalidRequestError):
        await world.service.forget_candidate("U-gone")


def test_cli_forget_prints_rows_per_table(engine: Engine, database_url: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.cli import app

    world = make_world(engine)
    asyncio.run(world.start(candidate_id="U-cli"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["forget", "U-cli", "--yes"])
    assert result.exit_code == 0, result.output
    for table in store.TABLES:
        assert table in result.output
    assert count(engine, Candidate) == 0
    missing = CliRunner().invoke(app, ["forget", "U-cli", "--yes"])
    assert missing.exit_code == 1 and "No candidate" in missing.output


@pytest.mark.parametrize("kind", [rem.NUDGE_1, rem.NUDGE_2, rem.MANUAL, rem.EXTENDED,
                                  rem.RESUME_BY, rem.DEADLINE])
def test_a_candidate_without_a_known_name_is_not_greeted_by_their_user_id(kind: str) -> None:
    status = "paused" if kind == rem.RESUME_BY else "active"
    now = T0 + 8 * D if kind == rem.DEADLINE else T0 + 2 * D
    text = rem.decide(due(kind, status=status, candidate_name="U024BE7LH"), now).text
    assert "U024BE7LH" not in text and " ," not in text
    assert text.startswith(("Hi, ", "Good news: "))
