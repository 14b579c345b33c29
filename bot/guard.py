"""The output guard: the last check before any text reaches a candidate (or a recruiter's
report).

The reference recruiter showed candidates raw tool calls and `[Company Name]`. Whatever
produced a message (template, retrieval, model), it passes `find_violations` or is replaced.

The text is normalised before it is checked (NFKC, so full-width `ｔｏｏｌ_ｃｏｄｅ` reads as
`tool_code`; format characters such as zero-width spaces removed, so `tool\u200b_code` does
too); the original is what gets sent when it passes. Links are allowed only to sites the
role's job description links to: anything else is where a prompt-injected model would send
a candidate.

Every pattern here is linear in the text's length: quantifiers that could overlap are bounded
or kept from crossing the characters that end them, and `^` patterns never let whitespace run
across lines. A text longer than `MAX_CHECKED` is refused outright rather than scanned:
no bot message comes near it, and it bounds the work done on the event loop.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.report import HRReport
    from bot.scoring.evaluation import QuestionEvaluation

MAX_CHECKED = 40_000  # Slack's own limit for a message's text; no bot message comes near it

# A report is read by recruiters, and quotes the candidate: a pasted stack trace or code
# fence is evidence there, but a model's tool call, placeholder, leaked id or a link to
# somewhere else is not. Verbatim evidence quotes are only checked for links.
REPORT_KINDS = frozenset({"tool call", "internal id", "placeholder", "system prompt", "json",
                          "link", "too long"})
QUOTE_KINDS = frozenset({"link", "too long"})
WITHHELD = "(withheld: this text did not pass the output check)"

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "tool call",
        re.compile(
            r"tool_code|tool_call|default_api\.|function_call|\bto=functions\.|"
            r"<\|?(?:tool|function)[^<>\n]{0,200}>|\"arguments\"\s{0,20}:|"
            r"\bprint\(\w{1,100}\.\w{1,100}\(",
            re.IGNORECASE,
        ),
    ),
    ("code fence", re.compile(r"```")),
    (
        "stack trace",
        re.compile(
            r"Traceback \(most recent call last\)|File \"[^\"\n]{1,500}\", line \d|"
            r"^[ \t]{0,40}\w{1,100}(?:\.\w{1,100}){0,20}(?:Error|Exception): ",
            re.MULTILINE,
        ),
    ),
    (
        "internal id",
        re.compile(
            r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|"
            r"\b(?:interview|question|candidate|turn|role)_id\b|"
            r"\b(?:sqlite|postgresql(?:\+\w{1,20})?)://",
            re.IGNORECASE,
        ),
    ),
    (
        "placeholder",
        re.compile(
            r"\[[A-Z][\w'-]{0,40}(?:[ \t]{1,5}[A-Z][\w'-]{0,40}){0,6}\]|"
            r"\{\{?[ \t]{0,10}[A-Za-z_][\w.]{0,60}[ \t]{0,10}\}?\}|"
            r"<[A-Z][A-Z_ ]{2,60}>|\bTODO\b|\bXXX\b|\bINSERT [A-Z]",
        ),
    ),
    (
        # Lower-case template slots ("[company name]", "[your title here]"): a bracket that
        # names what should have been filled in. "[see notes]" names nothing of the kind.
        "placeholder",
        re.compile(
            r"\[[^\[\]\n]{0,40}\b(?:name|company|title|insert|placeholder|candidate|position|"
            r"recruiter|salary|location|date|e-?mail|phone|url)\b[^\[\]\n]{0,40}\]",
            re.IGNORECASE,
        ),
    ),
    (
        "system prompt",
        re.compile(r"\bsystem prompt\b|\byou are an? (?:ai|assistant|interviewer) that\b", re.I),
    ),
)

_JSON_START = re.compile(r"^\s*[\[{]")
# `{"score": 5}` and the Python-repr `{'score': 5}` a model also emits.
_JSON_OBJECT = re.compile(r"\{\s{0,20}(?:\"[^\"\n]{1,200}\"|'[^'\n]{1,200}')\s{0,20}:")
# Links as chat clients render them: a URL with a scheme, `www.`, a Markdown link's target,
# or a bare domain on a common top-level domain (Slack and Discord make those clickable too),
# which starts only where no other domain character precedes it, so a long `a-a-a…` or
# `a.a.a…` is tried once, not at every character.
_LINK = re.compile(
    r"\b(?:https?|ftp)://[^\s<>\"'`()\[\]|]{1,2048}|"
    r"\bwww\.[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}|"
    r"\]\([ \t]{0,5}([^()\s]{1,2048})|"
    r"(?<![\w.-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,6}\."
    r"(?:com|net|org|io|co|ai|dev|app|info|biz|xyz|me|ly|gg|link|site|online|top|ru|cn)\b",
    re.IGNORECASE,
)
# What NFKC leaves alone but a reader never sees: zero-width and other format characters
# (category Cf: U+200B-U+200F, U+2060-U+2064, U+FEFF, soft hyphen, bidi controls).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

# Every pattern the guard runs, for the linearity test (tests/test_linear_text.py).
PATTERNS: tuple[re.Pattern[str], ...] = (
    *(pattern for _, pattern in _CHECKS), _JSON_START, _JSON_OBJECT, _LINK, _INVISIBLE)


@dataclass(frozen=True)
class Violation:
    kind: str
    excerpt: str


def normalise(text: str) -> str:
    """What a reader sees: compatibility forms folded (NFKC), invisible characters gone."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def find_violations(text: str, *, job_description: str = "",
                    kinds: Iterable[str] | None = None) -> list[Violation]:
    """Every reason `text` must not be shown; empty when it is safe. Links pass only to a
    site `job_description` links to. `kinds` limits the checks (e.g. to "link" for a
    candidate's own words quoted in a report)."""
    wanted = None if kinds is None else frozenset(kinds)
    if len(text) > MAX_CHECKED:
        return [Violation("too long", f"{len(text)} characters")]
    seen = normalise(text)
    found: list[Violation] = []
    for kind, pattern in _CHECKS:
        if (wanted is None or kind in wanted) and (match := pattern.search(seen)):
            if not any(v.kind == kind for v in found):
                found.append(Violation(kind, match.group(0)[:80]))
    if (wanted is None or "json" in wanted) and _looks_like_json(seen):
        found.append(Violation("json", seen.strip()[:80]))
    if wanted is None or "link" in wanted:
        links = list(_links(seen))
        allowed = allowed_sites(job_description) if links and job_description else frozenset()
        foreign = next((link for link in links if not _site_allowed(link, allowed)), None)
        if foreign is not None:
            found.append(Violation("link", foreign[:80]))
    if (wanted is None or "empty" in wanted) and not seen.strip():
        found.append(Violation("empty", ""))
    return found


