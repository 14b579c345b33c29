"""Finding a rubric's key points, and its known wrong claims, in an answer.

A keyword (or a misconception phrase) in a role file is a small pattern, matched on stems so
"bloated" meets "bloat" and "indexes" meets "index":

- `execution plan`: the words in that order;
- `row + estimate`: every part somewhere in one sentence ("the row estimates were off");
- `sync|synchronous + commit`: alternatives inside a part;
- `idempot*`: a word starting with that stem.

A key point is *credited* only by an occurrence the candidate asserts: not in a clause that
rejects it, not in a sentence that only guesses, not in a bare list of terms, not in a
sentence addressed to the grader. A misconception found in a sentence that does not refute
it costs the point and is quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.scoring.language import (
    BOUNDARY_TOKENS,
    NEGATORS,
    Sentence,
    normalise,
    tokenise,
)
from bot.text import STOPWORDS, stem

PART_SEPARATOR = " + "
ALTERNATIVE_SEPARATOR = "|"
# Words that, in the clause of a wrong claim, show the candidate refuting it.
_REFUTING = frozenset({*NEGATORS, "without", "myth", "misconception", "wrong", "wrongly",
                       "false", "incorrect", "mistake", "mistaken", "untrue", "misleading"})
_LIST_JOINERS = frozenset({"and", "or", "&", "plus"})
# A sentence whose terms are this share of its words is a list of keywords.
STUFFED_SHARE = 0.75
BARE_ITEMS_FOR_LIST = 3
SHORT_ITEM_WORDS = 4


class Evidence(StrEnum):
    CREDITED = "credited"
    HEDGED = "hedged"  # only guessed at
    REJECTED = "rejected"  # named in order to reject it
    LISTED = "listed"  # a bare term in a list of keywords
    ABSENT = "absent"


@dataclass(frozen=True)
class Phrase:
    stems: tuple[str, ...]
    prefix: bool = False  # the last stem is a prefix ("idempot*")


@dataclass(frozen=True)
class Pattern:
    source: str
    parts: tuple[tuple[Phrase, ...], ...]


NUMBER = "<number>"
_NUMBER_WORDS = frozenset(stem(w) for w in (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion twice half dozen".split()))


@lru_cache(maxsize=8192)
def compile_pattern(text: str) -> Pattern:
    parts = []
    for part in text.split(PART_SEPARATOR):
        alternatives = []
        for alt in part.split(ALTERNATIVE_SEPARATOR):
            alt = alt.strip()
            if alt == NUMBER:
                alternatives.append(Phrase((NUMBER,)))
                continue
            prefix = alt.endswith("*")
            words = tokenise(normalise(alt.rstrip("*")))
            if not words:
                continue
            stems = [w if w in BOUNDARY_TOKENS else stem(w) for w in words]
            if prefix:
                stems[-1] = words[-1]  # a prefix is matched against stems as written
            alternatives.append(Phrase(tuple(stems), prefix))
        if alternatives:
            parts.append(tuple(alternatives))
    return Pattern(text, tuple(parts))


def pattern_problem(text: str) -> str | None:
    """Why a keyword or misconception phrase cannot match anything, or None."""
    pattern = compile_pattern(text)
    if not pattern.parts or len(pattern.parts) != len(text.split(PART_SEPARATOR)):
        return f"{text!r} has an empty part (write 'a + b', 'a|b', or 'word*')"
    if any(not alt.stems for part in pattern.parts for alt in part):
        return f"{text!r} has an empty alternative"
    return None


Span = tuple[int, int]


def phrase_spans(phrase: Phrase, sentence: Sentence) -> list[Span]:
    """Every place the phrase occurs in the sentence, as token spans."""
    stems = sentence.stems
    n = len(phrase.stems)
    found = []
    for start in range(len(stems) - n + 1):
        if all(_stem_matches(phrase, k, stems[start + k]) for k in range(n)):
            found.append((start, start + n))
    return found


def _stem_matches(phrase: Phrase, k: int, token_stem: str) -> bool:
    wanted = phrase.stems[k]
    if wanted == NUMBER:
        return any(ch.isdigit() for ch in token_stem) or token_stem in _NUMBER_WORDS
    if phrase.prefix and k == len(phrase.stems) - 1:
        return token_stem.startswith(wanted)
    return token_stem == wanted


def occurrences(pattern: Pattern, sentence: Sentence) -> list[tuple[Span, ...]]:
    """Ways the whole pattern occurs in one sentence: one span per part. Only the first
    few combinations are kept; a sentence rarely repeats a term."""
    per_part = []
    for part in pattern.parts:
        spans = [s for alt in part for s in phrase_spans(alt, sentence)]
        if not spans:
            return []
        per_part.append(spans[:3])
    combos: list[tuple[Span, ...]] = [()]
    for spans in per_part:
        combos = [c + (s,) for c in combos for s in spans][:9]
    return combos


@dataclass(frozen=True)
class SentenceContext:
    """What the scorer knows about one sentence beyond its words."""

    sentence: Sentence
    index: int
    instruction: bool = False  # addressed to the grader/interviewer: ignored
    listed: frozenset[int] = frozenset()  # token positions that are bare list items


def classify(spans: tuple[Span, ...], ctx: SentenceContext) -> Evidence:
    s = ctx.sentence
    tokens = [t for a, b in spans for t in range(a, b)]
    if ctx.instruction:
        return Evidence.REJECTED
    if any(s.rejected[t] for t in tokens):
        return Evidence.REJECTED
    if all(t in ctx.listed for t in tokens):
        return Evidence.LISTED
    if s.hedge == "strong" or s.question:
        return Evidence.HEDGED
    return Evidence.CREDITED


_RANK = {Evidence.CREDITED: 4, Evidence.HEDGED: 3, Evidence.LISTED: 2, Evidence.REJECTED: 1,
         Evidence.ABSENT: 0}


@dataclass(frozen=True)
class PointFinding:
    evidence: Evidence = Evidence.ABSENT
    keyword: str = ""
    sentence: int = -1  # index of the sentence that carries it
    weak_hedge: bool = False
    wrong_claims: tuple[WrongClaim, ...] = ()


@dataclass(frozen=True)
class WrongClaim:
    claim: str
    quote: str
    sentence: int
    hedged: bool


def find_point(keywords: Sequence[str], contexts: Sequence[SentenceContext]) -> PointFinding:
    """The best evidence of one key point across the answer's sentences."""
    best = PointFinding()
    for ctx in contexts:
        for keyword in keywords:
            for spans in occurrences(compile_pattern(keyword), ctx.sentence):
                evidence = classify(spans, ctx)
                if _RANK[evidence] > _RANK[best.evidence]:
                    best = PointFinding(evidence, keyword, ctx.index,
                                        weak_hedge=ctx.sentence.hedge == "weak")
                if best.evidence is Evidence.CREDITED and not best.weak_hedge:
                    return best
    return best


