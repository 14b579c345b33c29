"""The model's report claims, checked against the scores software gave."""

from __future__ import annotations

import pytest

from bot.brains.redaction import REDACTED, redact
from bot.brains.report_checks import Facts, prose_problem, skill_problem, strength_problem
from bot.report import ADVANCE, NOT_RECOMMENDED
from bot.scoring.evaluation import QuestionEvaluation

QUOTE = "I restore last night's base backup to a new instance"


def evaluation(position: int, topic: str, score: int, evidence: list[str]) -> \
        QuestionEvaluation:
    return QuestionEvaluation(position=position, question_id=topic.lower(), topic=topic,
                              question="?", score=score, justification="", evidence=evidence)


EVALS = [evaluation(1, "Backup and recovery", 3, [QUOTE]),
         evaluation(2, "Query optimisation", 1, []), evaluation(3, "Monitoring", 3, [])]
FACTS = Facts.of(NOT_RECOMMENDED, EVALS, 2.33)


@pytest.mark.parametrize(("text", "reason"), [
    ("5/5", "a bare number"),
    ("7/60", "a bare number"),
    ("Communication was measured at 7/60 across all of the answers given here.",
     "a ratio that is not a score"),
    ("The candidate earned 5/5 on recovery and showed a careful method throughout.",
     "a score no answer got"),
    ("A strong candidate whose answers show depth across every topic we asked about.",
     "contradicts the band"),
    ("We should reject this applicant because the answers lacked depth in places.",
     "announces a hiring decision"),
    ('They said "I always test restores every week" which shows real discipline here.',
     "quotes words the candidate did not write"),
])
def test_claims_that_do_not_hold_are_refused(text: str, reason: str) -> None:
    problem = prose_problem(text, FACTS)
    assert problem and reason in problem


@pytest.mark.parametrize("text", [
    "Mean of 2.33/5, with 3/5 on Backup and recovery as the strongest answer given.",
    f'On recovery they said "{QUOTE}", which is the right first step for this incident.',
    "Answers were short and hedged; the gaps below matter more than the strengths.",
])
def test_claims_that_hold_pass(text: str) -> None:
    assert prose_problem(text, FACTS) is None


def test_the_band_decides_which_praise_is_consistent() -> None:
    praise = "A strong candidate whose answers show depth across every topic we asked."
    assert prose_problem(praise, Facts.of(ADVANCE, EVALS, 4.5)) is None
    assert prose_problem("Not recommended on this evidence: the answers lacked depth here.",
                         Facts.of(ADVANCE, EVALS, 4.5))


def test_strengths_need_verbatim_quotes_and_skills_need_evidence() -> None:
    assert strength_problem("Backup and recovery: clear first step.", FACTS) == \
        "no quoted evidence"
    assert strength_problem(f'Backup and recovery: "{QUOTE}".', FACTS) is None
    assert skill_problem("Backup and recovery", FACTS) is None
    assert skill_problem("PostgreSQL", FACTS) == "not shown by any evidence"
    assert skill_problem("Query optimisation", FACTS)  # scored 1: not a shown skill


@pytest.mark.parametrize(("text", "known", "hidden"), [
    ("Hi! I'm Robert Taylor, a DBA.", "", ["Robert", "Taylor"]),
    ("I am Ana, and I run PostgreSQL.", "", ["Ana"]),
    ("It went well.\nThanks,\nRobert", "", ["Robert"]),
    ("Robert here: I tune queries. Robert", "Robert Taylor", ["Robert"]),
])
def test_names_are_redacted(text: str, known: str, hidden: list[str]) -> None:
    redacted = redact(text, known)
    assert REDACTED in redacted and not any(name in redacted for name in hidden)


@pytest.mark.parametrize("text", ["I'm Happy to walk through EXPLAIN ANALYZE.",
                                  "I will check the plan; I'm Senior DBA at Acme."])
def test_ordinary_words_are_not_taken_for_names(text: str) -> None:
    assert redact(text, "Will Smith") == text
