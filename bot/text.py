"""Small text tools shared by retrieval, scoring and intent detection."""

from __future__ import annotations

import functools
import re
import threading

import snowballstemmer

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.%-]*[a-z0-9+#%]|[a-z0-9]", re.IGNORECASE)
# A sentence ends at . ! or ? and a space, or at a line break; not after "e.g.", "i.e."
# or an ellipsis inside a sentence ("INSERT ... SELECT"). After a closing bracket it ends
# only when a new sentence starts ("... runbooks.] Next", not "(pg_stat_replication,
# etc.) and").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\.\.\.)(?<!\bvs\.)\s+|"
    r"(?<=[.!?][\])])(?<!\.\.\.[\])])(?<!\betc\.[\])])(?<!\be\.g\.[\])])(?<!\bi\.e\.[\])])"
    r"\s+(?=(?-i:[A-Z\[(<\"']))|\n+", re.IGNORECASE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves also like really well get got let lets i'm i've i'd it's that's there's what's
    tell please thanks thank yes yeah ok okay sure much many one would could might may""".split()
)


def words(text: str) -> list[str]:
    """Lowercased word tokens; keeps tokens like `10tb`, `c++`, `p99`, `60%`."""
    return [w.lower() for w in _WORD.findall(text)]


def word_count(text: str) -> int:
    """How many `words` the text has (without lowercasing them)."""
    return len(_WORD.findall(text))


# British spellings folded to American before stemming, so "normalisation", "analyse" and
# "behaviour" meet "normalization", "analyze" and "behavior". Anchored at the word's end.
_BRITISH = re.compile(r"(?<=[a-z]{3})is(?=(?:e|ed|es|ing|ation|ations|er|ers)$)|"
                      r"(?<=[a-z]{2})ys(?=(?:e|ed|es|ing)$)|(?<=[a-z]{3})our(?=s?$)|"
                      r"(?<=[a-z]{3})tre(?=s?$)|(?<=[a-z]{3})ogue(?=s?$)")
_AMERICAN = {"is": "iz", "ys": "yz", "our": "or", "tre": "ter", "ogue": "og"}
# Where Porter2 joins words that mean different things, or splits one word's forms:
# "experiment" and "experience" both stem to `experi`, "experienced" to `experienc`;
# "definitely" and "definition" both to `definit` (the adjective and adverb go apart).
_STEM_EXCEPTIONS = {"experiment": "experiment", "experiments": "experiment",
                    "experienced": "experi", "definite": "definite", "definitely": "definite",
                    "definitive": "definite", "definitively": "definite"}
# One stemmer per thread: a snowballstemmer object keeps the word it is working on in
# itself, so two threads stemming at once (two interviews starting, each planning in a
# worker thread) corrupt each other's word: IndexError, or a wrong stem.
_STEMMERS = threading.local()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English (Porter2/Snowball) stem of a lowercase word, after folding British
    spellings: 'bloated' -> 'bloat', 'indexes' -> 'index', 'normalisation' -> 'normal'.
    Index and query, keyword and answer all go through this one function."""
    if not word.isalpha():
        return word
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    folded = _BRITISH.sub(lambda m: _AMERICAN[m.group(0)], word)
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(folded)


# Short names candidates type for what descriptions spell out, folded before stemming in
# retrieval ("Which postgres versions?" meets "PostgreSQL (versions 14 to 16)").
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "k8s": "kubernetes",
           "js": "javascript", "ts": "typescript", "gcp": "google", "tf": "terraform"}


def terms(text: str) -> list[str]:
    """Content terms for retrieval: stemmed words without stopwords. A hyphenated word is kept
    whole and also split, so 'remote-first' meets both 'remote-first' and 'remote', and
    'on-call' meets 'on call'. Index and query both go through here."""
    out: list[str] = []
    for w in words(text):
        parts = w.split("-") if "-" in w else []
        for t in (w, *parts):
            if t not in STOPWORDS and len(t) > 1:
                out.append(stem(ALIASES.get(t, t)))
    return out


def sentences(text: str) -> list[str]:
    """Sentences as verbatim slices of `text` (so they can serve as evidence quotes)."""
    return list(split_sentences(text))


@functools.lru_cache(maxsize=256)
def split_sentences(text: str) -> tuple[str, ...]:
    """`sentences`, kept for the last few messages: a turn splits its message in four
    places (injection, acts, rubric, questions)."""
    return tuple(s.strip() for s in _SENTENCE_END.split(text) if s and s.strip())


def contains_phrase(normalized_text: str, phrase: str) -> bool:
    """Whole-word match of a lowercase phrase inside already-lowercased text."""
    pattern = r"(?<![a-z0-9])" + re.escape(phrase.lower()) + r"(?![a-z0-9])"
    return re.search(pattern, normalized_text) is not None


def has_words(text: str) -> bool:
    """True when the text holds at least one letter or digit (not just emoji or spaces)."""
    return any(ch.isalnum() for ch in text)


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def first_name(display_name: str) -> str:
    name = display_name.strip().split()
    return name[0] if name else ""


def known_first_name(display_name: str) -> str:
    """The first name to address someone by, or "" when the display name is not a name (a
    platform user id such as "U024BE7LH" or "demo-3f2a1c", which is what a candidate
    started without a name gets): "Hello demo-3f2a1c!" is worse than "Hello!"."""
    name = first_name(display_name)
    return name if name and all(c.isalpha() or c in "'-." for c in name) else ""
