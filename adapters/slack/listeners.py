"""Bolt listeners: acknowledge at once, then do the work, then answer the recruiter.

Slack wants an acknowledgement within 3 seconds; starting an interview opens a DM, writes
to the database and posts the greeting, which can take longer. So every listener calls
`ack()` first; Bolt sends the HTTP (or Socket Mode) response then and runs the rest of the
listener afterwards. Recruiter replies are ephemeral, through the command's `response_url`
(which works in any channel, even one the bot is not in).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.inflight import InFlight
from adapters.slack.actions import RecruiterActions, Reply, display_name
from adapters.slack.blocks import start_form
from adapters.slack.commands import (
    CancelInterview,
    CommandError,
    OpenStartForm,
    parse_command,
)
from adapters.slack.port import ReportRefusedError
from adapters.slack.translate import NeedsText, mentions_in, to_incoming
from bot.ports import ConversationRef, MessageEdit, OutgoingMessage
from bot.service import EDIT_NOTED_NOTICE, EditOutcome, InterviewService

logger = logging.getLogger(__name__)

NOT_A_RECRUITER = ("Only recruiters can use `/interview`. Ask your Slack admin to add you "
                   "(or a user group you are in) to SLACK_RECRUITERS.")
SOMETHING_WENT_WRONG = ("Something went wrong on my side and it has been logged. "
                        "`/interview status` shows what was saved; try again in a moment.")
TEXT_PLEASE = ("Thanks! I can only read text, so please type your answer here in the thread "
               "(you can paste the important parts of the file).")


class SlackListeners:
    def __init__(self, *, service: InterviewService, actions: RecruiterActions,
                 in_flight: InFlight | None = None) -> None:
        self.service = service
        self.actions = actions
        self.in_flight = in_flight or InFlight()
        self._known_names: dict[str, str] = {}

    # ------------------------------------------------------------ /interview

    async def interview_command(self, ack: AsyncAck, body: dict[str, Any],
                                respond: AsyncRespond) -> None:
        await ack()
        async with self.in_flight:
            reply = await self._command(body)
            if reply is not None:
                await respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")

    async def _command(self, body: dict[str, Any]) -> Reply | None:
        user, team = body.get("user_id", ""), body.get("team_id", "")
        try:
            if not await self.actions.policy.is_recruiter(user):
                return Reply(NOT_A_RECRUITER)
            roles = self.actions.roles()
            try:
                command = parse_command(body.get("text") or "", roles=[r.name for r in roles])
            except CommandError as exc:
                return Reply(str(exc))
            if isinstance(command, OpenStartForm):
                metadata = {"response_url": body.get("response_url", ""),
                            "channel_id": body.get("channel_id", "")}
                await self.actions.client.views_open(
                    trigger_id=body["trigger_id"],
                    view=start_form(roles, private_metadata=metadata))
                return None
            return await self.actions.run(command, user_id=user, team_id=team)
        except Exception:
            logger.exception("/interview failed")
            return Reply(SOMETHING_WENT_WRONG)

    # ------------------------------------------------------------ the start form

    async def start_form_submitted(self, ack: AsyncAck, body: dict[str, Any],
                                   view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        deadline = _value(values, "deadline", "selected_date")
        # Only what needs no Web API call is checked before the ack; Slack shows it inline.
        yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
        if deadline and deadline < yesterday:
            await ack(response_action="errors",
                      errors={"deadline": "That date has passed: pick today or later."})
            return
        await ack()
        async with self.in_flight:
            user = body.get("user", {})
            team = user.get("team_id") or body.get("team", {}).get("id", "")
            metadata = json.loads(view.get("private_metadata") or "{}")
            try:
                if not await self.actions.policy.is_recruiter(user.get("id", "")):
                    reply = Reply(NOT_A_RECRUITER)
                else:
                    reply = await self.actions.start(
                        recruiter_id=user.get("id", ""), team_id=team,
                        candidate_id=_value(values, "candidate", "selected_user") or "",
                        role=(_value(values, "role", "selected_option") or {}).get("value", ""),
                        resume=_value(values, "resume", "value") or "", deadline=deadline)
            except Exception:
                logger.exception("start form failed")
                reply = Reply(SOMETHING_WENT_WRONG)
            await self._reply_to(metadata.get("response_url"), reply)

    async def _reply_to(self, response_url: str | None, reply: Reply) -> None:
        if not response_url:
            logger.warning("no response_url to answer the start form: %s", reply.text)
            return
        await AsyncWebhookClient(response_url).send(text=reply.text, blocks=reply.blocks,
                                                    response_type="ephemeral")

    # ------------------------------------------------------------ buttons

    async def cancel_clicked(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                             respond: AsyncRespond) -> None:
        await ack()
        async with self.in_flight:
            user = body.get("user", {})
            team = user.get("team_id") or body.get("team", {}).get("id", "")
            try:
                if not await self.actions.policy.is_recruiter(user.get("id", "")):
                    reply = Reply(NOT_A_RECRUITER)
                else:
                    reply = await self.actions.run(CancelInterview(action.get("value", "")),
                                                   user_id=user.get("id", ""), team_id=team)
            except Exception:
                logger.exception("cancel button failed")
                reply = Reply(SOMETHING_WENT_WRONG)
            await respond(text=reply.text, response_type="ephemeral", replace_original=True)

    # ------------------------------------------------------------ candidate messages

    async def message(self, body: dict[str, Any], event: dict[str, Any],
                      context: AsyncBoltContext) -> None:
        """Events are acknowledged by Bolt before this runs. A redelivered event reaches the
        core again and is dropped there by its unique (channel, ts) key."""
        if event.get("bot_id") or event.get("user") == context.bot_user_id:
            return  # our own messages (and other bots'): nothing to read
        async with self.in_flight:
            names = await self._names(event)
            # The translation (linear, capped at Slack's 40,000 characters) runs in a worker
            # thread, so one long message never holds up the other conversations.
            found = await asyncio.to_thread(to_incoming, event, team_id=body.get("team_id", ""),
                                            bot_user_id=context.bot_user_id, names=names)
            if found is None:
                return
            try:
                if isinstance(found, NeedsText):
                    await self._ask_for_text(found.conversation, found.author_id, TEXT_PLEASE)
                elif isinstance(found, MessageEdit):
                    if await self.service.amend_message(found) is EditOutcome.NOTED:
                        await self._ask_for_text(found.conversation, found.author_id,
                                                 EDIT_NOTED_NOTICE)
                else:
                    await self.service.handle_message(found)
            except ReportRefusedError:
                pass  # logged by the port; the report waits in the database
            except Exception:
                logger.exception("message %s in %s not handled", found.message_id,
                                 found.conversation.channel)

    async def _names(self, event: dict[str, Any]) -> dict[str, str]:
        """Names for the people and channels a message mentions (`users.info`,
        `conversations.info`), remembered for the process: `<@U123>` reaches the core as
        `@Ada`. A name that cannot be read falls back to Slack's own label, or `@someone`."""
        users, channels = mentions_in(event)
        for user in users - self._known_names.keys():
            try:
                found = (await self.actions.client.users_info(user=user))["user"]
                self._known_names[user] = display_name(found)
            except SlackApiError:
                continue
        for channel in channels - self._known_names.keys():
            try:
                info = await self.actions.client.conversations_info(channel=channel)
                self._known_names[channel] = info["channel"].get("name") or "channel"
            except SlackApiError:
                continue
        return {key: self._known_names[key] for key in users | channels
                if key in self._known_names}

    async def _ask_for_text(self, where: ConversationRef, author_id: str, text: str) -> None:
        """A notice outside the interview's record, only in a DM where this person has an
        open interview, threaded under it."""
        for summary in await self.service.list_status(candidate_id=author_id,
                                                      platform=where.platform):
            conversation = summary.conversation
            if conversation.channel == where.channel:
                await self.actions.port.post(OutgoingMessage(conversation, text,
                                                             kind="notice"))
                return


def _value(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(block, {}).get(key)
