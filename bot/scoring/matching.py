"""Finding a rubric's key points, and its known wrong claims, in an answer.

A keyword (or a misconception phrase) in a role file is a small pattern, matched on stems so
"bloated" meets "bloat" and "indexes" meets "index":

- `execution plan`: the words in that order;
- `row + estimate`: every part somewhere in one sentence ("the row estimates were off");
- `throttl* & improv*`: both in the same clause of a sentence (they combine with `+`:
  `throttl* & improv* + latency`);
- `sync|synchronous + commit`: alternatives inside a part;
- `idempot*`: a word starting with that (as written, or as stemmed);
- `<number>`: any number, also inside a phrase (`<number> minutes`).

A key point is *credited* only by an occurrence the candidate asserts: not in a clause that
rejects it, not in a sentence that only guesses, not in a bare list of terms, not in a
sentence addressed to the grader. A misconception found in a sentence that does not refute
it costs the point and is quoted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
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
SAME_CLAUSE_SEPARATOR = " & "
ALTERNATIVE_SEPARATOR = "|"
# Words that, in the clause of a wrong claim, show the candidate refuting it.
_REFUTING = frozenset({*NEGATORS, "without", "myth", "misconception", "wrong", "wrongly",
                       "false", "incorrect", "mistake", "mistaken", "untrue", "misleading",
                       "instead", "rather", "avoid", "unlike", "naive", "naively",
                       # critiques: "stopping at the first significant result inflates ..."
                       "inflates", "inflate", "biases", "hides", "hacking", "dangerous",
                       "flawed", "unsafe", "risky", "misleads", "breaks", "nobody",
                       "lacks", "impossible", "unrealistic", "fragile", "brittle",
                       "unreliable",
                       # doubt: "the 30% is very unlikely to be all caused by the community"
                       "unlikely", "doubt", "doubtful"})
# Words that refute only what follows them: "without X", "avoid X". In "the RPO is zero and
# you avoid the write latency" the claim before "avoid" is still made.
_REFUTE_WHAT_FOLLOWS = frozenset({"without", "avoid"})
# Words that condemn what came before them in the sentence, whatever the clause: a story's
# "our WAU counted any app open, so it was inflated" describes the problem it fixed, and
# "if we peeked daily and stopped at the first significant result, the false-positive rate
# is well above 5%" names the harm of what it describes, "to raise max_connections to 5000
# is a bad idea" rejects it.
_CONDEMNS_WHAT_WENT_BEFORE = re.compile(
    r"\b(?:inflated|overstated|overcounted|undercounted|meaningless|useless|bogus)\b|"
    r"\b(?:is|are|was|would be) (?:a |an )?(?:really |very )?(?:bad|terrible|poor|dangerous) "
    r"idea\b|"
    r"\b(?:false positives?|type i errors?|error)(?: rate)? (?:is|are|was|goes|will be|would be|"
    r"gets) (?:\w+ )?(?:above|higher|bigger|larger|more than|inflated|up|blown)\b")
# A negator describing a noun ("users who never logged in", "with no logins") is part of
# the claim's subject, not a refutation of it.
_DESCRIPTIVE_BEFORE_NEGATOR = frozenset({"who", "that", "which", "with"})
# Reported speech: "People often think POST is idempotent, but ..." reports a wrong claim.
_REPORTED = tuple(f" {p} " for p in (
    "people think", "people often think", "many people think", "people assume",
    "it is tempting to", "a common mistake", "common misconception", "some people",
    "you might think", "you would think", "the naive", "a classic mistake", "juniors often",
    "people believe", "is often believed", "it is a myth", "a classic failure",
    "the classic failure", "a common failure", "a classic trap", "a common trap",
    "a classic pitfall", "a common pitfall",
    "when people", "people often", "people usually", "teams often", "a lot of people",
    "most people", "many teams",
))
_LIST_JOINERS = frozenset({"and", "or", "&", "plus", "+", "="})
# A sentence whose terms are this share of its words is a list of keywords.
STUFFED_SHARE = 0.75
BARE_ITEMS_FOR_LIST = 3
BARE_SHARE_FOR_LIST = 0.6  # ... and most of the sentence's items are bare terms
SHORT_ITEM_WORDS = 4
LIST_SHAPE_ITEMS = 8  # ... and a sentence of this many short items, none related, is a list
# Words that relate one term to another: a piece that holds one ("asyncio for the fan-out",
# "gather with a timeout", "stale stats -> bad plan") says what to do and why, it is not a
# bare term. Shorthand is full of terms; a list has no relations between them.
_RELATION = frozenset({
    "for", "because", "so", "since", "via", "with", "when", "if", "to", "by", "per",
    "instead", "than", "until", "after", "before", "into", "from", "then", "but", "unless",
    "while", "on", "->", "=>", "is", "are", "was", "were", "be", "means", "gives", "causes",
    "needs", "keeps", "makes", "not", "no", "otherwise", "which", "would", "will"})
# A sentence that relates its terms this often is prose, however dense with terms.
RELATIONS_FOR_PROSE = 2
# Arrows chain claims ("bulk load -> stale stats -> bad plan"); they do not separate items.
_CHAINS = frozenset({"->", "=>"})


class Evidence(StrEnum):
    CREDITED = "credited"
    HEDGED = "hedged"  # only guessed at
    REJECTED = "rejected"  # named in order to reject it
    LISTED = "listed"  # a bare term in a list of keywords
    ABSENT = "absent"


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
    # none: only `<number>` or clause punctuation). A sentence holding all of one alternative's
    # words may match; one holding no alternative's words whole cannot (about three in
    # five of the sentences that have a pattern's rarest words lack the rest).
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
    return _occurrences(pattern, sentence)


def _occurrences(pattern: Pattern, sentence: Sentence) -> list[tuple[Span, ...]]:
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


class AnswerMatcher:
    """Where a rubric's patterns occur in one answer: each sentence's live patterns are
    looked up in the rubric's index once, and each pattern is matched against each
    sentence at most once, however many findings (key points, listed terms, wrong claims,
    the sentences that state them) ask. Results are exactly `occurrences`' own."""

    def __init__(self, index: PatternIndex, sentences: Sequence[Sentence]) -> None:
        self._index = index
        self._sentences = sentences
        self.indexed = index.patterns  # the patterns `live` knows about
        self.live = [index.may_occur_among(s.prefixes) for s in sentences]
        # Patterns that may occur in some sentence: the others cannot be found at all.
        self.anywhere: frozenset[str] = frozenset().union(*self.live)
        self._found: dict[tuple[str, int], list[tuple[Span, ...]]] = {}
        self._stated: dict[tuple[str, int], bool] = {}

    def occurrences(self, source: str, index: int) -> list[tuple[Span, ...]]:
        """`occurrences(compile_pattern(source), sentences[index])`, remembered."""
        key = (source, index)
        found = self._found.get(key)
        if found is None:
            if source in self.indexed:
                found = (_occurrences(self.indexed[source], self._sentences[index])
                         if source in self.live[index] else [])
            else:  # not one of the rubric's patterns: matched the ordinary way
                found = occurrences(compile_pattern(source), self._sentences[index])
            self._found[key] = found
        return found

    def stated(self, source: str, index: int) -> bool:
        """Whether the sentence states the pattern somewhere it does not refute it."""
        key = (source, index)
        stated = self._stated.get(key)
        if stated is None:
            sentence = self._sentences[index]
            stated = self._stated[key] = any(not _refuted(spans, sentence)
                                             for spans in self.occurrences(source, index))
        return stated


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


