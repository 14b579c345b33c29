"""The pattern language of a role file's keywords and wrong-claim phrases, and where a
pattern occurs in a sentence.

A keyword (or a misconception phrase) is a small pattern, matched on stems so "bloated"
meets "bloat" and "indexes" meets "index":

- `execution plan`: the words in that order;
- `row + estimate`: every part somewhere in one sentence ("the row estimates were off");
- `throttl* & improv*`: both in the same clause of a sentence (they combine with `+`:
  `throttl* & improv* + latency`);
- `sync|synchronous + commit`: alternatives inside a part;
- `idempot*`: a word starting with that (as written, or as stemmed);
- `<number>`: any number, also inside a phrase (`<number> minutes`).

Whether an occurrence earns credit (or costs it) is bot.scoring.matching's question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.scoring.language import BOUNDARY_TOKENS, Sentence, normalise, tokenise
from bot.text import stem

PART_SEPARATOR = " + "
SAME_CLAUSE_SEPARATOR = " & "
ALTERNATIVE_SEPARATOR = "|"


@dataclass(frozen=True)
class Phrase:
    stems: tuple[str, ...]
    # Per word: matched as a prefix ("idempot*"), of the word as written or of its stem.
    prefixes: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Part:
    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True)
class Pattern:
    source: str
    parts: tuple[tuple[Phrase, ...], ...]
    # Groups of part indexes joined with " & ": each group's parts share one clause.
    clause_groups: tuple[tuple[int, ...], ...] = ()
    # Per part, one word each alternative must have (its longest: the least common): a
    # stem, or (for `word*`) a prefix; None when some alternative has no word at all (only
    # `<number>` or clause punctuation, BOUNDARY_TOKENS), which any sentence may hold. A
    # sentence with none of them cannot match.
    required: tuple[frozenset[str] | None, ...] = ()
    # Per part, per alternative: every word it must have (None when some alternative has
    # none: only `<number>` or clause punctuation). A sentence holding all of one
    # alternative's words may match; one holding no alternative's words whole cannot (about
    # three in five of the sentences that have a pattern's rarest words lack the rest).
    whole: tuple[tuple[frozenset[str], ...] | None, ...] = ()
    # Per part, per alternative: its first stem when that must be a whole stem of the
    # sentence (not `word*`, not `<number>`), else None. An alternative whose stem the
    # sentence lacks is skipped without a call; most alternatives of a part are.
    plain_firsts: tuple[tuple[str | None, ...], ...] = ()
    # Per part with many alternatives: those plain first stems -> the alternatives' places
    # (OTHER_STARTS: the `word*` and `<number>` ones, always tried), so a sentence's few
    # stems pick the alternatives to try (None for a short part).
    part_index: tuple[dict[str, tuple[int, ...]] | None, ...] = ()

    def may_occur_in(self, sentence: Sentence) -> bool:
        return self.may_occur_among(sentence.prefixes)

    def may_occur_among(self, present: frozenset[str]) -> bool:
        """Whether words with these stems and prefixes could hold the pattern at all."""
        return all(firsts is None or not firsts.isdisjoint(present)
                   for firsts in self.required)

    def may_occur_whole(self, present: frozenset[str]) -> bool:
        """A sharper `may_occur_among`: some alternative of each part has all its words
        among `present`."""
        return all(alts is None or any(words <= present for words in alts)
                   for alts in self.whole)


def live_patterns(patterns: Sequence[str], present: frozenset[str]) -> list[str]:
    """The patterns that could match a text whose words give `present`: an answer is read
    against its rubric's few live patterns instead of all of them, sentence by sentence."""
    return [p for p in patterns if compile_pattern(p).may_occur_among(present)]


@dataclass(frozen=True)
class PatternIndex:
    """A rubric's patterns filed under the stems (or `word*` prefixes) one of their parts
    must hold. A sentence has a few dozen words and a rubric a few hundred patterns:
    looking its words up here finds the handful that could match it, where testing every
    pattern against every sentence was most of the cost of reading an answer."""

    patterns: dict[str, Pattern]  # source -> compiled, in the rubric's order
    by_anchor: dict[str, tuple[str, ...]]
    anchors: frozenset[str]
    # Every part has a wordless alternative (`<number>` or clause punctuation only): tried
    # on every sentence.
    unanchored: tuple[str, ...]
    # Patterns with a required start in more than one part: found by one, checked for all.
    several: dict[str, Pattern]

    def may_occur_among(self, present: frozenset[str]) -> frozenset[str]:
        """The sources of the patterns that could match words giving `present` (exactly
        those whose `Pattern.may_occur_among` holds)."""
        found = set(self.unanchored)
        for key in self.anchors.intersection(present):
            found.update(self.by_anchor[key])
        several = self.several
        return frozenset(s for s in found
                         if s not in several or several[s].may_occur_among(present))


