"""Stock self-description: the words of a polished pitch ("passionate about scalable,
cloud-native systems", "I leverage X, Y and Z to ensure best practices"), which say nothing
the speaker did. Used by the introduction's score (a pitch costs a level) and by keyword
stuffing (a list of terms wrapped in a pitch is a list, bot.scoring.term_lists)."""

from __future__ import annotations

import re

from bot.text import sentences

# Stock self-description ("a data storyteller", "passionate about scalable, cloud-native
# systems", "results-driven"): the words of a polished pitch, which say nothing the
# candidate did. A pitch word proper, with one more stock phrase, costs an introduction a
# level. Engineering words that are often stock ("scalable", "robust", "end to end")
# count only beside a pitch word: honest engineers say them about real systems.
_PITCH_WORDS = re.compile(
    r"\b(?:passion(?:ate|ately)?|storytell(?:er|ers|ing)|intersection of|"
    r"thought leader(?:ship)?|results?-driven|world-class|cutting[- ]edge|best[- ]in[- ]class|"
    r"synerg(?:y|ies|istic)|leverag(?:e|es|ed|ing)|visionary|spearhead(?:s|ed|ing)?|"
    r"game[- ]chang(?:er|ing)|driv(?:e|es|ing) (?:impact|value|growth|outcomes|excellence)|"
    r"actionable insights?|deep expertise|track record|(?:whole|full) spectrum|"
    r"holistic(?:ally)?|seamless(?:ly)?|empower(?:s|ed|ing)?)\b", re.IGNORECASE)
_STOCK_WORDS = re.compile(
    r"\b(?:innovat(?:e|ive|ion|ions|or)|champion(?:s|ed|ing)?|evangelis[mt]|"
    r"transformati(?:ve|on|ons|onal)|drive[sn]? decisions|driving decisions|mission[- ]critical|"
    r"data[- ]driven|cloud[- ]native|end[- ]to[- ]end|scalable|robust|next[- ]generation|"
    r"enterprise[- ]grade|high[- ]impact|strategic(?:ally)?|best practices|wide range|"
    r"unlock(?:s|ed|ing)?|excellence)\b", re.IGNORECASE)
# A sentence that mocks the pitch ("I hate words like passionate") is not one.
_DISOWNED = re.compile(r"\b(?:not|never|hate[sd]?|dislike[sd]?|buzzwords?|clich[eé]s?|"
                       r"avoid)\b", re.IGNORECASE)
STOCK_PHRASES_COST = 2


def stock_phrases(intro: str) -> list[str]:
    """The distinct stock self-description an introduction uses, as first written; none
    unless a pitch word proper is among them."""
    found: dict[str, str] = {}
    pitched = False
    for sentence in sentences(intro):
        if _DISOWNED.search(sentence):
            continue
        for pattern in (_PITCH_WORDS, _STOCK_WORDS):
            for m in pattern.finditer(sentence):
                if _names_something(sentence, m.start()):
                    continue
                found.setdefault(m.group(0).lower(), m.group(0))
                pitched = pitched or pattern is _PITCH_WORDS
    return list(found.values()) if pitched else []


def _names_something(sentence: str, start: int) -> bool:
    """Capitalised inside a sentence, the phrase is a name ("the Innovation Lab", "the
    Data Transformation team"), not a claim about the candidate."""
    before = sentence[:start].rstrip()
    return bool(before) and sentence[start].isupper() and before[-1] not in ".!?:;\"'(\n"


STOCK_PATTERNS = (_PITCH_WORDS, _STOCK_WORDS, _DISOWNED)