def find_point(keywords: Sequence[str], contexts: Sequence[SentenceContext], *,
               matcher: AnswerMatcher | None = None) -> PointFinding:
    """The best evidence of one key point across the answer's sentences (`matcher`: the
    answer's, to share what was already matched)."""
    best = PointFinding()
    for ctx in contexts:
        for keyword in keywords:
            for spans in _occurrences_of(keyword, ctx, matcher):
                evidence = classify(spans, ctx)
                if _RANK[evidence] > _RANK[best.evidence]:
                    best = PointFinding(evidence, keyword, ctx.index,
                                        weak_hedge=ctx.sentence.hedge == "weak")
                if best.evidence is Evidence.CREDITED and not best.weak_hedge:
                    return best
    return best


def find_wrong_claims(misconceptions: Sequence[tuple[str, Sequence[str]]],
                      contexts: Sequence[SentenceContext], *,
                      matcher: AnswerMatcher | None = None) -> tuple[WrongClaim, ...]:
    """Known wrong claims the answer makes: (claim, phrases) pairs from the role file."""
    found: list[WrongClaim] = []
    for claim, phrases in misconceptions:
        hit = _first_claim(claim, phrases, contexts, matcher)
        if hit is not None:
            found.append(hit)
    return tuple(found)


def claim_sentences(misconceptions: Sequence[tuple[str, Sequence[str]]],
                    contexts: Sequence[SentenceContext], *,
                    matcher: AnswerMatcher | None = None) -> frozenset[int]:
    """Indexes of every sentence that states one of the wrong claims (unrefuted)."""
    found: set[int] = set()
    if matcher is not None:  # the same set, from the phrases live in each sentence
        every = {phrase for _claim, phrases in misconceptions for phrase in phrases}
        unindexed = every.difference(matcher.indexed)
        return frozenset(ctx.index for ctx in contexts if not ctx.instruction and any(
            matcher.stated(phrase, ctx.index)
            for phrase in (*matcher.live[ctx.index].intersection(every), *unindexed)))
    for _claim, phrases in misconceptions:
        for ctx in contexts:
            if ctx.instruction or ctx.index in found:
                continue
            if any(_states(phrase, ctx, matcher) for phrase in phrases):
                found.add(ctx.index)
    return frozenset(found)


