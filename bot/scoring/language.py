"""Reading an answer sentence by sentence: what it asserts, rejects or only guesses.

A keyword scorer credits "you don't need a separate instance" for "restores to a separate
instance" and "There's also SQS, I believe, but I haven't used it much" for knowing SQS. This
module gives the scorer what it needs to refuse that credit, decided per sentence and per
clause:

- **rejection**: the candidate negates a practice ("you don't need X", "I never bother
  with X", "X is overkill", "instead of X"). Descriptive negation about the system is kept
  ("there was no index on the join column", "the planner didn't use the index"): that is
  how experts state a diagnosis.
- **hedging**: a sentence that only guesses ("maybe", "I believe", "not sure", "I guess",
  a guess phrased as a question) shows no knowledge; weaker markers ("I think",
  "probably") keep the credit but lower the confidence.

Everything here is a single pass over tokens (no backtracking regexes on candidate text).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from bot.text import STOPWORDS, sentences, split_sentences, stem

# Contractions expanded before tokenising, so "don't" carries a "not" the rules can see.
_CONTRACTION = re.compile(
    r"\b(can|won|shan)'t\b|n't\b|\b(it|that|there|what|here|who|he|she)'s\b|'s\b|"
    r"'re\b|'ve\b|'m\b|'d\b|'ll\b"
)
_EXPANDED_SUFFIX = {"n't": " not", "'s": "", "'re": " are", "'ve": " have", "'m": " am",
                    "'d": " would", "'ll": " will"}
_IRREGULAR_NOT = {"can": "can not", "won": "will not", "shan": "shall not"}

# Words, and the punctuation that bounds a clause. "%" is a token so "60%" keeps its unit.
# "|" separates like "/", and a "+" or "=" standing alone joins terms ("metrics + logs +
# traces = observability"); "→" is an arrow like "->".
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)+|[a-z0-9_]+[+#]*|%|[,;:()/|\u2014\u2013]|"
                    r"(?<=\s)[-+=](?=\s)|->")
BOUNDARY_TOKENS = frozenset({",", ";", ":", "(", ")", "/", "|", "\u2014", "\u2013", "-", "->"})
_ARROW_CHARACTERS = ("\u2192", "\u27f6", "\u2794", "\u21d2")
_ARROWS = str.maketrans(dict.fromkeys(_ARROW_CHARACTERS, " -> "))
# Words that start a new clause: a negation does not reach past them.
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "because", "since",
                           "whereas", "while", "so", "then", "otherwise", "unless", "except"})

# "nothing beats EXPLAIN" is praise, so only these open a negated scope.
NEGATORS = frozenset({"not", "no", "never", "nor"})
# Who is negated: "I/we/you don't ..." rejects a practice; "the planner didn't ..." describes.
_PRACTITIONERS = frozenset({"i", "we", "you", "one", "your", "our"})
_AUXILIARIES = frozenset({"do", "does", "did", "would", "will", "should", "could", "can",
                          "must", "shall", "might", "may", "have", "has", "had", "am",
                          "is", "are", "was", "were", "be", "really", "even", "ever", "just",
                          "actually", "usually", "generally", "always", "necessarily"})
# After a negator, these words turn it into an affirmation ("never skip", "not only").
_CANCELLING = frozenset(stem(w) for w in (
    "only", "just", "doubt", "matter", "skip", "forget", "ignore", "neglect", "miss",
    "overlook", "omit", "fail", "underestimate", "without", "least", "surprisingly",
))
# Verbs and adjectives of necessity: negating them rejects the practice, whoever speaks.
_NECESSITY = frozenset(stem(w) for w in (
    "need", "necessary", "needed", "required", "require", "bother", "care", "worry",
    "important", "worth", "relevant", "helpful", "recommended",
))
# Words that reject whatever their clause mentions.
_REJECTING_WORDS = frozenset(stem(w) for w in (
    "unnecessary", "pointless", "overkill", "irrelevant", "needless", "useless",
))
# Dismissals longer than a word: each rejects what its clause names ("an SRM simply can't
# happen", "hunting for slots is a waste of time"), unless a negator stands just before it
# ("it is never a waste of time").
_DISMISSALS = tuple(tuple(p.split()) for p in (
    "waste of time", "a waste", "a myth", "is a myth", "overrated", "overblown",
    "can not happen", "can never happen", "never happens", "does not happen in practice",
    "only in theory", "purely theoretical", "nothing to worry about", "safe to ignore",
    "safely ignore", "not worth checking", "not worth testing", "not worth the effort",
    "no point in", "no point checking", "no point testing", "a solved problem",
    "essentially solved", "basically solved",
))
# Reported speech before a turn: "People always bring up SRM, but ...", "You'll often hear
# that slots hold back cleanup, but that's a myth". What is reported is not asserted.
_REPORTING = tuple(tuple(p.split()) for p in (
    "people always", "people often", "people usually", "people like to", "people say",
    "people think", "people assume", "people worry", "people bring up", "people mention",
    "people talk about", "you will hear", "you will often hear", "you often hear",
    "you hear", "everyone talks about", "everyone says", "some people", "many people",
    "the textbooks say", "the textbook says", "the books say", "the docs say",
))
_CONTRASTS = frozenset({"but", "however", "though", "although", "yet"})


P = TypeVar("P")


def _by_first_word(phrases: Sequence[P], first: Callable[[P], str] = operator.itemgetter(0)
                   ) -> dict[str, tuple[P, ...]]:
    """Phrases filed under their first word (`first` tells it): a token is compared only
    with the phrases it could start (every token of every sentence was compared with all
    of them, most of the cost of reading a new sentence)."""
    filed: dict[str, list[P]] = {}
    for phrase in phrases:
        filed.setdefault(first(phrase), []).append(phrase)
    return {word: tuple(found) for word, found in filed.items()}


def _first_of_spaced(phrase: str) -> str:
    return phrase.split()[0]


_DISMISSALS_BY_FIRST = _by_first_word(_DISMISSALS)
_REPORTING_BY_FIRST = _by_first_word(_REPORTING)
# "there is no X", "had no X", "with no X": the absence is an observation, not a rejection.
_EXISTENTIAL = frozenset({"is", "was", "were", "are", "be", "been", "had", "has", "have",
                          "with"})
SCOPE_LIMIT = 10

STRONG_HEDGES = tuple(
    f" {p} " for p in (
        "i believe", "i am not sure", "not sure", "unsure", "maybe", "perhaps", "i guess",
        "no idea", "i do not know", "i do not really know", "if i remember", "if i recall",
        "i suppose", "somehow", "something with", "something like that", "i have heard",
        "heard of", "i have not used", "i have not done", "i have not tried",
        "i have never used", "i have never done", "i never used", "not familiar",
        "double check", "look it up", "i would google", "google it", "just google",
        "not certain", "i am not an expert",
        "i am guessing", "i would have to check", "i would need to check",
        "i would have to look", "i would need to look", "not 100 %", "or something",
        # admitting the gap: "I'd need to read up on the split brain part"
        "need to read up", "have to read up", "would read up", "brush up on",
        "not my strong", "i would need to learn", "i would have to learn",
        "i am not really sure", "i have only read about", "only read about",
        "i think you could", "i think you can also", "i think it could", "i think we could",
        "i think there is a way", "i guess we could", "i guess you could",
        "i would guess", "at a guess",
    )
)
WEAK_HEDGES = tuple(
    f" {p} " for p in (
        "i think", "probably", "might", "i would say", "likely", "kind of", "sort of",
        "could be", "possibly", "i feel", "pretty sure", "fairly sure", "i assume",
        "as far as i know", "if i am not mistaken", "i would imagine",
    )
)


# The phrases above by their first word: a sentence is searched only for the phrases
# whose first word it has (each is a whole-word phrase, a space at each end).
_STRONG_BY_FIRST = _by_first_word(STRONG_HEDGES, _first_of_spaced)
_WEAK_BY_FIRST = _by_first_word(WEAK_HEDGES, _first_of_spaced)


def _phrases_in(joined: str, filed: dict[str, tuple[str, ...]],
                present: set[str]) -> list[str]:
    """The filed phrases `joined` (its words with a space between and at each end) holds,
    each as often as it is filed. `present` holds at least the words of `joined`."""
    return [phrase for first in present.intersection(filed)
            for phrase in filed[first] if phrase in joined]


# Sweeping or dismissive claims ("no real downside", "doesn't really matter", "zero data
# loss", "100% availability"): what a fluent bluffer says and an expert qualifies. They do
# not change a score; they lower the scorer's confidence so a person checks the claim.
ABSOLUTE_CLAIMS = tuple(
    f" {p} " for p in (
        "no real downside", "no downside", "no real risk", "no risk", "zero risk",
        "no trade off", "no tradeoff", "no cost", "no overhead", "no impact",
        "does not really matter", "do not really matter", "does not matter",
        "pretty much irrelevant", "basically irrelevant", "completely irrelevant",
        "nice in theory", "checkbox exercise", "just a checkbox", "perfectly safe",
        "completely safe", "totally safe", "always safe", "always works", "never fails",
        "can not fail", "can not go wrong", "no possibility", "impossible to",
        "no such thing as", "guarantees", "guaranteed", "100 %", "zero downtime",
        "zero data loss", "zero lag", "no lag", "instantly", "within a second",
        "every single time", "across the board", "nobody uses", "obsolete",
        "the legacy approach", "that is all you need", "all you need is", "simply raise",
        "just raise", "just restart", "just add more", "a solved problem",
        "go wrong is basically nothing", "go wrong is nothing", "nothing can go wrong",
        "nothing really goes wrong",
    )
)
_ABSOLUTE_BY_FIRST = _by_first_word(ABSOLUTE_CLAIMS, _first_of_spaced)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer, tokenised, with what each token is under."""

    text: str  # verbatim, so it can be quoted as evidence
    words: tuple[str, ...]  # lowercase, contractions expanded
    stems: tuple[str, ...]
    rejected: tuple[bool, ...]  # token inside a rejected clause or negated practice
    clause: tuple[int, ...]  # clause number of each token
    hedge: str  # "", "weak" or "strong"
    question: bool
    absolute: int = 0  # sweeping or dismissive claims in it
    # stem -> the positions it occurs at, in order: where the matcher starts looking.
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Every stem, and every leading part of each word and stem: a pattern (`word*` ones
    # included) one of whose words is not in here cannot match this sentence. A pattern's
    # `<number>` and clause punctuation (BOUNDARY_TOKENS) are not among the words it needs
    # (the matcher finds those without this set); "%", "+" and "=" are words like others.
    prefixes: frozenset[str] = frozenset()

    @property
    def function_share(self) -> float:
        content = [w for w in self.words if w not in BOUNDARY_TOKENS]
        if not content:
            return 0.0
        return sum(1 for w in content if w in STOPWORDS) / len(content)


def normalise(text: str) -> str:
    """Lowercase with straight apostrophes and contractions spelled out."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    # Each step only where it can change something: most sentences have no arrow (the
    # translation visits every character) and many no apostrophe (every contraction has one).
    if any(arrow in text for arrow in _ARROW_CHARACTERS):
        text = text.translate(_ARROWS)
    if "=>" in text:
        text = text.replace("=>", " -> ")
    if "'" in text:
        text = _CONTRACTION.sub(_expand_contraction, text)
    return text.replace("cannot", "can not")


def _expand_contraction(match: re.Match[str]) -> str:
    if match.group(1):
        return _IRREGULAR_NOT[match.group(1)]
    if match.group(2):
        return f"{match.group(2)} is"
    return _EXPANDED_SUFFIX[match.group(0)]


def tokenise(text: str) -> list[str]:
    """Words and clause punctuation of already-normalised text; hyphens split words."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=4096)
def read_sentence(text: str) -> Sentence:
    norm = normalise(text)
    words = tuple(tokenise(norm))
    stems = tuple(map(stem, words))  # punctuation stems to itself
    clause = _clauses(words)
    joined = " " + " ".join([w for w in words if w not in BOUNDARY_TOKENS]) + " "
    present = set(words).difference(BOUNDARY_TOKENS)  # the words of `joined`
    hedge = _hedge(joined, present)
    question = text.rstrip().endswith("?")
    absolute = len(_phrases_in(joined, _ABSOLUTE_BY_FIRST, present))
    positions: dict[str, list[int]] = {}
    for i, st in enumerate(stems):
        positions.setdefault(st, []).append(i)
    prefixes = frozenset().union(*map(_prefixes_of, {*words, *stems}))
    return Sentence(text=text, words=words, stems=stems, rejected=_rejections(words, stems,
                    clause), clause=clause, hedge=hedge, question=question, absolute=absolute,
                    positions={k: tuple(v) for k, v in positions.items()},
                    prefixes=prefixes)


@lru_cache(maxsize=65536)
def _prefixes_of(token: str) -> tuple[str, ...]:
    """Every leading part of a word or stem: words recur from sentence to sentence."""
    return tuple(token[:n] for n in range(1, len(token) + 1))


# The caches that hold candidates' words: messages split and sentences read (new with
# each answer), and words stemmed or cut into prefixes (a vocabulary that recurs).
SENTENCE_CACHES = (split_sentences, read_sentence)
WORD_CACHES = (stem, _prefixes_of)
TEXT_CACHES = (*SENTENCE_CACHES, *WORD_CACHES)


def forget_read_sentences() -> None:
    """Empty the caches of messages and sentences (bench/bench_turns.py does before each
    answer, so that every answer is read as a real candidate's new one would be)."""
    for cache in SENTENCE_CACHES:
        cache.cache_clear()


def forget_read_text() -> None:
    """Empty every cache of candidates' words. Called in the process that erases or purges
    a candidate's data, once the rows are gone (bot.usecases.core.leave_no_copy): no copy
    of their words stays in its memory. What is needed later is read again."""
    for cache in TEXT_CACHES:
        cache.cache_clear()


def read_answer(text: str) -> list[Sentence]:
    return [read_sentence(s) for s in sentences(text)]


# "Each pod has its own pool, maybe 10": a hedge word before a figure estimates the figure,
# it does not guess at the claim.
_APPROXIMATING = ("maybe", "perhaps", "probably", "possibly")
_APPROXIMATION = re.compile(r" (?:" + "|".join(_APPROXIMATING) + r") (?=(?:around |about |"
                            r"roughly )?[0-9])")


def _hedge(joined: str, present: set[str]) -> str:
    if not present.isdisjoint(_APPROXIMATING):
        joined = _APPROXIMATION.sub(" ", joined)  # fewer words: `present` still holds them
    if _phrases_in(joined, _STRONG_BY_FIRST, present):
        return "strong"
    weak = len(_phrases_in(joined, _WEAK_BY_FIRST, present))
    if weak >= 2:
        return "strong"
    return "weak" if weak else ""


def _clauses(words: tuple[str, ...]) -> tuple[int, ...]:
    out = []
    n = 0
    for w in words:
        if w in BOUNDARY_TOKENS or w in _CLAUSE_WORDS:
            n += 1
        out.append(n)
    return tuple(out)


# The words at which `_rejections` acts (besides a stem in _REJECTING_WORDS): keep in step
# with its branches.
_REJECTION_CUES = frozenset({*_DISMISSALS_BY_FIRST, "without", "instead", "rather", *NEGATORS})


def _rejections(words: tuple[str, ...], stems: tuple[str, ...],
                clause: tuple[int, ...]) -> tuple[bool, ...]:
    """Which tokens sit where the candidate rejects something (see the module docstring)."""
    rejected = [False] * len(words)
    _reported_before_a_turn(rejected, words, clause)
    if _REJECTION_CUES.isdisjoint(words) and _REJECTING_WORDS.isdisjoint(stems):
        return tuple(rejected)  # no token below would do anything
    for i, w in enumerate(words):
        c = clause[i]
        if w in _DISMISSALS_BY_FIRST and _dismissal_at(words, i):
            _mark_clause(rejected, clause, c)
        if w == "without" and not any(words[j] in NEGATORS for j in range(i)
                                      if clause[j] == c):
            # "without spending hours on restore tests": what follows is not done; after a
            # negator it is ("never change a plan without reading EXPLAIN").
            _mark_scope(rejected, words, clause, i + 1)
        if stems[i] in _REJECTING_WORDS:
            _mark_clause(rejected, clause, c)
        elif (w == "instead" and i + 1 < len(words) and words[i + 1] == "of") or (
                w == "rather" and i + 1 < len(words) and words[i + 1] == "than"):
            _mark_scope(rejected, words, clause, i + 2)
        elif w in NEGATORS:
            nxt = _next_content(words, i + 1, c, clause)
            nxt_stem = stems[nxt] if nxt is not None else ""
            if nxt_stem in _CANCELLING:
                continue
            if nxt_stem in _NECESSITY:
                _mark_clause(rejected, clause, c)  # "X is not needed", "no need for X"
            elif w == "no":
                # "there was no index", "No index on the join column": an observation.
                if not (i > 0 and words[i - 1] in _EXISTENTIAL) and _spoken_by_practitioner(
                        words, clause, i, imperative=False):
                    _mark_scope(rejected, words, clause, i + 1)
            elif _spoken_by_practitioner(words, clause, i, imperative=True):
                _mark_scope(rejected, words, clause, i + 1)
    return tuple(rejected)


def _starts_with(words: tuple[str, ...], i: int, phrase: tuple[str, ...]) -> bool:
    return words[i:i + len(phrase)] == phrase


def _dismissal_at(words: tuple[str, ...], i: int) -> bool:
    if not any(_starts_with(words, i, d) for d in _DISMISSALS_BY_FIRST.get(words[i], ())):
        return False
    return not any(words[j] in NEGATORS for j in range(max(0, i - 2), i))


def _reported_before_a_turn(rejected: list[bool], words: tuple[str, ...],
                            clause: tuple[int, ...]) -> None:
    """Marks what a reporting cue reports, up to the contrast that answers it."""
    if _REPORTING_BY_FIRST.keys().isdisjoint(words):
        return
    for i, w in enumerate(words):
        if w not in _REPORTING_BY_FIRST or not any(
                _starts_with(words, i, r) for r in _REPORTING_BY_FIRST[w]):
            continue
        turn = next((j for j in range(i + 1, len(words)) if words[j] in _CONTRASTS), None)
        if turn is None:
            return
        for j in range(i, turn):
            rejected[j] = True
        return


def _next_content(words: tuple[str, ...], start: int, c: int,
                  clause: tuple[int, ...]) -> int | None:
    for j in range(start, min(len(words), start + 4)):
        if clause[j] != c:
            return None
        if words[j] not in _AUXILIARIES and words[j] not in ("a", "an", "the", "to", "be"):
            return j
    return None


def _spoken_by_practitioner(words: tuple[str, ...], clause: tuple[int, ...], i: int, *,
                            imperative: bool) -> bool:
    """'I/we/you don't ...', or (when `imperative`) 'Don't ...', 'Never ...' opening the
    clause: the candidate speaking about what to do, not describing the system."""
    c = clause[i]
    start = i
    while start > 0 and clause[start - 1] == c:
        start -= 1
    before = [w for w in words[start:i] if w not in BOUNDARY_TOKENS]
    if imperative and (not before or all(w in _AUXILIARIES for w in before)):
        return True  # imperative: "Don't restore in place", "Never use X"
    return any(w in _PRACTITIONERS for w in before[-4:])


def _mark_scope(rejected: list[bool], words: tuple[str, ...], clause: tuple[int, ...],
                start: int) -> None:
    """From `start` to the end of the clause (at most SCOPE_LIMIT tokens), stopping at a
    second negator: "never change a plan without reading EXPLAIN" affirms EXPLAIN."""
    if start >= len(words):
        return
    c = clause[start - 1] if start > 0 else clause[start]
    for j in range(start, min(len(words), start + SCOPE_LIMIT)):
        if clause[j] != c or words[j] in NEGATORS or words[j] == "without":
            return
        rejected[j] = True


def _mark_clause(rejected: list[bool], clause: tuple[int, ...], c: int) -> None:
    for j, cj in enumerate(clause):
        if cj == c:
            rejected[j] = True
