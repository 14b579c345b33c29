"""Text between Slack's mrkdwn and the plain/Markdown text the core reads and writes.

Slack escapes `&`, `<` and `>` in message text and wraps links, mentions and special
commands in `<…>` (api.slack.com, "Formatting text for app surfaces": `<@U123>`,
`<#C123|general>`, `<!here>`, `<!subteam^S123|@team>`, `<!date^…|fallback>`,
`<https://…|label>`); the core should see what the person saw, so each becomes its visible
form (`@Ada`, `#general`, `@here`, the label). The core writes light Markdown; Slack's mrkdwn
uses single `*` for bold and has no headings, so reports are converted before they are
posted.

Every pattern is linear: a `<…>` span cannot contain another `<` or a newline, and the
heading pattern never lets whitespace run across lines. Incoming text is capped at Slack's
own 40,000 characters before any of it runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MAX_TEXT = 40_000  # Slack truncates message text past this; nothing longer is a real message

_ANGLE = re.compile(r"<([^<>\n]{1,2100})>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")  # `.` stops at a newline: each start scans one line
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*)$", re.MULTILINE)
_QUOTE = re.compile(r"^&gt;", re.MULTILINE)
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}

# Every pattern here, for the linearity test (tests/test_linear_text.py).
PATTERNS: tuple[re.Pattern[str], ...] = (_ANGLE, _BOLD, _HEADING, _QUOTE)


def unescape(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack message text → what the person saw. `names` maps user and channel ids to
    names (`{"U123": "Ada", "C9": "general"}`); without one, a mention shows Slack's own
    label, or a neutral word."""
    known = names or {}
    shown = _ANGLE.sub(lambda m: _visible(m.group(1), known), text[:MAX_TEXT])
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _visible(inner: str, names: Mapping[str, str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return "@" + (names.get(user) or label.lstrip("@") or "someone")
    if target.startswith("#"):
        channel = target[1:]
        return "#" + (names.get(channel) or label.lstrip("#") or "channel")
    if target.startswith("!"):
        command = target[1:]
        if command in _BROADCASTS:
            return _BROADCASTS[command]
        if command.startswith("subteam^"):
            return "@" + (label.lstrip("@") or "group")
        return label or ""  # `<!date^…|Feb 18, 2014>` and friends: the fallback text
    if target.startswith(("http://", "https://", "mailto:", "ftp://", "tel:")):
        return label or target.removeprefix("mailto:").removeprefix("tel:")
    return f"<{inner}>"  # not Slack markup: leave it as typed (it was escaped otherwise)


def mentioned_ids(text: str) -> tuple[set[str], set[str]]:
    """User ids and channel ids mentioned in Slack message text (to look names up)."""
    users: set[str] = set()
    channels: set[str] = set()
    for match in _ANGLE.finditer(text[:MAX_TEXT]):
        target = match.group(1).partition("|")[0]
        if target.startswith("@") and target[1:].isalnum():
            users.add(target[1:])
        elif target.startswith("#") and target[1:].isalnum():
            channels.add(target[1:])
    return users, channels


def escape(text: str) -> str:
    """Plain text → safe mrkdwn: Slack asks for exactly these three to be escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def from_markdown(text: str) -> str:
    """The core's Markdown → mrkdwn: escaped, headings and `**bold**` as `*bold*`."""
    text = escape(text)
    text = _HEADING.sub(lambda m: f"*{m.group(1).strip()}*", text)
    text = _BOLD.sub(r"*\1*", text)
    return _QUOTE.sub(">", text)


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at paragraph, line or word
    boundaries when there is one, so no piece breaks Slack's size limits."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 4:
                break
        else:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