def find_wrong_claims(misconceptions: Sequence[tuple[str, Sequence[str]]],
                      contexts: Sequence[SentenceContext]) -> tuple[WrongClaim, ...]:
    """Known wrong claims the answer makes: (claim, phrases) pairs from the role file."""
    found: list[WrongClaim] = []
    for claim, phrases in misconceptions:
        hit = _first_claim(claim, phrases, contexts)
        if hit is not None:
            found.append(hit)
    return tuple(found)


def _first_claim(claim: str, phrases: Sequence[str],
                 contexts: Sequence[SentenceContext]) -> WrongClaim | None:
    for ctx in contexts:
        if ctx.instruction:
            continue
        for phrase in phrases:
            for spans in occurrences(compile_pattern(phrase), ctx.sentence):
                if not _refuted(spans, ctx.sentence):
                    return WrongClaim(claim, ctx.sentence.text, ctx.index,
                                      hedged=ctx.sentence.hedge == "strong")
    return None


def _refuted(spans: tuple[Span, ...], s: Sentence) -> bool:
    """A refuting word in the clauses the claim spans, outside the claim's own words:
    "async replication does not give zero RPO" refutes; "there's no lag" is the claim."""
    inside = {t for a, b in spans for t in range(a, b)}
    clauses = {s.clause[t] for t in inside}
    return any(s.clause[j] in clauses and j not in inside and w in _REFUTING
               for j, w in enumerate(s.words))


def listed_tokens(sentence: Sentence, term_spans: Sequence[Span]) -> frozenset[int]:
    """Positions of keywords standing as items of a list of terms ("EXPLAIN, statistics,
    index, bloat"), when the sentence is such a list; empty for ordinary prose. In a list,
    a short item ("I know EXPLAIN, ...") counts as listed too. `term_spans` are the
    sentence's single-phrase keyword matches (co-occurring parts are prose by nature)."""
    covered = {t for a, b in term_spans for t in range(a, b)}
    if not covered:
        return frozenset()
    items: list[list[int]] = [[]]
    for j, w in enumerate(sentence.words):
        if w in BOUNDARY_TOKENS or w in _LIST_JOINERS:
            items.append([])
        else:
            items[-1].append(j)
    items = [item for item in items if item]
    bare = [item for item in items if _is_bare(item, sentence, covered)]
    content = [j for j, w in enumerate(sentence.words)
               if w not in BOUNDARY_TOKENS and w not in STOPWORDS]
    share = len(covered & set(content)) / len(content) if content else 0.0
    listed: set[int] = set()
    if len(bare) >= BARE_ITEMS_FOR_LIST:
        listed.update(j for item in items if len(_content(item, sentence)) <= SHORT_ITEM_WORDS
                      and covered & set(item) for j in item)
    if len(content) >= 6 and share >= STUFFED_SHARE:
        listed.update(covered)
    return frozenset(listed)


def _content(item: list[int], sentence: Sentence) -> list[int]:
    return [j for j in item if sentence.words[j] not in STOPWORDS]


def _is_bare(item: list[int], sentence: Sentence, covered: set[int]) -> bool:
    content = _content(item, sentence)
    return bool(content) and all(j in covered for j in content)
