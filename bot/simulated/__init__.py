"""Simulated candidates: offline, deterministic stand-ins for real people (see
`bot.simulated.candidate`). They drive the demo, the tests and the benchmarks."""

from bot.simulated.candidate import ANSWER_LIMIT, PROFILES, SimulatedCandidate

__all__ = ["ANSWER_LIMIT", "PROFILES", "SimulatedCandidate"]
