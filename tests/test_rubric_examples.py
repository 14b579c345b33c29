"""The shipped roles' keywords and misconceptions read answers as their authors meant.

Each file in tests/data/rubric_examples/ lists sentences a rubric author wrote for one role:
what a correct answer in a practitioner's own words must be credited with, which wrong
claims must be caught, and which correct statements must not be taken for wrong ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.roles import load_role
from bot.scoring.items import item_for
from bot.scoring.rubric import coverage

EXAMPLES = Path(__file__).parent / "data" / "rubric_examples"


def _cases() -> list[tuple[str, int, dict]]:
    cases = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, example in enumerate(data["examples"]):
            cases.append((data["role"], index, example))
    return cases


CASES = _cases()


def test_every_shipped_role_has_examples_for_every_question() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        role = load_role(data["role"])
        covered = {e["question"] for e in data["examples"]}
        assert covered == {q.id for q in role.questions}, path.name
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} == {
        "backend-engineer", "data-analyst", "database-administrator",
        "site-reliability-engineer"}


@pytest.mark.parametrize(("role_name", "index", "example"), CASES,
                         ids=[f"{r}-{i}-{e['question']}" for r, i, e in CASES])
def test_rubric_example(role_name: str, index: int, example: dict) -> None:
    role = load_role(role_name)
    item = item_for(role, 1, example["question"], "", [example["answer"]])
    cov = coverage(item.key_points, example["answer"], item.misconceptions)
    credited = {i for i, hit in enumerate(cov.hits) if hit}
    for point in example.get("credits", []):
        assert point in credited, (
            f"point {point} ({item.key_points[point].point}) not credited; "
            f"evidence {cov.findings[point].evidence.value}")
    for point in example.get("not_credited", []):
        assert point not in credited, f"point {point} credited by {cov.findings[point].keyword!r}"
    found = {c.claim for c in cov.wrong_claims}
    for claim in example.get("wrong", []):
        assert claim in found, f"wrong claim not caught: {claim!r}; found {sorted(found)}"
    if example.get("no_wrong"):
        assert not found, f"correct answer taken for a wrong claim: {sorted(found)}"
