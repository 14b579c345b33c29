"""Agreement between two raters on a 1-5 scale: the figures automated-scoring papers
report (Spearman's rank correlation, quadratic weighted kappa) and the ones a recruiter
reads (exact and within-one agreement, a confusion matrix).

Short implementations of the textbook formulas, so the core needs no SciPy or scikit-learn;
the tests check them against `scipy.stats.spearmanr` and
`sklearn.metrics.cohen_kappa_score(weights="quadratic")` on the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = (1, 2, 3, 4, 5)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            out[order[k]] = mean_rank
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    if n < 2:
        return float("nan")
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson's r on tie-averaged ranks (as scipy.stats.spearmanr)."""
    return pearson(ranks(x), ranks(y))


def confusion(expert: Sequence[int], machine: Sequence[int]) -> list[list[int]]:
    """matrix[e-1][m-1]: how many answers the expert put at e and the machine at m."""
    matrix = [[0] * len(LEVELS) for _ in LEVELS]
    for e, m in zip(expert, machine, strict=True):
        matrix[e - 1][m - 1] += 1
    return matrix


def quadratic_weighted_kappa(expert: Sequence[int], machine: Sequence[int]) -> float:
    """Cohen's kappa with quadratic weights over the levels 1-5 (as scikit-learn computes
    it over the labels present in either rater)."""
    labels = sorted(set(expert) | set(machine))
    k = len(labels)
    if k < 2:
        return float("nan")
    index = {label: i for i, label in enumerate(labels)}
    observed = [[0.0] * k for _ in range(k)]
    for e, m in zip(expert, machine, strict=True):
        observed[index[e]][index[m]] += 1
    n = len(expert)
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j] / n
    return 1.0 - num / den if den else float("nan")


@dataclass(frozen=True)
class Agreement:
    n: int
    spearman: float
    qwk: float
    exact: float
    within_one: float
    matrix: list[list[int]]
    mean_expert: float
    mean_machine: float


def agreement(expert: Sequence[int], machine: Sequence[int]) -> Agreement:
    n = len(expert)
    if n == 0:
        nan = float("nan")
        return Agreement(0, nan, nan, nan, nan, confusion([], []), nan, nan)
    return Agreement(
        n=n,
        spearman=spearman(expert, machine),
        qwk=quadratic_weighted_kappa(expert, machine),
        exact=sum(e == m for e, m in zip(expert, machine, strict=True)) / n,
        within_one=sum(abs(e - m) <= 1 for e, m in zip(expert, machine, strict=True)) / n,
        matrix=confusion(expert, machine),
        mean_expert=sum(expert) / n,
        mean_machine=sum(machine) / n,
    )
