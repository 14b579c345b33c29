"""Candidates' questions about the role, asked in the question stage of real interviews:
answered from what the job description says, briefly, and never invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console import ConsolePort
from bot.calibration.role_questions import (
    HELD_BACK_FILE,
    TUNED_FILE,
    GoldQuestion,
    Judged,
    Verdict,
    ask_and_judge,
    judge,
    load_gold,
)
from bot.roles import list_roles, load_role
from bot.service import InterviewService
from tests.conftest import make_settings

REQUIRED_RIGHT = 0.90
HELD_BACK_2_FILE = HELD_BACK_FILE.with_name("role_questions_held_back_2.yaml")
HELD_BACK_3_FILE = HELD_BACK_FILE.with_name("role_questions_held_back_3.yaml")
DBA = load_role("database-administrator")


async def asked_through_the_flow(engine, path: Path) -> list[Judged]:
    service = InterviewService(engine=engine, port=ConsolePort(),
                               settings=make_settings(technical_questions=1,
                                                      followups_per_question=0))
    return [await ask_and_judge(service, question, candidate_id=f"C{number}")
            for number, question in enumerate(load_gold(path))]


def test_the_gold_set_is_large_varied_and_points_at_real_sentences() -> None:
    tuned = load_gold(TUNED_FILE)
    held_back = [q for f in (HELD_BACK_FILE, HELD_BACK_2_FILE, HELD_BACK_3_FILE)
                 for q in load_gold(f)]
    assert len(tuned) >= 60 and len(held_back) >= 20
    assert {q.role for q in tuned} == {r.name for r in list_roles()}
    assert sum(not q.covered for q in tuned) >= 15  # enough chances to invent
    assert not {q.ask.lower() for q in tuned} & {q.ask.lower() for q in held_back}
    for q in tuned + held_back:
        flat = " ".join(load_role(q.role).job_description.split()).lower()
        assert all(p.lower() in flat for p in q.passages if q.covered), q.ask


async def test_role_questions_are_answered_right_on_the_first_try_through_the_flow(
        memory_engine) -> None:
    judged = await asked_through_the_flow(memory_engine, TUNED_FILE)
    wrong = [f"{j.verdict}: {j.question.role}: {j.question.ask!r} -> {j.reply[:160]!r}"
             for j in judged if j.verdict is not Verdict.RIGHT]
    right = 1 - len(wrong) / len(judged)
    assert right >= REQUIRED_RIGHT, "\n".join(wrong)
    assert not [j for j in judged if j.verdict is Verdict.INVENTED], "\n".join(wrong)


@pytest.mark.parametrize("path", [HELD_BACK_FILE, HELD_BACK_2_FILE, HELD_BACK_3_FILE],
                         ids=["held1", "held2", "held3"])
async def test_held_back_questions_never_get_an_invented_answer(memory_engine, path) -> None:
    """The held-back rate is measured by the bench, not required here (a required rate
    would make it a tuning target); inventing is never allowed."""
    judged = await asked_through_the_flow(memory_engine, path)
    assert not [(j.question.ask, j.reply) for j in judged if j.verdict is Verdict.INVENTED]


# --- the judge itself must be able to fail

ON_CALL = GoldQuestion(role=DBA.name, ask="On-call?", expect="weekly rotation")
SALARY = GoldQuestion(role=DBA.name, ask="Salary?", expect="not covered")


@pytest.mark.parametrize(("question", "reply", "verdict"), [
    (ON_CALL, 'From the job description: "On-call for database incidents is a weekly rotation '
              'shared with the SRE team, with runbooks and a secondary on-call engineer for '
              'every shift."', Verdict.RIGHT),
    (ON_CALL, 'From the job description: "On-call is a weekly rotation with a bonus."',
     Verdict.INVENTED),
    (ON_CALL, 'From the job description: "The team keeps four core collaboration hours, 10:00 '
              'to 14:00 UTC."', Verdict.WRONG_PASSAGE),
    (ON_CALL, "The job description doesn't say, so the recruiter will follow up with you.",
     Verdict.MISSED),
    (SALARY, "On salary: the job description doesn't say, so the recruiter will follow up "
             "with you on that.", Verdict.RIGHT),
    (SALARY, 'From the job description: "The team keeps four core collaboration hours, 10:00 '
             'to 14:00 UTC."', Verdict.INVENTED),
    (SALARY, "Thanks, noted.", Verdict.NO_ANSWER),
])
def test_the_judge_tells_right_from_missed_wrong_and_invented(question, reply, verdict) -> None:
    assert judge(question, DBA, reply) is verdict
