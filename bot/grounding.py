"""Answering a candidate's questions from the job description alone.

The bot may quote the job description; it never invents. A question the job description
does not answer gets an honest "the recruiter will follow up".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval import Bm25Index, index_for
from bot.roles import Role
from bot.text import sentences, stem, terms

MAX_QUESTIONS_PER_MESSAGE = 3
MIN_MATCHED_TERMS = 2

# Topics where a near-miss passage would mislead: the passage must mention the topic itself.
_SENSITIVE = {
    "salary": ("salary", "salaries", "compensation", "pay", "paid", "wage", "range"),
    "benefits": ("benefit", "benefits", "insurance", "pension", "401k", "vacation", "pto",
                 "holiday", "leave", "bonus", "equity", "stock", "options"),
    "team size": ("how many", "team size", "size of the team", "headcount", "people on"),
    "visa": ("visa", "sponsor", "sponsorship", "relocation", "relocate"),
    "start date": ("start date", "when would i start", "notice period"),
}

_GENERIC_TERMS = {stem(t) for t in (
    "role", "position", "job", "team", "company", "work", "working", "question", "know",
    "like", "would", "could", "current", "typical", "look", "looks",
)}


@dataclass(frozen=True)
class GroundedAnswer:
    question: str
    passage: str | None
    topic: str | None = None


def split_questions(message: str) -> list[str]:
    """The questions in a message ('Firstly, ...? Secondly, ...?'), or the whole message."""
    found = [s for s in sentences(message) if s.rstrip().endswith("?")]
    return (found or [message.strip()])[:MAX_QUESTIONS_PER_MESSAGE]


def answer_questions(role: Role, message: str) -> list[GroundedAnswer]:
    passages = role.passages()
    index = index_for(passages)
    return [_answer_one(index, passages, q) for q in split_questions(message)]


def _answer_one(index: Bm25Index, passages: list[str], question: str) -> GroundedAnswer:
    lowered = question.lower()
    sensitive = _sensitive_topic(lowered)
    for hit in index.search(question, k=3):
        passage = passages[hit.index]
        if len(hit.matched - _GENERIC_TERMS) < 1 or len(hit.matched) < MIN_MATCHED_TERMS:
            if not _strong_single_term(hit.matched, question):
                continue
        if sensitive and not _mentions(passage.lower(), _SENSITIVE[sensitive]):
            return GroundedAnswer(question, None, sensitive)
        return GroundedAnswer(question, passage)
    return GroundedAnswer(question, None, sensitive)


def _strong_single_term(matched: frozenset[str], question: str) -> bool:
    """A short question with one specific term ('On-call?') may match on that term alone."""
    specific = matched - _GENERIC_TERMS
    return bool(specific) and len(terms(question)) <= 3


def _sensitive_topic(lowered_question: str) -> str | None:
    for topic, cues in _SENSITIVE.items():
        if _mentions(lowered_question, cues):
            return topic
    return None


def _mentions(text: str, cues: tuple[str, ...]) -> bool:
    return any(re.search(r"(?<![a-z])" + re.escape(c) + r"(?![a-z])", text) for c in cues)


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
