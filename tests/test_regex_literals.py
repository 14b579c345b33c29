"""The literal prefilter of long alternations finds exactly what the whole pattern finds.

`bot.regex_literals` skips an alternative when the text lacks every literal it derived for
it; that is only right if every match of the alternative contains one of them. Checked on
random patterns against every string of a small alphabet, and on the injection pattern
against every line and sentence of the tests and the tuned gold set.
"""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest

from bot import intents
from bot.regex_literals import AlternativesSearch, required_literals, split_alternatives
from bot.text import sentences

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("source", "parts"), [
    ("a|b", ["a", "b"]),
    ("a(b|c)|d", ["a(b|c)", "d"]),
    (r"x\|y|z", [r"x\|y", "z"]),
    ("[|(]a|b", ["[|(]a", "b"]),
    ("[]|]a|b", ["[]|]a", "b"]),
    ("(?:a|(?:b|c))", ["(?:a|(?:b|c))"]),
])
def test_alternatives_are_split_at_the_top_level_only(source: str, parts: list[str]) -> None:
    assert split_alternatives(source) == parts


@pytest.mark.parametrize(("source", "literals"), [
    (r"\bignore (?:all |any )?instructions", {"instructions"}),
    ("ab(?:cd|ef)?g", {"ab"}),
    ("x(?:foo|barbaz)y", {"foo", "barbaz"}),
    ("(?i:abc)d", {"d"}),
    ("(?:abc)+", {"abc"}),
    ("[ab]c", {"c"}),
    ("a*", None),
    ("(?:x|y*)z?", None),
    ("(?<!if )give", {"give"}),
])
def test_required_literals(source: str, literals: set[str] | None) -> None:
    found = required_literals(source)
    assert (None if found is None else set(found)) == literals


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    pieces = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["lit", "lit", "class", "group", "opt", "rep", "anchor", "look"])
        if depth >= 2 and kind in ("group", "opt", "rep", "look"):
            kind = "lit"
        if kind == "lit":
            pieces.append("".join(rng.choice("ab ") for _ in range(rng.randint(1, 3))))
        elif kind == "class":
            pieces.append(rng.choice(["[ab]", "[^a]", ".", r"\s"]))
        elif kind == "anchor":
            pieces.append(rng.choice([r"\b", "^", "$"]))
        elif kind == "look":
            pieces.append(f"(?{rng.choice(['=', '!', '<=', '<!'])}{rng.choice('ab')})")
        else:
            inner = "|".join(_random_pattern(rng, depth + 1) for _ in range(rng.randint(1, 3)))
            suffix = {"group": rng.choice(["", "+", "{1,2}"]), "opt": rng.choice(["?", "*"]),
                      "rep": rng.choice(["{0,2}", "{2}", "+?", "*?"])}[kind]
            pieces.append(f"(?:{inner}){suffix}")
    return "".join(pieces)


def test_every_match_of_a_random_pattern_holds_one_of_its_literals() -> None:
    rng = random.Random(20261202)
    texts = ["".join(t) for n in range(7) for t in itertools.product("ab ", repeat=n)]
    checked = 0
    for _ in range(400):
        source = _random_pattern(rng)
        literals = required_literals(source)
        if literals is None:
            continue
        pattern = re.compile(source)
        for text in texts:
            for match in pattern.finditer(text):
                checked += 1
                assert any(literal in match.group(0) for literal in literals), \
                    (source, sorted(literals), text)
        whole = AlternativesSearch(re.compile(f"{source}|zz"))
        assert all(whole.matches(t) == bool(re.search(f"{source}|zz", t)) for t in texts)
    assert checked > 1000  # the random patterns did match


def _corpus() -> list[str]:
    files = [*ROOT.glob("tests/*.py"), *ROOT.glob("tests/data/gold/tuned/*.yaml"),
             *ROOT.glob("tests/data/rubric_examples/*.yaml")]
    found: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        for line in text.splitlines():
            found.add(line)
            found.update(s.lower() for s in sentences(line))
    return sorted(found)


def test_injection_search_agrees_with_the_whole_pattern() -> None:
    search = intents._INJECTION_SEARCH
    assert len(search.alternatives) > 40  # split, not searched whole
    assert all(a.literals for a in search.alternatives)
    corpus = _corpus()
    matched = 0
    for text in corpus:
        expected = intents._INJECTION.search(text) is not None
        matched += expected
        assert search.matches(text) is expected, text
    assert matched > 200  # the tests' own injection attempts are in it
