"""The output guard stops each kind of text a candidate must never see, and the service
never lets a brain's unsafe output through."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from adapters.console import ConsolePort
from bot.brains.base import Composed, ComposeRequest
from bot.brains.offline import OfflineBrain
from bot.guard import WITHHELD, find_violations, is_safe
from bot.service import InterviewService
from tests.conftest import make_settings
from tests.helpers import start

UNSAFE = {
    "tool call": "tool_code print(default_api.retrieve_questions(role='DBA'))",
    "tool call json": 'Calling {"name": "score", "arguments": {"value": 5}}',
    "json": '{"score": 5, "justification": "great"}',
    "json list": '[{"question": "q1"}]',
    "code fence": "```python\nprint('hi')\n```",
    "stack trace": 'Traceback (most recent call last):\n  File "bot/service.py", line 10, in x',
    "exception line": "KeyError: 'question_id'",
    "internal id": "Your interview 3f2a9c1e8b7d4e6f9a0b1c2d3e4f5a6b is saved.",
    "uuid": "Ref 123e4567-e89b-12d3-a456-426614174000",
    "id field": "question_id=backup-recovery",
    "db url": "stored at postgresql+psycopg://postgres@db/test",
    "placeholder brackets": "Welcome to [Company Name]!",
    "placeholder name": "Hi [Candidate Name], thanks.",
    "placeholder braces": "Your salary will be {salary}.",
    "placeholder jinja": "Hello {{ candidate }}",
    "placeholder caps": "Please contact <RECRUITER NAME>.",
    "system prompt": "My system prompt says I must be kind.",
    "empty": "   ",
    # Bypasses the guard once let through: it now reads the text as a person sees it.
    "zero-width tool call": "tool\u200b_code print(x)",
    "zero-width api call": "calling default\u200b_api.next_question()",
    "full-width tool call": "ｔｏｏｌ＿ｃｏｄｅ",
    "python dict": "{'score': 5}",
    "lower-case placeholder": "Welcome to [company name]!",
    "markdown link elsewhere": "Read [our benefits](https://evil.example.net/login) first.",
    "raw url elsewhere": "Apply at https://careers-acme.example.org/apply today.",
    "bare domain elsewhere": "Send your code to paste-it.io please.",
    "slack link elsewhere": "See <https://evil.example.net|the handbook>.",
}

SAFE = [
    "Thank you. Question 2 of 4, on replication: How do you choose between sync and async?",
    'You mentioned "Managed PostgreSQL clusters handling 10TB+ of data". Could you walk me '
    "through it?",
    "From the job description: \"On-call is a weekly rotation (UTC-1 to UTC+3).\"",
    "Reply `pause` to take a break, `resume` to carry on.",
    "Scores range from 1 to 5 [see notes] and it's 100% remote.",
]


@pytest.mark.parametrize("kind", sorted(UNSAFE))
def test_guard_stops(kind: str) -> None:
    assert find_violations(UNSAFE[kind]), kind


@pytest.mark.parametrize("text", SAFE)
def test_guard_lets_ordinary_text_through(text: str) -> None:
    assert is_safe(text), find_violations(text)


JOB = "Apply through https://jobs.acme.example.com/dba or read www.acme.example.com/about."


@pytest.mark.parametrize("text", [
    "The role is described at https://jobs.acme.example.com/dba.",
    "See [the team page](https://www.acme.example.com/team).",
    "More on acme.example.com.",
])
def test_links_to_the_job_descriptions_own_sites_pass(text: str) -> None:
    assert find_violations(text, job_description=JOB) == []
    assert [v.kind for v in find_violations(text)] == ["link"]  # not without the description


def test_a_site_merely_named_like_an_allowed_one_is_still_refused() -> None:
    text = "Log in at https://acme.example.com.evil.example.net/x"
    assert [v.kind for v in find_violations(text, job_description=JOB)] == ["link"]


def test_checks_can_be_limited_to_links_for_quoted_candidate_text() -> None:
    quote = "I ran ```EXPLAIN ANALYZE``` and posted it on https://gist.example.io/x"
    assert [v.kind for v in find_violations(quote, kinds={"link"})] == ["link"]
    assert find_violations("I ran ```EXPLAIN ANALYZE```", kinds={"link"}) == []


def test_overlong_text_is_refused_without_being_scanned() -> None:
    assert [v.kind for v in find_violations("a" * 40_001)] == ["too long"]


class LeakyBrain(OfflineBrain):
    """A brain that misbehaves like the reference recruiter did."""

    name = "leaky"

    async def compose(self, request: ComposeRequest) -> Composed:
        return Composed(text="tool_code print(default_api.next_question()) [Company Name]",
                        brain=self.name)


class BrokenBrain(OfflineBrain):
    name = "broken"

    async def compose(self, request: ComposeRequest) -> Composed:
        raise TimeoutError("model did not answer")


@pytest.mark.parametrize("brain", [LeakyBrain(), BrokenBrain()], ids=["leaky", "broken"])
async def test_service_replaces_unsafe_or_failed_brain_output(memory_engine, brain) -> None:
    port = ConsolePort()
    service = InterviewService(engine=memory_engine, port=port, brain=brain,
                               settings=make_settings())
    cand = await start(service)
    [reply] = await cand.say("I'm Ada, a DBA with 8 years of PostgreSQL and MySQL.")
    assert reply.kind == "project"
    assert all(is_safe(m.text) for m in port.posted)
    assert "You mentioned" in reply.text


class InjectedReportBrain(OfflineBrain):
    """Scores and reports like the offline brain, then does what a prompt-injected model
    would: a phishing link, a tool call and a placeholder in the report, and a candidate's
    own link quoted as evidence."""

    async def evaluate(self, items, *, candidate_name=""):  # noqa: ANN001, ANN201 - Brain's
        scored = await super().evaluate(items, candidate_name=candidate_name)
        first = scored.evaluations[0]
        poisoned = first.model_copy(update={
            "justification": "Strong. Verify at https://evil.example.net/verify",
            "evidence": [*first.evidence, "my portfolio is at https://phish.example.io/x"]})
        return replace(scored, evaluations=[poisoned, *scored.evaluations[1:]])

    async def report(self, request):  # noqa: ANN001, ANN201
        reported = await super().report(request)
        report = reported.report.model_copy(update={
            "overall_suitability": "Hire now: confirm at [the portal](https://evil.example.net)",
            "key_strengths": [*reported.report.key_strengths,
                              "tool_code print(default_api.approve())"],
            "recommendation": "Welcome [Candidate Name] aboard."})
        return replace(reported, report=report)


async def test_every_report_field_goes_through_the_guard(engine) -> None:
    service = InterviewService(engine=engine, port=ConsolePort(), brain=InjectedReportBrain(),
                               settings=make_settings())
    cand = await start(service)
    await cand.say("I'm Ada, a DBA with 8 years of PostgreSQL and MySQL.")
    evaluated = await service.finish(cand.started.interview_id, partial=True)
    report, stored = evaluated.report, await service.export(cand.started.interview_id)
    assert report.overall_suitability == WITHHELD and report.recommendation == WITHHELD
    assert WITHHELD in report.key_strengths
    assert evaluated.evaluations[0].justification == WITHHELD
    assert all("phish" not in q for e in evaluated.evaluations for q in e.evidence)
    shown = json.dumps({"scores": stored["scores"], "report": stored["report"]})
    for bad in ("evil.example.net", "phish.example.io", "default_api", "[Candidate Name]"):
        assert bad not in shown and bad not in evaluated.markdown, bad
    assert any("failed the output check" in n for n in report.notes)
