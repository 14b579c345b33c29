"""Keeping the candidate's name from the judge.

Scoring is blind, but candidates introduce themselves ("I'm Robert Taylor") and sign off
("Thanks, Robert"). The judge sees answers with the known name, and any self-introduced
name, replaced by a neutral word.
"""

from __future__ import annotations

import re

REDACTED = "(name)"
_SELF_INTRODUCED = re.compile(
    r"\b(?:I'?m|I am|my name is|my name's|name's)\s+"
    r"([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)?)(?![A-Za-z])")
_SIGN_OFF = re.compile(
    r"(?:^|\n)\s*(?:thanks|thank you|regards|best|cheers|kind regards|best regards)[,!.]?"
    r"\s*\n?\s*[-–—]?\s*([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s*$", re.I)
# Capitalised words after "I'm" that are not names.
_NOT_NAMES = frozenset("""Sorry Happy Glad Not Currently Still Also Very Really Fairly Quite
    Pretty Senior Junior Lead Principal Staff Interested Excited Confident Familiar Used Good
    Okay Ok Sure Working Based Responsible Looking Keen Comfortable Afraid Unsure
    Certain""".split())


def names_in(text: str, known: str = "") -> list[str]:
    """The name parts to hide: the known display name's, and any self-introduced name."""
    found = [" ".join(known.split())] if " " in known.strip() else []
    found += [part for part in known.split() if len(part) >= 2]
    for pattern in (_SELF_INTRODUCED, _SIGN_OFF):
        for match in pattern.finditer(text):
            parts = [p for p in match.group(1).split() if p not in _NOT_NAMES]
            if parts and len(parts) == len(match.group(1).split()):
                found += [match.group(1), *parts] if len(parts) > 1 else parts
    return list(dict.fromkeys(found))


def redact(text: str, known: str = "") -> str:
    """`text` with every name part from `names_in` replaced, whole words only and case
    kept (a candidate called Will still writes "I will")."""
    for name in sorted(names_in(text, known), key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", REDACTED, text)
    return text
