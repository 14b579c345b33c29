"""How an introduction is scored: the role's stack named, not one skill; a pitch of stock
self-description is no evidence of experience. Written from what the tuned gold set's
experts said of introductions ("the same stack", "generic self-praise with nothing
concrete"), with honest look-alikes."""

from __future__ import annotations

import hashlib
import json

import pytest
from pydantic import ValidationError

from bot.roles import KeyPoint, load_role
from bot.scoring.items import item_for
from bot.scoring.offline import rubric_hash, score_offline
from bot.scoring.rubric import STACK_SKILLS, coverage, intro_points
from bot.scoring.stock_phrases import stock_phrases

BACKEND = load_role("backend-engineer")
DBA = load_role("database-administrator")
ANALYST = load_role("data-analyst")
STACK = 1  # intro_points' second point: three of the role's skills


def _stack_named(intro: str, role=BACKEND) -> bool:
    points = intro_points(role)
    assert points[STACK].at_least == STACK_SKILLS == 3
    return coverage(points, intro, role.misconceptions).hits[STACK]


@pytest.mark.parametrize(("intro", "named"), [
    ("Nine years of Python backend, FastAPI + Postgres + Kafka at a parcel company.", True),
    ("I build services with Django, Celery and Redis for a ticketing company.", True),
    ("I write Python at a bank, mostly scripts.", False),
    ("I write Python at work. Python is what I use every day, and I teach Python too.", False),
    ("Python and FastAPI at a travel company for four years.", False),
    # A third skill only guessed at is not the stack.
    ("I build Python services with FastAPI at a travel company. Maybe some Kafka too, I "
     "think.", False),
])
def test_the_stack_takes_three_different_skills_of_the_role(intro: str, named: bool) -> None:
    assert _stack_named(intro) is named


@pytest.mark.parametrize(("role", "intro"), [
    # The role files list both spellings; folded, they are one skill.
    (DBA, "I'm a DBA at a logistics company for six years, mostly query optimisation and "
          "vacuum."),
    (ANALYST, "I'm an analyst at a retailer; I build data visualisations in Tableau."),
])
def test_one_skill_in_two_spellings_is_one_skill(role, intro: str) -> None:
    assert not _stack_named(intro, role)
    assert _stack_named(intro.rstrip(".") + ", and replication." if role is DBA
                        else intro.rstrip(".") + " and SQL.", role)


def test_skills_named_only_in_a_wrong_claim_do_not_make_the_stack() -> None:
    """A sentence that states a known wrong claim is no evidence for any point."""
    wrong = ("At a bank I build Python microservices where all services share one Postgres "
             "schema, so consistency is free. I also run Kafka there.")
    assert not _stack_named(wrong)
    assert _stack_named("At a bank I build Python microservices on Postgres. I also run "
                        "Kafka there.")


def test_a_stack_of_guesses_and_one_listed_skill_is_not_named() -> None:
    result = _score("I write Python services at a bank, I think maybe Kafka too. Docker, "
                    "Jenkins, Git, Jira, Confluence, Sentry, Grafana, Slack.")
    assert "Names 3 or more of the role's skills (its stack)" not in result.covered


def test_a_rejected_third_skill_leaves_the_stack_unshown_not_rejected() -> None:
    result = _score("I write Python and Django at a bank, and I have never touched Kafka.")
    assert "Names 3 or more of the role's skills (its stack)" in result.missed
    assert "reject" not in result.justification


def test_a_stack_written_as_a_list_beside_own_work_is_named() -> None:
    result = _score("Seven years of Python backend. At Parcelwise I owned the quoting "
                    "service: FastAPI, Postgres, Kafka, Celery.")
    assert "Names 3 or more of the role's skills (its stack)" in result.covered


CONCRETE = ("I'm a backend engineer with seven years of Python; for the last four I owned the "
            "booking API at a parcel-delivery company, on FastAPI, Postgres and Kafka, and "
            "your carrier integrations look very similar.")


def test_stock_self_description_costs_a_level_and_is_quoted() -> None:
    plain = _score(CONCRETE)
    pitched = _score(CONCRETE + " I'm a results-driven engineer, passionate about "
                                "cutting-edge, cloud-native systems.")
    assert plain.score >= 4
    assert pitched.score == plain.score - 1
    assert '"results-driven"' in pitched.justification
    assert '"passionate"' in pitched.justification
    assert "Stock self-description" not in plain.justification


