"""What every use case of the service shares: the database, the chat port, the brain, the
settings and the clock, plus transactions in worker threads and per-interview locks.

Database work, and the CPU work that goes with it (deciding a message, wording an offline
reply), runs in worker threads so adapters' event loops stay free for acknowledgements.
Write transactions run on the service's own writer threads: one for SQLite, which takes one
writer at a time anyway (queued here, a waiting turn starts the moment the last one commits;
queued in SQLite's busy handler, it would sleep and retry), a few for PostgreSQL.
A write transaction the database refused for a lock conflict (a deadlock, SQLite's
"database is locked") runs again from its start (`storage.transient`): a refused
transaction is never the end of the work it carried.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from bot import reminders as reminder_policy
from bot.brains.base import Brain, InterviewContext
from bot.brains.offline import OfflineBrain
from bot.errors import InterviewNotFoundError
from bot.ports import ChatPort, ConversationRef
from bot.role_snapshots import role_snapshot
from bot.roles import Role
from bot.scoring.language import forget_read_text
from bot.settings import Settings
from bot.text import known_first_name
from storage import repository as repo
from storage.engine import WalCheckpoints, is_sqlite_file, scrub_erased
from storage.engine import session as new_session
from storage.models import Candidate, Interview, RoleRecord, utcnow
from storage.transient import is_transient, run_retrying

T = TypeVar("T")

POSTGRES_WRITERS = 4  # transactions in flight at once; each mostly waits on the server
KNOWN_THREADS = 10_000  # conversation -> interview ids kept, about 200 bytes each


class ServiceCore:
    """The state every use case reads: one per `InterviewService`."""

    def __init__(self, *, engine: Engine, port: ChatPort, brain: Brain | None,
                 settings: Settings | None, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.port = port
        self.brain: Brain = brain or OfflineBrain()
        self.settings = settings or Settings()
        self.clock = clock
        # Wall-clock start of this process's service: a bot message or report stored before
        # it may have been posted by a process that died before marking it delivered.
        self.started_at = utcnow()
        self.offline = OfflineBrain()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        # Set by a running ReminderSweeper: sends a just-scheduled reminder without waiting.
        self.reminder_wakeup: Callable[[], None] | None = None
        sqlite = engine.dialect.name == "sqlite"
        self._writer = ThreadPoolExecutor(max_workers=1 if sqlite else POSTGRES_WRITERS,
                                          thread_name_prefix="interview-db")
        # In-memory SQLite is one shared connection: reads must not interleave with a write.
        self._reader = self._writer if isinstance(engine.pool, StaticPool) else None
        self._interview_of: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self.checkpoints = WalCheckpoints(engine) if is_sqlite_file(engine) else None

    async def tx(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, ...)` in one write transaction on a writer thread (again, from
        the start, should the database refuse it for a lock conflict)."""
        def run() -> T:
            result = run_retrying(lambda: self._run(fn, args, kwargs), what=_name(fn))
            self._committed()
            return result
        return await asyncio.get_running_loop().run_in_executor(self._writer, run)

    async def tx_connection(self, fn: Callable[..., T], *args: Any,
                            retry_if: Callable[[BaseException], bool] = is_transient,
                            **kwargs: Any) -> T:
        """`tx` for SQLAlchemy Core work: `fn(connection, ...)`, no ORM session around it
        (the turn path; `sync_reminders_on` lends one for the rare step that needs it).
        `retry_if` says which errors run it again (lock conflicts by default)."""
        def once() -> T:
            with self.engine.connect() as connection:
                result = fn(connection, *args, **kwargs)
                connection.commit()
            return result

        def run() -> T:
            result = run_retrying(once, what=_name(fn), retry_if=retry_if)
            self._committed()
            return result
        return await asyncio.get_running_loop().run_in_executor(self._writer, run)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, ...)`, which only reads, in a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(
            self._reader, functools.partial(self._run, fn, args, kwargs))

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        with new_session(self.engine) as session:
            try:
                result = fn(session, *args, **kwargs)
                session.commit()
            except BaseException:
                # The ORM's own rollback, not only the connection's: objects the failed
                # run added go back to new (transient), so a run again inserts them again.
                session.rollback()
                raise
            return result

    def _committed(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.committed()

    def known_interview(self, conversation: ConversationRef) -> str | None:
        """The interview a threaded conversation was last seen to belong to (a thread holds
        one interview for good); the turn's transaction checks it again."""
        if not conversation.thread:
            return None
        return self._interview_of.get(_thread_key(conversation))

    def remember(self, conversation: ConversationRef, interview_id: str) -> None:
        if not conversation.thread:
            return
        key = _thread_key(conversation)
        self._interview_of[key] = interview_id
        self._interview_of.move_to_end(key)
        while len(self._interview_of) > KNOWN_THREADS:
            self._interview_of.popitem(last=False)

    @property
    def words_without_waiting(self) -> bool:
        """The brain's wording is the offline brain's: plain Python, no model to wait for,
        so a reply can be worded inside the transaction that stores the message."""
        return type(self.brain).compose is OfflineBrain.compose

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

    def context(self, *, role: Role, candidate_name: str, resume: str, notice_version: str,
                turn_number: int) -> InterviewContext:
        return InterviewContext(
            role=role, candidate_first_name=known_first_name(candidate_name), resume=resume,
            turn_number=turn_number, retention_days=self.settings.retention_days,
            notice_version=notice_version,
        )

    def sync_reminders(self, session: Session, interview_id: str) -> None:
        reminder_policy.sync(session, interview_id, settings=self.settings.reminders,
                             now=self.clock())

    def sync_reminders_on(self, connection: Connection, interview_id: str) -> None:
        """`sync_reminders` inside a Core transaction (its writes join that transaction)."""
        with Session(bind=connection, expire_on_commit=False) as session:
            self.sync_reminders(session, interview_id)
            session.flush()

    def wake_sweeper(self) -> None:
        if self.reminder_wakeup is not None:
            self.reminder_wakeup()

    async def resolve(self, interview_id: str) -> str:
        """The full id of an interview given by id or unique prefix, or a readable error."""
        found = await self.read(repo.get_interview, interview_id)
        if found is None:
            raise InterviewNotFoundError(
                f"No interview with id {interview_id!r}. Use `status` to list interviews.")
        return found.id


async def leave_no_copy(engine: Engine) -> None:
    """After a candidate's rows are erased or purged: no copy of their words stays in this
    process's caches (bot.scoring.language), nor in SQLite's write-ahead log."""
    forget_read_text()
    await asyncio.to_thread(scrub_erased, engine)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", type(fn).__name__)


def _thread_key(conversation: ConversationRef) -> tuple[str, str, str]:
    return conversation.platform, conversation.channel, conversation.thread


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
