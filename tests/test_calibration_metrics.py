"""The agreement statistics match the reference implementations people trust:
scipy.stats.spearmanr and sklearn.metrics.cohen_kappa_score(weights="quadratic")."""

from __future__ import annotations

import random

import pytest
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from bot.calibration.metrics import agreement, quadratic_weighted_kappa, ranks, spearman


def _pairs(seed: int, n: int) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    expert = [rng.randint(1, 5) for _ in range(n)]
    machine = [min(5, max(1, e + rng.choice((-2, -1, 0, 0, 0, 1, 1)))) for e in expert]
    return expert, machine


@pytest.mark.parametrize("seed", range(12))
def test_spearman_matches_scipy_with_ties(seed: int) -> None:
    expert, machine = _pairs(seed, 7 + seed * 9)
    assert spearman(expert, machine) == pytest.approx(spearmanr(expert, machine).statistic,
                                                      abs=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_quadratic_weighted_kappa_matches_scikit_learn(seed: int) -> None:
    expert, machine = _pairs(seed, 7 + seed * 9)
    assert quadratic_weighted_kappa(expert, machine) == pytest.approx(
        cohen_kappa_score(expert, machine, weights="quadratic"), abs=1e-12)


def test_ranks_average_ties() -> None:
    assert ranks([3, 1, 3, 2]) == [3.5, 1.0, 3.5, 2.0]


def test_agreement_counts_exact_within_one_and_the_confusion_matrix() -> None:
    a = agreement([1, 2, 3, 4, 5, 5], [1, 3, 5, 4, 4, 1])
    assert a.n == 6
    assert a.exact == pytest.approx(2 / 6)
    assert a.within_one == pytest.approx(4 / 6)
    assert a.matrix[4] == [1, 0, 0, 1, 0]  # expert 5: once 1, once 4
    assert sum(map(sum, a.matrix)) == 6


def test_perfect_and_reversed_agreement() -> None:
    assert spearman([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) == pytest.approx(-1.0)
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
