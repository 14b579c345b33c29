"""`ChatPort` on Slack's Web API: DM threads for candidates, Block Kit for recruiters.

An interview lives in a thread of the bot's DM with the candidate. `open_interview_conversation`
posts a short top-level header whose `ts` becomes the thread; the greeting and every later
bot message are replies in it. The thread id is stored with the interview, so nothing here
is held in memory and a restarted process keeps threading correctly.

Reports go only to the recruiter channel, and only once Slack confirms it is private: the
check runs before every report, because a channel can be made public at any time.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import report_blocks, report_fallback_text, report_thread_messages
from adapters.slack.mrkdwn import from_markdown, split_text
from adapters.slack.translate import PLATFORM
from bot.ports import ConversationRef, OutgoingMessage, PostedMessage, ReportDelivery

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 3900  # Slack truncates message text past 40,000 and advises under 4,000


class ReportRefusedError(RuntimeError):
    """The report was not posted; the message says why and how to fix it. The core leaves
    the report unposted, so it goes out once the channel is fixed (`report <id>` or a
    restart's recovery)."""


class SlackPort:
    """Implements `bot.ports.ChatPort` with an `AsyncWebClient`."""

    def __init__(self, client: AsyncWebClient, *, recruiter_channel: str | None) -> None:
        self.client = client
        self.recruiter_channel = recruiter_channel

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        opened = await self.client.conversations_open(users=candidate_id)
        channel = opened["channel"]["id"]
        header = await self.client.chat_postMessage(
            channel=channel, text=f"*{from_markdown(title)}*\nPlease answer in the thread under "
            "this message. Take your time: you can come back to it whenever you like.")
        return ConversationRef(platform=PLATFORM, workspace=workspace, channel=channel,
                               thread=header["ts"])

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        """Always a thread reply; long texts become several replies (the first ts is kept)."""
        conversation = message.conversation
        first: str | None = None
        for part in split_text(from_markdown(message.text), MESSAGE_LIMIT) or ["…"]:
            posted = await self.client.chat_postMessage(
                channel=conversation.channel, thread_ts=conversation.thread or None, text=part,
                unfurl_links=False, unfurl_media=False)
            first = first or posted["ts"]
        assert first is not None
        return PostedMessage(message_id=first, conversation=conversation)

    async def post_report(self, report: ReportDelivery) -> None:
        channel = self.recruiter_channel
        if not channel:
            raise self._refuse(report, "SLACK_RECRUITER_CHANNEL is not set, so there is no "
                                       "private channel to post reports to")
        problem = await self.privacy_problem(channel)
        if problem:
            raise self._refuse(report, problem)
        permalink = await self._permalink(report.conversation)
        card = await self.client.chat_postMessage(
            channel=channel, text=report_fallback_text(report),
            blocks=report_blocks(report, permalink), unfurl_links=False)
        for text, blocks in report_thread_messages(report.markdown):
            try:
                await self.client.chat_postMessage(channel=channel, thread_ts=card["ts"],
                                                   text=text, blocks=blocks)
            except SlackApiError as exc:
                # The card is posted; raising would make the core post it again. The full
                # report stays in the database (`interview-bot export`).
                logger.error("report %s: full text not posted in the thread: %s",
                             report.interview_id[:8], _error_of(exc))
                break

    async def privacy_problem(self, channel: str) -> str | None:
        """None when Slack says the channel is private; else what is wrong, to show."""
        try:
            info = await self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            error = _error_of(exc)
            if error == "channel_not_found":
                return (f"I can't see channel {channel}: invite me to it (`/invite @interview-bot`)"
                        " or fix SLACK_RECRUITER_CHANNEL")
            return f"I couldn't check channel {channel} is private ({error})"
        found: dict[str, Any] = info["channel"]
        if found.get("is_private") or found.get("is_im") or found.get("is_mpim"):
            return None
        return (f"channel {channel} is public; evaluations go only to a private channel. "
                "Make it private or point SLACK_RECRUITER_CHANNEL at a private one")

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

    def _refuse(self, report: ReportDelivery, reason: str) -> ReportRefusedError:
        logger.error("report for interview %s not posted: %s", report.interview_id[:8], reason)
        return ReportRefusedError(f"The report was not posted: {reason}.")


def _error_of(exc: SlackApiError) -> str:
    response = getattr(exc, "response", None)
    try:
        return str(response["error"]) if response is not None else str(exc)
    except (KeyError, TypeError):
        return str(exc)
