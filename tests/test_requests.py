"""A candidate's requests in ordinary words (issue 12): ten ordinary ways of asking for a
person, for deletion and for an explanation of a score are recognised, and ten look-alikes
of each (answers that talk about people, deleting data or scores) are not."""

from __future__ import annotations

import random
import re

import pytest

from bot.requests import (
    Request,
    clause_words,
    clauses,
    confirms_erasure,
    fold,
    hinted,
    requests_in,
)

PERSON = [
    "can I talk to a human",
    "I'd prefer a real interviewer",
    "is this a bot? I want a person",
    "I'd rather speak to a person, not an AI.",
    "Could I speak with someone from HR, please?",
    "I want to talk to a real person.",
    "Please connect me with a recruiter.",
    "Can a human interview me instead?",
    "Is there a human I can talk to?",
    "human",
    "I'd like an alternative process with a human interviewer.",
    "Let me talk to someone real, please.",
]
NOT_PERSON = [
    "a person who owns the database",
    "I want a person to own each service, so nothing is orphaned.",
    "The customer asked to speak to a person, so I escalated the ticket.",
    "I'd like to speak to the person who designed the schema before changing it.",
    "I prefer a human-readable format for the logs.",
    "I need a person-level breakdown of the costs.",
    "We escalate to a human reviewer when the model is unsure.",
    "I talked to a human resources manager about the outage.",
    "Each on-call person can page the secondary.",
    "I want to talk about how a human reviews the alerts.",
    "I need someone to review the PR before we merge.",
]
ERASURE = [
    "delete my data",
    "Please delete my data.",
    "Erase everything you have about me.",
    "I want my information removed.",
    "Can you remove my personal data?",
    "I'd like my data deleted.",
    "forget me",
    "Right to be forgotten: please erase my records.",
    "GDPR request: delete all my data",
    "please wipe all of my answers",
    "Delete this interview, I don't want it kept.",
]
NOT_ERASURE = [
    "I'd delete the old data after the backup is verified.",
    "We delete data older than 90 days with a nightly job.",
    "I had to delete my branch after the rebase went wrong.",
    "The user asked us to delete their data, so we ran a GDPR script.",
    "DELETE FROM users WHERE id = 5;",
    "How do I delete my data safely in PostgreSQL? With a transaction and a backup.",
    "I accidentally deleted my local data folder once.",
    "Remove duplicate data before loading it into the warehouse.",
    "Don't forget me when you hire!",
    "My pipeline deletes stale partitions every night.",
    "Don't forget to vacuum after a big delete.",
]
EXPLANATION = [
    "why did I get this score?",
    "How was I scored?",
    "Can you explain my score?",
    "Why was I rejected?",
    "what was my score",
    "How did you grade my answers?",
    "please explain the decision",
    "Why did I fail?",
    "What criteria did you use to evaluate me?",
    "I'd like an explanation of my evaluation.",
    "Why is my score so low?",
    "Was the decision made by an AI?",
]
NOT_EXPLANATION = [
    "Why did the planner choose a seq scan with a low cost?",
    "I scored 5/5 on the AWS practice exam.",
    "How do you score a cardinality estimate?",
    "Why did the index get rejected by the optimizer?",
    "EXPLAIN ANALYZE shows the actual rows and timings.",
    "I explained the decision to my team in a design doc.",
    "Our model's F1 score improved after retraining.",
    "What is a good score for a Lighthouse test?",
    "Why did I choose Patroni over repmgr? Fewer moving parts.",
    "Why did I get paged at 3am? A disk filled up.",
    "How did I debug the deadlock? With pg_locks.",
    "I'd probably explain the results clearly, maybe start with the summary.",
    "The reasoning behind the decision was latency, not cost.",
]
CASES = [(Request.PERSON, PERSON, NOT_PERSON), (Request.ERASURE, ERASURE, NOT_ERASURE),
         (Request.EXPLANATION, EXPLANATION, NOT_EXPLANATION)]


def test_ten_of_each_are_listed() -> None:
    for _, asks, look_alikes in CASES:
        assert len(asks) >= 10 and len(look_alikes) >= 10


@pytest.mark.parametrize(("request_kind", "text"),
                         [(kind, text) for kind, asks, _ in CASES for text in asks])
