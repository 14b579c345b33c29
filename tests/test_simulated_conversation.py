"""Acceptance (issue 15): over 200 simulated interviews (every profile, every shipped role:
the 240 of tests/simulated_runs.py) no bot message repeats verbatim more than twice in one
interview, and no follow-up gives away the rubric (no key point's text, no keyword phrase
of two words or more that the question itself does not already say)."""

from __future__ import annotations

from collections import Counter

from adapters.console import question_for
from bot.followups import leaks_rubric
from bot.requests import candidate_help
from bot.roles import list_roles
from bot.simulated import PROFILES
from tests.simulated_runs import simulated_runs

MAX_REPEATS = 2


async def test_two_hundred_interviews_never_repeat_a_message_or_leak_the_rubric() -> None:
    repeated: list[tuple[str, str, int, str, int]] = []
    leaked: list[tuple[str, str, str, list[str]]] = []
    followups = 0
    control = {candidate_help()}
    runs = await simulated_runs()
    for run in runs:
        counts = Counter(m.text for m in run.port.posted
                         if m.kind != "greeting" and m.text not in control)
        repeated += [(run.role.name, run.profile, run.seed, text[:80], n)
                     for text, n in counts.items() if n > MAX_REPEATS]
        for message in run.port.posted:
            question = question_for(run.role, message.question_id)
            if message.kind != "followup" or question is None:
                continue
            followups += 1
            if found := leaks_rubric(message.text, question):
                leaked.append((run.role.name, question.id, message.text, found))
    assert len(runs) >= 200
    pairs = {(run.role.name, run.profile) for run in runs}
    assert pairs == {(role.name, profile) for role in list_roles() for profile in PROFILES}
    assert followups >= 200  # the check ran on real follow-ups, not on none
    assert repeated == []
    assert leaked == []


def test_the_leak_check_catches_the_old_in_particular_follow_up() -> None:
    """The check would fail on what the bot used to send (issue 15's examples)."""
    backend = next(r for r in list_roles() if r.name == "backend-engineer")
    security = backend.question("api-security")
    point = security.key_points[0].point
    old = ("Thanks. Could you go a little deeper, with a concrete example if you have one? "
           f"In particular: {point[0].lower() + point[1:]}")
    assert leaks_rubric(old, security)
    assert not leaks_rubric(security.followups.example, security)
