"""What every use case of the service shares: the database, the chat port, the brain, the
settings and the clock, plus transactions in worker threads and per-interview locks.

Database work runs in worker threads so adapters' event loops stay responsive.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.brains.base import Brain, InterviewContext
from bot.brains.offline import OfflineBrain
from bot.errors import InterviewNotFoundError
from bot.ports import ChatPort, ConversationRef
from bot.role_snapshots import role_snapshot
from bot.roles import Role
from bot.settings import Settings
from bot.text import first_name
from storage import repository as repo
from storage.engine import session as new_session
from storage.models import Candidate, Interview, RoleRecord

T = TypeVar("T")


class ServiceCore:
    def __init__(self, *, engine: Engine, port: ChatPort, brain: Brain | None,
                 settings: Settings | None, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.port = port
        self.brain: Brain = brain or OfflineBrain()
        self.settings = settings or Settings()
        self.clock = clock
        self.offline = OfflineBrain()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        # Set by a running ReminderSweeper: sends a just-scheduled reminder without waiting.
        self.reminder_wakeup: Callable[[], None] | None = None

    async def tx(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, ...)` in one transaction in a worker thread."""
        def run() -> T:
            with new_session(self.engine) as session:
                result = fn(session, *args, **kwargs)
                session.commit()
                return result
        return await asyncio.to_thread(run)

    def lock(self, interview_id: str) -> asyncio.Lock:
        """One lock per interview (or per start key) while anyone holds it."""
        lock = self._locks.get(interview_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[interview_id] = lock
        return lock

    @staticmethod
    def load(session: Session, interview_id: str) -> tuple[Interview, Candidate]:
        """An interview and its candidate; callers resolve ids first, so both exist."""
        interview = session.get(Interview, interview_id)
        assert interview is not None, interview_id
        candidate = session.get(Candidate, interview.candidate_id)
        assert candidate is not None, interview.candidate_id
        return interview, candidate

    @staticmethod
    def role_of(session: Session, interview: Interview) -> Role:
        """The role snapshot the interview started with (parsed once per version)."""
        return role_by_id(session, interview.role_id)

    def context(self, interview: Interview, candidate: Candidate, role: Role,
                turn_number: int) -> InterviewContext:
        return InterviewContext(
            role=role, candidate_first_name=first_name(candidate.display_name),
            resume=candidate.resume, turn_number=turn_number,
            retention_days=self.settings.retention_days,
            notice_version=interview.consent_version,
        )

    def sync_reminders(self, session: Session, interview_id: str) -> None:
        reminder_policy.sync(session, interview_id, settings=self.settings.reminders,
                             now=self.clock())

    def wake_sweeper(self) -> None:
        if self.reminder_wakeup is not None:
            self.reminder_wakeup()

    async def resolve(self, interview_id: str) -> str:
        """The full id of an interview given by id or unique prefix, or a readable error."""
        found = await self.tx(repo.get_interview, interview_id)
        if found is None:
            raise InterviewNotFoundError(
                f"No interview with id {interview_id!r}. Use `status` to list interviews.")
        return found.id


def role_by_id(session: Session, role_id: int) -> Role:
    name, version = session.execute(
        sa.select(RoleRecord.name, RoleRecord.version).where(RoleRecord.id == role_id)).one()
    return role_snapshot(name, version, lambda: _definition(session, role_id))


def _definition(session: Session, role_id: int) -> dict[str, Any]:
    return session.execute(
        sa.select(RoleRecord.definition).where(RoleRecord.id == role_id)).scalar_one()


def conversation_of(interview: Interview) -> ConversationRef:
    return ConversationRef(platform=interview.platform, workspace=interview.workspace,
                           channel=interview.channel, thread=interview.thread)
