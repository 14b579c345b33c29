"""Sentence-building helpers for simulated candidates: English lists, resume lines retold in
the first person, and (for roles without an answer bank) rubric points woven into text."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from bot.roles import KeyPoint
from bot.simulated.phrases import (
    COMMON_VERBS,
    FIRST_NAMES,
    IRREGULAR_PAST,
    LAST_NAMES,
    NON_TOPIC_STARTS,
    NON_TOPICS,
    OBJECT_STARTERS,
    STRONG_FIRST_PHRASE_TEMPLATE,
    STRONG_FIRST_VERB_TEMPLATE,
    STRONG_PHRASE_TEMPLATES,
    STRONG_VERB_TEMPLATES,
)


def name_for(seed: int) -> str:
    """A plausible full name that depends on the seed only, never on the profile (scoring
    is blind, and a name must not give the profile away)."""
    first = FIRST_NAMES[seed % len(FIRST_NAMES)]
    last = LAST_NAMES[(seed // len(FIRST_NAMES) + 5 * seed) % len(LAST_NAMES)]
    return f"{first} {last}"


def word_count(text: str) -> int:
    return len(text.split())


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def decapitalize(text: str) -> str:
    """Lower the first letter unless the first word looks like an acronym ("SQL", "MVCC")."""
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and not first_word[1:].islower():
        return text
    return text[:1].lower() + text[1:]


def with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def join_words(items: Sequence[str]) -> str:
    """Join as an English list: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def display_term(term: str, *sources: str) -> str:
    """`term` spelled as the role's own text spells it mid-sentence ("aws rds" -> "AWS RDS",
    "explain" -> "EXPLAIN", "patroni" -> "Patroni"), else lowercase: a capital that only
    starts a sentence ("Monitoring uses ...") says nothing about the term."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.IGNORECASE)
    for source in sources:
        for match in pattern.finditer(source):
            before = source[: match.start()].rstrip(" \t")
            if before and before[-1] not in ".!?:\n":
                return match.group(0)
    return term


def base_verb(word: str) -> str:
    """Third person to base form: "reads" -> "read", "verifies" -> "verify", "has" -> "have"."""
    lower = word.lower()
    special = {"has": "have", "does": "do", "goes": "go", "is": "am"}
    if lower in special:
        return special[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return lower[:-2]
    return lower[:-1]


def looks_like_verb(word: str) -> bool:
    return (
        word.isalpha()
        and word[:1].isupper()
        and word[1:].islower()
        and (word.endswith("s") and not word.endswith("ss"))
    )


def first_person(point: str) -> str | None:
    """A rubric point written about a candidate, retold by the candidate.

    "Tests restores regularly and measures how long they take" becomes "test restores
    regularly and measure how long they take" (to follow "I"); a point that does not start
    with a third-person verb gives None.
    """
    words = point.strip().rstrip(".").split(" ")
    if len(words) < 2 or not looks_like_verb(words[0]):
        return None
    out = [base_verb(words[0])]
    for i, word in enumerate(words[1:], start=1):
        prev = words[i - 1].lstrip("(").lower()
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        if (
            prev in ("and", "or")
            and word.isalpha()
            and word.islower()
            and word.endswith("s")
            and not word.endswith("ss")
            and (nxt in OBJECT_STARTERS or base_verb(word) in COMMON_VERBS)
        ):
            word = base_verb(word)
        out.append(word)
    return " ".join(out).replace(" / ", " or ")


def leaks(text: str, forbidden: Sequence[str]) -> bool:
    """Whether `text` would show a key point we mean to leave out (lowercase substring, the
    loosest possible match, so no scorer can find it either)."""
    low = text.lower()
    return any(kw and kw in low for kw in forbidden)


def safe(sentences: Sequence[str], forbidden: Sequence[str]) -> list[str]:
    return [s for s in sentences if not leaks(s, forbidden)]


def forbidden_keywords(points: Sequence[KeyPoint], shown: set[int]) -> list[str]:
    return [kw.lower() for i, p in enumerate(points) if i not in shown for kw in p.keywords]


def pick_keywords(
    point: KeyPoint, forbidden: Sequence[str], rng: random.Random, count: int
) -> list[str]:
    """Up to `count` keywords of `point`, preferring ones that don't also reveal other,
    deliberately omitted points ("asynchronous" contains "sync", another point's keyword).
    A second keyword is only added when it is not a variant of the first ("explain" and
    "explain analyze" read as a stutter)."""
    usable = [k for k in point.keywords if k.strip()]
    clean = [k for k in usable if not leaks(k, forbidden)] or usable
    if not clean:
        return []
    order = sorted(rng.sample(clean, len(clean)), key=lambda k: not reads_as_topic(k))
    chosen = [order[0]]
    for kw in order[1:]:
        if len(chosen) >= count:
            break
        if all(distinct(kw, c) for c in chosen):
            chosen.append(kw)
    return [display_term(k, point.point) for k in chosen]


def reads_as_topic(keyword: str) -> bool:
    """Whether a keyword reads naturally as a topic ("replication lag", "pg_stat_statements")
    rather than a verb or adjective ("compare", "measured", "stale") in "I look at {kw}"."""
    first = keyword.split(" ", 1)[0]
    if first in NON_TOPIC_STARTS or first.endswith("ly"):
        return False
    if " " in keyword or "_" in keyword or any(ch.isdigit() for ch in keyword):
        return True
    if keyword in NON_TOPICS or keyword.endswith(("ed", "ise", "ize", "ate", "ent")):
        return False
    return True


def distinct(a: str, b: str) -> bool:
    """Two keywords that are not spellings of the same thing."""
    if a in b or b in a:
        return False
    if set(a.replace("-", " ").split()) & set(b.replace("-", " ").split()):
        return False
    return a.replace("-", "").replace(" ", "")[:5] != b.replace("-", "").replace(" ", "")[:5]


def weave_keypoints(
    points: Sequence[KeyPoint],
    indices: Sequence[int],
    templates: Sequence[str],
    rng: random.Random,
    *,
    forbidden: Sequence[str] = (),
    keywords_per_point: int = 1,
) -> list[str]:
    """One sentence per chosen key point, each from a different template (reshuffled when
    they run out) with the point's keyword(s) filled in."""
    order: list[str] = []
    sentences = []
    for i in indices:
        if not order:
            order = list(templates)
            rng.shuffle(order)
        template = order.pop()
        kws = pick_keywords(points[i], forbidden, rng, keywords_per_point)
        if kws:
            phrase = join_words(kws)
            sentences.append(template.format(kw=phrase, Kw=capitalize(phrase)))
    return sentences


def retell_point(
    point: KeyPoint,
    verb_templates: list[str],
    phrase_templates: list[str],
    rng: random.Random,
    *,
    first: bool = False,
) -> str:
    """The rubric point in the candidate's own voice: "I read the execution plan ..." for a
    point starting with a verb, otherwise the point as a remark. The template lists are
    shared across one answer and refilled in a seeded order, so templates don't repeat."""
    text = point.point.strip().rstrip(".")
    if text.lower().startswith(("or ", "and ")):  # "Or optimistic locking ..." continues a list
        text = capitalize(text.split(" ", 1)[1])
    vp = first_person(text)
    if vp is not None:
        if first:
            return STRONG_FIRST_VERB_TEMPLATE.format(vp=vp)
        if not verb_templates:
            verb_templates.extend(rng.sample(STRONG_VERB_TEMPLATES, len(STRONG_VERB_TEMPLATES)))
        return verb_templates.pop().format(vp=vp)
    if first:
        return STRONG_FIRST_PHRASE_TEMPLATE.format(p=decapitalize(text.replace(" / ", " or ")))
    if not phrase_templates:
        phrase_templates.extend(rng.sample(STRONG_PHRASE_TEMPLATES, len(STRONG_PHRASE_TEMPLATES)))
    return phrase_templates.pop().format(p=decapitalize(text.replace(" / ", " or ")))


def pad(
    sentences: list[str],
    pool: Sequence[str],
    minimum: int,
    rng: random.Random,
    *,
    before_last: bool = False,
) -> list[str]:
    """Add sentences from `pool` (without repeats) until the text has `minimum` words."""
    extra = [s for s in pool if s not in sentences]
    rng.shuffle(extra)
    while extra and word_count(" ".join(sentences)) < minimum:
        sentence = extra.pop()
        if before_last and sentences:
            sentences.insert(len(sentences) - 1, sentence)
        else:
            sentences.append(sentence)
    return sentences


def mentioned_resume_line(text: str, lines: Sequence[str]) -> str | None:
    """The resume line the bot asks about: a line contained in its message, else a quoted
    fragment of the message, else None."""
    low = text.lower()
    contained = [line for line in lines if line and line.lower() in low]
    if contained:
        return max(contained, key=len)
    match = re.search(r"[\"“”«]([^\"“”«»]{8,})[\"“”»]", text)
    return match.group(1).strip() if match else None


def as_clause(line: str) -> str:
    """A resume line retold in the first person ("Managed X" -> "I managed X")."""
    line = line.strip().rstrip(".")
    first = line.split(" ", 1)[0].lower()
    if first.endswith("ed") or first in IRREGULAR_PAST:
        return f"I {decapitalize(line)}"
    return f'I worked on "{line}"'
