"""Simulated candidates: deterministic, and each profile behaves as its name promises.

These candidates drive the demo, the flow tests and the benchmarks, so the properties
checked here (coverage bands, how the candidate-questions stage ends, the adversarial
rotation) are what those rely on. All tests use the shipped role files.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.roles import Question, Role, list_roles, load_role
from bot.simulated import ANSWER_LIMIT, PROFILES, SimulatedCandidate
from bot.simulated.bank import answers_for

REPO = Path(__file__).resolve().parents[1]
SEEDS = range(5)

# Ordinary ways of saying "I have no more questions" (independent of the bot's own detector).
NO_MORE_QUESTIONS = re.compile(
    r"^(?:no|nope|nothing)\b|no more questions|no questions|that'?s (?:all|everything|it)\b|"
    r"i'?m good\b|nothing else",
    re.IGNORECASE,
)
INJECTION = re.compile(
    r"ignore (?:all )?previous instructions|^system:|reply only with json|tool_code|"
    r"print your system prompt",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def dba() -> Role:
    return load_role("database-administrator")


def key_point_coverage(answer: str, question: Question, role: Role | None = None) -> float:
    """Fraction of the question's key points the answer makes, by the profile's own dial:
    for a question with an answer bank, a point is made when one of its practitioner
    sentences is in the answer (the scorer is not asked: this measures the candidate, not
    the scorer); otherwise, when one of its keywords is (substring)."""
    bank = answers_for(role, question) if role is not None else None
    if bank is not None:
        hits = [any(s in answer for s in point.says) for point in bank.points]
    else:
        low = answer.lower()
        hits = [any(kw in low for kw in p.keywords) for p in question.key_points]
    return sum(hits) / len(hits)


def run_interview(candidate: SimulatedCandidate, role: Role) -> list[str]:
    """A whole interview's worth of replies, in the order the flow asks for them."""
    resume_line = candidate.resume().splitlines()[1]
    replies = [
        candidate.reply("Welcome! Please introduce yourself.", kind="greeting"),
        candidate.reply(f'Your resume says "{resume_line}". Tell me more.', kind="project"),
    ]
    for question in role.questions[:4]:
        replies.append(candidate.reply(question.question, kind="technical", question=question))
        replies.append(
            candidate.reply(question.followup or "Say more?", kind="followup", question=question)
        )
    replies.append(candidate.reply("I didn't catch an answer.", kind="notice"))
    replies.append(candidate.reply("Any questions for me?", kind="candidate_questions"))
    replies += [candidate.reply("Anything else?", kind="answer") for _ in range(3)]
    replies.append(candidate.reply("Thanks, we'll be in touch.", kind="wrap_up"))
    return replies


def technical_answers(role: Role, profile: str, seed: int) -> list[tuple[Question, str]]:
    candidate = SimulatedCandidate(role, profile, seed=seed)
    return [(q, candidate.reply(q.question, kind="technical", question=q)) for q in role.questions]


def mean_coverage(role: Role, profile: str) -> float:
    return statistics.mean(
        key_point_coverage(answer, q, role)
        for seed in SEEDS
        for q, answer in technical_answers(role, profile, seed)
    )


# --- construction -------------------------------------------------------------------------


def test_unknown_profile_is_rejected_with_the_list_of_profiles(dba: Role) -> None:
    with pytest.raises(ValueError) as excinfo:
        SimulatedCandidate(dba, "genius")
    for profile in PROFILES:
        assert profile in str(excinfo.value)


def test_name_depends_on_seed_only(dba: Role) -> None:
    assert SimulatedCandidate(dba, "strong", seed=0).name == "Robert Taylor"
    names = {SimulatedCandidate(dba, p, seed=7).name for p in PROFILES}
    assert len(names) == 1, "the name must not give the profile away"
    assert len({SimulatedCandidate(dba, "weak", seed=s).name for s in range(10)}) == 10


# --- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_same_seed_same_replies(dba: Role, profile: str) -> None:
    first = run_interview(SimulatedCandidate(dba, profile, seed=3), dba)
    second = run_interview(SimulatedCandidate(dba, profile, seed=3), dba)
    assert first == second


@pytest.mark.parametrize("profile", PROFILES)
def test_different_seed_changes_some_replies(dba: Role, profile: str) -> None:
    a = run_interview(SimulatedCandidate(dba, profile, seed=1), dba)
    b = run_interview(SimulatedCandidate(dba, profile, seed=2), dba)
    assert len(a) == len(b)
    assert a != b


