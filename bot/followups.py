"""Follow-up questions that probe a thin, hedged or partly wrong answer without handing the
candidate the rubric.

A follow-up is picked by what the answer lacks: a concrete example from their own work, the
trade-offs, or more depth. Written ones come from the role file (`followups`); a question
without them gets a generic one of the same kind. Neither ever quotes a key point: pasting
the grading text ("In particular: broken authorisation (object-level checks, IDOR)") tells
the candidate what to say and reads badly (issue 15). `leaks_rubric` is the check, used on
model-written follow-ups too.
"""

from __future__ import annotations

import re

from bot.roles import Question
from bot.text import STOPWORDS, words

# Signs that an answer already tells of the candidate's own work, or already weighs costs.
_OWN_WORK = re.compile(
    r"\b(?:i|we) (?:had|have|did|built|ran|used|set|moved|led|wrote|fixed|found|added|"
    r"introduced|migrated|designed|implemented|rolled|once|recently|once had)\b|"
    r"\b(?:at my (?:last|previous|current)|in my (?:last|previous|current) (?:job|role|team)|"
    r"last year|one time|in production we|on our)\b",
    re.IGNORECASE)
_WEIGHS_COSTS = re.compile(
    r"\btrade-?offs?\b|\bdownsides?\b|\bthe cost\b|\bcosts?\b|\bat the expense\b|\bbut\b|"
    r"\bhowever\b|\brisks?\b|\bdepends\b|\bon the other hand\b|\bdrawbacks?\b|\bversus\b|"
    r"\bvs\.?\b|\binstead of\b",
    re.IGNORECASE)

# For questions without written follow-ups (a recruiter's own role file). Two of each kind,
# so that a second follow-up in one interview need not repeat the first verbatim.
GENERIC = {
    "example": (
        "Can you tell me about a time you dealt with something like this yourself: what "
        "happened, and what did you do?",
        "Have you run into this in a real system? I'd like to hear what you did and how it "
        "turned out.",
    ),
    "tradeoff": (
        "What would that approach cost you, and when would you choose something else?",
        "What are the downsides of doing it that way, and how would you limit them?",
    ),
    "depth": (
        "Could you walk me through how you would actually go about it: what first, what "
        "next, and why in that order?",
        "How would you know it had worked? What would you look at to be sure?",
    ),
    "hedged": (
        "You sound unsure about part of that, which is fine. How would you check it before "
        "acting on it?",
        "If you had to commit to one approach here, which would it be, and what would "
        "convince you it was right?",
    ),
}
PROJECT_FOLLOWUPS = (
    "Could you add a little more detail: what exactly did you do yourself, and how did you "
    "measure the result?",
    "What was the hardest decision you made on that project, and what would you do "
    "differently now?",
)

# Shortest run of words from a key point that counts as quoting it.
QUOTE_WORDS = 3


def missing_aspect(answer: str, *, hedged: bool = False) -> str:
    """What a follow-up should ask for: 'example', 'tradeoff' or 'depth' (the default).
    A hedged answer is asked for depth (how they would make sure), not for another story."""
    if hedged:
        return "depth"
    if not _OWN_WORK.search(answer):
        return "example"
    if not _WEIGHS_COSTS.search(answer):
        return "tradeoff"
    return "depth"


def pick_followup(question: Question, answer: str, *, hedged: bool = False,
                  turn: int = 0) -> str:
    """The follow-up for `question` after `answer`: the written one for the missing aspect,
    else another written one, else a generic one of that aspect."""
    aspect = missing_aspect(answer, hedged=hedged)
    written = question.followups
    if written is not None:
        order = (aspect, *(a for a in ("depth", "example", "tradeoff") if a != aspect))
        for name in order:
            text = getattr(written, name)
            if text:
                return text
    if question.followup:
        return question.followup
    pool = GENERIC["hedged" if hedged else aspect]
    return pool[turn % len(pool)]


def rubric_phrases(question: Question) -> set[str]:
    """The runs of words a follow-up must not contain: every QUOTE_WORDS-word run of a key
    point's text with two content words or more, and each keyword alternative of two content
    words or more; none that the question itself already says."""
    asked = " " + " ".join(words(question.question)) + " "
    found: set[str] = set()
    for point in question.key_points:
        tokens = words(point.point)
        for i in range(len(tokens) - QUOTE_WORDS + 1):
            run = tokens[i:i + QUOTE_WORDS]
            if sum(1 for t in run if t not in STOPWORDS) >= 2:
                found.add(" ".join(run))
        for keyword in point.keywords:
            for alternative in re.split(r"[|&+]", keyword):
                plain = alternative.strip()
                if "*" in plain:
                    continue
                tokens = words(plain)
                if sum(1 for t in tokens if t not in STOPWORDS) >= 2:
                    found.add(" ".join(tokens))
    return {p for p in found if f" {p} " not in asked}


def leaks_rubric(text: str, question: Question) -> list[str]:
    """The rubric phrases `text` contains (empty when it gives nothing away)."""
    said = " " + " ".join(words(text)) + " "
    return sorted(p for p in rubric_phrases(question) if f" {p} " in said)
