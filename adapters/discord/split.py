"""Split a bot message into Discord-sized pieces without breaking words or Markdown.

Discord rejects a message over 2,000 characters (HTTP 400, code 50035). A piece ends at the
best boundary that leaves it at least half full: a paragraph break, else a line break, else
the end of a sentence, else a space. A boundary inside a code fence, inline code, `**bold**`,
`__underline__`, `~~strike~~`, `||spoiler||`, `*italics*` or a `[link](url)` is not used
while any other boundary is possible. Only when a single span is longer than a message is it
cut, at a line (fences) or a space, and then closed at the end of one piece and reopened at
the start of the next, so each piece still renders as intended.

The work is linear in the text's length: spans and boundaries are found once, over the whole
text, by patterns that cannot rescan what they have passed (a link's text cannot contain
`[`), and each piece then only looks at its own window.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

MESSAGE_LIMIT = 2000
_RESERVE = 24  # room for closing and reopening markers when a span must be cut

_FENCE = re.compile(r"```(?:.*?```|.*\Z)", re.S)
_LANGUAGE = re.compile(r"[\w+#.-]{1,20}")
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_PAIRED = [
    ("**", re.compile(r"\*\*(?=\S).+?\*\*", re.S)),
    ("__", re.compile(r"__(?=\S).+?__", re.S)),
    ("~~", re.compile(r"~~(?=\S).+?~~", re.S)),
    ("||", re.compile(r"\|\|.+?\|\|", re.S)),
    ("*", re.compile(r"(?<![*\w])\*(?=[^\s*])[^*\n]*?[^\s*]\*(?![*\w])")),
    # A link: never reopened, only kept whole; neither part can run past a `[`.
    ("", re.compile(r"\[[^\[\]\n]{0,1000}\]\([^()\s\[]{0,2048}\)")),
]
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)")
_WORD = re.compile(r"\s")

# Every pattern here, for the linearity test (tests/test_linear_text.py).
PATTERNS: tuple[re.Pattern[str], ...] = (
    _FENCE, _LANGUAGE, _INLINE_CODE, *(p for _, p in _PAIRED), _PARAGRAPH, _LINE,
    _SENTENCE_END, _WORD)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    marker: str  # "```" for fences, the emphasis marker, or "" (links, inline code)
    opener: str  # what reopens the span in the next piece

    def contains(self, position: int) -> bool:
        return self.start < position < self.end


class _Layout:
    """The whole text's spans and boundaries, found once. Each kind of span comes from one
    pattern's non-overlapping matches, so at most one span per kind contains a position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.kinds: list[list[_Span]] = []
        masked = list(text)
        fences = []
        for found in _FENCE.finditer(text):
            first_line = found.group()[3:].split("\n", 1)[0].strip()
            language = (first_line if found.group().count("\n")
                        and _LANGUAGE.fullmatch(first_line) else "")
            fences.append(_Span(found.start(), found.end(), "```", f"```{language}\n"))
            masked[found.start():found.end()] = "\0" * (found.end() - found.start())
        after_fences = "".join(masked)
        inline = []
        for found in _INLINE_CODE.finditer(after_fences):
            inline.append(_Span(found.start(), found.end(), "", ""))
            masked[found.start():found.end()] = "\0" * (found.end() - found.start())
        plain = "".join(masked)
        self.kinds = [fences, inline] + [
            [_Span(f.start(), f.end(), marker, marker) for f in pattern.finditer(plain)]
            for marker, pattern in _PAIRED]
        self.starts = [[s.start for s in kind] for kind in self.kinds]
        inside = bytearray(len(text) + 1)
        for kind in self.kinds:
            for span in kind:
                inside[span.start + 1:span.end] = b"\1" * max(span.end - span.start - 1, 0)
        self.inside = inside
        self.levels = [  # cut positions, best kind first: paragraph, line, sentence, word
            [m.start() for m in _PARAGRAPH.finditer(text)],
            [m.start() for m in _LINE.finditer(text)],
            [m.end() for m in _SENTENCE_END.finditer(text)],
            [m.start() for m in _WORD.finditer(text)],
        ]

    def open_at(self, position: int) -> list[_Span]:
        """The spans containing `position`, outermost (earliest) first."""
        found = []
        for kind, starts in zip(self.kinds, self.starts, strict=True):
            index = bisect_left(starts, position) - 1
            if index >= 0 and kind[index].contains(position):
                found.append(kind[index])
        return sorted(found, key=lambda s: s.start)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, in order; empty text gives no pieces."""
    if limit <= _RESERVE * 2:
        raise ValueError("limit too small to split Markdown safely")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    layout = _Layout(text)
    pieces: list[str] = []
    start, prefix = 0, ""  # the rest is `prefix + text[start:]`
    while len(prefix) + len(text) - start > limit:
        head, start, prefix = _cut(layout, start, prefix, limit)
        pieces.append(head)
    rest = prefix + text[start:]
    if rest:
        pieces.append(rest)
    return pieces


def _cut(layout: _Layout, start: int, prefix: str, limit: int) -> tuple[str, int, str]:
    """The next piece, where the rest then starts, and the markers it is reopened with."""
    text = layout.text
    for level, positions in enumerate(layout.levels):
        floor = 1 if level == len(layout.levels) - 1 else limit // 2
        low = start + max(floor - len(prefix), 1)  # a cut inside `prefix` is never safe
        high = start + limit - len(prefix)
        for index in range(bisect_right(positions, high) - 1,
                           bisect_left(positions, low) - 1, -1):
            position = positions[index]
            if not layout.inside[position]:
                return (prefix + text[start:position]).rstrip(), _skip_space(text, position), ""
    return _forced_cut(layout, start, prefix, limit - _RESERVE)


def _forced_cut(layout: _Layout, start: int, prefix: str, limit: int) -> tuple[str, int, str]:
    """Cut inside a span longer than a message: close it here, reopen it in the next piece."""
    text = layout.text
    high = start + limit - len(prefix)
    inside_fence = any(s.marker == "```" for s in layout.open_at(high))
    _, lines, _, words = layout.levels
    candidates = lines if inside_fence else words
    index = bisect_right(candidates, high) - 1
    position = candidates[index] if index >= 0 and candidates[index] > start else high
    if inside_fence and position == high and words:  # a fence line longer than a message
        index = bisect_right(words, high) - 1
        position = words[index] if index >= 0 and words[index] > start else high
    open_spans = [s for s in layout.open_at(position) if s.marker or s.opener]
    head = prefix + text[start:position]
    head = head.rstrip("\n") if inside_fence else head.rstrip()
    for span in reversed(open_spans):
        head += "\n```" if span.marker == "```" else span.marker
    if inside_fence and text.startswith("\n", position):
        position += 1
    else:
        position = _skip_space(text, position)
    return head, position, "".join(s.opener for s in open_spans)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position
