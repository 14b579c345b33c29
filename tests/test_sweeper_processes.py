"""Sweepers as real OS processes: two of them on one database never send a reminder twice
and miss none; a sweeper killed (SIGKILL) after claiming or before posting is made good
exactly once by the next one.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (then an unreachable server
fails these tests). This module is also the worker: `python -m tests.test_sweeper_processes`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.console import ConsolePort
from bot import reminders as rem
from bot.ports import ConversationRef, OutgoingMessage, PostedMessage, ReportDelivery
from bot.roles import load_role
from bot.service import InterviewService
from bot.settings import FlowSettings, ReminderSettings, Settings
from bot.sweeper import ReminderSweeper
from storage import reminders as store
from storage import repository as repo
from storage.engine import make_engine, session
from storage.models import Candidate, Interview, Reminder, Turn

ROOT = Path(__file__).resolve().parents[1]
WORKER_TIMEOUT = 120


def no_quiet_settings(batch_size: int = 500) -> Settings:
    """Real time runs in these processes: quiet hours off so the hour of day never matters."""
    return Settings(flow=FlowSettings(), reminders=ReminderSettings(
        quiet_hours_start=0, quiet_hours_end=0, batch_size=batch_size))


def seed_due_nudges(engine: Engine, count: int, *, now: datetime) -> list[str]:
    """`count` active interviews, each with one first nudge due an hour ago."""
    role = load_role("database-administrator")
    with session(engine) as s:
        record = repo.upsert_role_snapshot(
            s, name=role.name, title=role.title,
            definition=role.model_dump(mode="json", exclude={"source"}))
        candidates = [Candidate(platform="console", platform_user_id=f"U{i}",
                                display_name=f"Candidate {i}") for i in range(count)]
        s.add_all(candidates)
        s.flush()
        interviews = [Interview(candidate_id=c.id, role_id=record.id or 0, role_name=role.name,
                                platform="console", workspace="w", channel=f"dm-{i}",
                                thread=f"t-{i}", stage="technical", plan=["a", "b", "c"],
                                flow={"reminders": rem.ReminderPolicy(
                                    quiet_hours_start=0, quiet_hours_end=0).to_dict()},
                                created_at=now - timedelta(days=2),
                                deadline_at=now + timedelta(days=5))
                      for i, c in enumerate(candidates)]
        s.add_all(interviews)
        s.flush()
        s.add_all([Reminder(interview_id=i.id, kind=rem.NUDGE_1, due_at=now - timedelta(hours=1),
                            created_at=now - timedelta(hours=2)) for i in interviews])
        s.commit()
        return [i.id for i in interviews]


# ------------------------------------------------------------------ the worker process


@dataclass
class FilePort:
    """Appends `turn_id<TAB>thread` per post to a file, flushed at once (survives a kill)."""

    path: Path
    die_on_post: bool = False
    latency: float = 0.005  # a chat API is not instant; it also makes the two sweepers overlap

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        raise NotImplementedError

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        if self.die_on_post:
            os.kill(os.getpid(), signal.SIGKILL)
        await asyncio.sleep(self.latency)
        with self.path.open("a") as f:
            f.write(f"{message.turn_id}\t{message.conversation.thread}\n")
        return PostedMessage(f"m{message.turn_id}", message.conversation)

    async def post_report(self, report: ReportDelivery) -> None:
        return None


def wait_for(path: Path, timeout: float = WORKER_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.01)


async def sweep_until_idle(sweeper: ReminderSweeper) -> None:
    while (await sweeper.tick()).claimed:
        pass


def worker(url: str, mode: str, out: Path, ready: Path | None, go: Path | None) -> None:
    engine = make_engine(url)
    service = InterviewService(engine=engine, port=FilePort(out, mode == "die-on-post"),
                               settings=no_quiet_settings(batch_size=20))
    sweeper = ReminderSweeper(service)
    if ready and go:
        ready.touch()
        wait_for(go)
    if mode == "claim-and-die":
        with session(engine) as s:
            store.claim_due(s, now=datetime.now(UTC), lease_seconds=300, limit=1)
            s.commit()
        os.kill(os.getpid(), signal.SIGKILL)
    asyncio.run(sweep_until_idle(sweeper))


def spawn(url: str, mode: str, out: Path, ready: Path | None = None,
          go: Path | None = None) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "tests.test_sweeper_processes", url, mode, str(out)]
    if ready and go:
        args += [str(ready), str(go)]
    return subprocess.Popen(args, cwd=ROOT)


# ------------------------------------------------------------------ the tests


def posted_lines(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    return [(int(a), b) for a, b in (line.split("\t") for line in path.read_text().splitlines())]


def reminder_turns(engine: Engine) -> list[Turn]:
    with session(engine) as s:
        return list(s.exec(select(Turn).where(Turn.kind == rem.TURN_KIND)).all())


def statuses(engine: Engine) -> dict[str, int]:
    with session(engine) as s:
        return dict(s.execute(sa.select(Reminder.status, sa.func.count())
                              .group_by(Reminder.status)).all())


def test_two_sweeper_processes_send_each_reminder_exactly_once(
        engine: Engine, database_url: str, tmp_path: Path) -> None:
    count = 600
    interview_ids = seed_due_nudges(engine, count, now=datetime.now(UTC))
    go = tmp_path / "go"
    outs = [tmp_path / f"sent-{n}.tsv" for n in range(2)]
    procs = [spawn(database_url, "sweep", out, tmp_path / f"ready-{n}", go)
             for n, out in enumerate(outs)]
    for n in range(2):
        wait_for(tmp_path / f"ready-{n}")
    go.touch()  # both start claiming at the same moment
    assert [p.wait(timeout=WORKER_TIMEOUT) for p in procs] == [0, 0]

    per_process = [posted_lines(out) for out in outs]
    sent = [line for lines in per_process for line in lines]
    assert all(per_process), "both processes should have sent some"
    assert len(sent) == count
    assert len({turn_id for turn_id, _ in sent}) == count  # no turn posted twice
    assert len({thread for _, thread in sent}) == count  # every interview nudged once
    turns = reminder_turns(engine)
    assert sorted(t.interview_id for t in turns) == sorted(interview_ids)
    assert all(t.delivered_at is not None for t in turns)
    assert statuses(engine) == {"sent": count}


@dataclass
class Restarted:
    port: ConsolePort
    service: InterviewService
    sweeper: ReminderSweeper
    now: datetime

    async def run(self) -> None:
        await self.service.recover()
        await self.sweeper.tick()


def restart(engine: Engine, now: datetime) -> Restarted:
    port = ConsolePort()
    service = InterviewService(engine=engine, port=port, settings=no_quiet_settings(),
                               clock=lambda: now)
    return Restarted(port, service, ReminderSweeper(service), now)


def test_sweeper_killed_after_claiming_is_replaced_exactly_once(
        engine: Engine, database_url: str, tmp_path: Path) -> None:
    [interview_id] = seed_due_nudges(engine, 1, now=datetime.now(UTC))
    proc = spawn(database_url, "claim-and-die", tmp_path / "sent.tsv")
    assert proc.wait(timeout=WORKER_TIMEOUT) == -signal.SIGKILL
    assert statuses(engine) == {"claimed": 1}

    soon = restart(engine, datetime.now(UTC))
    asyncio.run(soon.run())
    assert soon.port.posted == []  # the dead sweeper's lease still holds
    later = restart(engine, datetime.now(UTC) + timedelta(seconds=301))
    asyncio.run(later.run())
    asyncio.run(later.run())
    assert [m.kind for m in later.port.posted] == [rem.TURN_KIND]
    assert [t.interview_id for t in reminder_turns(engine)] == [interview_id]
    assert statuses(engine) == {"sent": 1}


def test_sweeper_killed_before_posting_is_made_good_exactly_once(
        engine: Engine, database_url: str, tmp_path: Path) -> None:
    [interview_id] = seed_due_nudges(engine, 1, now=datetime.now(UTC))
    proc = spawn(database_url, "die-on-post", tmp_path / "sent.tsv")
    assert proc.wait(timeout=WORKER_TIMEOUT) == -signal.SIGKILL
    [stored] = reminder_turns(engine)
    assert stored.delivered_at is None and statuses(engine) == {"sent": 1}

    again = restart(engine, datetime.now(UTC) + timedelta(hours=1))
    asyncio.run(again.run())
    asyncio.run(again.run())
    assert [(m.kind, m.turn_id) for m in again.port.posted] == [(rem.TURN_KIND, stored.id)]
    [delivered] = reminder_turns(engine)
    assert delivered.interview_id == interview_id and delivered.delivered_at is not None


def _main() -> None:
    parser = argparse.ArgumentParser(description="A reminder sweeper process for the tests.")
    parser.add_argument("url")
    parser.add_argument("mode", choices=["sweep", "claim-and-die", "die-on-post"])
    parser.add_argument("out", type=Path)
    parser.add_argument("ready", type=Path, nargs="?")
    parser.add_argument("go", type=Path, nargs="?")
    args = parser.parse_args()
    worker(args.url, args.mode, args.out, args.ready, args.go)


if __name__ == "__main__":
    _main()