@lru_cache(maxsize=1024)
def pattern_index(sources: tuple[str, ...]) -> PatternIndex:
    """The index of these patterns, built once per distinct list: a role version's rubrics
    are the same strings on every turn, and a new version's differ, so it gets its own."""
    patterns = {s: compile_pattern(s) for s in sources}
    by_anchor: dict[str, list[str]] = {}
    unanchored = []
    for source, pattern in patterns.items():
        anchor = _anchor(pattern)
        if anchor is None:
            unanchored.append(source)
            continue
        for first in anchor:
            by_anchor.setdefault(first, []).append(source)
    several = {s: p for s, p in patterns.items()
               if sum(firsts is not None for firsts in p.required) > 1}
    return PatternIndex(patterns, {k: tuple(v) for k, v in by_anchor.items()},
                        frozenset(by_anchor), tuple(unanchored), several)


def _anchor(pattern: Pattern) -> frozenset[str] | None:
    """The required words of the part least likely to be present (its shortest required
    word the longest): a pattern can occur only where one of them does."""
    parts = [firsts for firsts in pattern.required if firsts is not None]
    if not parts:
        return None
    return max(parts, key=lambda firsts: min(len(f) for f in firsts))


NUMBER = "<number>"
_NUMBER_WORDS = frozenset(stem(w) for w in (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion twice half dozen".split()))


_NUMBER_TOKEN = "__number__"
_STAR_INSIDE_WORD = re.compile(r"[a-z0-9]\*+[a-z0-9]", re.IGNORECASE)


@lru_cache(maxsize=8192)
def compile_pattern(text: str) -> Pattern:
    parts: list[tuple[Phrase, ...]] = []
    groups: list[tuple[int, ...]] = []
    for group in text.split(PART_SEPARATOR):
        members = []
        for part in group.split(SAME_CLAUSE_SEPARATOR):
            alternatives = tuple(dict.fromkeys(
                p for alt in part.split(ALTERNATIVE_SEPARATOR)
                if (p := _phrase(alt.strip())) is not None))
            if alternatives:
                members.append(len(parts))
                parts.append(alternatives)
        if len(members) > 1:
            groups.append(tuple(members))
    plain_firsts = tuple(tuple(_plain_first(alt) for alt in part) for part in parts)
    return Pattern(text, tuple(parts), tuple(groups),
                   tuple(_required(part) for part in parts),
                   tuple(_whole(part) for part in parts), plain_firsts,
                   tuple(_part_index(firsts) for firsts in plain_firsts))


INDEXED_PART = 8  # alternatives from which a part looks its candidates up
OTHER_STARTS = ""  # no stem is empty


def _part_index(firsts: tuple[str | None, ...]) -> dict[str, tuple[int, ...]] | None:
    if len(firsts) < INDEXED_PART:
        return None
    places: dict[str, list[int]] = {}
    for i, first in enumerate(firsts):
        places.setdefault(OTHER_STARTS if first is None else first, []).append(i)
    return {first: tuple(found) for first, found in places.items()}


def _plain_first(phrase: Phrase) -> str | None:
    first = phrase.stems[0]
    if first == _NUMBER_TOKEN or (phrase.prefixes and phrase.prefixes[0]):
        return None
    return first


def _words_of(phrase: Phrase) -> frozenset[str]:
    """The words a sentence must have for the phrase to occur in it: every stem and
    `word*` prefix (a sentence's `prefixes` hold both), not numbers or punctuation."""
    return frozenset(w for w in phrase.stems
                     if w != _NUMBER_TOKEN and w not in BOUNDARY_TOKENS)


def _required(part: tuple[Phrase, ...]) -> frozenset[str] | None:
    found = set()
    for phrase in part:
        words = _words_of(phrase)
        if not words:
            return None
        found.add(max(sorted(words), key=len))
    return frozenset(found)


def _whole(part: tuple[Phrase, ...]) -> tuple[frozenset[str], ...] | None:
    found = tuple(_words_of(phrase) for phrase in part)
    return found if all(found) else None


def _phrase(alt: str) -> Phrase | None:
    words = tokenise(normalise(alt.replace(NUMBER, _NUMBER_TOKEN)))
    if not words:
        return None
    raw = alt.lower().split()
    starred = {w.rstrip("*") for w in raw if w.endswith("*")}
    stems, prefixes = [], []
    for w in words:
        prefix = w in {tokenise(normalise(x))[-1] for x in starred if tokenise(normalise(x))}
        stems.append(w if w in BOUNDARY_TOKENS or prefix or w == _NUMBER_TOKEN else stem(w))
        prefixes.append(prefix)
    return Phrase(tuple(stems), tuple(prefixes))


def pattern_problem(text: str) -> str | None:
    """Why a keyword or misconception phrase cannot match anything, or None."""
    pattern = compile_pattern(text)
    written = sum(len(g.split(SAME_CLAUSE_SEPARATOR)) for g in text.split(PART_SEPARATOR))
    if not pattern.parts or len(pattern.parts) != written:
        return (f"{text!r} has an empty part (write 'a + b', 'a & b', 'a|b', 'word*' or "
                "'<number>')")
    if _STAR_INSIDE_WORD.search(text):
        return f"{text!r}: '*' goes only at the end of a word, as in 'idempot*'"
    return None


Span = tuple[int, int]


# Degree words a speaker slips inside a phrase without changing what it claims: "the RPO
# is effectively zero" says "the RPO is zero", "the replica has fully applied it" says "the
# replica has applied it". A phrase's words may have these between them (never a negator:
# "is not zero" must not read as "is zero"; never "only", "always" or "usually", which
# change the claim).
FILLERS = frozenset({
    "actually", "really", "fully", "effectively", "basically", "essentially", "practically",
    "virtually", "completely", "totally", "entirely", "literally", "simply", "truly",
    "genuinely", "quite", "very", "pretty", "also", "definitely", "certainly", "clearly",
    "obviously", "honestly", "typically", "generally",
})
MAX_FILLERS = 2


def phrase_spans(phrase: Phrase, sentence: Sentence) -> list[Span]:
    """Every place the phrase occurs in the sentence, as token spans. Starts are looked up
    in the sentence's index of stems, so a phrase whose first word is absent costs one
    dictionary lookup: role files hold thousands of alternatives. Up to MAX_FILLERS degree
    words (FILLERS) may stand between the phrase's words."""
    stems, words = sentence.stems, sentence.words
    n = len(phrase.stems)
    first = phrase.stems[0]
    if first == _NUMBER_TOKEN:
        starts: Iterable[int] = range(len(stems) - n + 1)
    elif phrase.prefixes and phrase.prefixes[0]:
        if first not in sentence.prefixes:
            return []
        starts = range(len(stems) - n + 1)
    else:
        starts = sentence.positions.get(first, ())
    found = []
    for start in starts:
        if start + n > len(stems):
            break
        if not _stem_matches(phrase, 0, stems[start], words[start]):
            continue
        end = _rest_matches(phrase, stems, words, start + 1)
        if end is not None:
            found.append((start, end))
    return found


def _rest_matches(phrase: Phrase, stems: tuple[str, ...], words: tuple[str, ...],
                  j: int) -> int | None:
    """Where the phrase's words after the first end, matched from token `j` on, or None."""
    skipped = 0
    for k in range(1, len(phrase.stems)):
        while (j < len(stems) and skipped < MAX_FILLERS and words[j] in FILLERS
               and not _stem_matches(phrase, k, stems[j], words[j])):
            j += 1
            skipped += 1
        if j >= len(stems) or not _stem_matches(phrase, k, stems[j], words[j]):
            return None
        j += 1
    return j


def _stem_matches(phrase: Phrase, k: int, token_stem: str, token_word: str) -> bool:
    wanted = phrase.stems[k]
    if wanted == _NUMBER_TOKEN:
        return any(ch.isdigit() for ch in token_stem) or token_stem in _NUMBER_WORDS
    if phrase.prefixes and phrase.prefixes[k]:
        return token_word.startswith(wanted) or token_stem.startswith(wanted)
    return token_stem == wanted


def occurrences(pattern: Pattern, sentence: Sentence) -> list[tuple[Span, ...]]:
    """Ways the whole pattern occurs in one sentence: one span per part. Only the first
    few combinations are kept; a sentence rarely repeats a term."""
    if not pattern.may_occur_in(sentence):
        return []
    return live_occurrences(pattern, sentence)


def live_occurrences(pattern: Pattern, sentence: Sentence) -> list[tuple[Span, ...]]:
    """`occurrences` for a pattern already found live in the sentence (a `PatternIndex`
    looked it up): its rarest words are known to be there."""
    if not pattern.may_occur_whole(sentence.prefixes):
        return []
    per_part = []
    for i, part in enumerate(pattern.parts):
        spans = list(dict.fromkeys(
            _part_spans(part, pattern.plain_firsts[i], pattern.part_index[i], sentence)
            if pattern.plain_firsts else
            [s for alt in part for s in phrase_spans(alt, sentence)]))
        if not spans:
            return []
        per_part.append(spans[:4])
    combos: list[tuple[Span, ...]] = [()]
    for spans in per_part:
        combos = [c + (s,) for c in combos for s in spans][:9]
    if pattern.clause_groups:
        clause = sentence.clause
        combos = [c for c in combos
                  if all(len({clause[c[i][0]] for i in group}) == 1
                         for group in pattern.clause_groups)]
    return combos


def _part_spans(part: tuple[Phrase, ...], firsts: tuple[str | None, ...],
                index: dict[str, tuple[int, ...]] | None, sentence: Sentence) -> list[Span]:
    """`phrase_spans` of each alternative in turn, concatenated; an alternative whose
    whole first stem is not in the sentence has none, and a one-word one is its
    positions. `index` (a long part's) picks the alternatives worth trying."""
    positions = sentence.positions
    spans: list[Span] = []
    if index is None:
        tried: Iterable[int] = range(len(part))
    else:
        tried = sorted([*(i for first in index.keys() & positions.keys() for i in index[first]),
                        *index.get(OTHER_STARTS, ())])
    for i in tried:
        alt, first = part[i], firsts[i]
        if first is None:
            spans += phrase_spans(alt, sentence)
        elif first in positions:
            if len(alt.stems) == 1:
                spans += [(p, p + 1) for p in positions[first]]
            else:
                spans += phrase_spans(alt, sentence)
    return spans
