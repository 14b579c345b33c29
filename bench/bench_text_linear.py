"""CPU time of every text function and regex that sees candidate or model text, on
50,000-character pathological inputs (tests/linear_cases.py): the worst input for each,
in milliseconds, best of five runs. tests/test_linear_text.py holds each under 50 ms.

    .venv/bin/python bench/bench_text_linear.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.linear_cases

from tests.linear_cases import FUNCTIONS, GENERIC_INPUTS, PATTERNS, SIZE, SPECIFIC  # noqa: E402


def best_ms(work: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000


def worst(work: Callable[[str], object]) -> tuple[float, str]:
    timings = []
    for label, build in GENERIC_INPUTS.items():
        text = build()
        timings.append((best_ms(lambda t=text: work(t)), label))
    return max(timings)


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    for name, function in FUNCTIONS:
        rows.append((name, *worst(function)))
    for where, patterns in PATTERNS.items():
        for i, pattern in enumerate(patterns):
            rows.append((f"{where} pattern {i}", *worst(
                lambda text, p=pattern: sum(1 for _ in p.finditer(text)))))
    for name, function, build in SPECIFIC:
        text = build()
        rows.append((name, best_ms(lambda f=function, t=text: f(t)), f"{len(text):,} chars"))
    width = max(len(r[0]) for r in rows)
    print(f"{SIZE:,}-character inputs; CPU ms, best of 5; worst of "
          f"{len(GENERIC_INPUTS)} inputs per row\n")
    print(f"{'what':<{width}}  {'ms':>7}  worst input")
    for name, ms, label in rows:
        print(f"{name:<{width}}  {ms:7.2f}  {label}")
    print(f"\nslowest: {max(r[1] for r in rows):.2f} ms")


if __name__ == "__main__":
    main()
