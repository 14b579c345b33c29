"""`ChatPort` on Discord: a private thread per interview, an embed in the recruiter channel.

`open_interview_conversation` creates a private thread in the interviews channel (not
invitable, so the candidate cannot pull others in) and adds the candidate; the thread id is
stored with the interview, so nothing here is held in memory and a restarted process posts
where it left off.

Sends carry a nonce derived from the stored turn (or, for reports, the interview), and
discord.py sends `enforce_nonce` with every nonce: if a process dies after Discord took a
message but before the core marked it delivered, the re-send within Discord's nonce window
returns the existing message instead of posting it twice. Rate limits (429) are waited out by
discord.py's own HTTP client.

Reports go only to the recruiter channel, and only after its permissions, re-read over REST
just before posting, show that only the recruiter role and the bot are let in, and that this
candidate (fetched over REST) cannot view it. A refused report stays in the database; the
log and the recruiter who started the interview (a DM, once per process) say what to fix.

A thread the candidate could not be added to is archived and locked, not deleted: deleting
needs Manage Threads, which the bot rightly does not have (that permission reads every
private thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

import discord

from adapters.discord.checks import recruiter_channel_problem
from adapters.discord.components import notice_view, review_view
from adapters.discord.report import report_embed, report_file, thread_url
from adapters.discord.split import split_message
from adapters.discord.translate import PLATFORM, conversation_for
from bot.ports import ConversationRef, OutgoingMessage, PostedMessage, ReportDelivery, TeamNotice

logger = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100
ARCHIVE_AFTER_MINUTES = 10080  # a week of silence before Discord hides the thread
NO_PINGS = discord.AllowedMentions.none()


class ReportRefusedError(RuntimeError):
    """The report was not posted; the message says why and how to fix it. The core leaves it
    unposted, so it goes out once the channel is fixed (`/interview report`, or recovery)."""


class NoticeRefusedError(RuntimeError):
    """A notice was not posted (the recruiter channel failed its check); the core keeps it
    and posts it with the interview's next turn."""


class ChannelSetupError(RuntimeError):
    """The interviews channel is missing or not a text channel; the message says which."""


class WrongPlatformError(RuntimeError):
    """A conversation of another platform reached this port (two adapters, one database)."""


def message_nonce(conversation: ConversationRef, turn_id: int | None, part: int) -> str | None:
    """Unique per thread, stored bot turn and piece, the same on every re-send; at most 25
    characters. The thread is in it so turn ids restarting (a new database) never match an
    earlier message of the same bot."""
    if turn_id is None:
        return None
    key = f"{conversation.thread or conversation.channel}:{turn_id}:{part}"
    return "ib" + hashlib.sha256(key.encode()).hexdigest()[:20]


def report_nonce(interview_id: str) -> str:
    return f"ib-r{interview_id[:20]}"


