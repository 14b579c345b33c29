"""Follow-ups by what the answer lacks, in natural English, never the rubric (issue 15)."""

from __future__ import annotations

import pytest

from bot.followups import GENERIC, PROJECT_FOLLOWUPS, leaks_rubric, missing_aspect, pick_followup
from bot.roles import list_roles

QUESTIONS = [(role.name, q) for role in list_roles() for q in role.questions]


@pytest.mark.parametrize(("role", "question"), QUESTIONS, ids=[q.id for _, q in QUESTIONS])
def test_every_shipped_question_has_written_follow_ups_that_give_nothing_away(
        role: str, question) -> None:
    written = question.followups
    assert written is not None, role
    for text in (written.depth, written.example, written.tradeoff):
        assert text and text.rstrip().endswith("?"), (role, question.id)
        assert not leaks_rubric(text, question), (role, question.id, text)
    for pool in (*GENERIC.values(), PROJECT_FOLLOWUPS):
        for text in pool:
            assert not leaks_rubric(text, question), (question.id, text)


def test_the_follow_up_asks_for_what_the_answer_lacks() -> None:
    question = next(q for _, q in QUESTIONS if q.id == "backup-recovery")
    theory = "You restore the base backup and replay WAL to a point before the delete."
    story = "We had this at my last job: I restored to 14:04 on a side instance."
    weighed = story + " It costs storage, but the risk of losing a day is worse."
    assert missing_aspect(theory) == "example"
    assert pick_followup(question, theory) == question.followups.example
    assert missing_aspect(story) == "tradeoff"
    assert pick_followup(question, story) == question.followups.tradeoff
    assert missing_aspect(weighed) == "depth"
    assert pick_followup(question, theory, hedged=True) == question.followups.depth


def test_a_question_without_written_follow_ups_gets_a_generic_one_of_that_kind() -> None:
    question = next(q for _, q in QUESTIONS if q.id == "backup-recovery")
    bare = question.model_copy(update={"followups": None, "followup": None})
    assert pick_followup(bare, "You restore the base backup.") in GENERIC["example"]
    assert pick_followup(bare, "Maybe a backup?", hedged=True) in GENERIC["hedged"]
