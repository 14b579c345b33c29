"""Every regex that sees candidate or model text is linear: each pattern and each text
function handles 50,000 pathological characters within 50 ms of CPU time (the quadratic
versions took seconds: the guard 6.8 s on 16,070 characters). The cases live in
tests/linear_cases.py, where more patterns and functions are added; bench/bench_text_linear.py
prints the measured times.

The budget is CPU time of this process, best of three runs, so a busy machine does not fail
it; a quadratic pattern misses it by two orders of magnitude, not by noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.linear_cases import (
    BUDGET_SECONDS,
    FUNCTIONS,
    GENERIC_INPUTS,
    PATTERNS,
    SIZE,
    SPECIFIC,
)


def cpu_seconds(work: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
        if best < BUDGET_SECONDS:
            break
    return best


PATTERN_CASES = [(f"{where}[{i}]", pattern) for where, patterns in PATTERNS.items()
                 for i, pattern in enumerate(patterns)]


@pytest.mark.parametrize(("name", "pattern"), PATTERN_CASES, ids=[n for n, _ in PATTERN_CASES])
def test_pattern_is_linear_on_every_pathological_input(name: str, pattern: object) -> None:
    slow = {}
    for label, build in GENERIC_INPUTS.items():
        text = build()
        assert len(text) == SIZE
        spent = cpu_seconds(lambda text=text: (pattern.search(text),  # type: ignore[attr-defined]
                                               sum(1 for _ in pattern.finditer(text))))  # type: ignore[attr-defined]
        if spent > BUDGET_SECONDS:
            slow[label] = round(spent, 3)
    assert slow == {}, f"{name} ({pattern.pattern!r}) is slow on {slow}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_function_is_linear_on_every_pathological_input(name: str,
                                                        function: Callable[[str], object]) -> None:
    slow = {}
    for label, build in GENERIC_INPUTS.items():
        text = build()
        spent = cpu_seconds(lambda text=text: function(text))
        if spent > BUDGET_SECONDS:
            slow[label] = round(spent, 3)
    assert slow == {}, f"{name} is slow on {slow}"


@pytest.mark.parametrize(("name", "function", "build"), SPECIFIC,
                         ids=[n for n, _, _ in SPECIFIC])
def test_known_slow_inputs_are_now_fast(name: str, function: Callable[[str], object],
                                        build: Callable[[], str]) -> None:
    text = build()
    assert cpu_seconds(lambda: function(text)) < BUDGET_SECONDS, name
