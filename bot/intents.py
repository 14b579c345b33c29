"""What a candidate's message means for the flow, independent of any brain."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.text import has_words, sentences, words


class Control(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    HELP = "help"


_CONTROL_WORDS = {c.value: c for c in Control} | {"continue": Control.RESUME}
_CONFIRM = {"yes", "y", "confirm", "withdraw", "yes withdraw", "yes, withdraw", "i'm sure"}

# Ordinary ways of saying "I have no (more) questions". Matched on the normalized message.
_NO_MORE = re.compile(
    r"^(?:no|nope|nah|none|not really|no thanks?|nothing)\b|"
    r"\b(?:that'?s|thats|that is) (?:all|everything|it)\b|"
    r"\bi'?m (?:good|fine|all set|set)\b|\bi am (?:good|fine|all set)\b|"
    r"\bno (?:more |other |further )?questions\b|\bnothing (?:else|more|further)\b|"
    r"\ball (?:good|set|clear)\b|\bi don'?t have any (?:more |other |further )?questions\b|"
    r"\bi have no (?:more |other |further )?questions\b|\bthat covers it\b",
)

_INJECTION = re.compile(
    r"ignore (?:all |any |the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules)|"
    r"ignore the rubric|disregard (?:the |your |all )?(?:rubric|instructions|rules)|"
    r"\bsystem\s*:|developer mode|\bprint (?:your|the) (?:system )?prompt|"
    r"(?:give|score|rate|grade) me (?:a )?(?:5|five|10|full marks|top marks)|"
    r"\b5\s*/\s*5\b|reply only with json|\bjailbreak|tool_code|default_api\.|"
    r"you are now|act as (?:the|an?) (?:admin|system|developer)",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """Lowercase, straight apostrophes, no surrounding punctuation or extra spaces."""
    text = text.replace("\u2019", "'").lower()
    text = re.sub(r"[^\w\s'?]", " ", text)
    return " ".join(text.split()).strip(" ?")


def control_word(text: str) -> Control | None:
    """A control command is the whole message: 'pause', 'Resume.', '/withdraw'."""
    return _CONTROL_WORDS.get(normalize(text).lstrip("/"))


def is_confirmation(text: str) -> bool:
    return normalize(text) in _CONFIRM


def is_blank(text: str) -> bool:
    """Empty, whitespace, or only emoji/punctuation: nothing we could score."""
    return not has_words(text)


def says_no_more_questions(text: str) -> bool:
    """'No, that's all', 'nope, thanks', "I'm good, thank you" and their kin."""
    norm = normalize(text)
    if not norm:
        return False
    return _NO_MORE.search(norm) is not None


def has_question(text: str) -> bool:
    """A real question: a sentence of three words or more ending in '?' ("Honestly?" is not)."""
    return any(s.rstrip().endswith("?") and len(words(s)) >= 3 for s in sentences(text))


def injection_attempt(text: str) -> bool:
    """Text that tries to instruct the interviewer or the scorer; flagged, never obeyed."""
    return _INJECTION.search(text) is not None


def strip_injection(text: str) -> str:
    """The answer without the sentences that try to instruct us, so content is scored alone."""
    kept = [s for s in sentences(text) if not injection_attempt(s)]
    return " ".join(kept)
