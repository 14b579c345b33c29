"""Prompt tokens of whole interviews with the openai brain's compact prompts, against the
naive baseline that resends the whole transcript every turn, for every simulated profile.

Both are counted with one tokenizer (tiktoken cl100k) by the fake OpenAI-compatible server
in tests/fakes. For each wording request the baseline is: the same system prompt, every
turn stored before that request (as chat messages), and the same task. Needs the dev extra
(`pip install -e '.[dev]'`, for tiktoken) and runs from the repository root:

    .venv/bin/python bench/bench_prompt_tokens.py [--profile all|strong|...] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package

from adapters.console import ConsolePort, run_demo  # noqa: E402
from bot.brains.base import Composed, ComposeRequest  # noqa: E402
from bot.brains.openai_brain import OpenAIBrain  # noqa: E402
from bot.brains.prompts import interviewer_system  # noqa: E402
from bot.roles import load_role  # noqa: E402
from bot.service import InterviewService  # noqa: E402
from bot.settings import FlowSettings, Settings  # noqa: E402
from bot.simulated import PROFILES  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, count_tokens  # noqa: E402

TARGET = 0.40


class RecordingBrain(OpenAIBrain):
    """Notes, for each wording request sent, how many turns were stored before it."""

    def __init__(self, settings: Settings, fake: FakeOpenAI) -> None:
        super().__init__(settings)
        self.fake = fake
        self.stored_before: dict[int, int] = {}

    async def compose(self, request: ComposeRequest) -> Composed:
        before = len(self.fake.requests)
        composed = await super().compose(request)
        for index in range(before, len(self.fake.requests)):
            self.stored_before[index] = request.context.turn_number
        return composed


async def measure(profile: str, seed: int, questions: int) -> dict[str, float]:
    fake = await FakeOpenAI().start()
    engine = make_engine("sqlite://")
    upgrade(engine)
    settings = Settings(brain="openai", openai_base_url=fake.base_url, openai_api_key="bench",
                        openai_scoring_samples=1,
                        flow=FlowSettings(technical_questions=questions))
    role = load_role("database-administrator")
    brain = RecordingBrain(settings, fake)
    service = InterviewService(engine=engine, port=ConsolePort(), brain=brain,
                               settings=settings)
    result = await run_demo(service, role, profile=profile, seed=seed)
    export = await service.export(result.interview_id)
    await fake.stop()

    turns = export["turns"]
    system = interviewer_system(role)
    ours = naive = calls = 0
    for index, request in enumerate(fake.requests):
        if request.schema_name or index not in brain.stored_before:
            continue
        calls += 1
        ours += request.prompt_tokens
        transcript = [{"role": "assistant" if t["speaker"] == "bot" else "user",
                       "content": t["text"]} for t in turns[:brain.stored_before[index]]]
        naive += count_tokens([{"role": "system", "content": system}, *transcript,
                               {"role": "user", "content": request.task}])
    return {"candidate turns": sum(1 for t in turns if t["speaker"] == "candidate"),
            "calls": calls, "ours": ours, "naive": naive,
            "scoring": sum(r.prompt_tokens for r in fake.requests if r.schema_name)}


async def main(profiles: list[str], seed: int, questions: int) -> int:
    print(f"seed {seed}, {questions} technical questions; wording requests only "
          "(scoring and report prompts shown apart)\n")
    header = (f"{'profile':<12}{'turns':>6}{'calls':>6}{'ours':>9}{'per call':>9}"
              f"{'baseline':>10}{'per call':>9}{'ratio':>8}{'scoring+report':>16}")
    print(header)
    worst = 0.0
    for profile in profiles:
        row = await measure(profile, seed, questions)
        ratio = row["ours"] / row["naive"]
        worst = max(worst, ratio)
        calls = max(1, int(row["calls"]))
        print(f"{profile:<12}{row['candidate turns']:>6}{row['calls']:>6}{row['ours']:>9,}"
              f"{row['ours'] // calls:>9,}{row['naive']:>10,}{row['naive'] // calls:>9,}"
              f"{ratio:>8.1%}{row['scoring']:>16,}")
    print(f"\nworst ratio {worst:.1%} (target <= {TARGET:.0%})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="all", help="a profile, or all (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=14,
                        help="technical questions (14 gives a 20-turn interview or more)")
    args = parser.parse_args()
    chosen = list(PROFILES) if args.profile == "all" else [args.profile]
    sys.exit(asyncio.run(main(chosen, args.seed, args.questions)))
