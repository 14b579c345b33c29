"""The output guard stops each kind of text a candidate must never see, and the service
never lets a brain's unsafe output through."""

from __future__ import annotations

import pytest

from adapters.console import ConsolePort
from bot.brains.base import Composed, ComposeRequest
from bot.brains.offline import OfflineBrain
from bot.guard import find_violations, is_safe
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
