"""The terminal as a chat platform: the demo's adapter, and the core's in-memory test bed.

`ConsolePort` implements the chat port by printing (or just recording) messages; `run_demo`
plays a simulated or typed-in candidate against the real service.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from bot.flow import INTRO_ID, OPEN_STATUSES, PROJECT_ID, Kind
from bot.ports import (
    ConversationRef,
    IncomingMessage,
    OutgoingMessage,
    PostedMessage,
    ReportDelivery,
    TeamNotice,
)
from bot.roles import Role
from bot.service import InterviewService, StartRequest
from bot.simulated import SimulatedCandidate

END_KINDS = {Kind.WRAP_UP.value, Kind.CLOSING.value}
OPEN = {s.value for s in OPEN_STATUSES}


@dataclass
class ConsolePort:
    """Records everything; prints when given a console."""

    console: Console | None = None
    posted: list[OutgoingMessage] = field(default_factory=list)
    reports: list[ReportDelivery] = field(default_factory=list)
    notices: list[TeamNotice] = field(default_factory=list)
    opened: list[ConversationRef] = field(default_factory=list)
    closed: list[ConversationRef] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        opened = ConversationRef("console", workspace or "local", f"dm-{candidate_id}",
                                 uuid.uuid4().hex[:12])
        self.opened.append(opened)
        return opened

    async def close_interview_conversation(self, conversation: ConversationRef) -> None:
        self.closed.append(conversation)

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        self.posted.append(message)
        if self.console is not None:
            self.console.print(Panel(message.text, title="Interviewer", title_align="left",
                                     border_style="cyan"))
        return PostedMessage(f"bot-{next(self._ids)}", message.conversation)

    async def post_report(self, report: ReportDelivery) -> None:
        self.reports.append(report)

    async def post_to_recruiters(self, notice: TeamNotice) -> PostedMessage:
        """The terminal has no recruiter channel: notices are recorded (and printed)."""
        self.notices.append(notice)
        if self.console is not None:
            self.console.print(Panel(notice.text.replace("{candidate}", notice.candidate_name)
                                     + (f"\n> {notice.quote}" if notice.quote else ""),
                                     title="To the recruiters", title_align="left",
                                     border_style="yellow"))
        return PostedMessage(f"notice-{next(self._ids)}", notice.conversation)


@dataclass
class DemoResult:
    interview_id: str
    candidate_name: str
    messages: int


def question_for(role: Role, question_id: str | None):  # noqa: ANN201 - Question | None
    if question_id in (None, INTRO_ID, PROJECT_ID):
        return None
    try:
        return role.question(question_id)
    except KeyError:
        return None


async def run_demo(
    service: InterviewService,
    role: Role,
    *,
    profile: str = "strong",
    seed: int = 0,
    ask: Callable[[], str | None] | None = None,
    show_candidate: Callable[[str], None] | None = None,
    max_messages: int = 500,
) -> DemoResult:
    """One whole interview. `ask` reads typed answers (None = stop); otherwise the
    simulated candidate of `profile` answers."""
    simulated = SimulatedCandidate(role=role, profile=profile, seed=seed)
    # Typed answers come from someone whose name we do not know: no "Hello You!".
    name = "" if ask else simulated.name
    resume = "" if ask else simulated.resume()
    started = await service.start_interview(StartRequest(
        role=role.name, candidate_id=f"demo-{uuid.uuid4().hex[:8]}", candidate_name=name,
        platform="console", resume=resume, recruiter_id="demo"))
    conversation = started.conversation
    candidate_id = (await service.status(started.interview_id)).candidate_id
    last = started.greeting
    sent_count = 0
    while last.kind not in END_KINDS and sent_count < max_messages:
        if ask is not None:
            text = ask()
            if text is None:
                await service.pause(started.interview_id, actor="candidate")
                break
        else:
            text = simulated.reply(last.text, kind=last.kind,
                                   question=question_for(role, last.question_id))
        if show_candidate is not None:
            show_candidate(text)
        sent_count += 1
        replies = await service.handle_message(IncomingMessage(
            conversation=conversation, author_id=candidate_id, text=text,
            message_id=f"candidate-{sent_count}"))
        if not replies:
            break
        last = replies[-1]
        if (await service.status(started.interview_id)).status not in OPEN:
            break  # any ending turn (an answer with the goodbye, a withdrawal): no more input
    return DemoResult(started.interview_id, name, sent_count)


def print_report(console: Console, markdown: str) -> None:
    console.print(Panel(Markdown(markdown), title="Evaluation and HR report", border_style="green"))
