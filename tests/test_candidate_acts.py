"""Telling apart what a candidate does with a message (issue 15): a question about the role,
a question about the interview question, a tentative answer, an honest "I don't know",
small talk and replies without words. Each class lists 15 or more messages as candidates
write them, the hard cases from real transcripts among them."""

from __future__ import annotations

import pytest

from bot.candidate_acts import Act, classify, role_questions
from bot.followups import leaks_rubric
from bot.roles import load_role
from bot.small_words import clarification

ROLE_QUESTIONS = [
    "Is the role remote?",
    "Can I work remotely?",
    "How big is the database team?",
    "What does the on-call rotation look like?",
    "Do you sponsor visas?",
    "What's the salary range for this position?",
    "When would the start date be?",
    "What are the next steps in the hiring process?",
    "What tech stack does the team use?",
    "Who would I report to?",
    "Is there an office I could go to now and then?",
    "How many rounds are there in the interview process?",
    "What kind of projects would I be working on here?",
    "Do you offer a learning budget or conferences?",
    "What are the core working hours?",
    "Is this a full-time position or a contract?",
    "Quick question before we start though: is this role fully remote?",
    "Sorry, unrelated, but do you use Terraform or something else?",
]

CLARIFYING = [
    "work project or a personal one?",
    "Do you mean a work project or a personal one?",
    "Should I assume PostgreSQL here?",
    "What do you mean by split brain?",
    "Could you rephrase the question?",
    "Can you repeat the question please?",
    "Is it ok if I answer for MySQL instead?",
    "How much detail do you want?",
    "Are we talking about a read-heavy or a write-heavy system?",
    "Do you want me to write actual SQL?",
    "Can I talk about a side project?",
    "Just to clarify, is this about the application or the database itself?",
    "Does it have to be from my current job?",
    "In theory or from my own experience?",
    "Which database should I assume?",
    "By availability do you mean uptime or durability?",
    "Should I focus on the migration or the cut-over?",
]

HEDGES = [
    "Maybe restart it and see if that helps?",
    "Would adding an index fix it?",
    "Is it because the statistics are stale?",
    "Could it be a missing index?",
    "I guess you could add more replicas?",
    "Perhaps increase the memory limit?",
    "Restart the pod and check the logs?",
    "Just add a cache in front of it?",
    "Use a queue for the slow work, maybe?",
    "Wouldn't a retry with backoff handle that?",
    "Check the slow query log first, I think?",
    "Isn't that what VACUUM is for?",
    "Scale it horizontally behind the load balancer?",
    "I'd probably roll back first?",
    "Try EXPLAIN ANALYZE on the query?",
    "Something like a circuit breaker?",
]

DONT_KNOW = [
    "I don't know.",
    "No idea, sorry.",
    "I'm not sure.",
    "Honestly I don't know this one.",
    "I've never done that.",
    "I have never worked with Patroni.",
    "Pass.",
    "Can we skip this one?",
    "I'd rather skip this question.",
    "No clue to be honest",
    "idk",
    "Not familiar with that, sorry.",
    "I can't answer that one.",
    "What's the next question?",
    "Let's move on, I don't have experience with it.",
    "Dunno",
    "nope",
    "Nothing to add, sorry",
    "Like I said, it depends. Can we move on to something else?",
]

SMALL_TALK = [
    "hi",
    "Hello!",
    "Hey there",
    "Thanks!",
    "Thank you so much",
    "ok",
    "Okay, sounds good",
    "Cool, thanks",
    "How are you?",
    "one sec",
    "Give me a minute",
    "Sorry for the delay",
    "I'm back",
    "Good morning!",
    "lol",
    "Nice to meet you",
    "Are you a bot?",
]

NON_TEXT = [
    "👍",
    "🙂🙂",
    "...",
    "?",
    "!!!",
    "🤔",
    "",
    "   ",
    "👋 🙂",
    "🔥🔥🔥",
    "—",
    "😅",
    "🙏",
    "?!",
    "✅",
    "👀",
]

ANSWERS = [
    "I'd run EXPLAIN (ANALYZE, BUFFERS) on the report first and compare estimated and actual "
    "rows; if they differ a lot the statistics are stale, so ANALYZE the table.",
    "We had this at my last job: the primary's disk filled because an abandoned replication "
    "slot kept WAL around. I dropped the slot and added an alert on retained WAL. Would that "
    "count as monitoring?",
]


@pytest.mark.parametrize("text", ROLE_QUESTIONS)
def test_a_question_about_the_role_is_for_the_recruiter(text: str) -> None:
    assert classify(text, stage="technical") is Act.ROLE_QUESTION
    assert role_questions(text)


@pytest.mark.parametrize("text", CLARIFYING)
def test_a_question_about_the_question_is_a_clarification(text: str) -> None:
    assert classify(text, stage="technical") is Act.CLARIFYING
    assert role_questions(text) == []


@pytest.mark.parametrize("text", HEDGES)
def test_a_tentative_answer_put_as_a_question_is_a_hedge(text: str) -> None:
    assert classify(text, stage="technical") is Act.HEDGE
    assert role_questions(text) == []


@pytest.mark.parametrize("text", DONT_KNOW)
def test_i_dont_know_is_told_apart(text: str) -> None:
    assert classify(text, stage="technical") is Act.DONT_KNOW
    assert role_questions(text) == []


@pytest.mark.parametrize("text", SMALL_TALK)
def test_small_talk_is_told_apart(text: str) -> None:
    assert classify(text, stage="technical") is Act.SMALL_TALK
    assert classify(text, stage="greeting") is Act.SMALL_TALK


@pytest.mark.parametrize("text", NON_TEXT)
def test_replies_without_words_are_non_text(text: str) -> None:
    assert classify(text, stage="technical") is Act.NON_TEXT


@pytest.mark.parametrize("text", ANSWERS)
def test_an_answer_with_a_question_in_it_is_an_answer(text: str) -> None:
    assert classify(text, stage="technical") is Act.ANSWER


def test_each_class_lists_fifteen_examples_or_more() -> None:
    for examples in (ROLE_QUESTIONS, CLARIFYING, HEDGES, DONT_KNOW, SMALL_TALK, NON_TEXT):
        assert len(examples) >= 15


def test_hesitation_words_and_interview_questions_never_reach_the_recruiter() -> None:
    text = "Honestly? Maybe restart it and see if that helps? What's the next question?"
    assert role_questions(text) == []
    assert role_questions("Honestly? Is the role remote?") == ["Is the role remote?"]


@pytest.mark.parametrize("text", CLARIFYING)
def test_every_clarifying_question_is_answered_by_narrowing_never_by_the_rubric(
        text: str) -> None:
    role = load_role("database-administrator")
    question = role.question("ha-failover")
    reply = clarification(text, question, prompt=question.question)
    assert "recruiter" not in reply and "noted" not in reply
    assert question.question in reply or question.followups.depth in reply
    assert not leaks_rubric(reply.replace(question.question, ""), question)


def test_a_clarification_before_the_introduction_rephrases_the_introduction() -> None:
    reply = clarification("What do you mean?", None, prompt="Could you introduce yourself?",
                          stage="greeting")
    assert "what you do now" in reply and "project" not in reply
