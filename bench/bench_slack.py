"""The Slack adapter's latency, offline: the real Bolt app served over HTTP on 127.0.0.1, the
fake Slack Web API from tests/slack, the offline brain, SQLite in a temporary file.

1. signed slash command → HTTP response (Slack's 3-second ack), `/interview help`;
2. candidate message (signed `event_callback`) → the threaded reply reaching the Web API,
   across whole interviews driven by simulated candidates.

    .venv/bin/python bench/bench_slack.py [--commands 1000] [--messages 200]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.slack

from adapters.console import END_KINDS, question_for  # noqa: E402
from bot.roles import load_role  # noqa: E402
from bot.simulated import SimulatedCandidate  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.slack.fake_slack import Call  # noqa: E402
from tests.slack.world import RECRUITER, SlackWorld, open_world  # noqa: E402

ACK_TARGET_MS = 50.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def ack_latencies(world: SlackWorld, count: int) -> list[float]:
    samples = []
    answered = len(world.fake.hooks)
    for _ in range(count):
        body = world.sender.command_body("help", user_id=RECRUITER)
        started = time.perf_counter()
        status, _ = await world.sender.send(body,
                                            content_type="application/x-www-form-urlencoded")
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200
    await world.settle(60)
    await world.fake.wait_for(lambda: len(world.fake.hooks) == answered + count, timeout=60)
    return samples


async def reply_latencies(world: SlackWorld, count: int) -> tuple[list[float], int]:
    role = load_role("database-administrator")
    samples: list[float] = []
    waiting: dict[str, asyncio.Future[Call]] = {}

    def on_call(call: Call) -> None:
        thread = call.params.get("thread_ts")
        if call.method == "chat.postMessage" and call.response.get("ok") and thread in waiting:
            future = waiting.pop(thread)
            if not future.done():
                future.set_result(call)

    world.fake.on_call = on_call
    interviews = 0
    while len(samples) < count:
        user = f"UCAND{interviews:04d}"
        world.fake.add_user(user, f"Candidate {interviews}")
        candidate = SimulatedCandidate(role=role, profile="strong", seed=interviews)
        interviews += 1
        _, thread = await world.start(candidate=user)
        while len(samples) < count:
            last = world.thread(world.dm(user), thread)[-1]
            turn = world.bot_turn(last.response["ts"])
            if turn.kind in END_KINDS:
                break
            text = candidate.reply(last.params["text"], kind=turn.kind,
                                   question=question_for(role, turn.question_id))
            event = world.sender.message_event(user=user, channel=world.dm(user), text=text,
                                               thread_ts=thread)
            # The reply may be posted before the 200 is read (posting follows the ack).
            future = waiting[thread] = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            status, _ = await world.sender.event(event)
            assert status == 200
            reply = await asyncio.wait_for(future, 30)
            samples.append((time.perf_counter() - started) * 1000)
            assert reply.params["thread_ts"] == thread
            await world.settle(30)  # the report, when it ends, is not part of the sample
    return samples, interviews


def row(name: str, samples: list[float], target: str) -> str:
    return (f"{name:<46}{len(samples):>6}{percentile(samples, 50):>9.1f}"
            f"{percentile(samples, 99):>9.1f}{max(samples):>9.1f}"
            f"{statistics.mean(samples):>9.1f}  {target}")


async def main(commands: int, messages: int) -> int:
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        upgrade(engine)
        world = await open_world(engine)
        try:
            await ack_latencies(world, 20)  # warm-up: auth.test, first connections
            acks = await ack_latencies(world, commands)
            replies, interviews = await reply_latencies(world, messages)
        finally:
            await world.close()
            engine.dispose()
    print(f"Slack adapter latency (HTTP mode, fake Web API on 127.0.0.1, offline brain, "
          f"SQLite file; {interviews} interviews)\n")
    print(f"{'measure':<46}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'mean':>9}  target")
    ack_p99 = percentile(acks, 99)
    print(row("signed /interview → ack (HTTP response)", acks,
              f"p99 <= {ACK_TARGET_MS:.0f} ms: {'met' if ack_p99 <= ACK_TARGET_MS else 'MISSED'}"))
    print(row("candidate message → threaded reply posted", replies, "-"))
    return 0 if ack_p99 <= ACK_TARGET_MS else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.commands, arguments.messages)))
