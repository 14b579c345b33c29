"""A `discord.Message` → the core's `IncomingMessage`, as a pure function.

Interviews run in private threads, one per interview, so a conversation is the thread:
channel and thread are both the thread's id, the workspace is the server (guild) id. What
reaches the core is decided here, on purpose, and tested on gateway payloads
(tests/discord/payloads):

- a person's own text (a new message or a reply) in a server thread → `IncomingMessage`
  (the core then drops it unless its author is that interview's candidate);
- the bot's own messages, other bots', webhooks' → None;
- system messages (member added to a thread, thread created, pins, ...) → None;
- anything outside a server thread (a channel, a DM), or in a thread of another channel than
  the interviews channel → None;
- a file or sticker with no text → `NeedsText`, so the adapter can ask for a written answer;
- a forward (`message_reference.type` 1, FORWARD) carries the forwarded message in
  `message_snapshots`, with the forward's own `content` empty → the snapshot's text (its
  mentions shown as names, as `clean_content` shows the message's own), after any words of
  the sender's; a forward of only a file → `NeedsText`;
- a poll with no text (`poll`, content empty) → `NeedsText` (what = "a poll"): the adapter
  answers it with a request to type the answer.

Edits arrive as MESSAGE_UPDATE → `MessageEdit` (`to_edit`), by the same rules, and only when
the text itself changed: Discord also sends an update when it adds a link preview, without
`edited_timestamp`. The core replaces the answer to the question still under discussion and
only records later edits, as for Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot.ports import ConversationRef, IncomingMessage, MessageEdit

PLATFORM = "discord"
TEXT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
THREAD_TYPES = frozenset({discord.ChannelType.private_thread, discord.ChannelType.public_thread})
# Mentions in a snapshot's raw text (discord.com/developers/docs/reference#message-formatting):
# snowflakes are at most 20 digits, so each match is bounded.
_MENTION = re.compile(r"<(@!?|@&|#)([0-9]{15,20})>")
PATTERNS: tuple[re.Pattern[str], ...] = (_MENTION,)  # for tests/test_linear_text.py


@dataclass(frozen=True)
class NeedsText:
    """A person sent only a file or a sticker; the interview takes written answers."""

    conversation: ConversationRef
    author_id: str
    message_id: str
    what: str = "a file"  # what arrived instead of text, for the adapter's reply


def conversation_for(guild_id: int | str, thread_id: int | str) -> ConversationRef:
    """Where an interview thread lives, as the core stores it."""
    return ConversationRef(platform=PLATFORM, workspace=str(guild_id), channel=str(thread_id),
                           thread=str(thread_id))


def to_incoming(message: discord.Message, *, bot_user_id: int | None,
                interviews_channel: int | None = None) -> IncomingMessage | NeedsText | None:
    """Translate one MESSAGE_CREATE, already parsed by discord.py. With `interviews_channel`,
    threads of other channels are dropped here, before any database lookup."""
    author = message.author
    if message.guild is None or author.bot or message.webhook_id is not None:
        return None
    if author.id == bot_user_id or message.type not in TEXT_TYPES or message.is_system():
        return None
    if not _in_thread(message.channel):
        return None
    parent = getattr(message.channel, "parent_id", None)
    if interviews_channel is not None and parent is not None and parent != interviews_channel:
        return None
    conversation = conversation_for(message.guild.id, message.channel.id)
    text = readable_text(message)
    if not text:
        snapshots = getattr(message, "message_snapshots", None) or []
        if message.attachments or message.stickers or snapshots:
            return NeedsText(conversation, str(author.id), str(message.id))
        if getattr(message, "poll", None) is not None:
            return NeedsText(conversation, str(author.id), str(message.id), what="a poll")
        return None
    return IncomingMessage(
        conversation=conversation, author_id=str(author.id), text=text,
        message_id=str(message.id), at=message.created_at,
        raw={"id": str(message.id), "channel_id": str(message.channel.id),
             "guild_id": str(message.guild.id), "author_id": str(author.id),
             "type": message.type.name})


def to_edit(message: discord.Message, *, bot_user_id: int | None,
            interviews_channel: int | None = None,
            before: discord.Message | None = None) -> MessageEdit | None:
    """Translate one MESSAGE_UPDATE: `message` is the updated message (discord.py parses the
    full payload), `before` the cached version when there is one."""
    if message.edited_at is None:
        return None  # an embed or a flag changed, not the text
    found = to_incoming(message, bot_user_id=bot_user_id, interviews_channel=interviews_channel)
    if not isinstance(found, IncomingMessage):
        return None
    if before is not None and before.clean_content.strip() == found.text:
        return None
    return MessageEdit(conversation=found.conversation, author_id=found.author_id,
                       message_id=found.message_id, text=found.text, at=message.edited_at)


def readable_text(message: discord.Message) -> str:
    """The sender's own words, then the text of any message they forwarded."""
    parts = [message.clean_content.strip()]
    for snapshot in getattr(message, "message_snapshots", None) or []:
        parts.append(_clean_mentions(snapshot.content or "", message.guild).strip())
    return "\n\n".join(p for p in parts if p)


def _clean_mentions(text: str, guild: discord.Guild | None) -> str:
    """`<@id>` → `@name`, `<#id>` → `#name`, `<@&id>` → `@role`, from the guild cache."""
    def name(match: re.Match[str]) -> str:
        kind, snowflake = match.group(1), int(match.group(2))
        if kind == "#":
            channel = guild.get_channel_or_thread(snowflake) if guild else None
            return f"#{channel.name}" if channel else "#channel"
        if kind == "@&":
            role = guild.get_role(snowflake) if guild else None
            return f"@{role.name}" if role else "@role"
        member = guild.get_member(snowflake) if guild else None
        return f"@{member.display_name}" if member else "@someone"
    return _MENTION.sub(name, text[:MAX_TEXT])


MAX_TEXT = 8000  # a Nitro message is at most 4,000 characters; nothing longer is real


def _in_thread(channel: object) -> bool:
    """A cached thread, or a channel discord.py has not cached (a thread the bot was added to
    while disconnected): the core decides by id whether it holds an interview."""
    if isinstance(channel, discord.Thread):
        return True
    if isinstance(channel, discord.PartialMessageable):
        return channel.type is None or channel.type in THREAD_TYPES
    return False
