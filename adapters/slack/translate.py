"""Slack `message` events → the core's `IncomingMessage`, as a pure function.

Only a person's own text in a DM with the bot reaches the core. Everything else is decided
here, on purpose, and tested on recorded payloads (tests/slack/payloads):

- the bot's own messages and other bots' (`bot_id`, subtype `bot_message`) → None;
- an edit (`message_changed`) of a person's message → `MessageEdit`: the core replaces the
  answer to the question still under discussion and only records later edits;
- deletions → None: a sent answer stays part of the record;
- a file with no text (`file_share`) → `NeedsText`, so the adapter can ask for a written
  answer without bothering the core; a file with a caption → the caption;
- a forwarded or shared message (empty `text`, the content in `attachments[]` with
  `is_share` / `is_msg_unfurl`) → its text, after the person's own words if any; a share
  without text (a forwarded file) → `NeedsText`;
- `/me` messages (subtype `me_message`) → their text: the person's own words;
- mentions and special commands in Slack's markup (`<@U123>`, `<#C123|general>`, `<!here>`)
  → their visible form (`@Ada`, `#general`, `@here`), names from the `names` the adapter
  looked up, so no raw id reaches the core or a quoted answer;
- an edit whose `message` lacks a `ts` falls back to `previous_message.ts` (both are the
  edited message's);
- joins, topic changes and any other subtype → None;
- anything outside a direct message → None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.slack.mrkdwn import mentioned_ids, unescape
from bot.ports import ConversationRef, IncomingMessage, MessageEdit

PLATFORM = "slack"
# Subtypes that still carry a person's own new message.
TEXT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})


@dataclass(frozen=True)
class NeedsText:
    """A person sent only a file; the interview takes written answers."""

    conversation: ConversationRef
    author_id: str
    message_id: str


def to_incoming(event: dict[str, Any], *, team_id: str = "", bot_user_id: str | None = None,
                names: Mapping[str, str] | None = None
                ) -> IncomingMessage | MessageEdit | NeedsText | None:
    """Translate one `message` event (the `event` object of an `event_callback`). `names`
    maps user and channel ids mentioned in it to names (see `mentions_in`)."""
    if event.get("type") != "message" or event.get("channel_type", "im") != "im":
        return None
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return _edit(event, team_id=team_id, bot_user_id=bot_user_id, names=names)
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
    text = _readable(event, names)
    if not text:
        if subtype == "file_share" or event.get("files") or _shares(event):
            return NeedsText(conversation, user, ts)
        return None
    return IncomingMessage(conversation=conversation, author_id=user, text=text,
                           message_id=ts, at=ts_to_datetime(ts), raw=event)


def mentions_in(event: dict[str, Any]) -> tuple[set[str], set[str]]:
    """User and channel ids a message (or an edit, or what it shares) mentions, so the
    adapter can look their names up before translating it."""
    users: set[str] = set()
    channels: set[str] = set()
    for text in _texts(event):
        found_users, found_channels = mentioned_ids(text)
        users |= found_users
        channels |= found_channels
    return users, channels


def _texts(event: dict[str, Any]) -> Iterator[str]:
    for message in (event, event.get("message") or {}, event.get("previous_message") or {}):
        yield message.get("text") or ""
        for attachment in _shares(message):
            yield attachment.get("text") or ""


def _shares(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Forwarded and shared messages: attachments Slack marks `is_share` or `is_msg_unfurl`
    (a message link unfurled). Link previews of web pages are neither."""
    return [a for a in message.get("attachments") or []
            if isinstance(a, dict) and (a.get("is_share") or a.get("is_msg_unfurl"))]


def _readable(message: dict[str, Any], names: Mapping[str, str] | None) -> str:
    """What the person sent: their own words, then the text of any message they shared."""
    parts = [unescape(message.get("text") or "", names).strip()]
    parts += [unescape(a.get("text") or "", names).strip() for a in _shares(message)]
    return "\n\n".join(p for p in parts if p)


def ts_to_datetime(ts: str) -> datetime | None:
    """Slack's `ts` is seconds since the epoch with a per-channel sequence as fraction."""
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _edit(event: dict[str, Any], *, team_id: str, bot_user_id: str | None,
          names: Mapping[str, str] | None) -> MessageEdit | None:
    """The edited message sits under `message`; its `ts` is the original message's (when
    Slack leaves it out, `previous_message.ts` is the same message's)."""
    message = event.get("message") or {}
    previous_message = event.get("previous_message") or {}
    user, channel = message.get("user"), event.get("channel")
    ts = message.get("ts") or previous_message.get("ts")
    if not user or not ts or not channel or user == bot_user_id or message.get("bot_id"):
        return None
    text = _readable(message, names)
    previous = _readable(previous_message, names)
    if not text or text == previous:
        return None  # link unfurls and other non-text changes also arrive as edits
    conversation = ConversationRef(platform=PLATFORM, workspace=event.get("team") or team_id,
                                   channel=channel, thread=message.get("thread_ts")
                                   or previous_message.get("thread_ts") or "")
    edited_ts = (message.get("edited") or {}).get("ts") or event.get("ts")
    return MessageEdit(conversation=conversation, author_id=user, message_id=ts, text=text,
                       at=ts_to_datetime(edited_ts) if edited_ts else None)