class DiscordPort:
    """Implements `bot.ports.ChatPort` with a `discord.Client`'s HTTP client."""

    def __init__(self, client: discord.Client, *, interviews_channel: int | None,
                 recruiter_channel: int | None, recruiter_role: int | None = None) -> None:
        self.client = client
        self.interviews_channel = interviews_channel
        self.recruiter_channel = recruiter_channel
        self.recruiter_role = recruiter_role
        self._told: set[str] = set()  # interviews whose recruiter heard about a refusal

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        channel = await self._interviews_channel()
        thread = await channel.create_thread(
            name=title[:THREAD_NAME_LIMIT], type=discord.ChannelType.private_thread,
            invitable=False, auto_archive_duration=ARCHIVE_AFTER_MINUTES,
            reason="interview-bot: a new interview")
        try:
            await thread.add_user(discord.Object(int(candidate_id)))
        except discord.HTTPException:
            await self._close_unused(thread)
            raise
        logger.info("opened thread %s in guild %s", thread.id, thread.guild.id)
        return conversation_for(thread.guild.id, thread.id)

    async def close_interview_conversation(self, conversation: ConversationRef) -> None:
        """A failed start's private thread: archived and locked, as when the candidate
        cannot be added (deleting would need Manage Threads)."""
        thread = await self.client.fetch_channel(int(self._own(conversation).thread))
        if isinstance(thread, discord.Thread):
            await self._close_unused(thread, why="the interview could not be started")

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        """Long texts become several messages; the first one's id is kept."""
        conversation = self._own(message.conversation)
        target = self.client.get_partial_messageable(
            int(conversation.thread or conversation.channel),
            guild_id=int(conversation.workspace) if conversation.workspace.isdigit() else None,
            type=discord.ChannelType.private_thread)
        first: discord.Message | None = None
        pieces = await asyncio.to_thread(split_message, message.text)  # linear, but off-loop
        for part, text in enumerate(pieces or ["…"]):
            sent = await target.send(text, nonce=message_nonce(conversation, message.turn_id, part),
                                     allowed_mentions=NO_PINGS)
            first = first or sent
        assert first is not None
        return PostedMessage(message_id=str(first.id), conversation=conversation)

    async def _close_unused(self, thread: discord.Thread, *,
                            why: str = "the candidate could not be added") -> None:
        """Archive and lock a thread nobody will use (the creator may; deleting may not)."""
        reason = f"interview-bot: {why}"
        try:
            await thread.edit(archived=True, locked=True, reason=reason)
        except discord.Forbidden:  # where locking needs Manage Threads, archive alone
            with contextlib.suppress(discord.HTTPException):
                await thread.edit(archived=True, reason=reason)
        except discord.HTTPException as exc:
            logger.warning("could not archive unused thread %s: %s", thread.id, exc.status)

    async def post_report(self, report: ReportDelivery) -> None:
        self._own(report.conversation)
        problem = await recruiter_channel_problem(
            self.client, self.recruiter_channel, recruiter_role=self.recruiter_role,
            candidate_id=report.candidate_id)
        if problem:
            logger.error("report for interview %s not posted: %s", report.interview_id[:8],
                         problem)
            await self._tell_recruiter(report, problem)
            raise ReportRefusedError(f"The report was not posted: {problem}.")
        assert self.recruiter_channel is not None
        channel = self.client.get_partial_messageable(self.recruiter_channel)
        view = review_view(report.interview_id, report.export.get("scores") or [])
        await channel.send(embed=report_embed(report), file=report_file(report),
                           nonce=report_nonce(report.interview_id), allowed_mentions=NO_PINGS,
                           **({"view": view} if view is not None else {}))
        logger.info("report for interview %s posted", report.interview_id[:8])

    async def redraw_report(self, report: ReportDelivery, message_id: int) -> None:
        """The report embed again, as it reads after a review (issue 12)."""
        assert self.recruiter_channel is not None
        channel = self.client.get_partial_messageable(self.recruiter_channel)
        view = review_view(report.interview_id, report.export.get("scores") or [])
        await channel.get_partial_message(message_id).edit(
            embed=report_embed(report), view=view, allowed_mentions=NO_PINGS)

    async def post_to_recruiters(self, notice: TeamNotice) -> PostedMessage:
        """A notice in the recruiter channel, after the same audience check as a report.
        Relayed messages are not posted: on Discord the recruiter who takes over joins the
        candidate's thread and reads it there."""
        conversation = self._own(notice.conversation)
        if notice.kind == "relay":
            return PostedMessage(message_id="", conversation=conversation)
        problem = await recruiter_channel_problem(
            self.client, self.recruiter_channel, recruiter_role=self.recruiter_role,
            candidate_id=notice.candidate_id)
        if problem:
            logger.error("notice for interview %s not posted: %s", notice.interview_id[:8],
                         problem)
            raise NoticeRefusedError(problem)
        assert self.recruiter_channel is not None
        channel = self.client.get_partial_messageable(self.recruiter_channel)
        extra: dict[str, object] = {}
        view = notice_view(notice.interview_id, notice.actions)
        if view is not None:
            extra["view"] = view
        if notice.reply_to:
            extra["reference"] = discord.MessageReference(
                message_id=int(notice.reply_to), channel_id=self.recruiter_channel,
                fail_if_not_exists=False)
        nonce = f"ib-n{notice.notice_id}" if notice.notice_id is not None else None
        sent = await channel.send(notice_content(notice), nonce=nonce,
                                  allowed_mentions=NO_PINGS, **extra)  # type: ignore[arg-type]
        return PostedMessage(message_id=str(sent.id), conversation=conversation)

    async def _tell_recruiter(self, report: ReportDelivery, problem: str) -> None:
        """A DM to the recruiter who started the interview, once per process: the report
        ends without anyone running a command, so the log alone would go unread."""
        if not report.recruiter_id.isdigit() or report.interview_id in self._told:
            return
        self._told.add(report.interview_id)
        short = report.interview_id[:8]
        try:
            recruiter = (self.client.get_user(int(report.recruiter_id))
                         or await self.client.fetch_user(int(report.recruiter_id)))
            await recruiter.send(
                f"The report for interview `{short}` "
                f"({discord.utils.escape_markdown(report.role_title)}) was not posted: "
                f"{problem}. It is kept; once that is fixed, `/interview report "
                f"interview:{short}` posts it.", allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:  # 50007: they don't take DMs from the server
            logger.warning("could not tell recruiter %s about interview %s: %s %s",
                           report.recruiter_id, short, exc.status, exc.code)

    async def _interviews_channel(self) -> discord.TextChannel:
        if self.interviews_channel is None:
            raise ChannelSetupError("DISCORD_INTERVIEWS_CHANNEL is not set")
        channel = self.client.get_channel(self.interviews_channel)
        if channel is None:
            channel = await self.client.fetch_channel(self.interviews_channel)
        if not isinstance(channel, discord.TextChannel):
            raise ChannelSetupError(f"channel {self.interviews_channel} "
                                    "(DISCORD_INTERVIEWS_CHANNEL) is not a text channel")
        return channel

    @staticmethod
    def _own(conversation: ConversationRef) -> ConversationRef:
        if conversation.platform != PLATFORM:
            raise WrongPlatformError(f"a {conversation.platform} conversation reached the "
                                     "Discord port")
        return conversation


QUOTE_LIMIT = 1200
# Where a recruiter talks with the candidate on Discord: in their private thread.
WHERE_TO_WRITE = "Talk with them in their thread: {thread} (the bot adds you when you take over)."


def notice_content(notice: TeamNotice) -> str:
    """The core's Markdown with the candidate's name escaped in, their words quoted and
    escaped, and where to find the thread; within Discord's 2,000 characters."""
    name = discord.utils.escape_markdown(discord.utils.escape_mentions(notice.candidate_name))
    text = notice.text.replace("{candidate}", name)
    conversation = notice.conversation
    link = thread_url(conversation.workspace, conversation.thread or conversation.channel)
    if notice.kind in ("person_request", "takeover"):
        text += " " + WHERE_TO_WRITE.format(thread=f"<#{conversation.thread}>")
    elif link and notice.kind != "erasure":
        text += f" [Interview thread]({link})"
    if notice.quote:
        words = discord.utils.escape_mentions(discord.utils.escape_markdown(notice.quote))
        if len(words) > QUOTE_LIMIT:
            words = words[:QUOTE_LIMIT - 1] + "…"
        text += "\n" + "\n".join(f"> {line}" for line in words.splitlines() or [""])
    return text[:2000]