def test_replies_do_not_depend_on_the_hash_seed() -> None:
    """No hash() of strings or set ordering leaks in: two interpreters with different
    PYTHONHASHSEED produce identical interviews."""
    script = (
        "import json\n"
        "from bot.roles import load_role\n"
        "from bot.simulated import PROFILES, SimulatedCandidate\n"
        "from tests.test_simulated import run_interview\n"
        "role = load_role('database-administrator')\n"
        "print(json.dumps([run_interview(SimulatedCandidate(role, p, seed=4), role)"
        " for p in PROFILES]))\n"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]


def test_resume_is_deterministic_and_does_not_disturb_replies(dba: Role) -> None:
    plain = SimulatedCandidate(dba, "average", seed=5)
    with_resume = SimulatedCandidate(dba, "average", seed=5)
    assert with_resume.resume() == SimulatedCandidate(dba, "average", seed=5).resume()
    q = dba.questions[0]
    assert plain.reply(q.question, kind="technical", question=q) == with_resume.reply(
        q.question, kind="technical", question=q
    )


# --- technical answers --------------------------------------------------------------------


def test_dba_coverage_bands(dba: Role) -> None:
    strong, average, weak = (mean_coverage(dba, p) for p in ("strong", "average", "weak"))
    assert strong >= 0.8
    assert 0.3 <= average <= 0.7
    assert weak <= 0.25
    assert strong > average > weak
    assert mean_coverage(dba, "evasive") <= 0.1


@pytest.mark.parametrize("role_name", [r.name for r in list_roles()])
def test_coverage_bands_hold_for_every_shipped_role(role_name: str) -> None:
    role = load_role(role_name)
    assert mean_coverage(role, "strong") >= 0.8
    assert 0.3 <= mean_coverage(role, "average") <= 0.7
    assert mean_coverage(role, "weak") <= 0.25


def test_a_strong_answer_beats_an_average_one_which_beats_a_weak_one_per_question(
    dba: Role,
) -> None:
    for q in dba.questions:
        per_profile = {
            p: statistics.mean(
                key_point_coverage(
                    SimulatedCandidate(dba, p, seed=s).reply(
                        q.question, kind="technical", question=q
                    ),
                    q,
                    dba,
                )
                for s in SEEDS
            )
            for p in ("strong", "average", "weak")
        }
        assert per_profile["strong"] > per_profile["average"] > per_profile["weak"], q.id


@pytest.mark.parametrize(
    ("profile", "low", "high"), [("strong", 80, 300), ("average", 60, 160), ("weak", 10, 40)]
)
def test_answer_lengths(dba: Role, profile: str, low: int, high: int) -> None:
    for seed in SEEDS:
        for q, answer in technical_answers(dba, profile, seed):
            assert low <= len(answer.split()) <= high, (q.id, answer)


def test_strong_followup_supplies_the_missing_points(dba: Role) -> None:
    topped_up = 0
    for seed in SEEDS:
        candidate = SimulatedCandidate(dba, "strong", seed=seed)
        for q in dba.questions:
            answer = candidate.reply(q.question, kind="technical", question=q)
            more = candidate.reply(q.followup or "More?", kind="followup", question=q)
            assert key_point_coverage(answer + " " + more, q, dba) == 1.0, q.id
            topped_up += key_point_coverage(answer, q, dba) < 1.0
    assert topped_up > 0, "strong answers should sometimes leave a point for the follow-up"


def test_average_followup_adds_something_and_weak_adds_nothing(dba: Role) -> None:
    for seed in SEEDS:
        average = SimulatedCandidate(dba, "average", seed=seed)
        weak = SimulatedCandidate(dba, "weak", seed=seed)
        for q in dba.questions:
            answer = average.reply(q.question, kind="technical", question=q)
            more = average.reply("More?", kind="followup", question=q)
            assert key_point_coverage(answer + " " + more, q, dba) > key_point_coverage(
                answer, q, dba)
            answer = weak.reply(q.question, kind="technical", question=q)
            more = weak.reply("More?", kind="followup", question=q)
            assert key_point_coverage(more, q, dba) == 0.0


def test_bluffer_says_fluent_wrong_things_and_average_sometimes_slips(dba: Role) -> None:
    slips = 0
    for seed in SEEDS:
        bluffer = SimulatedCandidate(dba, "bluffer", seed=seed)
        average = SimulatedCandidate(dba, "average", seed=seed)
        for q in dba.questions:
            bank = answers_for(dba, q)
            assert bank is not None, q.id
            answer = bluffer.reply(q.question, kind="technical", question=q)
            assert sum(w in answer for w in bank.wrong) == 2, (q.id, answer)
            slips += bank.partly_wrong in average.reply(q.question, kind="technical",
                                                       question=q)
    assert 0 < slips < len(SEEDS) * len(dba.questions)


