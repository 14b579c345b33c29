"""Permission checks that decide who can read what: the recruiter channel, the interviews
channel, and whether a candidate can reach their thread.

Each returns None when all is well, else one sentence to show a recruiter or log. They read
discord.py's guild cache, which the gateway keeps current (CHANNEL_UPDATE, GUILD_ROLE_UPDATE);
the recruiter channel's overwrites are also re-read over REST before every report, so a
channel opened to @everyone a minute ago is caught even if an event was missed.
"""

from __future__ import annotations

import logging

import discord

logger = logging.getLogger(__name__)

# What the bot needs where, by discord.py's Permissions attribute names.
RECRUITER_CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links", "attach_files")
INTERVIEWS_CHANNEL_NEEDS = ("view_channel", "create_private_threads", "send_messages_in_threads")
CANDIDATE_NEEDS = ("view_channel", "read_message_history", "send_messages_in_threads")


def bot_permissions() -> discord.Permissions:
    """What the invite URL asks for: the union of what the bot needs, nothing more."""
    needs = set(RECRUITER_CHANNEL_NEEDS) | set(INTERVIEWS_CHANNEL_NEEDS) | {
        "read_message_history"}
    return discord.Permissions(**dict.fromkeys(needs, True))


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=bot_permissions(),
                                   scopes=("bot", "applications.commands"))


async def recruiter_channel_problem(client: discord.Client, channel_id: int | None) -> str | None:
    """Reports go only to a text channel @everyone cannot read, where the bot can post."""
    if channel_id is None:
        return "DISCORD_RECRUITER_CHANNEL is not set, so there is no private channel for reports"
    try:
        # Fresh from REST, not the cache: overwrites may have changed since the last event.
        channel = await client.fetch_channel(channel_id)
    except discord.NotFound:
        return (f"channel {channel_id} does not exist or I can't see it: fix "
                "DISCORD_RECRUITER_CHANNEL or give me View Channel there")
    except discord.Forbidden:
        return f"I can't see channel {channel_id}: give me View Channel there"
    except discord.HTTPException as exc:
        return f"I couldn't check channel {channel_id} is private ({exc.status} {exc.text})"
    if not isinstance(channel, discord.TextChannel):
        return f"channel {channel_id} is not a text channel"
    guild = channel.guild  # fetch_channel binds the fetched channel to the cached guild
    if guild.default_role is None:
        return f"I can't read the permissions of <#{channel_id}> yet (its server isn't loaded)"
    if channel.permissions_for(guild.default_role).view_channel:
        return (f"<#{channel_id}> is readable by @everyone; evaluations go only to a private "
                "channel. Deny View Channel to @everyone there (or point "
                "DISCORD_RECRUITER_CHANNEL at a private channel)")
    if guild.me is not None:
        missing = _missing(channel.permissions_for(guild.me), RECRUITER_CHANNEL_NEEDS)
        if missing:
            return f"I lack {', '.join(missing)} in <#{channel_id}>"
    return None


def interviews_channel_problem(client: discord.Client, channel_id: int | None) -> str | None:
    """The channel that holds the private threads, and what the bot needs there."""
    if channel_id is None:
        return "DISCORD_INTERVIEWS_CHANNEL is not set"
    channel = client.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        return (f"channel {channel_id} (DISCORD_INTERVIEWS_CHANNEL) is not a text channel I "
                "can see")
    me = channel.guild.me
    if me is not None:
        missing = _missing(channel.permissions_for(me), INTERVIEWS_CHANNEL_NEEDS)
        if missing:
            return f"I lack {', '.join(missing)} in <#{channel_id}>"
    return None


def candidate_access_problem(channel: discord.TextChannel, member: discord.Member) -> str | None:
    """A member of a private thread still needs to see its parent channel to read it."""
    missing = _missing(channel.permissions_for(member), CANDIDATE_NEEDS)
    if not missing:
        return None
    return (f"{member.mention} can't read or answer threads in {channel.mention} (missing "
            f"{', '.join(missing)}). Give them, or a role they have, View Channel, Read "
            "Message History and Send Messages in Threads there, then start again.")


def _missing(permissions: discord.Permissions, needs: tuple[str, ...]) -> list[str]:
    return [need.replace("_", " ") for need in needs if not getattr(permissions, need)]

