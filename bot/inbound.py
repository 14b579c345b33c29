"""What platform text must lose before the core stores it, and how a résumé file is read.

PostgreSQL's `text` cannot hold a NUL character and no UTF-8 encoder can write a lone
surrogate (half of a UTF-16 pair, which JSON payloads can carry as `\\ud83d`). Either one made
the insert of a candidate's message fail: the message was lost and the failing statement,
text included, went to the log. Both are removed at the core's entry points, so every
platform's input is storable. Nothing else is changed: what the candidate wrote is what is
kept.

Résumé files arrive as bytes in whatever encoding the candidate's editor used. A UTF-16 file
read as UTF-8 is every other byte NUL; the byte-order mark says which encoding it is.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from typing import TypeVar

from bot.ports import IncomingMessage, MessageEdit

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
PATTERNS: tuple[re.Pattern[str], ...] = (_UNSTORABLE,)  # for tests/test_linear_text.py

# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

M = TypeVar("M", IncomingMessage, MessageEdit)


def clean_text(text: str) -> str:
    """`text` without NUL characters and lone surrogates; everything else as it was."""
    return _UNSTORABLE.sub("", text)


def clean_message(message: M) -> M:
    """A message or an edit whose text the database can store."""
    cleaned = clean_text(message.text)
    return message if cleaned == message.text else replace(message, text=cleaned)


def decode_text_file(data: bytes) -> str:
    """A text file's bytes → text: by its byte-order mark, else UTF-16 without a mark
    (recognised by its NUL bytes), else UTF-8, else Windows-1252, which reads any byte."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return clean_text(data[len(bom):].decode(encoding, errors="replace"))
    if len(data) >= 2 and data.count(0) * 3 >= len(data):  # UTF-8 text has no NUL bytes
        odd_nuls = data[1::2].count(0)
        encoding = "utf-16-le" if odd_nuls >= data[0::2].count(0) else "utf-16-be"
        return clean_text(data.decode(encoding, errors="replace"))
    try:
        return clean_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return clean_text(data.decode("cp1252", errors="replace"))
