"""The project question is read for substance as well as shape, and the mechanisms of the
fifth tuning round hold in words other than the gold set's: each case has a look-alike that
must come out the other way."""

from __future__ import annotations

import pytest

from bot.flow import PROJECT_ID
from bot.roles import load_role
from bot.scoring.evaluation import Flag
from bot.scoring.items import item_for, items_from_conversation
from bot.scoring.offline import score_offline
from bot.scoring.project_story import CONCEPTS_POINT, DEPTH_POINT, bank_points, story_coverage
from bot.scoring.rubric import coverage, experience_point, intro_points
from bot.transcript import label_turns, parse_transcript_text

BACKEND = load_role("backend-engineer")
SRE = load_role("site-reliability-engineer")
ANALYST = load_role("data-analyst")


def _project(role, *answers: str):
    return score_offline(item_for(role, 2, PROJECT_ID, "Tell me about your project.",
                                  list(answers)))


TERSE_EXPERT_STORY = (
    "Carrier webhooks into a Celery pipeline. Problem: duplicate shipments whenever a carrier "
    "retried a webhook. Added an idempotency key per event, stored with a unique constraint, "
    "so a retry replays the stored result. Moved the slow label rendering to its own queue "
    "with a retry policy using exponential backoff and jitter. Traced it with OpenTelemetry "
    "spans per task; p99 latency 2.1s -> 300ms, duplicate rate to zero. Lesson: make the "
    "consumer idempotent first, not the broker.")
HOLLOW_STORY = (
    "It was a big challenge because the old platform was failing a lot and nobody was happy. "
    "I led the effort and we rebuilt everything the right way with a great team. We improved "
    "things a lot, everything was faster afterwards, roughly 50% better overall. The main "
    "lesson I learned is that communication matters more than anything else.")


def test_a_terse_story_full_of_the_roles_concepts_is_a_top_project_answer() -> None:
    result = _project(BACKEND, TERSE_EXPERT_STORY)
    assert result.score >= 4
    assert CONCEPTS_POINT.point in result.covered and DEPTH_POINT.point in result.covered


def test_a_fluent_story_with_no_technical_substance_is_not_a_top_answer() -> None:
    result = _project(BACKEND, HOLLOW_STORY)
    assert result.score <= 3
    assert CONCEPTS_POINT.point in result.missed and DEPTH_POINT.point in result.missed
    # Its shape is still seen: a situation, their actions and an outcome.
    assert "Explains the actions they personally took" in result.covered


def test_a_story_that_states_a_known_wrong_claim_earns_no_substance_from_it() -> None:
    story = ("We moved the notification service to Kafka, and since Kafka delivers every "
             "message exactly once we deleted our deduplication code entirely. I also made "
             "every consumer retry immediately without limit so nothing is ever lost.")
    result = _project(BACKEND, story)
    assert result.score <= 2
    assert Flag.INCORRECT in result.flags


def test_one_sentence_stating_a_bank_wrong_claim_is_one_mistake_in_the_story() -> None:
    # The bank point's own copy of the claim and the item's copy must not add up to two.
    story = ("I led the booking service rewrite and we shipped it in two months. POST is "
             "idempotent by the HTTP spec, so client retries never create duplicates.")
    item = item_for(BACKEND, 2, PROJECT_ID, "Tell me about your project.", [story])
    cov = story_coverage(item.key_points, item.bank_points, item.answer_text,
                         item.misconceptions)
    assert cov.mistakes == 1
    assert [len(t) for t in bank_points(BACKEND)] == [len(q.key_points)
                                                      for q in BACKEND.questions]


@pytest.mark.parametrize(("story", "wrong"), [
    ("Our signup metric counted any event at all, so it was inflated and useless for "
     "product decisions; I redefined it around a completed profile.", False),
    ("For retention I count any event as active, that is enough for every product.", True),
])
def test_a_story_that_condemns_what_it_describes_is_not_making_the_claim(
        story: str, wrong: bool) -> None:
    result = _project(ANALYST, story)
    assert (Flag.INCORRECT in result.flags) is wrong, result.justification


@pytest.mark.parametrize(("sentence", "wrong"), [
    ("We spread the API over three availability zones, so the availabilities multiply and "
     "we got far more nines than any single zone.", True),
    ("Zones do not fail independently, because a bad deploy or a shared dependency takes all "
     "of them down, so you can not just multiply their availabilities.", False),
    ("Five services in a chain at 99.9% each multiply down to about 99.5% for the request.",
     False),
])
def test_multiplying_redundant_zones_availability_is_a_wrong_claim(sentence: str,
                                                                    wrong: bool) -> None:
    cov = coverage((), sentence, SRE.misconceptions)
    assert bool(cov.wrong_claims) is wrong


