"""Permission checks that decide who can read what: the recruiter channel, the interviews
channel, and whether a candidate can reach their thread.

Each returns None when all is well, else one sentence to show a recruiter or log. They read
discord.py's guild cache, which the gateway keeps current (CHANNEL_UPDATE, GUILD_ROLE_UPDATE);
the recruiter channel's overwrites are also re-read over REST before every report, so a
channel opened to @everyone a minute ago is caught even if an event was missed.

Who can view a channel is per member: @everyone denied says nothing about a "Staff" role
the candidate holds. So the recruiter channel may allow View Channel only to the recruiter
role and the bot (its own member or its integration role), and before each report the
candidate is fetched over REST (no privileged intent needed) and refused if
`permissions_for(candidate).view_channel`, whatever grants it.
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


async def recruiter_channel_problem(client: discord.Client, channel_id: int | None, *,
                                    recruiter_role: int | None = None,
                                    candidate_id: str | None = None) -> str | None:
    """Reports go only to a text channel @everyone cannot read, that allows View Channel to
    nobody but the recruiter role and the bot, where the bot can post, and (given
    `candidate_id`) that this candidate cannot view."""
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
    if problem := _foreign_viewers(client, channel, recruiter_role):
        return problem
    if candidate_id:
        return await candidate_view_problem(channel, candidate_id)
    return None


def _foreign_viewers(client: discord.Client, channel: discord.TextChannel,
                     recruiter_role: int | None) -> str | None:
    """An overwrite allowing View Channel to anyone but the recruiter role and the bot."""
    bot_id = client.user.id if client.user else None
    allowed = {recruiter_role, bot_id} | {
        role.id for role in channel.guild.roles
        if role.tags is not None and role.tags.bot_id is not None and role.tags.bot_id == bot_id}
    for target, overwrite in channel.overwrites.items():
        if overwrite.view_channel and target.id not in allowed:
            return (f"<#{channel.id}> lets {_describe(target)} view it; only the recruiter "
                    "role and the bot may. Remove that View Channel permission there")
    return None


async def candidate_view_problem(channel: discord.TextChannel, candidate_id: str) -> str | None:
    """None when the candidate, fetched fresh over REST, cannot view the channel."""
    try:
        member = await channel.guild.fetch_member(int(candidate_id))
    except discord.NotFound:
        return None  # not in the server: cannot see any of its channels
    except (discord.HTTPException, ValueError) as exc:
        return (f"I couldn't check whether the candidate can view <#{channel.id}> "
                f"({getattr(exc, 'status', exc)}), so the report waits")
    if channel.permissions_for(member).view_channel:
        return (f"the candidate {member.mention} can view <#{channel.id}> (through a role "
                "they hold, a member permission or Administrator), which would show them their "
                "own evaluation. Take that away, then post the report")
    return None


def _describe(target: object) -> str:
    if isinstance(target, discord.Role):
        return "@everyone" if target.is_default() else f"the role @{target.name}"
    if isinstance(target, discord.Member):
        return target.mention
    return f"<@{getattr(target, 'id', target)}> (a member or role I can't see)"


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

