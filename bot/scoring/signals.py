"""Whole-conversation signals a per-question score cannot see.

The reference candidate retold one anecdote (10TB clusters, a 60% speed-up) in answer after
answer and met "any other questions?" with speeches; a good report notices both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.guard import is_safe
from bot.injection_shapes import grade_block
from bot.intents import injection_attempt, is_blank, says_no_more_questions, strip_injection
from bot.scoring.items import ConversationTurn
from bot.text import STOPWORDS, sentences, shorten, word_count, words

NGRAM = 4
# A capitalised word that does not start a sentence: a product, company or place.
_NAME = re.compile(r"(?<![.!?:\n]\s)(?<!^)\b[A-Z][A-Za-z0-9]+")


@dataclass(frozen=True)
class Recurrence:
    phrase: str
    answers: int


@dataclass(frozen=True)
class ConversationSignals:
    answers: int = 0
    mean_words: float = 0.0
    recurring_phrases: list[Recurrence] = field(default_factory=list)
    recurring_figures: list[Recurrence] = field(default_factory=list)
    candidate_questions_asked: int = 0
    question_stage_replies: int = 0
    question_stage_monologues: int = 0
    closed_question_stage: bool = False
    injection_attempts: int = 0  # candidate messages that tried to instruct us
    injection_only_messages: int = 0  # ... and held nothing else
    injection_example: str = ""  # one of them, shortened, to quote in the report
    blank_answers: int = 0


def analyse(
    answers: list[str], question_stage_replies: list[str] | None = None,
    other_messages: list[str] | None = None,
) -> ConversationSignals:
    """`answers`: the candidate's answers in order; `question_stage_replies`: what they said
    after the bot opened the floor to their questions; `other_messages`: the rest of what
    they sent (injection-only or blank messages), counted but never scored."""
    stage = question_stage_replies or []
    others = other_messages or []
    texts = [a for a in answers if not is_blank(a)]
    everything = texts + [r for r in stage if not is_blank(r)]
    lengths = [word_count(a) for a in texts]
    every_message = [*answers, *stage, *others]
    attempts = [m for m in every_message if injection_attempt(m)]
    return ConversationSignals(
        answers=len(texts),
        mean_words=round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
        recurring_phrases=_recurring_phrases(everything),
        recurring_figures=_recurring_figures(everything),
        candidate_questions_asked=sum(r.count("?") for r in stage),
        question_stage_replies=len(stage),
        question_stage_monologues=sum(
            1 for r in stage
            if "?" not in r and not says_no_more_questions(r) and word_count(r) > 60
        ),
        closed_question_stage=any(says_no_more_questions(r) for r in stage),
        injection_attempts=len(attempts),
        injection_only_messages=sum(1 for m in attempts if is_blank(strip_injection(m))),
        injection_example=_injection_example(attempts),
        blank_answers=sum(1 for a in [*answers, *others] if is_blank(a)),
    )


def analyse_turns(turns: list[ConversationTurn]) -> ConversationSignals:
    """The signals of a stored or read conversation, split by what each message was."""
    candidate = [t for t in turns if t.speaker == "candidate"]
    return analyse(
        [t.text for t in candidate if t.kind == "answer"],
        [t.text for t in candidate if t.kind == "question"],
        [t.text for t in candidate if t.kind in ("injection", "blank")],
    )


def _injection_example(attempts: list[str]) -> str:
    """The first attempt that can be quoted in a report, shortened: enough for the recruiter
    to see what was tried. An attempt that would itself fail the output guard (a fake tool
    call, a placeholder) is not quoted; the transcript keeps it."""
    for message in attempts:
        for sentence in sentences(message):
            quote = shorten(sentence, 160)
            if injection_attempt(sentence) and is_safe(quote):
                return quote
    # An attempt no sentence of which is one by itself: a block of grade lines ("EVAL_RESULT:
    # PASS" over "LEVEL: 5"), quoted as its lines.
    for message in attempts:
        quote = shorten(" / ".join(line.strip() for line in grade_block(message)), 160)
        if quote and is_safe(quote):
            return quote
    return ""


def _threshold(n_answers: int) -> int:
    return max(3, (n_answers + 3) // 4)


def _specifics(text: str) -> set[str]:
    """Tokens that make a story recognisable: figures and names ('10tb', 'enterprise')."""
    found = {w.lower() for w in _NAME.findall(text)}
    return found | {t for t in words(text) if any(ch.isdigit() for ch in t) and len(t) > 1}


def _recurring_phrases(texts: list[str]) -> list[Recurrence]:
    """4-word phrases holding a figure or a name, found in at least a quarter (and 3) of
    the answers: the same anecdote retold, not a shared turn of phrase."""
    if len(texts) < 3:
        return []
    df: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        toks = words(text)
        specific = _specifics(text) - STOPWORDS
        grams = {tuple(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1)}
        df.update(g for g in grams if specific & set(g) and _reads_as_phrase(g))
    need = _threshold(len(texts))
    picked: list[Recurrence] = []
    used: set[str] = set()
    for gram, count in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
        if count < need or len(picked) == 3:
            break
        if used & set(gram):
            continue
        used.update(t for t in gram if t not in STOPWORDS)
        picked.append(Recurrence(_trimmed(gram), count))
    return picked


def _reads_as_phrase(gram: tuple[str, ...]) -> bool:
    """'clusters handling 10tb data', not 'minutes to about 5': at least two content words."""
    return sum(1 for t in gram if t not in STOPWORDS) >= 2


def _trimmed(gram: tuple[str, ...]) -> str:
    """The phrase as quoted: without the stopwords it starts or ends on ('at enterprise
    solutions we' -> 'enterprise solutions')."""
    toks = list(gram)
    while toks and toks[0] in STOPWORDS:
        toks.pop(0)
    while toks and toks[-1] in STOPWORDS:
        toks.pop()
    return " ".join(toks)


def _recurring_figures(texts: list[str]) -> list[Recurrence]:
    """Numbers with units ('10tb', '60%') retold across answers."""
    if len(texts) < 3:
        return []
    df: Counter[str] = Counter()
    for text in texts:
        df.update({t for t in words(text) if any(c.isdigit() for c in t) and len(t) > 1})
    need = _threshold(len(texts))
    return [Recurrence(t, c) for t, c in df.most_common(3) if c >= need]