@pytest.mark.parametrize("honest", [
    " I like owning things end to end.",
    " I own the booking service end to end, including its end-to-end tests.",
    " It is a horizontally scalable API, robust to the Monday-morning spikes.",
    " The billing database is mission-critical, so I built robust failover for it.",
    " I'm passionate about it, really passionate.",  # one phrase, said twice
    " I'm not one of those passionate, results-driven people; I like quiet, boring systems.",
    " Before that I was in the Innovation Lab, then the Data Transformation team, "
    "passionate about both.",
])
def test_honest_engineering_words_cost_nothing(honest: str) -> None:
    said = _score(CONCRETE + honest)
    assert said.score == _score(CONCRETE).score, stock_phrases(honest)
    assert "one level lower" not in said.justification


def test_the_justification_says_a_level_was_lost_only_when_one_was() -> None:
    pitch = "Passionate, results-driven engineer who loves cutting-edge tech."
    result = _score(pitch)
    assert result.score == 1
    assert '"Passionate", "results-driven", "cutting-edge"' in result.justification
    assert "one level lower" not in result.justification


@pytest.mark.parametrize(("text", "found"), [
    ("A data storyteller at the intersection of data, product and strategy.",
     ["storyteller", "intersection of"]),
    ("Results-driven, with a proven track record of driving impact.",
     ["Results-driven", "track record", "driving impact"]),
    ("I drove the migration to Kafka and cut p99 from 900 ms to 120 ms.", []),
    ("Scalable, robust, end-to-end pipelines.", []),  # no pitch word proper among them
    ("A passionate engineer who builds scalable, robust pipelines.",
     ["passionate", "scalable", "robust"]),
    ("We store the robots' telemetry in Postgres.", []),
])
def test_stock_phrases_are_the_words_of_a_pitch(text: str, found: list[str]) -> None:
    assert stock_phrases(text) == found


def test_only_intros_pay_for_stock_phrases() -> None:
    plain = ("The job is queued in Celery with a key stored beside the row: a retried job "
             "finds the key and returns the first result instead of charging twice.")
    pitched = plain + " A passionate, results-driven, cutting-edge design."
    question = BACKEND.question("background-jobs")

    def scored(answer: str):
        return score_offline(item_for(BACKEND, 3, question.id, question.question, [answer]))

    assert scored(plain).score > 1
    assert scored(pitched).score == scored(plain).score
    assert "Stock self-description" not in scored(pitched).justification


@pytest.mark.parametrize("at_least", [0, 3])
def test_at_least_must_be_positive_and_within_the_keywords(at_least: int) -> None:
    with pytest.raises(ValidationError):
        KeyPoint(point="Names skills", keywords=["python", "sql"], at_least=at_least)
    assert KeyPoint(point="Names skills", keywords=["python", "sql"], at_least=2).at_least == 2


def test_roles_written_before_at_least_dump_and_store_as_they_did() -> None:
    """A stored role's version is a hash of its dump: a field nobody set must not make
    every shipped role a new version."""
    dumped = json.dumps(BACKEND.model_dump(mode="json", exclude={"source"}))
    assert "at_least" not in dumped
    stack = intro_points(BACKEND)[STACK]
    assert KeyPoint.model_validate(stack.model_dump()) == stack
    assert stack.model_dump()["at_least"] == STACK_SKILLS


def test_rubrics_written_before_at_least_keep_their_hash() -> None:
    """Stored scores carry their rubric's hash; a field every point now has must not make
    every stored bank score look as if its rubric changed."""
    question = BACKEND.questions[0]
    item = item_for(BACKEND, 3, question.id, question.question, ["An answer."])
    assert all(p.at_least == 1 for p in item.key_points)
    before = {"points": [{k: v for k, v in p.model_dump().items() if k != "at_least"}
                         for p in item.key_points],
              "anchors": {str(k): v for k, v in item.anchors.items()}, "rubric": item.rubric}
    digest = hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()[:12]
    assert rubric_hash(item) == digest


def _score(intro: str):
    return score_offline(item_for(BACKEND, 1, "intro", "Please introduce yourself.", [intro]))
