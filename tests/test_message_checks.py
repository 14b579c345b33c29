"""Every message a real small model wrote is judged for meaning before a candidate sees it.

The texts below come from tests/data/real-model-outputs/ (Qwen2.5-Coder-0.5B-Instruct on
llama.cpp): each was accepted by the old brain and reached a candidate.
"""

from __future__ import annotations

import pytest

from bot.brains.base import ComposeRequest, InterviewContext
from bot.brains.message_checks import message_problems
from bot.flow import Kind
from bot.roles import load_role
from tests.fakes.openai_variants import real_messages_by_kind

ROLE = load_role("database-administrator")
CTX = InterviewContext(role=ROLE, candidate_first_name="Robert", resume="")
LINE = "Led the migration of 12 on-premises databases to AWS RDS and Aurora using AWS DMS."
REAL = real_messages_by_kind()


def request(kind: Kind, **fields) -> ComposeRequest:
    return ComposeRequest(kind=kind, context=CTX, **fields)


def technical() -> ComposeRequest:
    return request(Kind.TECHNICAL, question=ROLE.question("slow-query-diagnosis"),
                   question_number=1, question_total=4)


REAL_CASES = [
    ("seven-sentence greeting with invented claims", request(Kind.GREETING),
     REAL["greeting"][0]),
    ("project 'question' that is only the resume line", request(Kind.PROJECT,
                                                                 project_line=LINE),
     REAL["project"][0]),
    ("refusal instead of a project question", request(Kind.PROJECT, project_line=LINE),
     REAL["project"][1]),
    ("refusal instead of a follow-up", request(Kind.FOLLOWUP), REAL["followup"][1]),
    ("closing turn that repeats the last question",
     request(Kind.CANDIDATE_QUESTIONS), REAL["candidate_questions"][0]),
    ("closing turn that never invites questions", request(Kind.CANDIDATE_QUESTIONS),
     REAL["candidate_questions"][1]),
    ("wrap-up that reads the instruction back", request(Kind.WRAP_UP), REAL["wrap_up"][0]),
] + [(f"technical question written by the model ({i})", technical(), text)
     for i, text in enumerate(REAL["technical"])]


@pytest.mark.parametrize(("what", "req", "text"), REAL_CASES, ids=[c[0] for c in REAL_CASES])
def test_what_the_real_model_wrote_is_stopped(what: str, req: ComposeRequest,
                                              text: str) -> None:
    assert message_problems(req, text), what


def test_the_real_models_sound_welcome_passes() -> None:
    # One sentence, every fact from the role file's summary.
    assert message_problems(request(Kind.GREETING), REAL["greeting"][1]) == []


def test_a_runaway_reply_cut_at_max_tokens_is_stopped() -> None:
    assert "cut off at max_tokens" in message_problems(
        technical(), "Thank you for that.", finish_reason="length")


@pytest.mark.parametrize(("req", "text"), [
    (request(Kind.GREETING), "Welcome, Robert, to this interview for the Database "
                             "Administrator role at DataCore Solutions."),
    (request(Kind.PROJECT, project_line=LINE),
     f'Thanks. You mention "{LINE}" What was the problem, what did you do yourself, and '
     "how did it turn out?"),
    (technical(), "Thank you for walking me through that."),
    (request(Kind.FOLLOWUP, question=ROLE.question("slow-query-diagnosis")),
     "Could you give a concrete example of how you found the cause?"),
    (request(Kind.CANDIDATE_QUESTIONS), "Thank you, that was my last question. Do you have "
                                        "any questions about the role or the process?"),
    (request(Kind.WRAP_UP), "Thank you for your time, Robert. A person on the hiring team "
                            "will review your answers, and the recruiter will contact you "
                            "about next steps."),
    (request(Kind.FOLLOWUP, reason="deflection"),
     "I've noted your question for the recruiter; there is time for questions at the end."),
], ids=["greeting", "project", "acknowledgement", "follow-up", "invitation", "wrap-up",
        "deflection-note"])
def test_sound_messages_pass(req: ComposeRequest, text: str) -> None:
    assert message_problems(req, text) == []


@pytest.mark.parametrize(("req", "text", "reason"), [
    (request(Kind.GREETING), "Welcome, Robert! We offer a salary of 95,000 EUR and a team "
                             "of 40 engineers.", "states what the role file does not"),
    (request(Kind.GREETING), "Welcome, Robert. Are you ready to begin?", "asks a question"),
    (technical(), "Great answer, that is exactly right.", "judges the answer"),
    (request(Kind.FOLLOWUP), "Please add more detail.", "contains no question"),
    (request(Kind.FOLLOWUP, question=ROLE.question("slow-query-diagnosis")),
     "Could you cover these: reads the execution plan (explain / explain analyze) to see "
     "where time goes, and looks at indexes - missing, unused, or a plan that switched to a "
     "sequential scan?", "lists the rubric"),
    (request(Kind.WRAP_UP), "Thanks, Robert! A person will review your answers and the "
                            "recruiter will be in touch. Any questions before we finish?",
     "invites more"),
    (request(Kind.ANSWER, candidate_message="Is it remote?"),
     "The role is remote-first within European time zones.",
     "does not ask whether they would like to know anything else"),
    (request(Kind.ANSWER, candidate_message="Is it remote?", close_after_answer=True),
     "The role is remote-first. Let me know if you have anything else!", "invites more"),
], ids=["invented-facts", "greeting-asks", "judging", "follow-up-without-question",
        "rubric-listed", "wrap-up-invites", "answer-does-not-invite", "closing-invites"])
def test_messages_that_say_the_wrong_thing_are_stopped(req: ComposeRequest, text: str,
                                                       reason: str) -> None:
    assert any(reason in p for p in message_problems(req, text)), message_problems(req, text)


def test_an_answer_about_the_role_may_state_only_what_its_passages_say() -> None:
    passage = ROLE.passages()[0]
    req = request(Kind.ANSWER, candidate_message="Tell me about the role?")
    assert message_problems(req, f'"{passage}" Is there anything else you would like to '
                                 "know?", passages=(passage,)) == []
    invented = message_problems(req, "The team has 40 people in Berlin. Anything else you "
                                     "would like to know?", passages=(passage,))
    assert any("states what the role file does not" in p for p in invented)


def test_an_acknowledgement_may_name_what_the_candidate_said() -> None:
    said = request(Kind.TECHNICAL, question=ROLE.question("backup-recovery"),
                   candidate_message="We used Vitess and EXPLAIN ANALYZE daily.")
    assert message_problems(said, "Thank you for explaining how you use Vitess.") == []
    assert message_problems(technical(), "Thank you for explaining how you use Vitess.")
