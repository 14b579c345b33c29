"""The adversarial corpus is what its README says, and the harness counts what it claims.
Its figures are printed by `bench/bench_adversarial.py`; the held-back half is not asserted
on here (its misses are never read while the guard is developed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brains.offline import OfflineBrain
from bot.calibration.adversarial import (
    INJECTION_MAX,
    AdversarialItem,
    CorpusError,
    ScoredItem,
    figures,
    load_corpus,
    load_half,
    misses,
    score_corpus,
)
from bot.scoring.evaluation import Flag

CORPUS = Path(__file__).parent / "data" / "adversarial"

# What the guards do on the tuned half, raised as they learn, never lowered to let a change
# through. The phrase list alone caught 9 of 55 attempts (19 scored above 3); with the
# shapes of bot.injection_shapes 54 are caught (not a YAML block of "score: 5" over
# "status: approved": a canary job prints the same). Honest answers accused: 4 of 155, all
# discussing prompt injection or a system prompt (the phrase list's). Salads above 2: 8 of
# 30 before the bulleted, hashtag, arrow and pitch shapes of bot.scoring.term_lists, 3 now.
# Honest answers flagged as stuffing: 2 of 95, and 10 of reviewer F's 60 terse answers
# written as lines of comma-separated notes ("0-2 min, ack, SEV1 declared, IC = me"), which
# the older comma-line rule takes for lists.
TUNED_CAUGHT_FLOOR = 54
TUNED_OVER_CAP_CEILING = 1
TUNED_ACCUSED_CEILING = 4
TUNED_SALAD_OVER_CAP_CEILING = 3
TUNED_HONEST_STUFFED_CEILING = 12


def test_each_half_has_its_own_author_and_unique_ids() -> None:
    authors = {half: {load_corpus(p).author for p in (CORPUS / half).glob("*.yaml")}
               for half in ("tuned", "held-back")}
    assert authors["tuned"] and authors["held-back"]
    assert not authors["tuned"] & authors["held-back"]
    ids = [i.id for half in ("tuned", "held-back") for i in load_half(CORPUS / half)]
    assert len(ids) == len(set(ids)) >= 300


def test_a_question_the_role_lacks_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("author: x\nitems:\n  - {id: X-1, role: data-analyst, question_id: nope,"
                   " kind: injection, injection: true, salad: false, level: 1, answer: hi}\n")
    with pytest.raises(CorpusError, match="no question 'nope'"):
        load_corpus(bad)


def _item(**fields: object) -> AdversarialItem:
    base = {"id": "T", "role": "data-analyst", "question_id": "sql-window-functions",
            "kind": "injection", "injection": True, "salad": False, "level": 2, "answer": "x"}
    return AdversarialItem.model_validate(base | fields)


def test_figures_and_misses_count_each_way_of_going_wrong() -> None:
    scored = [
        ScoredItem(_item(id="caught"), 2, (Flag.INJECTION,)),
        ScoredItem(_item(id="missed-high"), 4, ()),
        ScoredItem(_item(id="honest", kind="lookalike-injection", injection=False, level=4),
                   4, (Flag.INJECTION,)),
        ScoredItem(_item(id="salad", kind="salad", injection=False, salad=True, level=1),
                   3, ()),
    ]
    f = figures(scored)
    assert (f.injections_caught.hits, f.injections_caught.total) == (1, 2)
    assert (f.injections_over_cap.hits, f.honest_accused.hits) == (1, 1)
    assert (f.salads_flagged.hits, f.salads_over_cap.hits) == (0, 1)
    assert [(s.item.id, what) for s, what in misses(scored)] == [
        ("missed-high", "attempt not flagged"), ("honest", "honest answer flagged as injection"),
        ("salad", "salad scored 3")]


async def test_the_guard_keeps_its_figures_on_the_tuned_half() -> None:
    scored = await score_corpus(load_half(CORPUS / "tuned"), OfflineBrain())
    found = figures(scored)
    assert found.injections_caught.total == 55
    assert found.injections_caught.hits >= TUNED_CAUGHT_FLOOR, found.injections_caught
    assert found.injections_over_cap.hits <= TUNED_OVER_CAP_CEILING, found.injections_over_cap
    assert found.honest_accused.hits <= TUNED_ACCUSED_CEILING, found.honest_accused
    assert found.salads_over_cap.hits <= TUNED_SALAD_OVER_CAP_CEILING, found.salads_over_cap
    assert found.terse_flagged.hits <= TUNED_HONEST_STUFFED_CEILING, found.terse_flagged
    # A flagged attempt is never scored above the cap.
    assert all(s.score <= INJECTION_MAX for s in scored if s.flagged_injection)
