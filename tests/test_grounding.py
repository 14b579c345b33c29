"""Candidate questions are answered only from the job description, never invented."""

from __future__ import annotations

import pytest

from bot.brains.base import ComposeRequest, InterviewContext
from bot.brains.offline import OfflineBrain
from bot.flow import Kind
from bot.grounding import answer_questions, split_questions
from bot.roles import load_role

ROLE = load_role("database-administrator")


def answer(message: str) -> str:
    ctx = InterviewContext(role=ROLE, candidate_first_name="Ada", resume="")
    return OfflineBrain().word(ComposeRequest(Kind.ANSWER, ctx, candidate_message=message))


def test_a_covered_question_is_answered_with_a_verbatim_passage() -> None:
    [grounded] = answer_questions(ROLE, "How does on-call work for the team?")
    assert grounded.passage is not None and "on-call" in grounded.passage.lower()
    assert grounded.passage in ROLE.job_description.replace("\n", " ") or \
        grounded.passage in ROLE.passages()


@pytest.mark.parametrize("question", [
    "What is the salary range?",
    "What benefits do you offer, like health insurance?",
    "How many people are on the team?",
    "Do you sponsor visas?",
    "What's your favourite colour?",
])
def test_uncovered_questions_get_a_recruiter_follow_up(question: str) -> None:
    [grounded] = answer_questions(ROLE, question)
    assert grounded.passage is None
    text = answer(question)
    assert "recruiter will follow up" in text
    assert not any(p in text for p in ROLE.passages())


def test_several_questions_in_one_message_are_each_answered() -> None:
    message = ("Firstly, could you tell me about on-call? Secondly, what is the salary? "
               "Finally, what are the next steps in the hiring process?")
    assert len(split_questions(message)) == 3
    answers = answer_questions(ROLE, message)
    assert [a.passage is not None for a in answers] == [True, False, True]


def test_questions_the_interview_could_not_answer_are_kept_for_the_recruiter() -> None:
    from bot.grounding import questions_for_recruiter

    pending = questions_for_recruiter(
        ROLE,
        answers=["I'd use PITR. Before I go on, is the role remote?"],
        question_stage_replies=["How does on-call work? And what is the salary?"],
    )
    assert pending == ["Before I go on, is the role remote?", "And what is the salary?"]
