"""Slack `message` events → the core's `IncomingMessage`, as a pure function.

Only a person's own text in a DM with the bot reaches the core. Everything else is decided
here, on purpose, and tested on recorded payloads (tests/slack/payloads):

- the bot's own messages and other bots' (`bot_id`, subtype `bot_message`) → None;
- an edit (`message_changed`) of a person's message → `MessageEdit`: the core replaces the
  answer to the question still under discussion and only records later edits;
- deletions → None: a sent answer stays part of the record;
- a file with no text (`file_share`) → `NeedsText`, so the adapter can ask for a written
  answer without bothering the core; a file with a caption → the caption;
- joins, topic changes and any other subtype → None;
- anything outside a direct message → None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.slack.mrkdwn import unescape
from bot.ports import ConversationRef, IncomingMessage, MessageEdit

PLATFORM = "slack"
# Subtypes that still carry a person's own new message.
TEXT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


@dataclass(frozen=True)
class NeedsText:
    """A person sent only a file; the interview takes written answers."""

    conversation: ConversationRef
    author_id: str
    message_id: str


def to_incoming(event: dict[str, Any], *, team_id: str = "", bot_user_id: str | None = None
                ) -> IncomingMessage | MessageEdit | NeedsText | None:
    """Translate one `message` event (the `event` object of an `event_callback`)."""
    if event.get("type") != "message" or event.get("channel_type", "im") != "im":
        return None
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _edit(event, team_id=team_id, bot_user_id=bot_user_id)
    if subtype not in TEXT_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or user == bot_user_id:
        return None
    conversation = ConversationRef(
        platform=PLATFORM, workspace=event.get("team") or team_id, channel=channel,
        # A top-level DM message has no thread_ts; the core then picks the newest open
        # interview in this DM, so both thread replies and top-level messages arrive.
        thread=event.get("thread_ts") or "")
    text = unescape(event.get("text") or "").strip()
    if not text:
        if subtype == "file_share" or event.get("files"):
            return NeedsText(conversation, user, ts)
        return None
    return IncomingMessage(conversation=conversation, author_id=user, text=text,
                           message_id=ts, at=ts_to_datetime(ts), raw=event)


def ts_to_datetime(ts: str) -> datetime | None:
    """Slack's `ts` is seconds since the epoch with a per-channel sequence as fraction."""
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _edit(event: dict[str, Any], *, team_id: str,
          bot_user_id: str | None) -> MessageEdit | None:
    """The edited message sits under `message`; its `ts` is the original message's."""
    message = event.get("message") or {}
    user, ts, channel = message.get("user"), message.get("ts"), event.get("channel")
    if not user or not ts or not channel or user == bot_user_id or message.get("bot_id"):
        return None
    text = unescape(message.get("text") or "").strip()
    previous = unescape((event.get("previous_message") or {}).get("text") or "").strip()
    if not text or text == previous:
        return None  # link unfurls and other non-text changes also arrive as edits
    conversation = ConversationRef(platform=PLATFORM, workspace=event.get("team") or team_id,
                                   channel=channel, thread=message.get("thread_ts") or "")
    edited_ts = (message.get("edited") or {}).get("ts") or event.get("ts")
    return MessageEdit(conversation=conversation, author_id=user, message_id=ts, text=text,
                       at=ts_to_datetime(edited_ts) if edited_ts else None)