def links_in(text: str) -> list[str]:
    """Every link a chat client would make clickable in `text` (normalised first)."""
    return list(_links(normalise(text)))


def _links(seen: str) -> Iterator[str]:
    return (m.group(1) or m.group(0) for m in _LINK.finditer(seen))


@functools.lru_cache(maxsize=64)
def allowed_sites(job_description: str) -> frozenset[str]:
    """The sites (host names, without `www.`) the job description itself links to.

    Cached: a role's description is the same on every turn, and reading it for links is
    most of a guard check."""
    return frozenset(host for link in links_in(job_description) if (host := _host(link)))


def _site_allowed(link: str, allowed: frozenset[str]) -> bool:
    host = _host(link)
    return bool(host) and any(host == site or host.endswith("." + site) for site in allowed)


def _host(link: str) -> str:
    """`https://www.Example.com/x` → `example.com`; a relative or odd target → ""."""
    candidate = link if "://" in link else "//" + link
    try:
        host = (urlsplit(candidate).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _looks_like_json(text: str) -> bool:
    if _JSON_OBJECT.search(text):
        return True
    if not _JSON_START.match(text):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # "[[[[…" nests past the parser's stack
        return False
    return True


def is_safe(text: str, *, job_description: str = "") -> bool:
    return not find_violations(text, job_description=job_description)


def guard_report(report: HRReport, evaluations: list[QuestionEvaluation], *,
                 job_description: str = "") -> tuple[HRReport, list[QuestionEvaluation]]:
    """The report and per-question evaluations with every text field checked: a field that
    fails is replaced by `WITHHELD`, an evidence quote that fails is left out (quotes stay
    verbatim), and a note says how many and of which kinds. The transcript keeps everything
    (`interview-bot export`)."""
    stopped: list[str] = []

    def checked(text: str, kinds: frozenset[str] = REPORT_KINDS) -> str | None:
        found = find_violations(text, job_description=job_description, kinds=kinds)
        stopped.extend(v.kind for v in found)
        return None if found else text

    def field(text: str) -> str:
        return text if checked(text) is not None else WITHHELD

    fields = {name: field(getattr(report, name)) for name in
              ("overall_suitability", "communication", "recommendation")}
    lists = {name: [field(item) for item in getattr(report, name)] for name in
             ("key_strengths", "areas_for_development", "technical_skills",
              "follow_up_questions", "notes")}
    cleaned = []
    for evaluation in evaluations:
        evidence = [q for q in evaluation.evidence if checked(q, QUOTE_KINDS) is not None]
        cleaned.append(evaluation.model_copy(update={
            "question": field(evaluation.question),
            "justification": field(evaluation.justification),
            "evidence": evidence}))
    if stopped:
        kinds = ", ".join(sorted(set(stopped)))
        lists["notes"].append(f"{len(stopped)} piece(s) of text failed the output check "
                              f"({kinds}) and were withheld from this report; the transcript "
                              "has everything.")
    return report.model_copy(update={**fields, **lists}), cleaned
