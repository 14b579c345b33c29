"""The output guard: the last check before any text reaches a candidate.

The reference recruiter showed candidates raw tool calls and `[Company Name]`. Whatever
produced a message (template, retrieval, model), it passes `find_violations` or is replaced.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "tool call",
        re.compile(
            r"tool_code|tool_call|default_api\.|function_call|\bto=functions\.|"
            r"<\|?(?:tool|function)[^>]*>|\"arguments\"\s*:|\bprint\(\w+\.\w+\(",
            re.IGNORECASE,
        ),
    ),
    ("code fence", re.compile(r"```")),
    (
        "stack trace",
        re.compile(
            r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|"
            r"^\s*\w+(?:\.\w+)*(?:Error|Exception): ",
            re.MULTILINE,
        ),
    ),
    (
        "internal id",
        re.compile(
            r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|"
            r"\b(?:interview|question|candidate|turn|role)_id\b|"
            r"\b(?:sqlite|postgresql(?:\+\w+)?)://",
            re.IGNORECASE,
        ),
    ),
    (
        "placeholder",
        re.compile(
            r"\[(?:[A-Z][\w'-]*)(?:\s+[A-Z][\w'-]*)*\]|\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}|"
            r"<[A-Z][A-Z_ ]{2,}>|\bTODO\b|\bXXX\b|\bINSERT [A-Z]",
        ),
    ),
    (
        "system prompt",
        re.compile(r"\bsystem prompt\b|\byou are an? (?:ai|assistant|interviewer) that\b", re.I),
    ),
)

_JSON_START = re.compile(r"^\s*[\[{]")
_JSON_OBJECT = re.compile(r"\{\s*\"[^\"]+\"\s*:")


@dataclass(frozen=True)
class Violation:
    kind: str
    excerpt: str


def find_violations(text: str) -> list[Violation]:
    """Every reason `text` must not be shown to a candidate; empty when it is safe."""
    found = [
        Violation(kind, match.group(0)[:80])
        for kind, pattern in _CHECKS
        if (match := pattern.search(text))
    ]
    if _looks_like_json(text):
        found.append(Violation("json", text.strip()[:80]))
    if not text.strip():
        found.append(Violation("empty", ""))
    return found


def _looks_like_json(text: str) -> bool:
    if _JSON_OBJECT.search(text):
        return True
    if not _JSON_START.match(text):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def is_safe(text: str) -> bool:
    return not find_violations(text)
