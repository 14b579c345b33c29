"""Interviews driven as Slack drives them while the bot is killed with SIGKILL and restarted.

The bot is the real `interview-bot run --slack --http` in a subprocess on 127.0.0.1, on the
database it is given; the Web API is the fake Slack (tests/slack/fake_slack.py) answering
a share of `chat.postMessage` calls with 429 and Retry-After. Simulated candidates answer
every question in their DM thread; each event is signed as Slack signs it, and some are
delivered twice (the same event id, `X-Slack-Retry-Num`), as Slack does when it doubts an
ack. Like Slack, the sender sends an event again until it gets a 200: a request cut off by
a kill, or answered 500, is retried (Slack retries three times over about five minutes;
here at once, once the bot is back). Between messages the bot is killed `kills` times, at
random points, and restarted each time.

Then the record is read back, from the fake's messages and the database: interviews done,
candidate messages acknowledged but not stored (lost), duplicate candidate turns, bot
messages posted more than once, reports posted more than once or not at all, DM headers
with no interview behind them, and work left over. Shared by
tests/slack/test_crash_under_load.py and bench/bench_crash.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.console import END_KINDS, question_for
from adapters.slack.posted import REPORT_EVENT, TURN_EVENT
from bot.roles import load_role
from bot.simulated import SimulatedCandidate
from storage import repository as repo
from storage.engine import make_engine
from storage.engine import session as db_session
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.slack_requests import SlackSender
from tests.slack.world import SIGNING_SECRET

RUN = "from adapters.cli import app; import sys; sys.argv[0] = 'interview-bot'; app()"
RECRUITER = "UREC1"
CHANNEL = "GRECRUIT"
ROLE = "database-administrator"
PROFILES = ("strong", "average", "weak", "evasive")
CONFIRM_WITHIN = 40.0  # seconds a recruiter waits for the greeting before starting again
MESSAGES_PER_INTERVIEW = 11  # about what these profiles send: spreads the kills out


@dataclass
class CrashResult:
    interviews: int
    done: int
    kills: int
    acked: int  # candidate messages Slack had a 200 for
    lost: int  # of those, not stored
    duplicate_turns: int
    duplicate_posts: int
    unposted_turns: int  # bot turns stored and never posted
    reports_twice: int
    reports_missing: int
    half_started: int  # DM headers with no interview behind them
    starts_rerun: int  # starts the recruiter ran again: no greeting followed
    leftover: int  # interviews the database still has unfinished work for
    tracebacks: int
    ack_ms: list[float] = field(default_factory=list)
    restart_s: list[float] = field(default_factory=list)  # kill to serving again
    stuck: list[str] = field(default_factory=list)  # candidates whose interview never ended
    errors: list[str] = field(default_factory=list)  # the bot's ERROR lines, first few
    doubled: list[str] = field(default_factory=list)  # each duplicate post: when it went out
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        return {"interviews done": f"{self.done}/{self.interviews}", "kills": self.kills,
                "candidate messages lost": f"{self.lost} of {self.acked}",
                "duplicate turns": self.duplicate_turns,
                "duplicate bot posts": self.duplicate_posts,
                "reports posted twice": self.reports_twice,
                "reports missing": self.reports_missing,
                "half-started": self.half_started, "starts re-run": self.starts_rerun,
                "bot turns never posted": self.unposted_turns,
                "leftover work": self.leftover,
                "tracebacks": self.tracebacks,
                "ack p50 ms": f"{percentile(self.ack_ms, 50):.0f}",
                "ack p95 ms": f"{percentile(self.ack_ms, 95):.0f}",
                "restart s": f"{statistics.fmean(self.restart_s):.1f}" if self.restart_s
                else "-",
                "seconds": f"{self.seconds:.0f}"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CrashRun:
    def __init__(self, *, interviews: int, kills: int, database_url: str, workdir: Path,
                 seed: int = 0, redeliver: float = 0.10, rate_limited: float = 0.05,
                 concurrency: int | None = None) -> None:
        self.n = interviews
        self.kills = kills
        self.database_url = database_url
        self.workdir = workdir
        self.random = random.Random(seed)
        self.redeliver = redeliver
        self.fake = FakeSlack()
        self.fake.rate_limited = {"chat.postMessage": rate_limited}
        self.fake.random = random.Random(seed + 1)
        self.port = free_port()
        self.log = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None
        self.up = asyncio.Event()
        self.acked: set[str] = set()  # ts of candidate messages that got a 200
        self.ack_ms: list[float] = []
        self.kills_done = 0
        self.starts_rerun = 0
        self.post_log: list[tuple[int, int, bool, float]] = []  # turn, kills so far, up, when
        self.restart_s: list[float] = []
        self.done: set[str] = set()
        self.turn_posts: dict[str, list[tuple[int, int, str, str]]] = {}  # dm → posts
        self._posted = asyncio.Condition()
        self.engine: Engine | None = None
        self.gate = asyncio.Semaphore(concurrency or interviews)
        self.role = load_role(ROLE)

    # ------------------------------------------------------------ the bot process

    async def start_bot(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url,
               "SLACK_BOT_TOKEN": self.fake.token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": self.fake.api_url, "SLACK_RECRUITERS": RECRUITER,
               "SLACK_RECRUITER_CHANNEL": CHANNEL, "LOG_LEVEL": "INFO"}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", RUN, "run", "--slack", "--http", "--host", "127.0.0.1",
                "--port", str(self.port), env=env, cwd=self.workdir, stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        async with aiohttp.ClientSession() as session:
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                        if r.status == 200:
                            break
                if self.process.returncode is not None:
                    raise RuntimeError(f"the bot exited: {self.log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError("the bot never came up")
                await asyncio.sleep(0.05)
        self.up.set()

    async def kill_bot(self) -> None:
        assert self.process is not None
        self.up.clear()
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills_done += 1

    async def stop_bot(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    # ------------------------------------------------------------ what Slack sends

    async def send(self, sender: SlackSender, body: str, content_type: str,
                   event_id: str | None = None) -> None:
        """Until a 200, as Slack retries an unacknowledged request; now and then a second
        delivery of the same event (Slack doubting an ack it did get)."""
        attempt = 0
        while True:
            await self.up.wait()
            headers = ({"X-Slack-Retry-Num": str(min(attempt, 3)),
                        "X-Slack-Retry-Reason": "http_error"} if attempt else None)
            started = time.perf_counter()
            try:
                status, _ = await sender.send(body, content_type=content_type,
                                              headers=headers)
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            if status == 200:
                if event_id is not None:
                    self.ack_ms.append((time.perf_counter() - started) * 1000)
                break
            attempt += 1
            await asyncio.sleep(0.05)
        if event_id is not None and self.random.random() < self.redeliver:
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                await sender.send(body, content_type=content_type, headers={
                    "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})

    def on_call(self, call: Call) -> None:
        if call.method != "chat.postMessage" or not call.response.get("ok"):
            return
        meta = call.params.get("metadata") or {}
        channel = call.response["channel"]
        if meta.get("event_type") == TURN_EVENT and channel.startswith("D"):
            payload = meta["event_payload"]
            self.turn_posts.setdefault(channel, []).append(
                (int(payload["turn_id"]), int(payload.get("part") or 0),
                 str(call.params.get("thread_ts")), str(call.response["ts"])))
            self.post_log.append((int(payload["turn_id"]), self.kills_done, self.up.is_set(),
                                  time.monotonic()))
            asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._posted:
            self._posted.notify_all()

    async def next_turn(self, dm: str, after: int, timeout: float) -> tuple[int, str]:
        """The newest turn posted in `dm` with an id above `after`, and its thread."""
        def newest() -> tuple[int, str] | None:
            firsts = [(turn, thread) for turn, part, thread, _ in self.turn_posts.get(dm, [])
                      if turn > after and part == 0]
            return max(firsts) if firsts else None

        async with self._posted:
            await asyncio.wait_for(self._posted.wait_for(newest), timeout)
        found = newest()
        assert found is not None
        return found

    def turn(self, turn_id: int) -> Any:
        assert self.engine is not None
        with self.engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT kind, question_id, text FROM turns WHERE id = :id"),
                {"id": turn_id}).one()

    # ------------------------------------------------------------ candidates

    async def candidate(self, sender: SlackSender, n: int) -> None:
        user = f"UC{n:05d}"
        dm = "D" + user[1:]
        simulated = SimulatedCandidate(role=self.role, profile=PROFILES[n % len(PROFILES)],
                                       seed=n)
        async with self.gate:
            turn, thread = await self.start(sender, user, n)
            for _ in range(80):
                kind, question_id, text = await asyncio.to_thread(self.turn, turn)
                if kind in END_KINDS:
                    self.done.add(user)
                    return
                answer = simulated.reply(text, kind=kind,
                                         question=question_for(self.role, question_id))
                event = sender.message_event(user=user, channel=dm, text=answer,
                                             thread_ts=thread)
                event_id = f"Ev{user}{turn:08d}"
                await self.send(sender, sender.event_body(event, event_id=event_id),
                                "application/json", event_id=event_id)
                self.acked.add(event["ts"])
                turn, thread = await self.next_turn(dm, turn, timeout=120)

    async def start(self, sender: SlackSender, user: str, n: int) -> tuple[int, str]:
        """`/interview @candidate role`, run again by the recruiter when no greeting
        follows (a start acknowledged past `ACK_WITHIN` and killed before it was stored
        never confirms): the first turn and its thread."""
        for _ in range(3):
            await self.send(sender, sender.command_body(f"<@{user}|c{n}> {ROLE}",
                                                        user_id=RECRUITER),
                            "application/x-www-form-urlencoded")
            try:
                return await self.next_turn("D" + user[1:], 0, timeout=CONFIRM_WITHIN)
            except TimeoutError:
                self.starts_rerun += 1
        raise TimeoutError(f"{user}: three starts, no greeting")

    async def killer(self) -> None:
        expected = self.n * MESSAGES_PER_INTERVIEW
        points = sorted(self.random.uniform(0.05, 0.85) * expected for _ in range(self.kills))
        for point in points:
            while len(self.acked) < point and len(self.done) < self.n:
                await asyncio.sleep(0.02)
            if len(self.done) >= self.n:
                return
            killed = time.monotonic()
            await self.kill_bot()
            await self.start_bot()
            self.restart_s.append(time.monotonic() - killed)

    # ------------------------------------------------------------ the whole run

    async def run(self, *, timeout: float) -> CrashResult:
        started = time.monotonic()
        await self.fake.start()
        self.fake.on_call = self.on_call
        self.fake.add_user(RECRUITER, "Rita Recruiter")
        self.fake.add_channel(CHANNEL, "recruiters", is_private=True,
                              members=[self.fake.bot_user_id, RECRUITER])
        for n in range(self.n):
            self.fake.add_user(f"UC{n:05d}", f"Candidate {n}")
        self.engine = make_engine(self.database_url)
        try:
            await self.start_bot()
            async with aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=30)) as session:
                sender = SlackSender(url=f"http://127.0.0.1:{self.port}/slack/events",
                                     secret=SIGNING_SECRET, fake=self.fake, session=session)
                killer = asyncio.create_task(self.killer())
                candidates = [asyncio.create_task(self.candidate(sender, n))
                              for n in range(self.n)]
                await asyncio.wait(candidates, timeout=timeout)
                killer.cancel()
                for task in candidates:
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await killer
                await asyncio.gather(*candidates, return_exceptions=True)
                if self.process is None or self.process.returncode is not None:
                    await self.start_bot()
                await self.settle(deadline=started + timeout + 60)
            await self.stop_bot()
            return self.result(time.monotonic() - started)
        finally:
            if self.process is not None and self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            await self.fake.stop()
            self.engine.dispose()

    async def settle(self, *, deadline: float) -> None:
        """Until every report is in the channel and the database has no work left."""
        while time.monotonic() < deadline:
            if self.reports_posted() >= len(self.done) and await asyncio.to_thread(
                    self.leftover) == 0:
                return
            await asyncio.sleep(0.1)

    def reports_posted(self) -> int:
        return len({interview for interview, _ in self.report_parts()})

    def report_parts(self) -> list[tuple[str, int]]:
        parts = []
        for call in self.fake.posts(CHANNEL):
            meta = call.params.get("metadata") or {}
            if meta.get("event_type") == REPORT_EVENT:
                payload = meta["event_payload"]
                parts.append((str(payload["interview_id"]), int(payload["part"])))
        return parts

    def leftover(self) -> int:
        """Interviews a restarted bot would still pick up (the core's own definition)."""
        assert self.engine is not None
        with db_session(self.engine) as session:
            return len(repo.interviews_with_pending_work(session))

    def result(self, seconds: float) -> CrashResult:
        assert self.engine is not None
        with self.engine.connect() as c:
            stored = Counter(row[0] for row in c.execute(sa.text(
                "SELECT platform_message_id FROM turns WHERE speaker = 'candidate'")))
            bot_turns = {row[0] for row in c.execute(sa.text(
                "SELECT id FROM turns WHERE speaker = 'bot'"))}
            threads = {row[0] for row in c.execute(sa.text("SELECT thread FROM interviews"))}
        posts = Counter((turn, part) for dm in self.turn_posts.values()
                        for turn, part, _, _ in dm)
        posted_turns = {turn for turn, _ in posts}
        reports = Counter(self.report_parts())
        cards = {interview for interview, part in reports if part == 0}
        headers = [c for c in self.fake.posts() if c.response["channel"].startswith("D")
                   and not c.params.get("thread_ts") and not c.params.get("metadata")]
        log = self.log.read_text(errors="replace")
        return CrashResult(
            interviews=self.n, done=len(self.done), kills=self.kills_done,
            acked=len(self.acked), lost=sum(1 for ts in self.acked if ts not in stored),
            duplicate_turns=sum(count - 1 for count in stored.values() if count > 1),
            duplicate_posts=sum(count - 1 for count in posts.values()),
            unposted_turns=len(bot_turns - posted_turns),
            reports_twice=sum(count - 1 for count in reports.values()),
            reports_missing=self.n - len(cards),
            half_started=sum(1 for h in headers if h.response["ts"] not in threads),
            starts_rerun=self.starts_rerun,
            leftover=self.leftover(), tracebacks=log.count("Traceback"),
            ack_ms=self.ack_ms, restart_s=self.restart_s, seconds=seconds,
            stuck=sorted(
                {f"UC{n:05d}" for n in range(self.n)} - self.done),
            errors=[line for line in log.splitlines() if line.startswith("ERROR")][:10],
            doubled=[f"turn {turn}: posted after kills " + ", ".join(
                f"{k}{'' if up else ' (restarting)'} at {at:.1f}" for t, k, up, at in
                self.post_log if t == turn) for (turn, _), count in posts.items()
                if count > 1])


def summary_line(result: CrashResult) -> str:
    return ", ".join(f"{k}: {v}" for k, v in result.row().items()) + (
        f" (ack mean {statistics.fmean(result.ack_ms):.0f} ms)" if result.ack_ms else "")