@pytest.mark.parametrize(("sentence", "wrong"), [
    ("We configured liveness probes to restart any pod whose latency goes over 500ms.", True),
    ("Liveness probes should never look at latency: a slow pod under load gets restarted and "
     "the whole service goes into a restart storm.", False),
])
def test_liveness_probes_on_latency_are_a_wrong_claim(sentence: str, wrong: bool) -> None:
    cov = coverage((), sentence, SRE.misconceptions)
    assert bool(cov.wrong_claims) is wrong


@pytest.mark.parametrize(("answer", "stuffed"), [
    ("Query plans, index strategy, vacuum tuning, replication lag, connection pooling, "
     "partitioning, monitoring dashboards, backup verification, capacity planning.", True),
    ("EXPLAIN ANALYZE first, estimates vs actuals for stale stats, then an index for the "
     "filter, and pg_stat_statements to confirm it stays fixed.", False),
])
def test_a_long_list_of_unrelated_terms_is_keyword_stuffing_by_its_shape(answer: str,
                                                                          stuffed: bool) -> None:
    dba = load_role("database-administrator")
    q = dba.question("slow-query-diagnosis")
    result = score_offline(item_for(dba, 3, q.id, q.question, [answer]))
    assert (Flag.STUFFING in result.flags) is stuffed, result.justification


@pytest.mark.parametrize(("intro", "experienced"), [
    ("8 yrs backend Python, most of it on FastAPI and Postgres.", True),
    ("2 yrs backend Python, before that retail.", False),
])
def test_years_written_as_yrs_count(intro: str, experienced: bool) -> None:
    point = experience_point(BACKEND)
    cov = coverage((point,), intro)
    assert cov.hits[0] is experienced
    assert point in intro_points(BACKEND)


TRANSCRIPT = """\
Interviewer: Hi Sam, could you introduce yourself?
Candidate: Backend engineer, six years of Python.
Interviewer: You wrote that you rebuilt the label printing service. Walk me through it.
Candidate: We moved it to a queue and made it idempotent.
Interviewer: After a deploy the new pods keep restarting in CrashLoopBackOff. How do you dig in?
Candidate: kubectl describe, then logs --previous.
Interviewer: Any questions for me?
Candidate: No, thanks.
"""


def test_a_cv_line_you_wrote_is_the_project_and_a_distinct_scenario_is_a_new_question() -> None:
    turns = label_turns(parse_transcript_text(TRANSCRIPT), SRE)
    bot = [(t.kind, t.question_id) for t in turns if t.speaker == "bot"]
    assert bot[1] == ("project", PROJECT_ID)
    assert bot[2] == ("technical", "k8s-crashloop")
    items = items_from_conversation(SRE, turns)
    assert [i.question_id for i in items] == ["intro", PROJECT_ID, "k8s-crashloop"]


def test_a_short_question_about_the_same_scenario_is_still_a_followup() -> None:
    text = TRANSCRIPT.replace(
        "Interviewer: Any questions for me?",
        "Interviewer: And what if the logs are empty?\nCandidate: Check events.\n"
        "Interviewer: Any questions for me?")
    labelled = label_turns(parse_transcript_text(text), SRE)
    kinds = [t.kind for t in labelled if t.speaker == "bot"]
    assert kinds[3] == "followup"


@pytest.mark.parametrize(("question", "kind"), [
    ("One more that isn't strictly technical. How do you handle a teammate who skips reviews?",
     "technical"),
    ("One more thing on that: how would you know the failover worked?", "followup"),
])
def test_a_question_announced_as_not_technical_is_a_new_question(question: str,
                                                                 kind: str) -> None:
    text = TRANSCRIPT.replace("Interviewer: Any questions for me?",
                              f"Interviewer: {question}\nCandidate: Something.\n"
                              "Interviewer: Any questions for me?")
    labelled = label_turns(parse_transcript_text(text), SRE)
    assert [t.kind for t in labelled if t.speaker == "bot"][3] == kind


def test_one_relating_word_does_not_turn_a_list_of_buzzwords_into_prose() -> None:
    salad = ("Kafka, Celery, saga pattern, CQRS, event sourcing, outbox, idempotency, eventual "
             "consistency, serverless where it makes sense, dead-letter queues.")
    result = score_offline(item_for(BACKEND, 3, "background-jobs", "", [salad]))
    assert Flag.STUFFING in result.flags and result.score <= 2
