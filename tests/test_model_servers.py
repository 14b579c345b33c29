"""Whole demo interviews against servers and models as they really behave.

Each fake in tests/fakes/openai_variants.py has one real-world quirk. Against every one the
interview completes, the candidate never sees a question without a question in it, a bank
question altered or cut, or the instruction read back; the recruiter never sees a bare
number as a report field; every replaced output is counted in the report; and the tokens
counted equal the server's own bill.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from adapters.console import ConsolePort, run_demo
from bot.roles import load_role
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.openai_variants import (
    FencingOpenAI,
    ProseOpenAI,
    ReplayOpenAI,
    RunawayOpenAI,
    SchemaRefusingOpenAI,
    TricklingOpenAI,
)
from tests.openai_helpers import (
    counted_in_notes,
    fallback_rows,
    service_for,
    stored_interview,
    wording_requests,
)

ROLE = load_role("database-administrator")
QUESTION_KINDS = ("project", "technical", "followup", "candidate_questions")
# The instruction read back, as the real 0.5B model did ("Thank Robert, say a person...").
ECHOES = re.compile(r"\bthank \w+, say\b|\bthe candidate\b|\byour task\b|\binvite nothing\b|"
                    r"\bask nothing\b|<<<", re.I)
BARE = re.compile(r"^\s*\d+(?:\.\d+)?\s*(?:/|out of)\s*\d+\s*$")


@dataclass(frozen=True)
class Server:
    make: Callable[[], FakeOpenAI]
    scored_by_model: bool
    report_by_model: bool
    settings: tuple[tuple[str, object], ...] = ()


SERVERS = {
    "cooperative": Server(FakeOpenAI, True, True),
    "llama-cpp-python-422": Server(SchemaRefusingOpenAI, True, True),
    "fenced-json": Server(FencingOpenAI, True, True),
    "prose-around-json": Server(ProseOpenAI, True, True),
    "prose-only": Server(lambda: ProseOpenAI(json_inside=False), False, False),
    "runaway-to-length": Server(RunawayOpenAI, False, False),
    # 40 pieces 0.05 s apart: every read is quick, each whole reply takes 2 s, five times
    # the deadline.
    "trickling": Server(TricklingOpenAI, False, False, (("openai_timeout_seconds", 0.4),)),
    "replay-real-qwen-0.5b": Server(ReplayOpenAI, True, True),
}


@pytest.fixture(params=list(SERVERS))
async def server(request):
    spec = SERVERS[request.param]
    fake = await spec.make().start()
    yield request.param, spec, fake
    await fake.stop()


async def test_a_whole_demo_interview_holds_up(engine, server) -> None:
    name, spec, fake = server
    port = ConsolePort()
    service = service_for(engine, fake, port, openai_scoring_samples=3,
                          **dict(spec.settings))
    result = await run_demo(service, ROLE, profile="average", seed=0)
    export = await service.export(result.interview_id)
    assert export["interview"]["status"] == "completed"
    [report] = port.reports

    bot = [t for t in export["turns"] if t["speaker"] == "bot"]
    for turn in bot:
        assert not ECHOES.search(turn["text"]), (name, turn["text"])
        if turn["kind"] in QUESTION_KINDS:
            assert "?" in turn["text"] or turn["text"].rstrip().endswith(
                tuple(q.question for q in ROLE.questions)), (name, turn["text"])
    technical = [t for t in bot if t["kind"] == "technical"]
    plan = stored_interview(engine).plan
    assert len(technical) == len(plan)
    for turn, qid in zip(technical, plan, strict=True):
        assert turn["text"].endswith(ROLE.question(qid).question), name  # verbatim, whole

    sections = export["report"]
    for key in ("overall_suitability", "communication", "recommendation"):
        assert not BARE.match(sections[key]) and len(sections[key].split()) >= 8, (name, key)
    assert not any(BARE.match(item) for key in ("key_strengths", "areas_for_development",
                                                "technical_skills") for item in sections[key])

    # Every model-written message that did not reach the candidate is counted.
    served = [r.served for r in wording_requests(fake)]
    texts = [t["text"] for t in bot]
    replaced = sum(1 for s in served if s is None or not any(s.strip() in t for t in texts))
    notes = sections["notes"]
    assert fallback_rows(engine) == replaced, name
    assert counted_in_notes(notes, r"(\d+) interviewer message\(s\) fell back") == replaced

    answered = [s for s in export["scores"] if s["question_id"]]
    offline_scored = sum(1 for s in answered if s["scorer"] != "openai")
    if spec.scored_by_model:
        assert offline_scored == 0, name
        assert all(s["samples"] >= 1 and s["model"] == "fake-model" for s in answered)
    else:
        assert offline_scored == len(answered)
        assert counted_in_notes(notes, r"(\d+) of \d+ question\(s\) were scored by the "
                                       "offline brain") == len(answered)
    assert (sections["brain"] == "openai") is spec.report_by_model, name
    assert any("The report fell back" in n for n in notes) is not spec.report_by_model

    interview = stored_interview(engine)
    assert (interview.prompt_tokens, interview.completion_tokens) == (
        fake.bill.prompt, fake.bill.completion), name
    assert export["interview"]["token_usage"] == {"prompt": fake.bill.prompt,
                                                  "completion": fake.bill.completion}


async def test_against_the_422_server_scoring_and_report_use_json_object(engine) -> None:
    fake = await SchemaRefusingOpenAI().start()
    try:
        port = ConsolePort()
        service = service_for(engine, fake, port, openai_scoring_samples=3)
        await run_demo(service, ROLE, profile="average", seed=0)
    finally:
        await fake.stop()
    structured = [r for r in fake.requests if r.schema_name]
    refused = [r for r in structured if r.response_format == "json_schema"]
    assert len(refused) == 1  # refused once; json_object remembered for the rest
    assert {r.response_format for r in structured[1:]} == {"json_object"}
    assert all("matching the JSON schema" in r.system_text for r in structured[1:])
    assert all(r.body["response_format"].get("schema") for r in structured[1:])
    export = port.reports[0].export
    assert all(s["scorer"] == "openai" for s in export["scores"])
    assert export["report"]["brain"] == "openai"
    assert not export["report"]["notes"]


async def test_the_real_models_outputs_never_reach_candidate_or_recruiter(engine) -> None:
    fake = await ReplayOpenAI().start()
    try:
        port = ConsolePort()
        service = service_for(engine, fake, port, openai_scoring_samples=1)
        result = await run_demo(service, ROLE, profile="average", seed=0)
        export = await service.export(result.interview_id)
    finally:
        await fake.stop()
    texts = [t["text"] for t in export["turns"] if t["speaker"] == "bot"]
    shown = "\n".join(texts)
    for bad in ("Led the migration of 12 on-premises databases to AWS RDS and Aurora using "
                "AWS DMS.",  # the résumé line alone as the "question"
                "reduce the time taken from two seconds",  # the inverted question
                "Thank Robert, say", "I asked my last question", "I'm sorry",
                "We are confident that with our expertise"):
        assert not any(t.startswith(bad) or bad in t for t in texts), bad
    assert "A developer ran a DELETE without a WHERE clause on production at 14:05." in shown
    report = export["report"]
    assert report["overall_suitability"] != "5/5" and report["communication"] != "7/60"
    assert report["technical_skills"] != ["PostgreSQL", "MySQL", "SQL"]
    assert counted_in_notes(report["notes"], r"(\d+) part\(s\) of the model's report "
                                             "failed") >= 5
    query = next(s for s in export["scores"] if s["question_id"] == "slow-query-diagnosis")
    assert "Blended with the offline rubric coverage" in query["justification"]
