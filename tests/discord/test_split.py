"""Splitting bot messages for Discord's 2,000-character limit: no piece too long, no word
broken, Markdown intact, the best boundary preferred."""

from __future__ import annotations

import re

import pytest

from adapters.discord.split import MESSAGE_LIMIT, split_message


def words(text: str) -> list[str]:
    return text.split()


def test_short_text_is_one_piece_and_empty_text_none() -> None:
    assert split_message("Hello there.") == ["Hello there."]
    assert split_message("  \n ") == []


def test_2500_characters_become_two_pieces_without_broken_words() -> None:
    text = " ".join(f"token{i}" for i in range(400))[:2500].rsplit(" ", 1)[0]
    pieces = split_message(text)
    assert len(pieces) == 2
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    assert words(" ".join(pieces)) == words(text)


def test_paragraph_break_is_preferred_over_line_and_sentence() -> None:
    first = "A sentence here. " * 70  # ~1,190 characters
    second = "Line one.\nAnother sentence. " * 60
    text = first.strip() + "\n\n" + second.strip()
    pieces = split_message(text)
    assert pieces[0] == first.strip()


def test_line_then_sentence_then_word_boundaries() -> None:
    lines = "\n".join(["x" * 150] * 20)  # no paragraphs: cut at a line
    assert all(p.endswith("x") and not p.startswith("\n") for p in split_message(lines))
    sentences = " ".join(["This is a sentence of moderate length."] * 80)
    for piece in split_message(sentences)[:-1]:
        assert piece.endswith(".")


def test_code_fence_is_not_split_when_it_fits_in_a_piece() -> None:
    code = "```python\n" + "\n".join(f"x{i} = {i}" for i in range(120)) + "\n```"
    text = "Intro words " * 100 + "\n" + code + "\nAfter the code."
    pieces = split_message(text)
    assert any(code in p for p in pieces), "the fence must stay whole"
    assert all(p.count("```") % 2 == 0 for p in pieces)


def test_bold_is_not_split_when_another_boundary_exists() -> None:
    bold = "**" + " ".join(["important"] * 40) + "**"
    text = ("word " * 330) + bold + (" tail" * 200)
    pieces = split_message(text)
    assert all(p.count("**") % 2 == 0 for p in pieces)
    assert any(bold in p for p in pieces)


def test_fence_longer_than_a_message_is_closed_and_reopened() -> None:
    code = "```sql\n" + "\n".join(f"SELECT {i} FROM t;" for i in range(300)) + "\n```"
    pieces = split_message(code)
    assert len(pieces) >= 2
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    assert all(p.startswith("```") and p.rstrip().endswith("```") for p in pieces)
    assert all(p.count("```") == 2 for p in pieces)
    assert pieces[1].startswith("```sql\n")
    body = [line for p in pieces for line in p.splitlines() if not line.startswith("```")]
    assert body == [f"SELECT {i} FROM t;" for i in range(300)]


def test_bold_longer_than_a_message_is_closed_and_reopened() -> None:
    text = "**" + " ".join(["bold"] * 600) + "**"
    pieces = split_message(text)
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    assert all(p.startswith("**") and p.endswith("**") for p in pieces)
    assert words(" ".join(p.strip("*") for p in pieces)) == ["bold"] * 600


def test_links_and_inline_code_are_kept_whole() -> None:
    link = "[the job description](https://example.com/jobs/dba)"
    code = "`SELECT * FROM pg_stat_activity WHERE state = 'active'`"
    filler = "word " * 394
    for special in (link, code):
        text = filler + special + " and more" * 50
        joined = "\n".join(split_message(text))
        assert special in joined


@pytest.mark.parametrize("size", [1999, 2000, 2001, 4000, 4001, 10_000])
def test_no_piece_exceeds_the_limit_and_nothing_is_lost(size: int) -> None:
    text = " ".join(f"w{i}" for i in range(size))[:size].rstrip()
    pieces = split_message(text)
    assert all(0 < len(p) <= MESSAGE_LIMIT for p in pieces)
    assert words(" ".join(pieces)) == words(text)


def test_a_single_unbreakable_word_is_cut_as_a_last_resort() -> None:
    pieces = split_message("y" * 4500)
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    assert "".join(pieces) == "y" * 4500


def test_core_markdown_report_splits_cleanly() -> None:
    sections = [f"## Section {n}\n\n" + " ".join(["**Strong** evidence: \"quoted answer\"."] * 30)
                for n in range(6)]
    text = "\n\n".join(sections)
    pieces = split_message(text)
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    assert all(p.count("**") % 2 == 0 for p in pieces)
    assert all(not re.match(r"\s", p) for p in pieces)
