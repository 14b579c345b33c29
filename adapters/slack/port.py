"""`ChatPort` on Slack's Web API: DM threads for candidates, Block Kit for recruiters.

An interview lives in a thread of the bot's DM with the candidate. `open_interview_conversation`
posts a short top-level header whose `ts` becomes the thread; the greeting and every later
bot message are replies in it. The thread id is stored with the interview, so nothing here
is held in memory and a restarted process keeps threading correctly.

Reports go only to the recruiter channel, and only once Slack confirms that nobody who
should not read it can: the check runs before every report, because a channel can change at
any time. The channel must be a private channel (not public, not a DM or group DM) that is
not shared outside this workspace (Slack Connect: `is_ext_shared`, `is_pending_ext_shared`;
other workspaces: `is_shared`, `is_org_shared`), and this report's candidate must not be a
member of it (`conversations.members`). A refused report stays in the database; the log and
the recruiter who started the interview (in a DM, once per process) are told what to fix.

A report is a card plus as many thread replies as the full text needs, each within Slack's
size limits (`blocks.py`). A part Slack fails to take for a passing reason is retried; the
core marks the report posted only once every part is, and a later attempt continues after
the last part that went out: from memory in the same process, and after a restart from the
recruiter channel itself, where each part's metadata names it (`posted.py`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.acks import stored_work_posting
from adapters.slack.blocks import report_card, report_fallback_text, report_thread_messages
from adapters.slack.mrkdwn import escape, from_markdown, split_text
from adapters.slack.posted import REPORT_EVENT, TURN_EVENT, find_parts, metadata
from adapters.slack.team_blocks import notice_blocks, notice_fallback
from adapters.slack.translate import PLATFORM
from bot.ports import ConversationRef, OutgoingMessage, PostedMessage, ReportDelivery, TeamNotice

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 3900  # Slack truncates message text past 40,000 and advises under 4,000
PART_ATTEMPTS = 3
SENT_REMEMBERED = 20_000  # turns this process posted, kept to refuse posting one twice
_TurnKey = tuple[str, str, int]  # channel, thread, turn id
# Slack errors that say "try again" (docs.slack.dev, chat.postMessage errors); any other error
# (invalid_blocks, msg_blocks_too_long, not_in_channel, ...) would fail the same way again.
PASSING_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable",
                            "request_timeout", "ratelimited"})
SHARED_FLAGS = (
    ("is_ext_shared", "shared with another organisation (Slack Connect)"),
    ("is_pending_ext_shared", "being shared with another organisation (Slack Connect)"),
    ("is_shared", "shared with another workspace"),
    ("is_org_shared", "shared with the other workspaces of this organisation"),
)


class NoticeRefusedError(RuntimeError):
    """A notice for the recruiter channel was not posted (the channel failed its check, or
    Slack refused); the core keeps it and posts it with the interview's next turn."""


class ReportRefusedError(RuntimeError):
    """The report was not posted; the message says why and how to fix it. The core leaves
    the report unposted, so it goes out once the channel is fixed (`report <id>` or a
    restart's recovery)."""


@dataclass
class _Progress:
    """How far a report's posting got: its card, and how many thread parts followed it."""

    card_ts: str | None = None
    parts_done: int = 0


