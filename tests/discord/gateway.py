"""Gateway DISPATCH payloads in Discord's documented shapes (API v10): READY, GUILD_CREATE,
THREAD_CREATE, MESSAGE_CREATE, MESSAGE_UPDATE and INTERACTION_CREATE (slash commands and
autocomplete).

Tests hand them to discord.py's own parsers (`ConnectionState.parsers[event](data)`, exactly
what its gateway does with each frame), so handlers get real `discord.Message` and
`discord.Interaction` objects.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from tests.discord.fake_discord import OWNER_ID, FakeDiscord

JSON = dict[str, Any]
OPTION_TYPES = {"str": 3, "int": 4, "bool": 5, "user": 6, "float": 10, "attachment": 11}
_tokens = itertools.count(1)


def ready(fake: FakeDiscord) -> JSON:
    return {"v": 10, "user": {**fake.bot, "verified": True, "mfa_enabled": False,
                              "flags": 0},
            "guilds": [{"id": str(fake.guild_id), "unavailable": True}],
            "session_id": "fake-session", "resume_gateway_url": "wss://fake.invalid",
            "shard": [0, 1], "private_channels": [], "relationships": [],
            "application": {"id": str(fake.application_id), "flags": 1 << 19}}


def guild_create(fake: FakeDiscord) -> JSON:
    channels = [c for c in fake.channels.values() if c["type"] in (0, 2, 4, 5)]
    threads = [c for c in fake.channels.values() if c["type"] in (11, 12)]
    return {
        "id": str(fake.guild_id), "name": "Acme Hiring", "icon": None, "owner_id": str(OWNER_ID),
        "afk_timeout": 300, "verification_level": 1, "default_message_notifications": 1,
        "explicit_content_filter": 2, "features": [], "mfa_level": 0, "nsfw_level": 0,
        "premium_tier": 0, "preferred_locale": "en-US", "system_channel_id": None,
        "joined_at": "2026-01-01T09:00:00+00:00", "large": False, "unavailable": False,
        "member_count": len(fake.members),
        "roles": list(fake.roles.values()), "emojis": [], "stickers": [],
        "channels": [{k: v for k, v in c.items() if k != "guild_id"} for c in channels],
        "threads": threads, "members": [fake.member_payload(u) for u in fake.members],
        "presences": [], "voice_states": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": []}


def thread_create(fake: FakeDiscord, thread_id: int | str) -> JSON:
    """What Discord sends the bot after it creates a thread."""
    return {**fake.channels[int(thread_id)], "newly_created": True}


def message_create(fake: FakeDiscord, *, channel_id: int | str, author_id: int,
                   content: str, message_id: int | None = None, message_type: int = 0,
                   attachments: list[JSON] | None = None, **extra: Any) -> JSON:
    """A MESSAGE_CREATE in a server channel or thread (with `guild_id` and `member`)."""
    author = fake.users[author_id]
    data = fake.message_payload(int(channel_id), author, content, message_id=message_id)
    data.update(type=message_type, guild_id=str(fake.guild_id),
                attachments=attachments or [])
    if author_id in fake.members:
        member = fake.member_payload(author_id)
        member.pop("user")
        data["member"] = member
    data.update(extra)
    return data


def message_update(original: JSON, content: str, *, text_edit: bool = True) -> JSON:
    """A MESSAGE_UPDATE: the whole updated message. Discord sets `edited_timestamp` only when
    the author changed the text; a link preview added later updates the message without it."""
    return {**original, "content": content,
            "edited_timestamp": datetime.now(UTC).isoformat() if text_edit else None}


def interaction(fake: FakeDiscord, *, user_id: int, channel_id: int, subcommand: str,
                options: dict[str, tuple[str, Any]] | None = None,
                focused: str | None = None, attachments: dict[str, JSON] | None = None
                ) -> JSON:
    """`/interview <subcommand> name:value ...` (type 2), or an autocomplete (type 4) when
    `focused` names the option being typed. Options are {name: (kind, value)}, kind one of
    OPTION_TYPES; users and attachments come with their `resolved` objects."""
    resolved: JSON = {}
    sub_options = []
    for name, (kind, value) in (options or {}).items():
        option: JSON = {"name": name, "type": OPTION_TYPES[kind], "value": value}
        if name == focused:
            option["focused"] = True
        sub_options.append(option)
        if kind == "user":
            user_id_value = int(value)
            resolved.setdefault("users", {})[str(value)] = fake.users[user_id_value]
            if user_id_value in fake.members:
                member = fake.member_payload(user_id_value)
                member.pop("user")
                resolved.setdefault("members", {})[str(value)] = {**member,
                                                                  "permissions": "0"}
        if kind == "attachment" and attachments:
            resolved.setdefault("attachments", {})[str(value)] = attachments[str(value)]
    channel = fake.channels[channel_id]
    return {
        "id": str(fake.snowflake()), "application_id": str(fake.application_id),
        "type": 4 if focused else 2, "token": f"itok-{next(_tokens)}", "version": 1,
        "guild_id": str(fake.guild_id), "channel_id": str(channel_id),
        "channel": {"id": str(channel_id), "type": channel["type"],
                    "guild_id": str(fake.guild_id), "name": channel["name"]},
        "member": {**fake.member_payload(user_id), "permissions": "2248473465835073"},
        "app_permissions": "2248473465835073", "locale": "en-GB", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": str(fake.guild_id)},
        "context": 0, "attachment_size_limit": 26214400,
        "data": {"id": "7001", "name": "interview", "type": 1, "guild_id": str(fake.guild_id),
                 "options": [{"name": subcommand, "type": 1, "options": sub_options}],
                 **({"resolved": resolved} if resolved else {})},
    }


def component_interaction(fake: FakeDiscord, *, user_id: int, channel_id: int | str,
                          message: JSON, custom_id: str, values: list[str] | None = None
                          ) -> JSON:
    """A button press or a select choice (type 3, MESSAGE_COMPONENT) on `message`, the whole
    message as Discord sends it with its components."""
    component = next(c for row in message.get("components") or []
                     for c in row.get("components") or [] if c.get("custom_id") == custom_id)
    data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
    if component["type"] == 3:
        data["values"] = list(values or [])
    return {**_interaction_base(fake, user_id, channel_id), "type": 3, "data": data,
            "message": {**message, "channel_id": str(channel_id)}}


def modal_submit(fake: FakeDiscord, *, user_id: int, channel_id: int | str, custom_id: str,
                 fields: dict[str, str]) -> JSON:
    """A form submitted (type 5, MODAL_SUBMIT): one action row per text input."""
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in fields.items()]
    return {**_interaction_base(fake, user_id, channel_id), "type": 5,
            "data": {"custom_id": custom_id, "components": rows}}


def _interaction_base(fake: FakeDiscord, user_id: int, channel_id: int | str) -> JSON:
    channel = fake.channels.get(int(channel_id)) or {"type": 0, "name": "channel"}
    return {
        "id": str(fake.snowflake()), "application_id": str(fake.application_id),
        "token": f"itok-{next(_tokens)}", "version": 1, "guild_id": str(fake.guild_id),
        "channel_id": str(channel_id),
        "channel": {"id": str(channel_id), "type": channel["type"],
                    "guild_id": str(fake.guild_id), "name": channel.get("name", "")},
        "member": {**fake.member_payload(user_id), "permissions": "2248473465835073"},
        "app_permissions": "2248473465835073", "locale": "en-GB", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": str(fake.guild_id)},
        "context": 0, "attachment_size_limit": 26214400}
