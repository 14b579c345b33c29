"""Runs simulated interviews (every profile x seeds x shipped roles) through the real service
on in-memory SQLite and prints mean scores, message counts and time per interview.

    .venv/bin/python bench/bench_simulated_interviews.py [--seeds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict

from adapters.console import ConsolePort, run_demo
from bot.roles import list_roles
from bot.service import InterviewService
from bot.simulated import PROFILES
from storage.engine import make_engine
from storage.migrate import upgrade


async def main(seeds: int) -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    roles = list_roles()
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for profile in PROFILES:
        for seed in range(seeds):
            role = roles[seed % len(roles)]
            port = ConsolePort()
            service = InterviewService(engine=engine, port=port)
            started = time.perf_counter()
            result = await run_demo(service, role, profile=profile, seed=seed)
            elapsed = time.perf_counter() - started
            summary = await service.status(result.interview_id)
            rows[profile]["score"].append(summary.overall_score or 0.0)
            rows[profile]["messages"].append(result.messages)
            rows[profile]["seconds"].append(elapsed)
            rows[profile]["ms_per_message"].append(elapsed * 1000 / max(1, result.messages))
    print(f"{seeds} seeds per profile, roles rotated over {len(roles)} shipped roles\n")
    print(f"{'profile':<12}{'mean score':>11}{'min':>6}{'max':>6}{'msgs mean':>11}"
          f"{'msgs max':>10}{'s/interview':>13}{'ms/message':>12}")
    for profile in PROFILES:
        r = rows[profile]
        print(f"{profile:<12}{statistics.mean(r['score']):>11.2f}{min(r['score']):>6.1f}"
              f"{max(r['score']):>6.1f}{statistics.mean(r['messages']):>11.1f}"
              f"{max(r['messages']):>10.0f}{statistics.mean(r['seconds']):>13.3f}"
              f"{statistics.median(r['ms_per_message']):>12.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=40)
    asyncio.run(main(parser.parse_args().seeds))
