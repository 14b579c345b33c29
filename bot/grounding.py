"""Answering a candidate's questions from the job description alone.

The bot may quote the job description; it never invents. The answer is the one or two
sentences that speak to the question (a whole paragraph buries a yes/no answer); a question
the description does not answer gets an honest "the recruiter will follow up". Topics
(`bot.role_topics`) bridge a candidate's words and the description's ("work from home" and
"remote-first"); the same tokeniser reads both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from bot.retrieval import Bm25Index, Hit, index_for
from bot.role_topics import BY_NAME, asked_topics, said_topics, skills_in
from bot.roles import Role
from bot.text import sentences, stem, terms

MAX_QUESTIONS_PER_MESSAGE = 3
MAX_QUOTED_SENTENCES = 2
# A second sentence is quoted only when it is nearly as relevant as the first and the two
# together stay short enough to read as an answer rather than a paragraph.
SECOND_SENTENCE_SHARE = 0.6
MAX_QUOTE_CHARS = 320

# Words that say what kind of question it is, not what it is about.
_GENERIC_TERMS = frozenset(stem(t) for t in (
    "role", "position", "job", "team", "company", "work", "working", "question", "know",
    "like", "would", "could", "current", "typical", "look", "looks", "use", "used", "using",
    "still", "need", "needed", "offer", "kind", "sort", "type", "thing", "things", "guys",
    "actually", "exactly", "much", "often", "usually", "currently", "mostly", "main",
    "situation", "policy", "possible", "allowed", "part", "run", "runs", "have",
    "has", "get", "do", "does",
))


@dataclass(frozen=True)
class GroundedAnswer:
    question: str
    passage: str | None   # the quoted sentence(s), verbatim from the job description
    topic: str | None = None  # what the description does not say, named for the candidate


@dataclass(frozen=True)
class _Sentences:
    """A role's job description cut into sentences, with what each speaks to."""

    texts: tuple[str, ...]
    paragraph: tuple[int, ...]
    topics: tuple[frozenset[str], ...]
    skills_named: tuple[int, ...]
    index: Bm25Index


def split_questions(message: str) -> list[str]:
    """The questions in a message ('Firstly, ...? Secondly, ...?'), or the whole message."""
    found = [s for s in sentences(message) if s.rstrip().endswith("?")]
    return (found or [message.strip()])[:MAX_QUESTIONS_PER_MESSAGE]


def answer_questions(role: Role, message: str) -> list[GroundedAnswer]:
    units = _sentences_of(tuple(role.passages()), role.company, tuple(role.skills))
    return [_answer_one(units, q) for q in split_questions(message)]


@functools.lru_cache(maxsize=64)
def _sentences_of(passages: tuple[str, ...], company: str,
                  skills: tuple[str, ...]) -> _Sentences:
    texts: list[str] = []
    paragraph: list[int] = []
    for number, passage in enumerate(passages):
        for sentence in sentences(" ".join(passage.split())):
            texts.append(sentence)
            paragraph.append(number)
    return _Sentences(tuple(texts), tuple(paragraph),
                      tuple(said_topics(t, company, skills) for t in texts),
                      tuple(len(skills_in(t, skills)) for t in texts), index_for(texts))


def _answer_one(units: _Sentences, question: str) -> GroundedAnswer:
    asked = asked_topics(question)
    sensitive = sorted(t for t in asked if BY_NAME[t].sensitive)
    specific = [t for t in terms(question) if t not in _GENERIC_TERMS]
    scores = {h.index: h for h in units.index.search_terms(specific)}
    # A sentence holding every specific word of a longer question answers it whatever the
    # topic cues say ("Do you use Celery for background jobs?" is not about requirements).
    every_word = {i for i, hit in scores.items()
                  if len(set(specific)) >= 2 and hit.matched >= set(specific)}
    if sensitive:
        # Only a sentence about each sensitive topic asked answers; otherwise the
        # description does not say.
        candidates = [i for i, said in enumerate(units.topics)
                      if all(t in said for t in sensitive)]
    elif asked:
        candidates = [i for i, said in enumerate(units.topics)
                      if asked & said or i in every_word]
    elif all(units.index.knows(t) for t in specific):
        candidates = [i for i, hit in scores.items() if _enough_words(hit, specific)]
    else:
        # A word the description never uses is what the question is about ("a successful
        # first three months", "the dress code"): a sentence sharing the other words would
        # answer something else.
        candidates = []
    if not candidates:
        missing = sensitive[0] if sensitive else min(asked) if asked else None
        return GroundedAnswer(question, None, BY_NAME[missing].label if missing else None)

    def rank(i: int) -> tuple[int, int, float, int]:
        hit = scores.get(i)
        # Asked about the stack, the sentence naming more of it tells more.
        named = units.skills_named[i] if "stack" in asked else 0
        fit = len(asked & units.topics[i]) + (i in every_word and not sensitive)
        return (fit, named, hit.score if hit else 0.0, -i)

    ordered = sorted(candidates, key=rank, reverse=True)
    return GroundedAnswer(question, _quote(units, ordered, rank))


def _enough_words(hit: Hit, specific: list[str]) -> bool:
    """Without a topic, the sentence must hold most of what the question is about: the
    word of a one-word question ('Kafka?'), two of a longer one, and more than half of them
    ("a successful first three months" is not answered by "in their first month")."""
    wanted = len(set(specific))
    return len(hit.matched) >= min(2, wanted) and len(hit.matched) > wanted / 2


def _quote(units: _Sentences, ordered: list[int],
           rank: Callable[[int], tuple[int, int, float, int]]) -> str:
    """The best sentence, and the runner-up too when it is its neighbour in the same
    paragraph, speaks to as many of the asked topics and scores nearly as high: two
    sentences that answer together, never a paragraph."""
    best = ordered[0]
    chosen = [best]
    if len(ordered) > 1:
        second = ordered[1]
        b, s = rank(best), rank(second)
        near = abs(second - best) == 1 and units.paragraph[second] == units.paragraph[best]
        if (near and s[0] == b[0] and s[2] >= SECOND_SENTENCE_SHARE * b[2] > 0
                and len(units.texts[best]) + len(units.texts[second]) <= MAX_QUOTE_CHARS):
            chosen.append(second)
    return " ".join(units.texts[i] for i in sorted(chosen[:MAX_QUOTED_SENTENCES]))


def questions_for_recruiter(role: Role, answers: list[str],
                            question_stage_replies: list[str]) -> list[str]:
    """What the candidate asked that the interview could not answer: questions slipped into
    answers (the bot promised to pass them on) and questions the job description does not
    cover. The report lists them so that the promise is kept."""
    pending: list[str] = []
    for text in answers:
        pending += [q for q in split_questions(text) if q.rstrip().endswith("?")]
    for text in question_stage_replies:
        pending += [a.question for a in answer_questions(role, text)
                    if a.passage is None and a.question.rstrip().endswith("?")]
    return list(dict.fromkeys(q.strip() for q in pending))
