"""Running interviews with the openai brain against a fake OpenAI-compatible server."""

from __future__ import annotations

import re

from sqlmodel import select

from adapters.console import ConsolePort
from bot.brains.openai_brain import OpenAIBrain
from bot.service import InterviewService
from bot.settings import Settings
from storage.engine import session
from storage.models import AuditEvent, Interview
from tests.fakes.openai_server import FakeOpenAI
from tests.test_service import GOOD_ANSWER

NAME = "Ada Lovelace"


def settings_for(fake: FakeOpenAI, **overrides) -> Settings:
    values = {"brain": "openai", "openai_base_url": fake.base_url, "openai_api_key": "test-key",
              "openai_timeout_seconds": 5.0, "openai_max_retries": 2,
              "openai_model": "fake-model", "openai_scoring_samples": 1}
    values.update(overrides)
    return Settings(**values)


def service_for(engine, fake: FakeOpenAI, port: ConsolePort, **overrides) -> InterviewService:
    settings = settings_for(fake, **overrides)
    return InterviewService(engine=engine, port=port, brain=OpenAIBrain(settings),
                            settings=settings)


def wording_requests(fake: FakeOpenAI) -> list:
    return [r for r in fake.requests if r.schema_name is None]


def judge_requests(fake: FakeOpenAI) -> list:
    return [r for r in fake.requests if r.schema_name == "ScoreOutput"]


async def finish_interview(cand, first: str = "I'm a senior DBA with 8 years on PostgreSQL "
                                             "and MySQL.", *, before_last=None) -> None:
    """Answer until the wrap-up; `before_last()` runs just before the finishing turn (the
    wrap-up is worded first, then scoring starts)."""
    replies = await cand.say(first)
    while replies and replies[-1].kind not in ("wrap_up", "closing"):
        closing = replies[-1].kind in ("candidate_questions", "answer")
        if closing and before_last is not None:
            before_last()
        replies = await cand.say("Nope, thanks!" if closing else GOOD_ANSWER)


def stored_interview(engine) -> Interview:
    with session(engine) as s:
        return s.exec(select(Interview)).one()


def fallback_rows(engine) -> int:
    with session(engine) as s:
        return len(s.exec(select(AuditEvent).where(
            AuditEvent.action == "reply_fallback")).all())


def counted_in_notes(notes: list[str], pattern: str) -> int:
    """The number a report note states, e.g. "3 interviewer message(s) fell back"."""
    for note in notes:
        match = re.search(pattern, note)
        if match:
            return int(match.group(1))
    return 0
