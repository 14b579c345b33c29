"""The state machine alone: bounded stages, bounded follow-ups and questions, always ends."""

from __future__ import annotations

import itertools

import pytest

from bot.flow import FlowConfig, FlowState, Kind, Reading, Stage, advance
from bot.intents import Control, control_word, says_no_more_questions

PLAN = ("q1", "q2", "q3")
THREE_QUESTIONS = FlowConfig(technical_questions=3)


def run(readings, config: FlowConfig = THREE_QUESTIONS) -> list:
    state = FlowState(stage=Stage.GREETING, plan=PLAN)
    steps = []
    for reading in readings:
        step, state = advance(state, config, reading)
        steps.append(step)
        if step.finished:
            break
    return steps


def test_good_answers_walk_every_stage_once() -> None:
    steps = run([Reading()] * 5 + [Reading(no_more_questions=True)])
    assert [s.kind for s in steps] == [Kind.PROJECT, Kind.TECHNICAL, Kind.TECHNICAL,
                                       Kind.TECHNICAL, Kind.CANDIDATE_QUESTIONS, Kind.WRAP_UP]
    assert [s.question_id for s in steps[1:4]] == list(PLAN)
    assert steps[-1].finished


def test_at_most_one_followup_per_question() -> None:
    steps = run([Reading()] + [Reading(thin=True)] * 7)
    kinds = [s.kind for s in steps]
    assert kinds[:7] == [Kind.PROJECT, Kind.FOLLOWUP, Kind.TECHNICAL, Kind.FOLLOWUP,
                         Kind.TECHNICAL, Kind.FOLLOWUP, Kind.TECHNICAL]


def test_candidate_questions_are_bounded() -> None:
    config = FlowConfig(candidate_question_exchanges=3)
    steps = run([Reading()] * 5 + [Reading(asks_question=True)] * 10, config)
    answers = [s for s in steps if s.kind is Kind.ANSWER]
    assert len(answers) == 3 and answers[-1].finished and answers[-1].close_after_answer


def test_a_question_and_goodbye_in_one_message_answers_then_closes() -> None:
    steps = run([Reading()] * 5 + [Reading(asks_question=True, no_more_questions=True)])
    assert steps[-1].kind is Kind.ANSWER and steps[-1].finished


def test_turn_budget_always_ends_the_interview() -> None:
    config = FlowConfig(turn_budget=6)
    steps = run(itertools.repeat(Reading(blank=True), 100), config)
    assert len(steps) == 6
    assert steps[-1].kind is Kind.WRAP_UP and steps[-1].finished
    assert steps[-1].reason == "turn budget reached"


def test_blank_answers_are_reasked_not_counted_as_answers() -> None:
    steps = run([Reading(), Reading(blank=True)])
    assert steps[-1].kind is Kind.NOTICE and steps[-1].question_id == "project"


@pytest.mark.parametrize("text", [
    "no, that's all", "Nope, thanks!", "I'm good, thank you", "No questions from me.",
    "That's everything, thanks", "nothing else", "I don't have any more questions",
    "Not really, thanks", "All good!", "No thank you",
])
def test_says_no_more_questions(text: str) -> None:
    assert says_no_more_questions(text)


@pytest.mark.parametrize("text", [
    "What does on-call look like?", "Could you tell me about the team?",
    "How do you do code reviews? Is it all remote?", "Is the role remote?",
])
def test_real_questions_are_not_goodbyes(text: str) -> None:
    assert not says_no_more_questions(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("pause", Control.PAUSE), ("Resume.", Control.RESUME), ("/withdraw", Control.WITHDRAW),
    ("HELP", Control.HELP), ("please pause the interview for a sec", None),
    ("I paused the replication", None),
])
def test_control_words_are_whole_messages(text: str, expected: Control | None) -> None:
    assert control_word(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("What does on-call look like?", True), ("Honestly? Prometheus, mostly.", False),
    ("Salary?", False), ("I use EXPLAIN. Why does it matter?", True),
])
def test_only_real_questions_count_as_questions(text: str, expected: bool) -> None:
    from bot.intents import has_question

    assert has_question(text) is expected


@pytest.mark.parametrize("act", ["small_talk", "clarifying", "non_text", "role_question",
                                 "dont_know", "hedge"])
def test_a_loop_of_any_reply_moves_past_every_question(act: str) -> None:
    """However a candidate keeps replying, each question is left within a few turns (issue
    15: 29 identical "I didn't catch an answer" until the turn budget ended it)."""
    reading = Reading(act=act, blank=act == "non_text", thin=True)
    state = FlowState(stage=Stage.GREETING, plan=PLAN)
    seen: list[tuple[str, str | None]] = []
    for _ in range(40):
        step, state = advance(state, FlowConfig(turn_budget=100), reading)
        seen.append((state.stage.value, state.current_question_id()))
        if state.stage is Stage.CANDIDATE_QUESTIONS:
            break
    assert state.stage is Stage.CANDIDATE_QUESTIONS
    for key in set(seen):  # arriving, two asides at most, one follow-up
        assert seen.count(key) <= 4, (act, key)


def test_two_replies_without_words_move_on_but_small_talk_first_does_not_count() -> None:
    state = FlowState(stage=Stage.GREETING, plan=PLAN)
    config = FlowConfig()
    step, state = advance(state, config, Reading(act="small_talk"))
    assert step.kind is Kind.NOTICE and state.stage is Stage.GREETING
    step, state = advance(state, config, Reading(blank=True, act="non_text"))
    assert step.kind is Kind.NOTICE and state.stage is Stage.GREETING
    step, state = advance(state, config, Reading(blank=True, act="non_text"))
    assert step.kind is Kind.PROJECT and step.reason == "no answer"