def _first_claim(claim: str, phrases: Sequence[str], contexts: Sequence[SentenceContext],
                 matcher: AnswerMatcher | None) -> WrongClaim | None:
    for ctx in contexts:
        if ctx.instruction:
            continue
        for phrase in phrases:
            if _states(phrase, ctx, matcher):
                return WrongClaim(claim, ctx.sentence.text, ctx.index,
                                  hedged=ctx.sentence.hedge == "strong")
    return None


def _occurrences_of(source: str, ctx: SentenceContext,
                    matcher: AnswerMatcher | None) -> list[tuple[Span, ...]]:
    if matcher is None:
        return occurrences(compile_pattern(source), ctx.sentence)
    if source not in matcher.live[ctx.index] and source in matcher.indexed:
        return []
    return matcher.occurrences(source, ctx.index)


def _states(phrase: str, ctx: SentenceContext, matcher: AnswerMatcher | None) -> bool:
    if matcher is None:
        return any(not _refuted(spans, ctx.sentence)
                   for spans in occurrences(compile_pattern(phrase), ctx.sentence))
    if phrase not in matcher.live[ctx.index] and phrase in matcher.indexed:
        return False
    return matcher.stated(phrase, ctx.index)


def _refuted(spans: tuple[Span, ...], s: Sentence) -> bool:
    """A refuting word in the clauses the claim spans, outside the claim's own words:
    "async replication does not give zero RPO" refutes; "there's no lag" is the claim."""
    joined = " " + " ".join(s.words) + " "
    if any(cue in joined for cue in _REPORTED):
        return True
    inside = {t for a, b in spans for t in range(a, b)}
    clauses = {s.clause[t] for t in inside}
    first = min(inside) if inside else 0
    last = max(inside) if inside else 0
    if _CONDEMNS_WHAT_WENT_BEFORE.search(" ".join(s.words[last + 1:])):
        return True
    if _preferred_over(s.words, inside):
        return True
    if _asserted_by_a_test(s.words, first) or _supposed(s, first, last):
        return True
    if "nothing" in s.words and any(_says_nothing(s, j, inside) for j in range(last)
                                    if s.words[j] == "nothing"):
        return True
    return any(s.clause[j] in clauses and j not in inside and w in _REFUTING
               and not (w in NEGATORS and j > 0 and s.words[j - 1] in _DESCRIPTIVE_BEFORE_NEGATOR)
               # "without X" refutes X; a claim followed by "without touching the rest"
               # is still made.
               and not (w in _REFUTE_WHAT_FOLLOWS and j > first)
               and not _beyond_alternative(s.words, j, inside)
               for j, w in enumerate(s.words))


# "it tells you nothing about the probability that our hypothesis is true" disowns the
# claim that follows "about"; "nothing" alone does not ("nothing beats EXPLAIN ANALYZE",
# "more coverage means nothing slips through"), nor does it reach a claim further on ("tells
# you nothing about effect size because it is the probability ...").
_TELLING = frozenset({"says", "say", "said", "tells", "tell", "told", "shows", "show",
                      "means", "mean", "proves", "prove"})
_NOTHING_REACH = 8  # the claim starts within this many words of "about"