class SlackPort:
    """Implements `bot.ports.ChatPort` with an `AsyncWebClient`."""

    def __init__(self, client: AsyncWebClient, *, recruiter_channel: str | None) -> None:
        self.client = client
        self.recruiter_channel = recruiter_channel
        self._progress: dict[str, _Progress] = {}
        self._told: set[str] = set()  # interviews whose recruiter heard about a refusal
        self._unanswered: set[int] = set()  # turns whose last post got no answer from Slack
        # (channel, thread, turn) → ts, posted by this process. The thread is in the key
        # because SQLite may hand an erased interview's turn ids to new turns.
        self._sent: OrderedDict[_TurnKey, str] = OrderedDict()
        self._posting: dict[_TurnKey, asyncio.Future[PostedMessage]] = {}

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        opened = await self.client.conversations_open(users=candidate_id)
        channel = opened["channel"]["id"]
        header = await self.client.chat_postMessage(
            channel=channel, text=f"*{from_markdown(title)}*\nPlease answer in the thread under "
            "this message. Take your time: you can come back to it whenever you like.")
        return ConversationRef(platform=PLATFORM, workspace=workspace, channel=channel,
                               thread=header["ts"])

    async def close_interview_conversation(self, conversation: ConversationRef) -> None:
        """A failed start's DM thread: its header (the bot's own message) is deleted, so no
        header stays without an interview under it. The DM itself is the candidate's
        conversation with the bot and stays."""
        await self.client.chat_delete(channel=conversation.channel, ts=conversation.thread)

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        """Always a thread reply; long texts become several replies (the first ts is kept).
        A turn this process posted (or is posting) is not posted again: two paths of the
        core can reach one unsent turn at once (a start delivering its greeting while the
        candidate's first answer finds it not yet marked delivered)."""
        if message.turn_id is None:
            return await self._post_turn(message)
        key = (message.conversation.channel, message.conversation.thread, message.turn_id)
        if key in self._sent:
            return PostedMessage(message_id=self._sent[key], conversation=message.conversation)
        running = self._posting.get(key)
        if running is None:
            running = self._posting[key] = asyncio.ensure_future(self._post_turn(message))
            running.add_done_callback(functools.partial(self._settled, key))
        return await asyncio.shield(running)

    def _settled(self, key: _TurnKey, posting: asyncio.Future[PostedMessage]) -> None:
        """Recorded when the post ends, not by its caller: a caller cancelled meanwhile (at
        shutdown) must not leave a post that went out unrecorded."""
        self._posting.pop(key, None)
        if posting.cancelled() or posting.exception() is not None:
            return
        self._sent[key] = posting.result().message_id
        while len(self._sent) > SENT_REMEMBERED:
            self._sent.popitem(last=False)

    async def _post_turn(self, message: OutgoingMessage) -> PostedMessage:
        """Each part carries its turn's id in metadata; a turn that may have been posted
        already (`posted.py`) is looked for in the thread first, and only missing parts go
        out."""
        conversation = message.conversation
        turn = message.turn_id
        if turn is not None:
            await stored_work_posting()  # stored means committed: the request may be acked
        pieces = await asyncio.to_thread(
            lambda: split_text(from_markdown(message.text), MESSAGE_LIMIT))  # off the loop
        already: dict[int, str] = {}
        if turn is not None and (message.retry_since is not None or turn in self._unanswered):
            already = await find_parts(
                self.client, channel=conversation.channel, thread=conversation.thread or None,
                since=message.retry_since, event_type=TURN_EVENT, key="turn_id",
                value=turn) or {}
            if already:
                logger.info("turn %s was posted before a restart; not posting it again", turn)
        first: str | None = None
        for n, part in enumerate(pieces or ["…"]):
            ts = already.get(n)
            if ts is None:
                ts = await self._post_once(turn, channel=conversation.channel,
                                           thread_ts=conversation.thread or None, text=part,
                                           metadata=None if turn is None else metadata(
                                               TURN_EVENT, turn_id=turn, part=n))
            first = first or ts
        if turn is not None:
            self._unanswered.discard(turn)
        assert first is not None
        return PostedMessage(message_id=first, conversation=conversation)

    async def _post_once(self, turn: int | None, **message: Any) -> str:
        """One chat.postMessage; a call that ended without Slack's answer (it may have been
        accepted) marks the turn to be looked for before its next attempt."""
        try:
            posted = await self.client.chat_postMessage(unfurl_links=False, unfurl_media=False,
                                                        **message)
        except (aiohttp.ClientError, TimeoutError):
            if turn is not None:
                self._unanswered.add(turn)
            raise
        return str(posted["ts"])

    async def post_report(self, report: ReportDelivery) -> None:
        channel = self.recruiter_channel
        if not channel:
            raise await self._refuse(report, "SLACK_RECRUITER_CHANNEL is not set, so there is "
                                             "no private channel to post reports to")
        problem = await self.privacy_problem(channel, candidate_id=report.candidate_id)
        if problem:
            raise await self._refuse(report, problem)
        progress = self._progress.setdefault(report.interview_id, _Progress())
        parts = report_thread_messages(report.markdown)
        if progress.card_ts is None and report.retry_since is not None:
            await self._resume(report, channel, progress)
        if progress.card_ts is None:
            permalink = await self._permalink(report.conversation)
            progress.card_ts = await self._post_part(
                report, f"the card (1 of {len(parts) + 1})", 0, channel=channel,
                text=report_fallback_text(report), blocks=report_card(report, permalink))
        for n in range(progress.parts_done, len(parts)):
            text, blocks = parts[n]
            await self._post_part(report, f"part {n + 2} of {len(parts) + 1}", n + 1,
                                  channel=channel, thread_ts=progress.card_ts, text=text,
                                  blocks=blocks)
            progress.parts_done = n + 1
        del self._progress[report.interview_id]
        logger.info("report for interview %s posted in %d message(s)", report.interview_id[:8],
                    len(parts) + 1)

    async def _resume(self, report: ReportDelivery, channel: str, progress: _Progress) -> None:
        """A report stored before this process started may be partly posted: find its card
        in the recruiter channel and its parts under it, and continue after them."""
        cards = await self._find_report(report, channel, None)
        if not cards or 0 not in cards:
            return
        progress.card_ts = cards[0]
        done = await self._find_report(report, channel, cards[0]) or {}
        while progress.parts_done + 1 in done:
            progress.parts_done += 1
        logger.info("report for interview %s: found its card and %d part(s) from before a "
                    "restart; posting the rest", report.interview_id[:8], progress.parts_done)

    async def _find_report(self, report: ReportDelivery, channel: str,
                           card: str | None) -> dict[int, str] | None:
        return await find_parts(self.client, channel=channel, thread=card,
                                since=report.retry_since, event_type=REPORT_EVENT,
                                key="interview_id", value=report.interview_id)

    async def post_to_recruiters(self, notice: TeamNotice) -> PostedMessage:
        """A notice in the recruiter channel, after the same audience check as a report
        (it quotes the candidate): a request with its buttons, or a relayed message in the
        thread of the notice it belongs to."""
        channel = self.recruiter_channel
        if not channel:
            raise NoticeRefusedError("SLACK_RECRUITER_CHANNEL is not set")
        problem = await self.privacy_problem(channel, candidate_id=notice.candidate_id)
        if problem:
            logger.error("notice for interview %s not posted: %s", notice.interview_id[:8],
                         problem)
            raise NoticeRefusedError(problem)
        permalink = None if notice.kind in ("relay", "erasure") else await self._permalink(
            notice.conversation)
        posted = await self.client.chat_postMessage(
            channel=channel, thread_ts=notice.reply_to or None, text=notice_fallback(notice),
            blocks=notice_blocks(notice, permalink), unfurl_links=False, unfurl_media=False)
        return PostedMessage(message_id=posted["ts"], conversation=notice.conversation)

    async def _post_part(self, report: ReportDelivery, which: str, part: int,
                         **message: Any) -> str:
        """Post one message of a report (its metadata names the report and the part),
        retrying what Slack says is passing. After a call that got no answer (it may have
        been accepted), the part is looked for before it is tried again."""
        channel, card = message["channel"], message.get("thread_ts")
        for attempt in range(1, PART_ATTEMPTS + 1):
            try:
                posted = await self.client.chat_postMessage(
                    unfurl_links=False, unfurl_media=False, **message,
                    metadata=metadata(REPORT_EVENT, interview_id=report.interview_id,
                                      part=part))
                return str(posted["ts"])
            except SlackApiError as exc:
                error = _error_of(exc)
                if error not in PASSING_ERRORS or attempt == PART_ATTEMPTS:
                    raise self._failed(report, which, error) from exc
            except (aiohttp.ClientError, TimeoutError) as exc:
                if attempt == PART_ATTEMPTS:
                    raise self._failed(report, which, type(exc).__name__) from exc
                found = await find_parts(self.client, channel=channel, thread=card,
                                         since=None, event_type=REPORT_EVENT,
                                         key="interview_id", value=report.interview_id)
                if found and part in found:
                    return found[part]
            await asyncio.sleep(0.2 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _failed(self, report: ReportDelivery, which: str, error: str) -> ReportRefusedError:
        logger.error("report for interview %s: Slack did not take %s (%s); it stays unposted "
                     "and the rest is posted on the next try", report.interview_id[:8], which,
                     error)
        return ReportRefusedError(
            f"The report was not posted completely: Slack did not take {which} ({error}). It "
            f"is kept; `/interview report {report.interview_id[:8]}` (or the next start-up) "
            "posts the rest.")

    async def privacy_problem(self, channel: str, *, candidate_id: str | None = None
                              ) -> str | None:
        """None when only the right people can read the channel; else what to fix, to show."""
        try:
            info = await self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            error = _error_of(exc)
            if error == "channel_not_found":
                return (f"I can't see channel {channel}: invite me to it (`/invite @interview-bot`)"
                        " or fix SLACK_RECRUITER_CHANNEL")
            return f"I couldn't check channel {channel} is private ({error})"
        found: dict[str, Any] = info["channel"]
        if found.get("is_im") or found.get("is_mpim"):
            return (f"channel {channel} is a direct message; evaluations go only to a private "
                    "channel. Point SLACK_RECRUITER_CHANNEL at one")
        if not found.get("is_private"):
            return (f"channel {channel} is public; evaluations go only to a private channel. "
                    "Make it private or point SLACK_RECRUITER_CHANNEL at a private one")
        for flag, what in SHARED_FLAGS:
            if found.get(flag):
                return (f"channel {channel} is {what}, so people outside this workspace can "
                        "read it. Stop sharing it or point SLACK_RECRUITER_CHANNEL at a channel "
                        "only your recruiters are in")
        if candidate_id:
            return await self.candidate_problem(channel, candidate_id)
        return None

    async def candidate_problem(self, channel: str, candidate_id: str) -> str | None:
        """None when the candidate is not a member of the channel (or it cannot be read)."""
        try:
            members = await self.channel_members(channel)
        except SlackApiError as exc:
            return (f"I couldn't check who is in channel {channel} ({_error_of(exc)}), so I "
                    "can't be sure the candidate is not")
        if candidate_id in members:
            return (f"the candidate <@{candidate_id}> is a member of <#{channel}>, which would "
                    "show them their own evaluation. Remove them from the channel")
        return None

    async def channel_members(self, channel: str) -> set[str]:
        """Every member of the channel (`conversations.members`, page by page)."""
        members: set[str] = set()
        cursor: str | None = None
        while True:
            page = await self.client.conversations_members(channel=channel, limit=200,
                                                           cursor=cursor)
            members.update(page.get("members") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    async def permalink(self, conversation: ConversationRef) -> str | None:
        """The interview thread's link (it opens for the candidate: it is their DM)."""
        return await self._permalink(conversation)

    async def _permalink(self, conversation: ConversationRef) -> str | None:
        if not conversation.thread:
            return None
        try:
            found = await self.client.chat_getPermalink(channel=conversation.channel,
                                                        message_ts=conversation.thread)
        except SlackApiError as exc:
            logger.warning("no permalink for %s: %s", conversation.channel, _error_of(exc))
            return None
        return found.get("permalink")

    async def _refuse(self, report: ReportDelivery, reason: str) -> ReportRefusedError:
        logger.error("report for interview %s not posted: %s", report.interview_id[:8], reason)
        await self._tell_recruiter(report, reason)
        return ReportRefusedError(f"The report was not posted: {reason}.")

    async def _tell_recruiter(self, report: ReportDelivery, reason: str) -> None:
        """A DM to the recruiter who started the interview, once per process: the report
        ends without anyone running a command, so the log alone would go unread."""
        if not report.recruiter_id or report.interview_id in self._told:
            return
        self._told.add(report.interview_id)
        short = report.interview_id[:8]
        try:
            opened = await self.client.conversations_open(users=report.recruiter_id)
            await self.client.chat_postMessage(
                channel=opened["channel"]["id"],
                text=(f"The report for interview `{short}` ({escape(report.role_title)}) was "
                      f"not posted: {reason}. It is kept; once that is fixed, "
                      f"`/interview report {short}` posts it."))
        except SlackApiError as exc:
            logger.warning("could not tell recruiter %s about interview %s: %s",
                           report.recruiter_id, short, _error_of(exc))


def _error_of(exc: SlackApiError) -> str:
    response = getattr(exc, "response", None)
    try:
        return str(response["error"]) if response is not None else str(exc)
    except (KeyError, TypeError):
        return str(exc)