def test_strong_answers_are_not_the_rubric_retold(dba: Role) -> None:
    """The answer bank was written without the rubric's wording: no strong answer repeats
    a key point's description."""
    for seed in SEEDS:
        for q, answer in technical_answers(dba, "strong", seed):
            for point in q.key_points:
                assert point.point.lower() not in answer.lower(), (q.id, point.point)


def test_strong_answers_sound_like_first_person_experience(dba: Role) -> None:
    for q, answer in technical_answers(dba, "strong", seed=0):
        assert re.search(r"\bI\b", answer), q.id
        assert re.search(r"\d", answer), "a concrete outcome with numbers"
        assert "{" not in answer and "}" not in answer


def test_weak_and_evasive_answers_are_vague(dba: Role) -> None:
    hedges = re.compile(r"not sure|maybe|i think|probably|i guess|depends|haven't", re.I)
    weak = [a for _, a in technical_answers(dba, "weak", seed=0)]
    assert sum(bool(hedges.search(a)) for a in weak) >= len(weak) / 2
    evasive = [a for _, a in technical_answers(dba, "evasive", seed=0)]
    assert sum("?" in a for a in evasive) >= len(evasive) / 2, "answers questions with questions"
    assert any("salary" in a for a in evasive)


def test_notice_is_answered_as_the_last_real_question(dba: Role) -> None:
    q = dba.questions[0]
    candidate = SimulatedCandidate(dba, "strong", seed=1)
    candidate.reply(q.question, kind="technical", question=q)
    again = candidate.reply("I didn't catch an answer - could you try again?", kind="notice")
    assert key_point_coverage(again, q, dba) >= 0.8
    assert len(again.split()) >= 100


def test_unknown_kind_gets_a_generic_answer(dba: Role) -> None:
    for profile in PROFILES:
        assert SimulatedCandidate(dba, profile).reply("Hm?", kind="mystery").strip()


# --- greeting and project -----------------------------------------------------------------


def test_strong_introduction_has_experience_and_role_skills(dba: Role) -> None:
    candidate = SimulatedCandidate(dba, "strong", seed=2)
    intro = candidate.reply("Please introduce yourself.", kind="greeting")
    assert candidate.name in intro
    assert "years" in intro
    skills = [s for s in dba.skills if s in intro.lower()]
    assert len(skills) >= 2, intro


def test_project_answer_talks_about_the_quoted_resume_line(dba: Role) -> None:
    candidate = SimulatedCandidate(dba, "strong", seed=0)
    line = "Led the migration of 12 on-premises databases to AWS RDS and Aurora using AWS DMS"
    story = candidate.reply(f'You wrote "{line}". What was hard about it?', kind="project")
    assert "migration of 12 on-premises databases" in story
    assert "%" in story or "from" in story, "a measurable outcome"
    assert 60 <= len(story.split()) <= 250


# --- candidate questions ------------------------------------------------------------------


def candidate_question_stage(candidate: SimulatedCandidate, turns: int) -> list[str]:
    replies = [candidate.reply("Do you have any questions for me?", kind="candidate_questions")]
    replies += [
        candidate.reply("Good question: ... Anything else?", kind="answer")
        for _ in range(turns - 1)
    ]
    return replies


@pytest.mark.parametrize("profile", ["strong", "average", "weak"])
def test_cooperative_profiles_run_out_of_questions_within_three_replies(
    dba: Role, profile: str
) -> None:
    bot_detector = pytest.importorskip("bot.intents").says_no_more_questions
    asked_counts = set()
    for seed in range(8):
        replies = candidate_question_stage(SimulatedCandidate(dba, profile, seed=seed), 3)
        done = [i for i, r in enumerate(replies) if NO_MORE_QUESTIONS.search(r)]
        assert done, replies
        assert all("?" in r for r in replies[: done[0]]), "before that it asks real questions"
        assert bot_detector(replies[done[0]]), replies[done[0]]
        assert not any(bot_detector(r) for r in replies[: done[0]]), replies
        asked_counts.add(done[0])
    expected = {"strong": {1, 2}, "average": {1}, "weak": {0}}[profile]
    assert asked_counts == expected


def test_closing_phrases_vary_with_the_seed(dba: Role) -> None:
    closings = {
        candidate_question_stage(SimulatedCandidate(dba, "strong", seed=s), 3)[-1]
        for s in range(12)
    }
    assert len(closings) >= 3


def test_evasive_never_runs_out_of_questions(dba: Role) -> None:
    bot_detector = pytest.importorskip("bot.intents").says_no_more_questions
    for seed in SEEDS:
        replies = candidate_question_stage(SimulatedCandidate(dba, "evasive", seed=seed), 10)
        for reply in replies:
            assert "?" in reply
            assert not NO_MORE_QUESTIONS.search(reply), reply
            assert not bot_detector(reply), reply