def _says_nothing(s: Sentence, j: int, inside: set[int]) -> bool:
    """The claim's words after "nothing about" start within a few words of it, in its clause; its
    subject may stand before ("The p-value tells you nothing about the probability that
    ..."), and a later clause is still claimed ("says nothing about size but proves ...")."""
    words = s.words  # words[j] is "nothing"
    if not any(w in _TELLING for w in words[max(0, j - 4):j]):
        return False
    about = next((k for k in range(j + 1, min(j + 3, len(words))) if words[k] == "about"), None)
    if about is None:
        return False
    after = [t for t in inside if t > about]
    return bool(after) and min(after) - about <= _NOTHING_REACH and all(
        s.clause[t] == s.clause[about] for t in after)


ALTERNATIVE_REACH = 4
# "add a test asserting the query count stays fixed": what a test asserts is checked, not
# claimed (the claim "it stays fixed, so no test is needed" is the opposite).
_ASSERTING = frozenset({"asserts", "asserting", "assertion", "assertions"})
ASSERTION_REACH = 5
_SUPPOSING = frozenset({"if", "whether", "assuming"})
# Words that start the consequence after a condition written without a comma: "If you
# have a standby it protects ...", "If the primary dies the standby takes over ...".
_CONSEQUENT_SUBJECTS = frozenset({"i", "we", "you", "they", "it", "this", "that", "there",
                                  "then", "the", "a", "an"})


def _supposed(s: Sentence, first: int, last: int) -> bool:
    """A claim wholly inside an "if" clause is supposed, not stated: "if the new flow made
    no difference, how often would we see ..." (the null hypothesis). What follows the
    condition is stated: "If it's still slow I'd set enable_seqscan off", "If you use
    async, the RPO is zero" (the consequence starts at its subject or the clause's end)."""
    words = s.words
    for j, w in enumerate(words[:first]):
        if w not in _SUPPOSING:
            continue
        consequent = next((k for k in range(j + 2, len(words))
                           if words[k] in _CONSEQUENT_SUBJECTS or s.clause[k] != s.clause[j]),
                          len(words))
        if last < consequent:
            return True
    return False


def _asserted_by_a_test(words: Sequence[str], first: int) -> bool:
    before = words[max(0, first - ASSERTION_REACH):first]
    return any(w in _ASSERTING for w in before) or any(
        w.startswith("test") and nxt == "that" for w, nxt in zip(before, before[1:], strict=False))


def _preferred_over(words: Sequence[str], inside: set[int]) -> bool:
    """"Prefer structural fixes over 'be more careful'": what follows "over" is rejected."""
    for p, word in enumerate(words):
        if word.startswith("prefer") and "over" in words[p + 1:]:
            over = words.index("over", p + 1)
            return any(t > over for t in inside)
    return False


def _beyond_alternative(words: tuple[str, ...], j: int, inside: set[int]) -> bool:
    """'instead of X' / 'rather than X' refutes X, the few words after it: in "instead of
    shipping WAL it ships the SQL statements" the statements are what is claimed."""
    if words[j] == "instead" and j + 1 < len(words) and words[j + 1] == "of" or \
            words[j] == "rather" and j + 1 < len(words) and words[j + 1] == "than":
        return not any(j + 2 <= t < j + 2 + ALTERNATIVE_REACH for t in inside)
    return False


def listed_tokens(sentence: Sentence, term_spans: Sequence[Span]) -> frozenset[int]:
    """Positions of keywords standing as items of a list of terms ("EXPLAIN, statistics,
    index, bloat"), when the sentence is such a list; empty for ordinary prose. In a list,
    a short item ("I know EXPLAIN, ...") counts as listed too. `term_spans` are the
    sentence's single-phrase keyword matches (co-occurring parts are prose by nature)."""
    covered = {t for a, b in term_spans for t in range(a, b)}
    if not covered:
        return frozenset()
    items = _items(sentence)
    bare = [item for item in items if _is_bare(item, sentence, covered)]
    content = [j for j, w in enumerate(sentence.words)
               if w not in BOUNDARY_TOKENS and w not in STOPWORDS]
    share = len(covered & set(content)) / len(content) if content else 0.0
    relations = _relations(range(len(sentence.words)), sentence, covered)
    listed: set[int] = set()
    if len(bare) >= BARE_ITEMS_FOR_LIST and len(bare) >= BARE_SHARE_FOR_LIST * len(items):
        listed.update(j for item in items if len(_content(item, sentence)) <= SHORT_ITEM_WORDS
                      and covered & set(item) and not _relations(item, sentence, covered)
                      for j in item)
    if len(content) >= 6 and share >= STUFFED_SHARE and relations < RELATIONS_FOR_PROSE:
        listed.update(covered)
    # The shape alone: many short items, at most one of them longer and at most one relating
    # its words, is a list of terms, whether or not its other terms are the rubric's
    # ("Funnel analysis, cohort segmentation, seasonality, root cause analysis, ...").
    if len(items) >= LIST_SHAPE_ITEMS and not _holds_code(sentence) and sum(
            1 for item in items if len(_content(item, sentence)) > SHORT_ITEM_WORDS) <= 1 and sum(
            1 for item in items if _relates_in_list(item, sentence)) <= 1:
        listed.update(covered)
    return frozenset(listed)


