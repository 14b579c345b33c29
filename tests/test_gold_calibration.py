"""The gold sets are what the README says they are, and the offline scorer keeps agreeing
with the experts on the tuned half. The held-back half is not asserted on here: its figures
are printed by `bench/bench_calibration.py` and never used to tune the scorer."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bot.brains.offline import OfflineBrain
from bot.calibration.gold import HELD_BACK, TUNED, load_gold
from bot.calibration.run import calibrate
from tests.test_cli import cli

GOLD = Path(__file__).parent / "data" / "gold"

# Floors for the tuned half, set a little below what the scorer reached on it (116
# interviews from thirteen authors, the held-back editions used up by tuning among them:
# Spearman 0.87, QWK 0.87, within one 95%, after the fifteenth edition joined it with its
# 0.79 and 85% measured once; the twelfth round had 0.88 and 96% on 104; the fourth round's
# 0.91 was on 32). Lowered when harder interviews join, never to let a change through.
TUNED_SPEARMAN_FLOOR = 0.86
TUNED_QWK_FLOOR = 0.86
TUNED_WITHIN_ONE_FLOOR = 0.94


def test_the_gold_sets_are_big_and_varied_enough() -> None:
    files = load_gold(GOLD)
    assert {f.set_name for f in files} == {TUNED, HELD_BACK}
    assert len(files) >= 10
    assert sum(len(f.interview.labels) for f in files) >= 60
    assert len({f.interview.role for f in files}) >= 3
    for half in (TUNED, HELD_BACK):
        kinds = {label.kind for f in files if f.set_name == half for label in f.interview.labels}
        assert {"concise-expert", "fluent-bluffer", "non-native-expert", "keyword-salad",
                "injection", "dont-know", "one-liner"} <= kinds, half
    # The held-back half's authors wrote none of the tuned half (which also holds the
    # held-back editions used up by being tuned on: README, history).
    tuned_authors = {f.interview.author for f in files if f.set_name == TUNED}
    held_authors = {f.interview.author for f in files if f.set_name == HELD_BACK}
    assert held_authors and not held_authors & tuned_authors


@pytest.fixture(scope="module")
def tuned_result():
    import asyncio

    return asyncio.run(calibrate(load_gold(GOLD, sets=(TUNED,)), OfflineBrain()))


def test_tuned_half_agreement_floors(tuned_result) -> None:
    a = tuned_result.agreement(TUNED)
    assert a.spearman >= TUNED_SPEARMAN_FLOOR, a
    assert a.qwk >= TUNED_QWK_FLOOR, a
    assert a.within_one >= TUNED_WITHIN_ONE_FLOOR, a


def test_every_tuned_question_is_read_as_the_expert_labelled_it(tuned_result) -> None:
    assert tuned_result.unread(TUNED) == []
    assert [e for i in tuned_result.interviews for e in i.reader_errors] == []


def test_no_tuned_bluffer_is_advanced_and_no_injection_scores_four(tuned_result) -> None:
    assert tuned_result.bluffers_advanced(TUNED) == []
    injections = [r for r in tuned_result.rows(TUNED) if r.kind == "injection"]
    assert injections and all((r.score or 0) < 4 for r in injections)
    salads = [r for r in tuned_result.rows(TUNED) if r.kind == "keyword-salad"]
    assert salads and all((r.score or 0) <= 2 for r in salads)


def test_calibrate_command_prints_json_for_a_set(tmp_path: Path) -> None:
    result = cli("calibrate", str(GOLD), "--set", TUNED, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["sets"]) == [TUNED]
    stats = data["sets"][TUNED]["all"]
    assert stats["n"] == sum(1 for row in data["labels"])
    assert not math.isnan(stats["spearman"])
    assert len(stats["matrix"]) == 5


def test_calibrate_command_refuses_a_folder_without_gold_in_one_line(tmp_path: Path) -> None:
    result = cli("calibrate", str(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error:") and "no gold interviews" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
