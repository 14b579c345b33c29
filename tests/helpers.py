"""Helpers shared by tests: drive an interview through the service like an adapter would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.ports import IncomingMessage, OutgoingMessage
from bot.scoring.language import TEXT_CACHES
from bot.service import InterviewService, StartedInterview, StartRequest
from bot.text import split_sentences

STRONG_DBA_RESUME = """Senior Database Administrator, 8 years
Managed PostgreSQL clusters handling 10TB+ of data at Enterprise Solutions
Led the migration of on-premises MySQL databases to AWS RDS
Set up streaming replication and Patroni failover"""


@dataclass
class Candidate:
    """Sends messages into one interview as the candidate, with fresh message ids."""

    service: InterviewService
    started: StartedInterview
    author_id: str
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def message(self, text: str, message_id: str | None = None) -> IncomingMessage:
        return IncomingMessage(conversation=self.started.conversation, author_id=self.author_id,
                               text=text, message_id=message_id or f"m{next(self._ids)}")

    async def say(self, text: str, message_id: str | None = None) -> list[OutgoingMessage]:
        return await self.service.handle_message(self.message(text, message_id))


async def start(service: InterviewService, *, role: str = "database-administrator",
                candidate_id: str = "U123", name: str = "Ada Lovelace",
                resume: str = STRONG_DBA_RESUME) -> Candidate:
    started = await service.start_interview(StartRequest(
        role=role, candidate_id=candidate_id, candidate_name=name, platform="console",
        resume=resume, recruiter_id="R1"))
    return Candidate(service, started, candidate_id)


def cached_words() -> int:
    """Entries in the caches that hold candidates' words (bot.scoring.language)."""
    return sum(cache.cache_info().currsize for cache in TEXT_CACHES)


def remembers(message: str) -> bool:
    """Whether the message is among those kept split into sentences (asking keeps it)."""
    hits = split_sentences.cache_info().hits
    split_sentences(message)
    return split_sentences.cache_info().hits > hits