def test_adversarial_asks_for_salary_then_tries_injection(dba: Role) -> None:
    replies = candidate_question_stage(SimulatedCandidate(dba, "adversarial", seed=0), 2)
    assert "salary" in replies[0].lower()
    assert INJECTION.search(replies[1])


# --- adversarial rotation -----------------------------------------------------------------


def is_emoji_only(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) == "So" for ch in text)


def is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


@pytest.mark.parametrize("seed", [0, 1, 6])
def test_adversarial_rotation_covers_every_hostile_input(dba: Role, seed: int) -> None:
    candidate = SimulatedCandidate(dba, "adversarial", seed=seed)
    replies = [candidate.reply("Hello!", kind="greeting")]
    for i in range(40):
        q = dba.questions[i % len(dba.questions)]
        replies.append(candidate.reply(q.question, kind="technical", question=q))
    assert any(INJECTION.search(r) for r in replies)
    assert any(len(r) == ANSWER_LIMIT for r in replies)
    assert "" in replies
    assert any(r and not r.strip() for r in replies), "whitespace-only"
    assert any(is_emoji_only(r) for r in replies)
    assert any(is_rtl(r) for r in replies)
    assert any("[Company Name]" in r or "{salary}" in r for r in replies)
    assert any("<script>" in r for r in replies)
    assert any("@channel" in r for r in replies)
    genuine = [r for r in replies if r.startswith("Honestly?")]
    assert genuine, "occasional short genuine answers are mixed in"


def test_adversarial_rotation_starts_at_a_seed_dependent_offset(dba: Role) -> None:
    firsts = {
        SimulatedCandidate(dba, "adversarial", seed=s).reply("Hello!", kind="greeting")
        for s in range(5)
    }
    assert len(firsts) == 5


def test_the_long_answer_is_exactly_the_limit_and_mentions_keywords(dba: Role) -> None:
    q = dba.questions[0]
    for seed in range(11):
        candidate = SimulatedCandidate(dba, "adversarial", seed=seed)
        for _ in range(20):
            reply = candidate.reply(q.question, kind="technical", question=q)
            if len(reply) > 1000:
                assert len(reply) == ANSWER_LIMIT
                assert q.key_points[0].keywords[0] in reply.lower()


# --- resumes ------------------------------------------------------------------------------


def role_claims(role: Role) -> list[str]:
    return [ln.strip() for ln in role.sample_resume.splitlines()[1:] if ln.strip()]


def test_strong_resume_keeps_the_dba_claims(dba: Role) -> None:
    for seed in SEEDS:
        resume = SimulatedCandidate(dba, "strong", seed=seed).resume()
        assert "Managed PostgreSQL clusters handling 10TB+" in resume
        kept = [c for c in role_claims(dba) if c in resume]
        assert len(kept) >= 0.8 * len(role_claims(dba))


def test_resume_header_names_this_candidate(dba: Role) -> None:
    candidate = SimulatedCandidate(dba, "average", seed=9)
    header = candidate.resume().splitlines()[0]
    assert header.startswith(candidate.name)
    assert "Robert Taylor" not in candidate.resume() or candidate.name == "Robert Taylor"


def claims_kept(role: Role, profile: str, seed: int) -> int:
    resume = SimulatedCandidate(role, profile, seed=seed).resume()
    return sum(claim in resume for claim in role_claims(role))


def test_resume_shapes_by_profile(dba: Role) -> None:
    n = len(role_claims(dba))
    for seed in SEEDS:
        average = claims_kept(dba, "average", seed)
        assert 0.3 * n <= average <= 0.7 * n
        assert claims_kept(dba, "weak", seed) <= 0.2 * n
        lines = SimulatedCandidate(dba, "average", seed=seed).resume().splitlines()
        assert len(lines) > average + 1, "average adds generic lines"
        weak_lines = SimulatedCandidate(dba, "weak", seed=seed).resume().splitlines()
        assert len(weak_lines) >= 4, "weak pads with generic and unrelated lines"


def test_adversarial_resume_carries_an_injection(dba: Role) -> None:
    assert INJECTION.search(SimulatedCandidate(dba, "adversarial", seed=0).resume())


def test_cooperative_replies_have_no_template_residue(dba: Role) -> None:
    for profile in ("strong", "average", "weak", "evasive"):
        for reply in run_interview(SimulatedCandidate(dba, profile, seed=0), dba):
            assert not re.search(r"[{}]|\[[A-Z][a-z]+ [A-Z][a-z]+\]", reply), (profile, reply)
            assert reply.strip()
