"""The service adapters call: start interviews, take candidate messages, end and evaluate.

Every candidate message is committed before anything else happens with it. Each bot reply is
committed before it is sent and marked delivered after, so a restarted process (`recover`)
finishes whatever was under way from the database alone.

This class is the front door only: each method hands over to the use case it names, one
module each in `bot.usecases` (starting, messages, delivery, finishing, controls, reading).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot import reminders as reminder_policy
from bot.brains.base import Brain
from bot.inbound import clean_message, clean_text
from bot.ports import (
    ChatPort,
    ConversationRef,
    IncomingMessage,
    MessageEdit,
    OutgoingMessage,
    ReportDelivery,
)
from bot.settings import Settings
from bot.usecases import (
    controls,
    delivery,
    finishing,
    humans,
    late,
    messages,
    reading,
    reviews,
    rights,
    starting,
)
from bot.usecases.core import ServiceCore, conversation_of
from bot.usecases.finishing import Evaluated
from bot.usecases.humans import TeamMessage
from bot.usecases.messages import EDIT_NOTED_NOTICE, EditOutcome
from bot.usecases.reading import InterviewSummary, progress_of
from bot.usecases.starting import StartedInterview, StartRequest
from storage import repository as repo
from storage.erasure import Match as CandidateMatch
from storage.models import utcnow

__all__ = [
    "EDIT_NOTED_NOTICE",
    "EditOutcome",
    "Evaluated",
    "InterviewService",
    "InterviewSummary",
    "StartRequest",
    "StartedInterview",
    "TeamMessage",
    "conversation_of",
    "progress_of",
]

logger = logging.getLogger(__name__)


class InterviewService:
    def __init__(self, *, engine: Engine, port: ChatPort, brain: Brain | None = None,
                 settings: Settings | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.core = ServiceCore(engine=engine, port=port, brain=brain, settings=settings,
                                clock=clock)

    # What adapters, the sweeper and tests read; the core holds them.
    @property
    def engine(self) -> Engine:
        return self.core.engine

    @property
    def port(self) -> ChatPort:
        return self.core.port

    @property
    def brain(self) -> Brain:
        return self.core.brain

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.core.clock

    @property
    def reminder_wakeup(self) -> Callable[[], None] | None:
        """Set by a running ReminderSweeper: sends a just-scheduled reminder at once."""
        return self.core.reminder_wakeup

    @reminder_wakeup.setter
    def reminder_wakeup(self, wakeup: Callable[[], None] | None) -> None:
        self.core.reminder_wakeup = wakeup

    def lock_for(self, interview_id: str) -> asyncio.Lock:
        """The per-interview lock, for the reminder sweeper."""
        return self.core.lock(interview_id)

    # ---------------------------------------------------------------- starting

    async def start_interview(self, request: StartRequest) -> StartedInterview:
        return await starting.start_interview(self.core, request)

    # ---------------------------------------------------------------- messages

    async def handle_message(self, message: IncomingMessage, *,
                             stored: Callable[[], Awaitable[None]] | None = None
                             ) -> list[OutgoingMessage]:
        """Store, then answer. A redelivered message stores nothing and gets no second reply.
        `stored` runs once the message is committed (where adapters acknowledge it)."""
        # NUL and lone surrogates: no database stores them, so they go before anything else.
        return await messages.handle_message(self.core, clean_message(message), stored=stored)

    async def amend_message(self, edit: MessageEdit) -> EditOutcome:
        """An edit event is taken once: a redelivered one changes and notices nothing."""
        edit = clean_message(edit)
        if not await late.claim_notice(self.core, edit.conversation, late.edit_key(edit)):
            return EditOutcome.IGNORED
        return await messages.amend_message(self.core, edit)

    async def notice_once(self, conversation: ConversationRef, event_id: str) -> bool:
        """Whether to answer a platform event with a notice (a file without text): True the
        first time, False on a redelivery or where no interview lives."""
        return await late.claim_notice(self.core, conversation, f"event:{event_id}")

    # ---------------------------------------------------------------- controls

    async def cancel(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await controls.cancel(self.core, interview_id, actor=actor)

    async def withdraw(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await controls.withdraw(self.core, interview_id, actor=actor)

    async def pause(self, interview_id: str, *, actor: str,
                    until: datetime | None = None) -> InterviewSummary:
        return await controls.pause(self.core, interview_id, actor=actor, until=until)

    async def resume(self, interview_id: str, *, actor: str) -> InterviewSummary:
        return await controls.resume(self.core, interview_id, actor=actor)

    async def remind(self, interview_id: str, *, actor: str) -> reminder_policy.Scheduled:
        return await controls.remind(self.core, interview_id, actor=actor)

    async def extend(self, interview_id: str, *, actor: str, days: float | None = None,
                     until: datetime | None = None) -> InterviewSummary:
        return await controls.extend(self.core, interview_id, actor=actor, days=days,
                                     until=until)

    async def forget_candidate(self, who: str, *, platform: str | None = None,
                               workspaces: Sequence[str] | None = None,
                               actor: str = "cli") -> dict[str, int]:
        return await controls.forget_candidate(self.core, who, platform=platform,
                                               workspaces=workspaces, actor=actor)

    async def find_candidate(self, who: str, *, platform: str | None = None,
                             workspaces: Sequence[str] | None = None) -> CandidateMatch:
        return await controls.find_candidate(self.core, who, platform=platform,
                                             workspaces=workspaces)

    # ---------------------------------------------------------------- a person in the loop

    async def takeover(self, interview_id: str, *, recruiter_id: str,
                       recruiter_name: str) -> humans.Takeover:
        return await humans.takeover(self.core, interview_id, recruiter_id=recruiter_id,
                                     recruiter_name=recruiter_name)

    async def handback(self, interview_id: str, *, actor: str,
                       actor_name: str = "") -> humans.Handback:
        return await humans.handback(self.core, interview_id, actor=actor,
                                     actor_name=actor_name)

    async def relay_to_candidate(self, message: humans.TeamMessage) -> bool:
        return await humans.relay_to_candidate(self.core, _storable(message))

    async def store_team_message(self, message: humans.TeamMessage) -> bool:
        return await humans.store_team_message(self.core, _storable(message))

    async def review_score(self, interview_id: str, *, position: int, reviewer_id: str,
                           reviewer_name: str, verdict: str, score: int | None = None,
                           reason: str = "") -> ReportDelivery:
        return await reviews.review_score(
            self.core, interview_id, position=position, reviewer_id=reviewer_id,
            reviewer_name=reviewer_name, verdict=verdict, score=score, reason=reason)

    async def review_lines(self, interview_id: str) -> list[reviews.ReviewLine]:
        return await reviews.review_lines(self.core, interview_id)

    async def report_delivery(self, interview_id: str) -> ReportDelivery:
        return await reviews.report_delivery(self.core, interview_id)

    async def human_agreement(self) -> reviews.HumanAgreement:
        return await self.core.read(reviews.human_agreement)

    # ---------------------------------------------------------------- finishing

    async def finish(self, interview_id: str, *, partial: bool | None = None) -> Evaluated:
        return await finishing.finish(self.core, interview_id, partial=partial)

    async def evaluate(self, interview_id: str, *, partial: bool | None = None) -> Evaluated:
        return await finishing.evaluate(self.core, interview_id, partial=partial)

    # ---------------------------------------------------------------- reading

    async def status(self, interview_id: str) -> InterviewSummary:
        return await reading.status(self.core, interview_id)

    async def list_status(self, *, open_only: bool = True, candidate_id: str | None = None,
                          platform: str | None = None,
                          workspaces: Sequence[str] | None = None) -> list[InterviewSummary]:
        return await reading.list_status(self.core, open_only=open_only,
                                         candidate_id=candidate_id, platform=platform,
                                         workspaces=workspaces)

    async def export(self, interview_id: str) -> dict[str, Any]:
        return await reading.export(self.core, interview_id)

    async def export_markdown(self, interview_id: str) -> str:
        return await reading.export_markdown(self.core, interview_id)

    # ---------------------------------------------------------------- restart

    async def recover(self, *, platform: str | None = None) -> int:
        """Finish what a previous process left: unhandled answers, unsent messages, reports.
        One interview's failure (a platform refusing a post) does not stop the others."""
        pending = await self.core.read(repo.interviews_with_pending_work, platform=platform)
        for interview_id in pending:
            try:
                async with self.core.lock(interview_id):
                    await messages.process(self.core, interview_id)
                    await delivery.deliver(self.core, interview_id)
                await finishing.finish_if_ended(self.core, interview_id)
            except Exception:
                logger.exception("could not recover interview %s; will retry", interview_id)
        return len(pending) + await rights.recover(self.core, platform=platform)


def _storable(message: humans.TeamMessage) -> humans.TeamMessage:
    """A recruiter's message with only text a database can store (as a candidate's)."""
    return replace(message, text=clean_text(message.text))
