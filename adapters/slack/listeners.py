"""Bolt listeners: store, then acknowledge, then post and answer the recruiter.

Slack wants an acknowledgement within 3 seconds and never resends what it had one for. So
a candidate's message is acknowledged once it is committed, and a command, form or button
once its work is (or at 2 seconds, whichever is first: `acks.py`); posting and the
recruiter's ephemeral reply (through the command's `response_url`, which works in any
channel, even one the bot is not in) follow the ack.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.inflight import InFlight
from adapters.slack.acks import AckOnce
from adapters.slack.actions import RecruiterActions, Reply, display_name
from adapters.slack.blocks import report_card, report_fallback_text, start_form
from adapters.slack.commands import (
    CancelInterview,
    CommandError,
    HandBack,
    OpenStartForm,
    TakeOver,
    parse_command,
)
from adapters.slack.mrkdwn import unescape
from adapters.slack.port import ReportRefusedError
from adapters.slack.team_blocks import (
    adjust_form,
    parse_review_value,
    review_posted_text,
)
from adapters.slack.translate import PLATFORM, NeedsText, mentions_in, to_incoming
from bot.errors import InterviewError
from bot.ports import ConversationRef, MessageEdit, OutgoingMessage
from bot.service import EDIT_NOTED_NOTICE, EditOutcome, InterviewService, TeamMessage

logger = logging.getLogger(__name__)

NAMES_WITHIN = 1.0  # seconds for reading the names a message mentions, before it is stored
NOT_A_RECRUITER = ("Only recruiters can use `/interview`. Ask your Slack admin to add you "
                   "(or a user group you are in) to SLACK_RECRUITERS.")
SOMETHING_WENT_WRONG = ("Something went wrong on my side and it has been logged. "
                        "`/interview status` shows what was saved; try again in a moment.")
NOT_A_REVIEWER = ("Only recruiters can review scores. Ask your Slack admin to add you (or a "
                  "user group you are in) to SLACK_RECRUITERS.")
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
        async with self.in_flight, AckOnce(ack) as acked:
            reply = await self._command(body)
            await acked()
            if reply is not None:
                await respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")

    async def _command(self, body: dict[str, Any]) -> Reply | None:
        user, team = body.get("user_id", ""), body.get("team_id", "")
        try:
            if not await self.actions.policy.is_recruiter(user):
                return Reply(NOT_A_RECRUITER)
            roles = await asyncio.to_thread(self.actions.roles)  # parses YAML: off the loop
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
        async with self.in_flight, AckOnce(ack) as acked:
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
            await acked()
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
        await self._recruiter_button(ack, body, action, respond, CancelInterview,
                                     replace_original=True)

    async def takeover_clicked(self, ack: AsyncAck, body: dict[str, Any],
                               action: dict[str, Any], respond: AsyncRespond) -> None:
        """"Take over" on a notice: as `/interview takeover <id>`, for recruiters only."""
        await self._recruiter_button(ack, body, action, respond, TakeOver,
                                     replace_original=False)

    async def handback_clicked(self, ack: AsyncAck, body: dict[str, Any],
                               action: dict[str, Any], respond: AsyncRespond) -> None:
        await self._recruiter_button(ack, body, action, respond, HandBack,
                                     replace_original=False)

    async def _recruiter_button(self, ack: AsyncAck, body: dict[str, Any],
                                action: dict[str, Any], respond: AsyncRespond,
                                command: type[CancelInterview] | type[TakeOver] | type[HandBack],
                                *, replace_original: bool) -> None:
        """A button that runs `command` on the interview id it carries, for recruiters
        only; the answer is ephemeral (replacing the button's message, or beside it)."""
        async with self.in_flight, AckOnce(ack) as acked:
            user = body.get("user", {})
            team = user.get("team_id") or body.get("team", {}).get("id", "")
            try:
                if not await self.actions.policy.is_recruiter(user.get("id", "")):
                    reply = Reply(NOT_A_RECRUITER)
                else:
                    reply = await self.actions.run(command(action.get("value", "")),
                                                   user_id=user.get("id", ""), team_id=team)
            except Exception:
                logger.exception("%s button failed", command.__name__)
                reply = Reply(SOMETHING_WENT_WRONG)
            await acked()
            await respond(text=reply.text, response_type="ephemeral",
                          replace_original=replace_original)

    # ------------------------------------------------------------ reviewing scores

    async def review_chosen(self, ack: AsyncAck, body: dict[str, Any],
                            action: dict[str, Any], respond: AsyncRespond) -> None:
        """A question's ⋯ menu on the report card: "Agree" records it at once, "Adjust…"
        opens the form. Only recruiters may review: anyone else is told so, and nothing
        opens or is stored."""
        async with self.in_flight, AckOnce(ack):
            user = body.get("user", {}).get("id", "")
            chosen = parse_review_value((action.get("selected_option") or {}).get("value", ""))
            card = _card_of(body)
            try:
                if not await self.actions.policy.is_recruiter(user):
                    await respond(text=NOT_A_REVIEWER, response_type="ephemeral",
                                  replace_original=False)
                    return
                if chosen is None or card is None:
                    return
                verdict, interview_id, position = chosen
                if verdict == "adjust":
                    await self._open_adjust_form(body, interview_id, position, card)
                    return
                await self._record_review(user, interview_id, position, card, verdict="agree")
            except InterviewError as exc:
                await respond(text=str(exc), response_type="ephemeral", replace_original=False)
            except Exception:
                logger.exception("reviewing a score failed")
                await respond(text=SOMETHING_WENT_WRONG, response_type="ephemeral",
                              replace_original=False)

    async def _open_adjust_form(self, body: dict[str, Any], interview_id: str, position: int,
                                card: tuple[str, str]) -> None:
        lines = {line.position: line for line in await self.service.review_lines(interview_id)}
        line = lines.get(position)
        if line is None:
            return
        metadata = {"interview_id": interview_id, "position": position, "channel": card[0],
                    "ts": card[1]}
        await self.actions.client.views_open(trigger_id=body["trigger_id"], view=adjust_form(
            topic=line.topic, question=line.question, machine_score=line.machine_score,
            justification=line.justification, metadata=metadata))

    async def adjust_submitted(self, ack: AsyncAck, body: dict[str, Any],
                               view: dict[str, Any]) -> None:
        values = view.get("state", {}).get("values", {})
        reason = (_value(values, "reason", "value") or "").strip()
        if not reason:  # checked before the ack: Slack shows it under the field
            await ack(response_action="errors",
                      errors={"reason": "Say why: the reason is kept with your score."})
            return
        async with self.in_flight, AckOnce(ack):
            user = body.get("user", {}).get("id", "")
            metadata = json.loads(view.get("private_metadata") or "{}")
            score = (_value(values, "score", "selected_option") or {}).get("value", "")
            try:
                if not await self.actions.policy.is_recruiter(user):
                    logger.warning("refused a score adjustment from %s", user)
                    return
                await self._record_review(
                    user, str(metadata.get("interview_id", "")), int(metadata["position"]),
                    (str(metadata.get("channel", "")), str(metadata.get("ts", ""))),
                    verdict="adjust", score=int(score) if score.isdigit() else None,
                    reason=reason)
            except Exception:
                logger.exception("adjusting a score failed")

    async def _record_review(self, user: str, interview_id: str, position: int,
                             card: tuple[str, str], *, verdict: str, score: int | None = None,
                             reason: str = "") -> None:
        """Store the review, redraw the card with the reviewed scores and recommendation,
        and say under it who did what (the card's thread is the record)."""
        name = await self.actions.name_of(user)
        delivery = await self.service.review_score(
            interview_id, position=position, reviewer_id=user, reviewer_name=name,
            verdict=verdict, score=score, reason=reason)
        permalink = await self.actions.port.permalink(delivery.conversation)
        channel, ts = card
        client = self.actions.client
        await client.chat_update(channel=channel, ts=ts, text=report_fallback_text(delivery),
                                 blocks=report_card(delivery, permalink))
        line = next((s for s in delivery.export.get("scores") or []
                     if s.get("position") == position), None)
        if line is not None and line.get("human"):
            await client.chat_postMessage(channel=channel, thread_ts=ts, text=review_posted_text(
                who=name, topic=str(line.get("topic") or ""), verdict=verdict,
                machine=int(line["score"]), human=int(line["human"]["score"]), reason=reason))

    # ------------------------------------------------------------ candidate messages

    async def message(self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any],
                      context: AsyncBoltContext) -> None:
        """Acknowledged only once the message is committed (registered without Bolt's
        automatic ack, `app.py`): a process killed before that never answered Slack, which
        redelivers the event; one killed after it has the message stored. Posting the reply
        follows the ack. A message that could not be stored is answered 500, so Slack sends
        it again; a redelivered event stores nothing (its unique (channel, ts) key)."""
        async with AckOnce(ack, within=None) as acked:
            await self._message(body, event, context, acked)

    async def _message(self, body: dict[str, Any], event: dict[str, Any],
                       context: AsyncBoltContext, acked: AckOnce) -> None:
        if event.get("bot_id") or event.get("user") == context.bot_user_id:
            return  # our own messages (and other bots'): nothing to read
        if event.get("channel_type") in ("group", "channel"):
            await self._team_message(body, event)
            return
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
                    await self._ask_for_text(found.conversation, found.author_id, TEXT_PLEASE,
                                             event_id=found.message_id)
                elif isinstance(found, MessageEdit):
                    if await self.service.amend_message(found) is EditOutcome.NOTED:
                        await self._ask_for_text(found.conversation, found.author_id,
                                                 EDIT_NOTED_NOTICE)
                else:
                    await self.service.handle_message(found, stored=acked)
            except ReportRefusedError:
                pass  # logged by the port; the report waits in the database
            except Exception:
                if acked.done:
                    logger.exception("message %s in %s stored, not answered yet",
                                     found.message_id, found.conversation.channel)
                else:
                    logger.exception("message %s in %s not stored; Slack will redeliver it",
                                     found.message_id, found.conversation.channel)
                    acked.refuse()

    async def _team_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A recruiter's reply in the thread of an interview's notice in the recruiter
        channel: while a person has that interview, it goes to the candidate (issue 12).
        Anything else in the channel is not the bot's to read."""
        channel = self.actions.port.recruiter_channel
        thread, ts, user = event.get("thread_ts"), event.get("ts"), event.get("user")
        if (event.get("channel") != channel or not thread or thread == ts or not user
                or event.get("subtype") not in (None, "thread_broadcast")):
            return
        async with self.in_flight:
            try:
                if not await self.actions.policy.is_recruiter(user):
                    return
                text = unescape(event.get("text") or "", await self._names(event)).strip()
                if not text:
                    return
                await self.service.relay_to_candidate(TeamMessage(
                    platform=PLATFORM, author_id=user,
                    author_name=await self.actions.name_of(user), text=text, message_id=ts,
                    channel=channel, thread=thread))
            except Exception:
                logger.exception("a recruiter's message in %s not relayed", channel)

    async def _names(self, event: dict[str, Any]) -> dict[str, str]:
        """Names for the people and channels a message mentions (`users.info`,
        `conversations.info`), remembered for the process: `<@U123>` reaches the core as
        `@Ada`. A name that cannot be read in time falls back to Slack's own label, or
        `@someone`."""
        users, channels = mentions_in(event)
        # Looked up before the message is stored, so bounded: past NAMES_WITHIN seconds, or
        # on any error, the names not read yet fall back (the ack must stay inside Slack's 3).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(NAMES_WITHIN):
                for user in users - self._known_names.keys():
                    try:
                        found = (await self.actions.client.users_info(user=user))["user"]
                        self._known_names[user] = display_name(found)
                    except (SlackApiError, aiohttp.ClientError):
                        continue
                for channel in channels - self._known_names.keys():
                    try:
                        info = await self.actions.client.conversations_info(channel=channel)
                        self._known_names[channel] = info["channel"].get("name") or "channel"
                    except (SlackApiError, aiohttp.ClientError):
                        continue
        return {key: self._known_names[key] for key in users | channels
                if key in self._known_names}

    async def _ask_for_text(self, where: ConversationRef, author_id: str, text: str, *,
                            event_id: str = "") -> None:
        """A notice outside the interview's record, only in a DM where this person has an
        open interview, threaded under it."""
        for summary in await self.service.list_status(candidate_id=author_id,
                                                      platform=where.platform):
            conversation = summary.conversation
            if conversation.channel == where.channel:
                if event_id and not await self.service.notice_once(conversation, event_id):
                    return  # a redelivered event: it had its notice
                await self.actions.port.post(OutgoingMessage(conversation, text,
                                                             kind="notice"))
                return


def _card_of(body: dict[str, Any]) -> tuple[str, str] | None:
    """The (channel, ts) of the message a button or menu sits on."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel), str(ts)) if channel and ts else None


def _value(values: dict[str, Any], block: str, key: str) -> Any:
    return values.get(block, {}).get(block, {}).get(key)
