"""Every regex that sees candidate or model text is linear: each pattern and each text
function handles 50,000 pathological characters within 50 ms of CPU time (the quadratic
versions took seconds: the guard 6.8 s on 16,070 characters), or, on a host too slow for
that budget, takes at most GROWTH_LIMIT times as long on the whole text as on its first
tenth (linear work grows ten times, quadratic a hundred). The cases live in
tests/linear_cases.py, where more patterns and functions are added;
bench/bench_text_linear.py prints the measured times.

The budget is CPU time of this process, best of three runs, so a busy machine does not fail
it; a quadratic pattern misses it by two orders of magnitude, not by noise.
"""

from __future__ import annotations

import re
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


GROWTH_LIMIT = 20


def linear_enough(work: Callable[[str], object], text: str) -> tuple[bool, float]:
    """Within the budget, or growing like linear work from a tenth of the text to all of it
    (a slower host than the budget was set on slows both alike)."""
    spent = cpu_seconds(lambda: work(text))
    if spent <= BUDGET_SECONDS:
        return True, spent
    tenth = cpu_seconds(lambda: work(text[:len(text) // 10]))
    return spent <= GROWTH_LIMIT * tenth + BUDGET_SECONDS, spent


PATTERN_CASES = [(f"{where}[{i}]", pattern) for where, patterns in PATTERNS.items()
                 for i, pattern in enumerate(patterns)]


@pytest.mark.parametrize(("name", "pattern"), PATTERN_CASES, ids=[n for n, _ in PATTERN_CASES])
def test_pattern_is_linear_on_every_pathological_input(name: str, pattern: object) -> None:
    slow = {}
    for label, build in GENERIC_INPUTS.items():
        text = build()
        assert len(text) == SIZE
        ok, spent = linear_enough(
            lambda t: (pattern.search(t),  # type: ignore[attr-defined]
                       sum(1 for _ in pattern.finditer(t))), text)  # type: ignore[attr-defined]
        if not ok:
            slow[label] = round(spent, 3)
    assert slow == {}, f"{name} ({pattern.pattern!r}) is slow on {slow}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_function_is_linear_on_every_pathological_input(name: str,
                                                        function: Callable[[str], object]) -> None:
    slow = {}
    for label, build in GENERIC_INPUTS.items():
        text = build()
        ok, spent = linear_enough(function, text)
        if not ok:
            slow[label] = round(spent, 3)
    assert slow == {}, f"{name} is slow on {slow}"


@pytest.mark.parametrize(("name", "function", "build"), SPECIFIC,
                         ids=[n for n, _, _ in SPECIFIC])
def test_known_slow_inputs_are_now_fast(name: str, function: Callable[[str], object],
                                        build: Callable[[], str]) -> None:
    ok, spent = linear_enough(function, build())
    assert ok, (name, round(spent, 3))


def test_the_growth_check_still_catches_a_quadratic_pattern() -> None:
    quadratic = re.compile(r"\s+x")  # every start rescans the run of spaces after it
    ok, _ = linear_enough(lambda t: quadratic.search(t), " " * 20_000)
    assert not ok
