"""Platform-neutral types and the port every chat adapter implements.

The core speaks only these types; an adapter turns platform events into `IncomingMessage`
and implements `ChatPort` with its platform's client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class ConversationRef:
    """Where an interview lives: platform, workspace (team/guild), channel and thread."""

    platform: str
    workspace: str
    channel: str
    thread: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    """A candidate's message as the core sees it; `raw` is for debugging, never read by the core."""

    conversation: ConversationRef
    author_id: str
    text: str
    message_id: str
    at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MessageEdit:
    """A candidate changed a message they had already sent (`message_id` is the original's)."""

    conversation: ConversationRef
    author_id: str
    message_id: str
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    """A message the core wants shown to the candidate.

    `kind` says what the message asks for (greeting, technical, followup, ...) so that
    simulated candidates and adapters can react without parsing text.
    """

    conversation: ConversationRef
    text: str
    kind: str
    question_id: str | None = None
    turn_id: int | None = None
    # Set when an earlier process may already have posted this stored message (it was stored
    # before this process started): the adapter looks for it in the conversation, from this
    # time on, before posting it again.
    retry_since: datetime | None = None


@dataclass(frozen=True)
class PostedMessage:
    """What a platform gave back for a posted message."""

    message_id: str
    conversation: ConversationRef


@dataclass(frozen=True)
class ReportDelivery:
    """An interview's evaluation for the recruiter channel (never the candidate's)."""

    interview_id: str
    candidate_name: str
    role_title: str
    candidate_id: str
    recruiter_id: str
    recommendation: str
    overall_score: float
    partial: bool
    export: dict[str, Any]
    markdown: str
    conversation: ConversationRef
    retry_since: datetime | None = None  # as OutgoingMessage's: the report's stored time


@dataclass(frozen=True)
class TeamNotice:
    """A message for the recruiter channel about one interview: a candidate's request, a
    message relayed while a person has the interview, late messages, an erasure.

    `text` is the core's Markdown, with "{candidate}" standing for the candidate's name;
    `candidate_name` and `quote` (someone's own words) are untrusted and the adapter shows
    them escaped, never as markup. The channel is checked like a report's before each one.
    """

    interview_id: str
    kind: str
    text: str
    candidate_name: str
    candidate_id: str  # their platform user id: a channel they can read is refused
    conversation: ConversationRef  # the interview's: its platform, workspace, a link to it
    quote: str = ""
    reply_to: str | None = None  # the platform message id of the notice to post under
    actions: tuple[str, ...] = ()  # buttons, each for this interview: "takeover", "handback"
    notice_id: int | None = None  # stable per stored notice: platforms dedupe re-sends on it


class ChatPort(Protocol):
    """What the core needs from a chat platform."""

    async def open_interview_conversation(
        self, *, platform: str, candidate_id: str, workspace: str, title: str
    ) -> ConversationRef:
        """Open the place (DM thread, private thread) where the interview runs. `platform`
        lets one process route to the right adapter when it serves several."""

    async def close_interview_conversation(self, conversation: ConversationRef) -> None:
        """Close a conversation `open_interview_conversation` gave, for a start that failed
        before its interview was stored: nothing may stay behind that looks like an
        interview (Slack: the DM thread's header; Discord: the private thread)."""

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        """Post a candidate-facing message in the interview's conversation."""

    async def post_report(self, report: ReportDelivery) -> None:
        """Post an evaluation to the private recruiter channel."""

    async def post_to_recruiters(self, notice: TeamNotice) -> PostedMessage:
        """Post a notice to the recruiter channel (a `message_id` of "" means the platform
        needs none of this kind: on Discord the recruiter reads the thread itself)."""
