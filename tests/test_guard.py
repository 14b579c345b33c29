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
