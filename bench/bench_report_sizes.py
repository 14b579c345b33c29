"""How big Slack report messages get, and that each fits: whole interviews through the real
Slack adapter against the fake Web API (tests/slack), default settings and a long interview,
then the blocks of every message posted to the recruiter channel, measured as JSON (what
the adapter budgets, under 10,000) and as Slack's summed text (what it refuses over about
12,000, `msg_blocks_too_long`).

    .venv/bin/python bench/bench_report_sizes.py
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.slack

from adapters.slack.blocks import BLOCKS_BUDGET, blocks_size  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.slack.fake_slack import BLOCKS_TEXT_LIMIT, blocks_text_length  # noqa: E402
from tests.slack.world import (  # noqa: E402
    RECRUITER_CHANNEL,
    open_world,
    run_slack_interview,
    settings_for,
)

CASES = [
    ("default, strong", {}, "strong"),
    ("default, average", {}, "average"),
    ("default, adversarial", {}, "adversarial"),
    ("12 questions + follow-ups, strong", {"technical_questions": 12}, "strong"),
    ("12 questions + follow-ups, evasive", {"technical_questions": 12}, "evasive"),
]


async def measure(name: str, flow: dict[str, int], profile: str, folder: Path) -> str:
    engine = make_engine(f"sqlite:///{folder / (name.replace(' ', '_') + '.sqlite3')}")
    upgrade(engine)
    world = await open_world(engine, settings=settings_for(**flow))
    try:
        await run_slack_interview(world, profile=profile, seed=1)
        posts = world.fake.posts(RECRUITER_CHANNEL)
        tried = [c for c in world.fake.calls if c.method == "chat.postMessage"
                 and c.params.get("channel") == RECRUITER_CHANNEL]
        sizes = [blocks_size(c.blocks) for c in tried]  # what was sent, taken or not
        texts = [blocks_text_length(c.blocks) for c in tried]
        refused = [c for c in world.fake.calls if c.method == "chat.postMessage"
                   and c.response.get("error") == "msg_blocks_too_long"]
        total = sum(blocks_text_length(p.blocks) for p in posts)
        return (f"{name:<38} {len(posts):>8} {total:>11,} {max(sizes):>11,} {max(texts):>11,} "
                f"{len(refused):>8}")
    finally:
        await world.close()
        engine.dispose()


async def main() -> None:
    logging.disable(logging.WARNING)
    print(f"budget per message: {BLOCKS_BUDGET:,} (JSON); fake Slack refuses over "
          f"{BLOCKS_TEXT_LIMIT:,} (summed text)\n")
    print(f"{'interview':<38} {'messages':>8} {'text total':>11} {'max JSON':>11} "
          f"{'max text':>11} {'refused':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, flow, profile in CASES:
            print(await measure(name, flow, profile, Path(folder)))


if __name__ == "__main__":
    asyncio.run(main())
