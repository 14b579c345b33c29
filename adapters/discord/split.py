"""Split a bot message into Discord-sized pieces without breaking words or Markdown.

Discord rejects a message over 2,000 characters (HTTP 400, code 50035). A piece ends at the
best boundary that leaves it at least half full: a paragraph break, else a line break, else
the end of a sentence, else a space. A boundary inside a code fence, inline code, `**bold**`,
`__underline__`, `~~strike~~`, `||spoiler||`, `*italics*` or a `[link](url)` is not used
while any other boundary is possible. Only when a single span is longer than a message is it
cut, at a line (fences) or a space, and then closed at the end of one piece and reopened at
the start of the next, so each piece still renders as intended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_LIMIT = 2000
_RESERVE = 24  # room for closing and reopening markers when a span must be cut

_FENCE = re.compile(r"```(?:.*?```|.*\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_PAIRED = [
    ("**", re.compile(r"\*\*(?=\S).+?\*\*", re.S)),
    ("__", re.compile(r"__(?=\S).+?__", re.S)),
    ("~~", re.compile(r"~~(?=\S).+?~~", re.S)),
    ("||", re.compile(r"\|\|.+?\|\|", re.S)),
    ("*", re.compile(r"(?<![*\w])\*(?=[^\s*])[^*\n]*?[^\s*]\*(?![*\w])")),
    ("", re.compile(r"\[[^\]\n]*\]\([^)\s]*\)")),  # a link: never reopened, only kept whole
]
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    marker: str  # "```" for fences, the emphasis marker, or "" (links, inline code)
    opener: str  # what reopens the span in the next piece

    def contains(self, position: int) -> bool:
        return self.start < position < self.end


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, in order; empty text gives no pieces."""
    if limit <= _RESERVE * 2:
        raise ValueError("limit too small to split Markdown safely")
    rest = text.strip()
    pieces: list[str] = []
    while len(rest) > limit:
        head, rest = _cut(rest, limit)
        pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _spans(text: str) -> list[_Span]:
    """Markdown spans, fences first; what a fence or inline code holds is not Markdown."""
    spans: list[_Span] = []
    masked = text
    for found in _FENCE.finditer(text):
        first_line = text[found.start():].split("\n", 1)[0]
        language = first_line[3:].strip() if found.group().count("\n") else ""
        spans.append(_Span(found.start(), found.end(), "```", f"```{language}\n"))
        masked = _mask(masked, found.start(), found.end())
    for found in _INLINE_CODE.finditer(masked):
        spans.append(_Span(found.start(), found.end(), "", ""))
        masked = _mask(masked, found.start(), found.end())
    for marker, pattern in _PAIRED:
        for found in pattern.finditer(masked):
            spans.append(_Span(found.start(), found.end(), marker, marker))
    return sorted(spans, key=lambda s: s.start)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + "\0" * (end - start) + text[end:]


def _boundaries(text: str, end: int) -> list[list[int]]:
    """Cut positions up to `end`, best kind first: paragraph, line, sentence, word."""
    window = text[:end + 1]
    paragraphs = [m.start() for m in re.finditer(r"\n\s*\n", window)]
    lines = [m.start() for m in re.finditer(r"\n", window)]
    sentences = [m.end() for m in _SENTENCE_END.finditer(window)]
    words = [m.start() for m in re.finditer(r"\s", window)]
    return [paragraphs, lines, sentences, words]


def _cut(text: str, limit: int) -> tuple[str, str]:
    spans = _spans(text)
    levels = _boundaries(text, limit)
    for level, positions in enumerate(levels):
        floor = 1 if level == len(levels) - 1 else limit // 2
        safe = [p for p in positions
                if floor <= p <= limit and not any(s.contains(p) for s in spans)]
        if safe:
            return text[:safe[-1]].rstrip(), text[safe[-1]:].lstrip()
    return _forced_cut(text, limit - _RESERVE, spans)


def _forced_cut(text: str, limit: int, spans: list[_Span]) -> tuple[str, str]:
    """Cut inside a span longer than a message: close it here, reopen it in the next piece."""
    _, lines, _, words = _boundaries(text, limit)
    inside_fence = [s for s in spans if s.marker == "```" and s.contains(limit)]
    candidates = [p for p in (lines if inside_fence and lines else words) if 0 < p <= limit]
    position = candidates[-1] if candidates else limit
    open_spans = [s for s in spans if s.contains(position) and (s.marker or s.opener)]
    head = text[:position].rstrip() if not inside_fence else text[:position].rstrip("\n")
    tail = text[position:]
    tail = tail[1:] if inside_fence and tail.startswith("\n") else tail.lstrip()
    for span in reversed(open_spans):
        head += "\n```" if span.marker == "```" else span.marker
    return head, "".join(s.opener for s in open_spans) + tail
