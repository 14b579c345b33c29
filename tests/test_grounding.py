"""Candidate questions are answered only from the job description, never invented."""

from __future__ import annotations

import pytest

from bot.brains.base import ComposeRequest, InterviewContext
from bot.brains.offline import OfflineBrain
from bot.flow import Kind
from bot.grounding import answer_questions, split_questions
from bot.roles import load_role
from bot.text import sentences

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


# --- one tokeniser for the index and the query (issue 15)

def test_index_and_query_share_one_tokeniser_that_splits_hyphenated_words_and_keeps_them(
) -> None:
    from bot.retrieval import Bm25Index
    from bot.text import terms

    assert terms("remote")[0] == terms("remotely")[0] == terms("Remote")[0]
    assert terms("remote-first") == ["remote-first", terms("remote")[0], "first"]
    index = Bm25Index(["The role is remote-first.", "On-call is weekly.", "We use Kafka."])
    assert [h.index for h in index.search("Can I work remotely?")] == [0]
    assert [h.index for h in index.search("is there on call")] == [1]
    assert [h.index for h in index.search("remote-first?")] == [0]


def test_words_porter2_joins_by_accident_stay_apart() -> None:
    from bot.text import stem

    assert stem("experiments") == stem("experiment") != stem("experience")
    assert stem("experienced") == stem("experience")
    assert stem("definitely") == stem("definitive") != stem("definition") == stem("definitions")


@pytest.mark.parametrize(("question", "quoted"), [
    ("Is the role remote?", "The role is remote-first within European time zones"),
    ("Can I work remotely?", "The role is remote-first within European time zones"),
    ("How big is the database team?", None),
    ("How many years of experience do you need?", "at least five years"),
    ("How long until I hear back?", "We aim to give an answer within two weeks"),
    ("Do you offer relocation to Lisbon?", None),
    ("what benefits do you offer?", None),
])
def test_the_answer_is_the_sentence_that_says_it_or_nothing(question: str,
                                                           quoted: str | None) -> None:
    [grounded] = answer_questions(ROLE, question)
    if quoted is None:
        assert grounded.passage is None and grounded.topic
        return
    assert grounded.passage is not None and quoted in grounded.passage
    flat = " ".join(ROLE.job_description.split())
    assert grounded.passage in flat  # verbatim
    assert len(sentences(grounded.passage)) <= 2 < len(sentences(flat))
    assert grounded.passage not in ROLE.passages()  # a sentence or two, not the paragraph


def test_every_answer_on_every_shipped_role_quotes_at_most_two_verbatim_sentences() -> None:
    from bot.calibration.role_questions import TUNED_FILE, load_gold

    for question in load_gold(TUNED_FILE):
        role = load_role(question.role)
        for grounded in answer_questions(role, question.ask):
            if grounded.passage:
                assert grounded.passage in " ".join(role.job_description.split())
                assert len(sentences(grounded.passage)) <= 2


def test_a_sensitive_topic_is_answered_only_by_a_sentence_about_it() -> None:
    analyst = load_role("data-analyst")
    [visa] = answer_questions(analyst, "Do you sponsor visas?")
    assert visa.passage and "right to work in Ireland" in visa.passage
    sre = load_role("site-reliability-engineer")
    [bonus] = answer_questions(sre, "Is there a bonus for on-call?")
    assert bonus.passage is None and bonus.topic == "benefits"
    [health] = answer_questions(analyst, "is there health insurance")  # Fernleaf *Health*
    assert health.passage is None


@pytest.mark.parametrize(("role_name", "question", "quoted"), [
    # What the simulated candidates ask in the demos, on every shipped role.
    ("data-analyst", "How strict are the working hours?", "The team works on Irish time."),
    ("data-analyst", "What would a successful first three months look like?", None),
    ("backend-engineer", "What's the biggest challenge the team is working on right now?",
     None),
    ("site-reliability-engineer", "How is the team structured?", "The Reliability team owns"),
    ("database-administrator", "What's the policy on side projects?", None),
    ("database-administrator", "How fast could I get promoted if I do well?", None),
    ("database-administrator", "Could I start at a more senior title than advertised?", None),
    ("database-administrator", "Is there travel involved?", None),
    # "going" stems to `go`: it must not make the language Go a word of no meaning.
    ("site-reliability-engineer", "Do I need to know Go?", "mostly written in Go and Java"),
])
def test_questions_from_the_demos_get_the_sentence_or_the_recruiter(
        role_name: str, question: str, quoted: str | None) -> None:
    [grounded] = answer_questions(load_role(role_name), question)
    if quoted is None:
        assert grounded.passage is None, grounded.passage
    else:
        assert grounded.passage is not None and quoted in grounded.passage


def test_two_neighbouring_sentences_that_answer_together_are_both_quoted() -> None:
    role = ROLE.model_copy(update={"job_description": (
        "We build billing software for utilities. Our customers are in twelve countries. "
        "Invoices go out every night.\n\n"
        "Our office is in Porto, near the river. The office is open to the team on weekdays. "
        "We deploy to AWS with Terraform.")})
    [grounded] = answer_questions(role, "Where is the office?")
    assert grounded.passage == ("Our office is in Porto, near the river. The office is open "
                                "to the team on weekdays.")
    [one] = answer_questions(role, "Do you use Terraform?")
    assert one.passage == "We deploy to AWS with Terraform."
