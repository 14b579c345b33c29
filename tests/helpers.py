"""Helpers shared by tests: drive an interview through the service like an adapter would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.ports import IncomingMessage, OutgoingMessage
from bot.scoring.language import _prefixes_of, read_sentence
from bot.service import InterviewService, StartedInterview, StartRequest
from bot.text import _sentences, stem

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
    """Entries in the caches that hold candidates' words (read sentences, split messages,
    stemmed words and their prefixes)."""
    return sum(cache.cache_info().currsize for cache in (read_sentence, _sentences, stem,
                                                          _prefixes_of))
