"""What every match of a regular expression must contain, to skip searches that cannot match.

A long alternation ("ignore ... instructions|give me a 5|note to the grader|...") is tried
alternative by alternative at every position of a text: Python's `re` has no literal
prefilter. Each top-level alternative here gets the literal strings one of which any of its
matches contains, derived from the pattern's own parse; a text holding none of them is not
searched with that alternative. Whether the whole pattern matches somewhere is unchanged:
some alternative matches exactly when the alternation does.

The parse is CPython's (`re._parser`); should it be missing or change shape, every
alternative is searched, as before, only slower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

try:  # CPython's parser for `re`; the derivation falls back to "no literal known"
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - other interpreters
    _sre = _sre_parse = None  # type: ignore[assignment]


def split_alternatives(source: str) -> list[str]:
    """The pattern's top-level alternatives, as source text ('a(b|c)|d' -> 'a(b|c)', 'd')."""
    parts: list[str] = []
    current: list[str] = []
    depth, in_class, i = 0, False, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            current.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source[i + 1:i + 2] == "]":  # '[]...]': the first ']' is a member
                current.append(char + "]")
                i += 2
                continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def required_literals(source: str) -> frozenset[str] | None:
    """Strings one of which every match of `source` contains (case as written), or None
    when no such set is known (an optional or case-insensitive part, a character class)."""
    if _sre_parse is None:
        return None
    try:
        return _sequence(list(_sre_parse.parse(source).data))
    except Exception:  # noqa: BLE001 - a parse we do not understand: search it always
        return None


def _sequence(items: Sequence[tuple[Any, Any]]) -> frozenset[str] | None:
    """Of everything a sequence must match, the requirement whose shortest string is
    longest: every match of the sequence matches each of its items."""
    found: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            found.append(frozenset({"".join(run)}))
            run.clear()

    for op, value in items:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        end_run()
        needed = _item(op, value)
        if needed is not None:
            found.append(needed)
    end_run()
    return max(found, key=lambda strings: min(map(len, strings)), default=None)


def _item(op: Any, value: Any) -> frozenset[str] | None:
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, pattern = value
        if add_flags & _sre.SRE_FLAG_IGNORECASE:
            return None
        return _sequence(list(pattern.data))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            needed = _sequence(list(branch.data))
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        least, _most, pattern = value
        return _sequence(list(pattern.data)) if least >= 1 else None
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _sequence(list(value.data))
    return None  # a class, any character, an anchor, a lookaround, a back-reference


@dataclass(frozen=True)
class Alternative:
    pattern: re.Pattern[str]
    literals: frozenset[str] | None  # one of these is in every match (None: unknown)


class AlternativesSearch:
    """`pattern.search(text) is not None`, trying only the alternatives whose literals the
    text holds. Built once per pattern."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.alternatives = _alternatives(pattern)
        self._literals = frozenset().union(
            *(a.literals for a in self.alternatives if a.literals is not None))

    def matches(self, text: str) -> bool:
        present = {literal for literal in self._literals if literal in text}
        return any(a.pattern.search(text) is not None for a in self.alternatives
                   if a.literals is None or not a.literals.isdisjoint(present))


def _alternatives(pattern: re.Pattern[str]) -> tuple[Alternative, ...]:
    whole = (Alternative(pattern, None),)
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or _sre_parse is None:
        return whole
    sources = split_alternatives(pattern.pattern)
    try:
        parsed = _sre_parse.parse(pattern.pattern).data
        branches = len(parsed[0][1][1]) if len(parsed) == 1 and parsed[0][0] is _sre.BRANCH \
            else 1
        compiled = [re.compile(source, pattern.flags) for source in sources]
    except Exception:  # noqa: BLE001 - not a plain alternation we can split: search it whole
        return whole
    if branches != len(sources):
        return whole
    return tuple(Alternative(one, required_literals(source))
                 for one, source in zip(compiled, sources, strict=True))
