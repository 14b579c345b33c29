"""Prompt tokens of a ~20-turn interview with the openai brain's compact prompts, against
the naive baseline that resends the whole transcript every turn. Both are counted with one
tokenizer (tiktoken cl100k) by the fake OpenAI-compatible server in tests/fakes.

    .venv/bin/python bench/bench_prompt_tokens.py [--profile average] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.fakes

from adapters.console import ConsolePort, run_demo  # noqa: E402
from bot.brains.openai_brain import OpenAIBrain  # noqa: E402
from bot.brains.prompts import interviewer_system  # noqa: E402
from bot.roles import load_role  # noqa: E402
from bot.service import InterviewService  # noqa: E402
from bot.settings import FlowSettings, Settings  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, count_tokens  # noqa: E402


async def main(profile: str, seed: int, questions: int) -> None:
    fake = await FakeOpenAI().start()
    engine = make_engine("sqlite://")
    upgrade(engine)
    settings = Settings(brain="openai", openai_base_url=fake.base_url, openai_api_key="bench",
                        flow=FlowSettings(technical_questions=questions))
    role = load_role("database-administrator")
    service = InterviewService(engine=engine, port=ConsolePort(), brain=OpenAIBrain(settings),
                               settings=settings)
    result = await run_demo(service, role, profile=profile, seed=seed)
    export = await service.export(result.interview_id)
    await fake.stop()

    turns = export["turns"]
    compose = [r for r in fake.requests if r.schema_name is None]
    ours = sum(r.prompt_tokens for r in compose)
    system = interviewer_system(role)
    naive = 0
    bot_turns = [i for i, t in enumerate(turns) if t["speaker"] == "bot"]
    for request, index in zip(compose, bot_turns, strict=False):
        transcript = [{"role": "assistant" if t["speaker"] == "bot" else "user",
                       "content": t["text"]} for t in turns[:index]]
        task = request.body["messages"][-1]["content"].rsplit("Your task:", 1)[-1]
        naive += count_tokens([{"role": "system", "content": system}, *transcript,
                               {"role": "user", "content": task}])
    scoring = sum(r.prompt_tokens for r in fake.requests if r.schema_name)
    candidate_turns = sum(1 for t in turns if t["speaker"] == "candidate")
    print(f"profile {profile}, seed {seed}: {candidate_turns} candidate turns, "
          f"{len(compose)} wording calls, {len(fake.requests) - len(compose)} scoring/report "
          "calls\n")
    print(f"{'prompts':<34}{'prompt tokens':>14}{'per call':>10}")
    print(f"{'compact state (ours)':<34}{ours:>14,}{ours // max(1, len(compose)):>10,}")
    print(f"{'whole transcript each turn':<34}{naive:>14,}{naive // max(1, len(compose)):>10,}")
    print(f"{'ours / baseline':<34}{ours / naive:>14.1%}")
    print(f"\nscoring and report prompts (not in the comparison): {scoring:,} tokens")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="average")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=14,
                        help="technical questions (14 gives a 20-turn interview for average)")
    args = parser.parse_args()
    asyncio.run(main(args.profile, args.seed, args.questions))
