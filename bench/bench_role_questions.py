"""Asks every gold candidate question about the role in the question stage of a real
interview (the service on in-memory SQLite, offline brain) and prints how many were answered
right, per set and per role, with what went wrong and how long an answer took.

    .venv/bin/python bench/bench_role_questions.py [--show-misses]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from adapters.console import ConsolePort
from bot.calibration.role_questions import (
    HELD_BACK_FILE,
    TUNED_FILE,
    Judged,
    Verdict,
    ask_and_judge,
    load_gold,
)
from bot.service import InterviewService
from bot.settings import FlowSettings, Settings
from storage.engine import make_engine
from storage.migrate import upgrade

# Held-back sets 1 and 2 were each measured once and then seen (22/24 and 18/20 right on
# that first measurement); set 3 is the one no change has been made against.
SETS = {"tuned": TUNED_FILE, "held-back 1 (seen)": HELD_BACK_FILE,
        "held-back 2 (seen)": HELD_BACK_FILE.with_name("role_questions_held_back_2.yaml"),
        "held-back 3": HELD_BACK_FILE.with_name("role_questions_held_back_3.yaml")}


async def run_set(path: Path, offset: int) -> tuple[list[Judged], list[float]]:
    engine = make_engine("sqlite://")
    upgrade(engine)
    service = InterviewService(engine=engine, port=ConsolePort(), settings=Settings(
        flow=FlowSettings(technical_questions=1, followups_per_question=0)))
    judged, seconds = [], []
    for number, question in enumerate(load_gold(path)):
        started = time.perf_counter()
        judged.append(await ask_and_judge(service, question,
                                          candidate_id=f"B{offset + number}"))
        seconds.append(time.perf_counter() - started)
    engine.dispose()
    return judged, seconds


async def main(show_misses: bool) -> None:
    print("Candidates' questions about the role, first try, through the interview flow\n")
    print(f"{'set':<20}{'questions':>10}{'right':>7}{'rate':>8}{'missed':>8}{'wrong':>7}"
          f"{'invented':>10}{'no answer':>11}{'ms/interview':>14}")
    by_role: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    for offset, (name, path) in enumerate(SETS.items()):
        judged, seconds = await run_set(path, offset * 1000)
        count = Counter(j.verdict for j in judged)
        print(f"{name:<20}{len(judged):>10}{count[Verdict.RIGHT]:>7}"
              f"{count[Verdict.RIGHT] / len(judged):>8.1%}{count[Verdict.MISSED]:>8}"
              f"{count[Verdict.WRONG_PASSAGE]:>7}{count[Verdict.INVENTED]:>10}"
              f"{count[Verdict.NO_ANSWER]:>11}{statistics.median(seconds) * 1000:>14.1f}")
        for j in judged:
            by_role[j.question.role]["asked"] += 1
            by_role[j.question.role]["right"] += j.verdict is Verdict.RIGHT
            if j.verdict is not Verdict.RIGHT:
                misses.append(f"[{name}] {j.verdict}: {j.question.role}: {j.question.ask!r}"
                              f" -> {' '.join(j.reply.split())[:200]!r}")
    print(f"\n{'role (all sets)':<28}{'asked':>7}{'right':>7}{'rate':>8}")
    for role, c in sorted(by_role.items()):
        print(f"{role:<28}{c['asked']:>7}{c['right']:>7}{c['right'] / c['asked']:>8.1%}")
    if show_misses:
        print("\n" + ("\n".join(misses) or "no misses"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-misses", action="store_true")
    asyncio.run(main(parser.parse_args().show_misses))
