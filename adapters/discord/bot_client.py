"""The Discord client: owns its command tree, receives its dependencies as keyword-only
arguments, syncs `/interview` to the configured servers in `setup_hook`, checks the channels
once the gateway has delivered the servers (`on_ready`), and turns candidates' messages into
core calls.

Interview logic stays in `bot/`; this class only wires Discord events to the service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord

from adapters.discord.actions import RecruiterActions
from adapters.discord.checks import (
    candidate_view_problem,
    interviews_channel_problem,
    invite_url,
    recruiter_channel_problem,
)
from adapters.discord.commands import InterviewCommands, RecruiterCommandTree
from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.config import DiscordConfig
from adapters.discord.port import DiscordPort, ReportRefusedError
from adapters.discord.translate import PLATFORM, NeedsText, to_edit, to_incoming
from adapters.inflight import InFlight
from bot.ports import ChatPort, OutgoingMessage
from bot.service import EDIT_NOTED_NOTICE, EditOutcome, InterviewService, TeamMessage

logger = logging.getLogger(__name__)

TEXT_PLEASE = ("Thanks! I can only read text, so please type your answer here in the thread "
               "(you can paste the important parts of the file).")
POLL_PLEASE = ("Thanks! I can't read answers given as a poll, so please type your answer here "
               "in the thread.")


class DiscordStartupError(RuntimeError):
    """Discord refused to start (bad token, missing scope or intent); one readable line."""


def bot_intents() -> discord.Intents:
    """Servers and their messages; message content is privileged (enable it in the
    Developer Portal). No member list or presence: the bot needs neither."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    return intents