def test_an_ordinary_request_is_recognised(request_kind: Request, text: str) -> None:
    assert request_kind in requests_in(text)


@pytest.mark.parametrize(("request_kind", "text"),
                         [(kind, text) for kind, _, look_alikes in CASES for text in look_alikes])
def test_a_look_alike_is_not_a_request(request_kind: Request, text: str) -> None:
    assert request_kind not in requests_in(text)


def test_requests_in_one_message_are_all_found() -> None:
    found = requests_in("I'd rather speak to a person, not an AI. Please delete my data.")
    assert found == {Request.PERSON, Request.ERASURE}


def test_folding_defeats_look_alike_characters() -> None:
    assert Request.PERSON in requests_in("Ｃan I talk to a hu\u200bman?")
    assert Request.ERASURE in requests_in("please delete my data")


def test_only_a_plain_yes_confirms_an_erasure() -> None:
    for text in ("yes", "Yes, delete it.", "go ahead", "YES PLEASE"):
        assert confirms_erasure(text), text
    for text in ("yes but first tell me what you keep", "no", "maybe", "", "delete"[:3]):
        assert not confirms_erasure(text), text


# The hint searches as they were written before the hints were looked up among a clause's
# words (commit 9962bdd, bot/requests.py): the look-up must find exactly what they found.
SEARCHED_HINTS = {
    Request.PERSON: re.compile(
        r"\b(?:human|humans|person|people|interviewer|recruiter|manager|team|"
        r"someone|somebody|anyone|hr|resources|company|alternative|agent)\b"),
    Request.ERASURE: re.compile(
        r"\b(?:delete|erase|remove|wipe|purge|destroy|rid|clear|discard|"
        r"scrub|deleted|erased|removed|wiped|purged|destroyed|discarded|"
        r"forgotten|forget|erasure|deletion|gdpr)\b"),
    Request.EXPLANATION: re.compile(
        r"\b(?:score|scores|scored|scoring|grade|grades|graded|grading|"
        r"rate|rating|rated|mark|marks|marked|result|results|reject|"
        r"rejected|rejection|turned|fail|failed|evaluate|evaluation|"
        r"evaluated|evaluating|assess|assessment|assessed|assessing|judge|"
        r"judged|judging|rank|ranked|feedback|decision|outcome|points|low|"
        r"selected|shortlisted|advanced|progressed|moving|explain|"
        r"explanation|reasoning|reason|reasons|justification|breakdown|"
        r"criteria|rubric|standard|standards|factors|give|how did i do)\b|"
        r"[1-5] ?/ ?5"),
}


def _hint_texts() -> list[str]:
    """Every request and look-alike here, and made-up clauses of every hint word run
    together with the characters that decide a word's edges (underscores, digits, accents,
    apostrophes, hyphens, slashes, zero-width spaces)."""
    texts = [text for _, asks, look_alikes in CASES for text in (*asks, *look_alikes)]
    hint_words = [word for search in SEARCHED_HINTS.values()
                  for word in re.findall(r"(?<=[:|])[a-z ]+(?=[|)])", search.pattern)]
    vocabulary = [*hint_words, "3/5", "4 / 5", "5/50", "how did i do it", "human_x", "x_hr",
                  "hr2", "é", "teamé", "don't", "i'd", "me", "my", "why"]
    joints = [" ", "", "-", "_", "'", "/", "\u200b", "é", "2", ", "]
    rng = random.Random(12)
    texts += ["".join(rng.choice(vocabulary) + rng.choice(joints)
                      for _ in range(rng.randint(1, 6))) for _ in range(6000)]
    return texts


def test_hint_words_are_found_exactly_where_a_word_search_finds_them() -> None:
    """The cheap look-up of a clause's words (bot.requests.hinted) agrees with the searches
    it replaced, on every clause tried: same words, same word edges."""
    found = dict.fromkeys(Request, 0)
    for text in _hint_texts():
        for clause in (fold(text), *clauses(text)):
            words_in = clause_words(clause)
            for kind, search in SEARCHED_HINTS.items():
                searched = bool(search.search(clause))
                assert hinted(kind, clause, words_in) is searched, (kind, clause)
                found[kind] += searched
    assert all(count > 100 for count in found.values())  # each kind hinted often
