"""`/interview` as Discord application commands, and the tree that guards them.

Every subcommand is answered within Discord's 3 seconds: it defers (ephemeral, "thinking")
first, then does the work and sends the answer as a follow-up, which may come up to 15
minutes later. Answers and errors are ephemeral: only the recruiter who asked sees them.

The recruiter role is checked once for every command and every autocomplete, in
`RecruiterCommandTree.interaction_check`, before any option is read.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from adapters.discord.actions import (
    MAX_EXTEND_DAYS,
    MIN_EXTEND_DAYS,
    RecruiterActions,
    Reply,
)
from adapters.inflight import InFlight
from bot.errors import InterviewError

logger = logging.getLogger(__name__)

NOT_A_RECRUITER = ("Only recruiters can use `/interview`. Ask a server admin for the "
                   "recruiter role (DISCORD_RECRUITER_ROLE).")
SOMETHING_WENT_WRONG = ("Something went wrong on my side and it has been logged. "
                        "`/interview status` shows what was saved; try again in a moment.")
NO_PINGS = discord.AllowedMentions.none()


class RecruiterCommandTree(app_commands.CommandTree[discord.Client]):
    """Refuses anyone without the recruiter role, ephemerally; logs and answers errors."""

    def __init__(self, client: discord.Client, *, recruiter_role: int | None) -> None:
        super().__init__(client)
        self.recruiter_role = recruiter_role

    def is_recruiter(self, interaction: discord.Interaction) -> bool:
        user = interaction.user
        return (self.recruiter_role is not None and isinstance(user, discord.Member)
                and user.get_role(self.recruiter_role) is not None)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if self.is_recruiter(interaction):
            return True
        logger.info("refused /interview from %s in guild %s", interaction.user.id,
                    interaction.guild_id)
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await interaction.response.send_message(NOT_A_RECRUITER, ephemeral=True)
        return False

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError, /) -> None:
        logger.error("/interview failed", exc_info=error)
        await answer(interaction, Reply(SOMETHING_WENT_WRONG))


async def answer(interaction: discord.Interaction, reply: Reply) -> None:
    """Ephemeral, as the response if none was sent yet, else as a follow-up."""
    if interaction.response.is_done():
        await interaction.followup.send(reply.text, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(reply.text, ephemeral=True,
                                                allowed_mentions=NO_PINGS)


class InterviewCommands(app_commands.Group):
    """The `/interview` group; each command's docstring is its description in Discord."""

    def __init__(self, *, actions: RecruiterActions, in_flight: InFlight) -> None:
        super().__init__(name="interview", description="Run asynchronous job interviews",
                         guild_only=True)
        self.actions = actions
        self.in_flight = in_flight

    async def _work(self, interaction: discord.Interaction,
                    work: Callable[[int], Awaitable[Reply]]) -> None:
        """Defer at once, then do the work and answer; user mistakes are plain replies."""
        async with self.in_flight:
            await interaction.response.defer(ephemeral=True, thinking=True)
            guild_id = interaction.guild_id or 0
            try:
                reply = await work(guild_id)
            except InterviewError as exc:
                reply = Reply(str(exc))
            except Exception:
                logger.exception("/interview %s failed", interaction.command and
                                 interaction.command.name)
                reply = Reply(SOMETHING_WENT_WRONG)
            await answer(interaction, reply)

    @app_commands.command(name="start")
    @app_commands.describe(
        candidate="The person to interview (a member of this server)",
        role="The role they are interviewing for",
        resume="Their résumé as text (optional; grounds the project question)",
        resume_file="Or their résumé as a .txt or .md file")
    async def start(self, interaction: discord.Interaction,
                    candidate: discord.Member | discord.User, role: str,
                    resume: app_commands.Range[str, 1, 6000] | None = None,
                    resume_file: discord.Attachment | None = None) -> None:
        """Start an interview in a private thread with the candidate."""
        await self._work(interaction, lambda guild_id: self.actions.start(
            guild_id=guild_id, recruiter=interaction.user, candidate=candidate, role=role,
            resume=resume, resume_file=resume_file))

    @start.autocomplete("role")
    async def _role_choices(self, interaction: discord.Interaction,
                            current: str) -> list[app_commands.Choice[str]]:
        typed = current.lower()
        return [app_commands.Choice(name=f"{r.title} ({r.name})"[:100], value=r.name)
                for r in self.actions.roles()
                if typed in r.name.lower() or typed in r.title.lower()][:25]

    @app_commands.command(name="status")
    @app_commands.describe(interview="An interview id (blank: every open interview)",
                           candidate="Every interview of this person")
    async def status(self, interaction: discord.Interaction, interview: str | None = None,
                     candidate: discord.Member | discord.User | None = None) -> None:
        """Where interviews stand: one by id, a person's, or every open one."""
        await self._work(interaction, lambda guild_id: self.actions.status(
            guild_id=guild_id, interview_id=interview, candidate=candidate))

    @app_commands.command(name="cancel")
    @app_commands.describe(interview="The interview id (from `/interview status`)")
    async def cancel(self, interaction: discord.Interaction, interview: str) -> None:
        """Close an interview early; the candidate is told."""
        await self._work(interaction, lambda guild_id: self.actions.cancel(
            guild_id=guild_id, interview_id=interview, actor=str(interaction.user.id)))

    @app_commands.command(name="remind")
    @app_commands.describe(interview="The interview id (from `/interview status`)")
    async def remind(self, interaction: discord.Interaction, interview: str) -> None:
        """Nudge a quiet candidate in their thread (respects their quiet hours)."""
        await self._work(interaction, lambda guild_id: self.actions.remind(
            guild_id=guild_id, interview_id=interview, actor=str(interaction.user.id)))

    @app_commands.command(name="extend")
    @app_commands.describe(interview="The interview id (from `/interview status`)",
                           days="Days to add to the deadline, e.g. 3 or 1.5")
    async def extend(self, interaction: discord.Interaction, interview: str,
                     days: app_commands.Range[float, MIN_EXTEND_DAYS, MAX_EXTEND_DAYS]) -> None:
        """Give a candidate more time: move the deadline later; they are told."""
        await self._work(interaction, lambda guild_id: self.actions.extend(
            guild_id=guild_id, interview_id=interview, days=days,
            actor=str(interaction.user.id)))

    @app_commands.command(name="report")
    @app_commands.describe(interview="The interview id (from `/interview status`)")
    async def report(self, interaction: discord.Interaction, interview: str) -> None:
        """Post a finished (or cancelled) interview's report to the recruiter channel."""
        await self._work(interaction, lambda guild_id: self.actions.report(
            guild_id=guild_id, interview_id=interview))

    @app_commands.command(name="forget")
    @app_commands.describe(candidate="The person whose data to erase (a member)",
                           who="Or their name, an interview id, or their candidate id",
                           confirm="True to erase (cannot be undone); leave out to see what "
                                   "would be erased")
    async def forget(self, interaction: discord.Interaction,
                     candidate: discord.Member | discord.User | None = None,
                     who: app_commands.Range[str, 1, 200] | None = None,
                     confirm: bool = False) -> None:
        """Erase everything stored about a candidate (an erasure request)."""
        await self._work(interaction, lambda guild_id: self.actions.forget(
            guild_id=guild_id, candidate=candidate, who=who, confirm=confirm,
            actor=str(interaction.user.id)))

    @app_commands.command(name="takeover")
    @app_commands.describe(interview="The interview id (from `/interview status`)")
    async def takeover(self, interaction: discord.Interaction, interview: str) -> None:
        """Talk with the candidate yourself: you join their thread and the bot goes quiet."""
        await self._work(interaction, lambda guild_id: self.actions.takeover(
            guild_id=guild_id, interview_id=interview, recruiter=interaction.user))

    @app_commands.command(name="handback")
    @app_commands.describe(interview="The interview id (from `/interview status`)")
    async def handback(self, interaction: discord.Interaction, interview: str) -> None:
        """Let the bot carry on with the interview where it stopped."""
        await self._work(interaction, lambda guild_id: self.actions.handback(
            guild_id=guild_id, interview_id=interview, actor=interaction.user))

    @app_commands.command(name="roles")
    async def roles(self, interaction: discord.Interaction) -> None:
        """List the roles you can interview for."""
        await self._work(interaction, lambda _: _ready(self.actions.roles_text()))

    @status.autocomplete("interview")
    @cancel.autocomplete("interview")
    @remind.autocomplete("interview")
    @extend.autocomplete("interview")
    @report.autocomplete("interview")
    @takeover.autocomplete("interview")
    @handback.autocomplete("interview")
    async def _interview_choices(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        found = await self.actions.interview_choices(interaction.guild_id or 0, current)
        return [app_commands.Choice(name=label, value=value) for label, value in found[:25]]


async def _ready(reply: Reply) -> Reply:
    return reply
