"""The 240 simulated interviews that two acceptance tests read (every profile, seeds 0-39,
the shipped roles in rotation, so each role meets each profile ten times), run once per
test session: the run costs most of a minute, and the tests ask different questions of the
same conversations (scores and safety; repeats and rubric leaks)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.console import ConsolePort, DemoResult, run_demo
from bot.roles import Role, list_roles
from bot.service import InterviewService
from bot.simulated import PROFILES
from bot.usecases.reading import InterviewSummary
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.conftest import make_settings

SEEDS = range(40)
TURN_BUDGET = 30


@dataclass(frozen=True)
class SimulatedRun:
    role: Role
    profile: str
    seed: int
    result: DemoResult
    summary: InterviewSummary
    port: ConsolePort


_runs: list[SimulatedRun] = []


async def simulated_runs() -> list[SimulatedRun]:
    """Every profile x SEEDS, each on a service of its own over one in-memory database."""
    if not _runs:
        _runs.extend(await _run_all())
    return _runs


async def _run_all() -> list[SimulatedRun]:
    roles = list_roles()
    engine = make_engine("sqlite://")
    upgrade(engine)
    runs: list[SimulatedRun] = []
    try:
        for profile in PROFILES:
            for seed in SEEDS:
                port = ConsolePort()
                service = InterviewService(engine=engine, port=port,
                                           settings=make_settings(turn_budget=TURN_BUDGET))
                role = roles[seed % len(roles)]
                result = await run_demo(service, role, profile=profile, seed=seed)
                summary = await service.status(result.interview_id)
                runs.append(SimulatedRun(role, profile, seed, result, summary, port))
    finally:
        engine.dispose()
    return runs
