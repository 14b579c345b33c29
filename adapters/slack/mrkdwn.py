"""Text between Slack's mrkdwn and the plain/Markdown text the core reads and writes.

Slack escapes `&`, `<` and `>` in message text and wraps links and mentions in `<…>`; the
core should see what the person typed. The core writes light Markdown; Slack's mrkdwn uses
single `*` for bold and has no headings, so reports are converted before they are posted.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
_QUOTE = re.compile(r"^&gt;", re.MULTILINE)


def unescape(text: str) -> str:
    """Slack message text → what the person typed (links shown by their label)."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Plain text → safe mrkdwn: Slack asks for exactly these three to be escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def from_markdown(text: str) -> str:
    """The core's Markdown → mrkdwn: escaped, headings and `**bold**` as `*bold*`."""
    text = escape(text)
    text = _HEADING.sub(lambda m: f"*{m.group(1)}*", text)
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
