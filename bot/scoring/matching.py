"""Finding a rubric's key points, and its known wrong claims, in an answer.

The keywords and wrong-claim phrases are patterns (bot.scoring.patterns). A key point is
*credited* only by an occurrence the candidate asserts: not in a clause that rejects it,
not in a sentence that only guesses, not in a bare list of terms (bot.scoring.term_lists),
not in a sentence addressed to the grader. A misconception found in a sentence that does
not refute it costs the point and is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.scoring.language import NEGATORS, Sentence
from bot.scoring.patterns import PatternIndex, Span, compile_pattern, live_occurrences, occurrences

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


class Evidence(StrEnum):
    CREDITED = "credited"
    HEDGED = "hedged"  # only guessed at
    REJECTED = "rejected"  # named in order to reject it
    LISTED = "listed"  # a bare term in a list of keywords
    ABSENT = "absent"


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
                found = (live_occurrences(self.indexed[source], self._sentences[index])
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


# How well one of a several-keyword point's keywords is shown ("three of the role's
# skills"): a skill in a list is at least named, a guessed one less; a rejected or absent
# one does not count towards the several at all.
_SEVERAL_RANK = {Evidence.CREDITED: 3, Evidence.LISTED: 2, Evidence.HEDGED: 1,
                 Evidence.REJECTED: 0, Evidence.ABSENT: 0}


def find_several(keywords: Sequence[str], contexts: Sequence[SentenceContext],
                 at_least: int, *, matcher: AnswerMatcher | None = None,
                 wrong_sentences: frozenset[int] = frozenset()) -> PointFinding:
    """A point that takes `at_least` different keywords: as well shown as the weakest of
    its best `at_least` (three skills, one only guessed at, is a guess). Each keyword is
    looked for outside the sentences that state a wrong claim, as a point's evidence is."""
    if at_least <= 1:
        finding = find_point(keywords, contexts, matcher=matcher)
        if finding.evidence is Evidence.CREDITED and finding.sentence in wrong_sentences:
            finding = find_point(keywords, _outside(contexts, wrong_sentences), matcher=matcher)
        return finding
    found = sorted((find_several([keyword], contexts, 1, matcher=matcher,
                                 wrong_sentences=wrong_sentences) for keyword in keywords),
                   key=lambda f: _SEVERAL_RANK[f.evidence], reverse=True)[:at_least]
    if len(found) < at_least or _SEVERAL_RANK[found[-1].evidence] == 0:
        return PointFinding()
    return replace(found[-1], weak_hedge=any(f.weak_hedge for f in found))


def _outside(contexts: Sequence[SentenceContext],
             sentences: frozenset[int]) -> list[SentenceContext]:
    return [c for c in contexts if c.index not in sentences]


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