# "PARTITION BY user_id", "ORDER BY login_at DESC": the "by" of a SQL clause names the
# clause; in a list of such clauses it relates nothing.
_SQL_CLAUSE_BY = frozenset({"partition", "order", "group", "sort", "cluster", "distribute"})


CODE_PARENTHESES = 2


def _holds_code(sentence: Sentence) -> bool:
    """"SELECT user_id, MAX(login_at) AS last_login ... FROM logins", "COUNT(*) OVER
    (PARTITION BY user_id ...)": code, whose commas and brackets separate the parts of one
    statement, not the items of a list."""
    words = sentence.words
    return ("select" in words and "from" in words[words.index("select") + 1:]) or \
        words.count("(") >= CODE_PARENTHESES


def _relates_in_list(item: list[int], sentence: Sentence) -> bool:
    words = sentence.words
    return any(words[j] in _RELATION and not (
        words[j] == "by" and j > 0 and words[j - 1] in _SQL_CLAUSE_BY) for j in item)


LIST_LINES = 3  # ... and an answer of this many short term lists, one per line, is one list
LIST_LINES_SHARE = 0.75


def term_list_lines(sentences: Sequence[Sentence]) -> frozenset[int]:
    """The lines of an answer written as lines of terms ("- composite / leftmost",
    "- covering index / INCLUDE", ...): each line too short to be a list by itself,
    together they are one list with nothing relating its terms, however many of them are
    the rubric's. Empty when the answer is not such a list."""
    if len(sentences) < LIST_LINES:
        return frozenset()
    # Read until too many lines are prose to make the share: most answers stop at once.
    prose_allowed = len(sentences) - math.ceil(LIST_LINES_SHARE * len(sentences))
    lines: list[int] = []
    items = prose = 0
    for index, sentence in enumerate(sentences):
        line_items = _items(sentence)
        if _term_list_line(sentence, line_items):
            lines.append(index)
            items += len(line_items)
        else:
            prose += 1
            if prose > prose_allowed:
                return frozenset()
    return frozenset(lines) if len(lines) >= LIST_LINES and items >= LIST_SHAPE_ITEMS \
        else frozenset()


def _term_list_line(sentence: Sentence, items: list[list[int]]) -> bool:
    return len(items) >= 2 and not _holds_code(sentence) and all(
        len(_content(item, sentence)) <= SHORT_ITEM_WORDS
        and not _relates_in_list(item, sentence) for item in items)


def _items(sentence: Sentence) -> list[list[int]]:
    """The pieces between commas, slashes, "and" ...; arrows chain claims ("bulk load ->
    stale stats -> bad plan") unless there are as many as a list has items ("B-tree ->
    composite -> leftmost prefix -> INCLUDE -> ..."), when they separate terms too."""
    chains_separate = sum(1 for w in sentence.words if w in _CHAINS) >= LIST_SHAPE_ITEMS - 1
    items: list[list[int]] = [[]]
    for j, w in enumerate(sentence.words):
        if (w in BOUNDARY_TOKENS and (chains_separate or w not in _CHAINS)) or \
                w in _LIST_JOINERS:
            items.append([])
        else:
            items[-1].append(j)
    return [item for item in items if item]


def _content(item: list[int], sentence: Sentence) -> list[int]:
    return [j for j in item if sentence.words[j] not in STOPWORDS]


def _relations(positions: Iterable[int], sentence: Sentence, covered: set[int]) -> int:
    """Relating words outside the terms themselves ("for" in "asyncio for the fan-out",
    not in a keyword like "waiting on the network")."""
    return sum(1 for j in positions if sentence.words[j] in _RELATION and j not in covered)


def _is_bare(item: list[int], sentence: Sentence, covered: set[int]) -> bool:
    content = _content(item, sentence)
    return bool(content) and all(j in covered for j in content) and \
        not _relations(item, sentence, covered)