class InterviewBotClient(discord.Client):
    def __init__(self, *, config: DiscordConfig,
                 make_service: Callable[[ChatPort], InterviewService],
                 **options: Any) -> None:
        # No voice here, so discord.py's "voice will NOT be supported" warnings are noise.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(intents=bot_intents(),
                         allowed_mentions=discord.AllowedMentions.none(), **options)
        self.config = config
        self.in_flight = InFlight()
        self.port = DiscordPort(self, interviews_channel=config.interviews_channel,
                                recruiter_channel=config.recruiter_channel,
                                recruiter_role=config.recruiter_role)
        self.service = make_service(self.port)
        self.actions = RecruiterActions(service=self.service, client=self, config=config)
        self.tree = RecruiterCommandTree(self, recruiter_role=config.recruiter_role)
        self.tree.add_command(InterviewCommands(actions=self.actions, in_flight=self.in_flight))
        # Take over, hand back and the score reviews: their state is in their custom ids.
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.setup_problems: list[str] = []
        self._checked = False
        self._warned_no_content = False

    async def setup_hook(self) -> None:
        """Guild commands appear at once (global ones can take a while to propagate)."""
        for guild_id in self.config.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden as exc:
                raise DiscordStartupError(
                    f"Discord refused to register /interview in server {guild_id} "
                    f"({exc.text or exc.status}): invite the bot there with the "
                    "applications.commands scope (README, 'Discord')") from exc
            logger.info("synced %s to server %s", ", ".join(f"/{c.name}" for c in synced),
                        guild_id)

    async def on_ready(self) -> None:
        """Once per process: say where things stand, then finish a previous run's work."""
        if self._checked:
            return
        self._checked = True
        async with self.in_flight:
            assert self.user is not None
            logger.info("connected to Discord as %s (%s)", self.user, self.user.id)
            if self.application_id:
                logger.info("invite URL: %s", invite_url(self.application_id))
            self.setup_problems = await self.check_setup()
            for problem in self.setup_problems:
                logger.error("Discord setup: %s", problem)
            try:
                recovered = await self.service.recover(platform=PLATFORM)
            except Exception:
                logger.exception("recovering unfinished interviews stopped early")
            else:
                if recovered:
                    logger.info("recovered %d interview(s) with unfinished work", recovered)

    async def check_setup(self) -> list[str]:
        """Everything an operator must fix, as sentences (empty when all is well)."""
        problems = [f"I'm not in server {guild_id}: invite me with the URL above"
                    for guild_id in self.config.guild_ids if self.get_guild(guild_id) is None]
        if problem := interviews_channel_problem(self, self.config.interviews_channel):
            problems.append(problem)
        channel_problem = await recruiter_channel_problem(
            self, self.config.recruiter_channel, recruiter_role=self.config.recruiter_role)
        if channel_problem:
            problems.append(f"recruiter channel: {channel_problem}; reports will wait in the "
                            "database")
        else:
            problems += await self._open_candidates_who_can_view()
        role = self.config.recruiter_role
        if role is not None and not any(g.get_role(role) for g in self.guilds):
            problems.append(f"role {role} (DISCORD_RECRUITER_ROLE) is not in any of my servers: "
                            "nobody can use /interview")
        return problems

    async def _open_candidates_who_can_view(self) -> list[str]:
        """The per-report candidate check, run once for every open interview."""
        channel = self.get_channel(self.config.recruiter_channel or 0)
        if not isinstance(channel, discord.TextChannel):
            return []
        problems = []
        for summary in await self.service.list_status(platform=PLATFORM):
            if await candidate_view_problem(channel, summary.candidate_id):
                problems.append(f"recruiter channel: the candidate of interview "
                                f"{summary.id[:8]} can view <#{channel.id}>; their report will "
                                "not be posted there until they cannot")
        return problems

    async def on_message(self, message: discord.Message) -> None:
        """A redelivered message reaches the core again and is dropped there by its
        (channel, message id) key."""
        async with self.in_flight:
            found = to_incoming(message, bot_user_id=self.user.id if self.user else None,
                                interviews_channel=self.config.interviews_channel)
            if found is None:
                self._warn_if_content_hidden(message)
                return
            try:
                if isinstance(found, NeedsText):
                    await self._ask_for_text(found)
                elif self._from_recruiter(message):
                    # Issue 12: kept while a person has the interview; otherwise not part
                    # of it (a recruiter reading along with Manage Threads).
                    await self.service.store_team_message(TeamMessage(
                        platform=PLATFORM, author_id=found.author_id,
                        author_name=message.author.display_name, text=found.text,
                        message_id=found.message_id, channel=found.conversation.channel,
                        thread=found.conversation.thread))
                else:
                    await self.service.handle_message(found)
            except ReportRefusedError as exc:
                # The answer was handled and replied to; only the report waits (logged by
                # the port, posted by `/interview report` once the channel is fixed).
                logger.warning("interview in %s ended; %s", found.conversation.channel, exc)
            except Exception:
                logger.exception("message %s in %s not handled", found.message_id,
                                 found.conversation.channel)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A candidate's edit: the core applies it to the answer still under discussion and
        records any other; the candidate hears when their edit did not change the record."""
        async with self.in_flight:
            edit = to_edit(payload.message, bot_user_id=self.user.id if self.user else None,
                           interviews_channel=self.config.interviews_channel,
                           before=payload.cached_message)
            if edit is None:
                return
            try:
                if await self.service.amend_message(edit) is EditOutcome.NOTED:
                    await self.port.post(OutgoingMessage(edit.conversation, EDIT_NOTED_NOTICE,
                                                         kind="notice"))
            except Exception:
                logger.exception("edit of message %s in %s not handled", edit.message_id,
                                 edit.conversation.channel)

    def _from_recruiter(self, message: discord.Message) -> bool:
        role = self.config.recruiter_role
        author = message.author
        return (role is not None and isinstance(author, discord.Member)
                and author.get_role(role) is not None)

    async def _ask_for_text(self, found: NeedsText) -> None:
        """Only in a thread where this person has an open interview, once per message
        (a redelivered event gets no second notice)."""
        for summary in await self.service.list_status(candidate_id=found.author_id,
                                                      platform=PLATFORM):
            if summary.conversation.channel == found.conversation.channel:
                if not await self.service.notice_once(summary.conversation, found.message_id):
                    return
                text = POLL_PLEASE if found.what == "a poll" else TEXT_PLEASE
                await self.port.post(OutgoingMessage(summary.conversation, text,
                                                     kind="notice"))
                return

    def _warn_if_content_hidden(self, message: discord.Message) -> None:
        """Without the Message Content intent, people's messages arrive empty."""
        empty = not (message.content or message.attachments or message.embeds
                     or message.stickers or message.message_snapshots or message.poll)
        if (empty and not self._warned_no_content and not message.author.bot
                and message.guild is not None and not message.is_system()):
            self._warned_no_content = True
            logger.warning("a message arrived without content: enable the Message Content "
                           "intent for this bot in the Discord Developer Portal")
