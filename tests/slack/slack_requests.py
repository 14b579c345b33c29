"""What Slack itself sends to the app: slash commands, events and interactivity, in Slack's
real payload shapes, signed with v0 HMAC-SHA256 exactly as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.slack.fake_slack import FakeSlack

API_APP_ID = "A0INTERVIEW"


def signature_headers(body: str, secret: str, *, timestamp: int | None = None,
                      content_type: str = "application/x-www-form-urlencoded"
                      ) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type}


class SlackSender:
    """Posts signed requests to the app's `/slack/events` over real HTTP."""

    def __init__(self, *, url: str, secret: str, fake: FakeSlack,
                 session: aiohttp.ClientSession) -> None:
        self.url = url
        self.secret = secret
        self.fake = fake
        self.session = session
        self._ids = itertools.count(1)

    async def send(self, body: str, *, content_type: str, timestamp: int | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        signed = signature_headers(body, self.secret, timestamp=timestamp,
                                   content_type=content_type)
        async with self.session.post(self.url, data=body.encode(),
                                     headers={**signed, **(headers or {})}) as response:
            return response.status, await response.text()

    # ------------------------------------------------------------ bodies

    def command_body(self, text: str, *, user_id: str, channel_id: str = "C0HIRING") -> str:
        return urlencode({
            "token": "legacy-verification-token", "team_id": self.fake.team_id,
            "team_domain": "fake", "channel_id": channel_id, "channel_name": "hiring",
            "user_id": user_id, "user_name": user_id.lower(), "command": "/interview",
            "text": text, "api_app_id": API_APP_ID, "is_enterprise_install": "false",
            "response_url": self.fake.hook_url("commands"),
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef"})

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps({
            "token": "legacy-verification-token", "team_id": self.fake.team_id,
            "api_app_id": API_APP_ID, "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}", "event_time": int(time.time()),
            "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ", "is_ext_shared_channel": False,
            "authorizations": [{"enterprise_id": None, "team_id": self.fake.team_id,
                                "user_id": self.fake.bot_user_id, "is_bot": True,
                                "is_enterprise_install": False}],
            "event": event})

    def message_event(self, *, user: str, channel: str, text: str,
                      thread_ts: str | None = None, ts: str | None = None,
                      **extra: Any) -> dict[str, Any]:
        ts = ts or self.fake.next_ts()
        event = {"type": "message", "channel": channel, "channel_type": "im", "user": user,
                 "text": text, "ts": ts, "event_ts": ts, "team": self.fake.team_id,
                 "client_msg_id": f"c0ffee00-0000-4000-8000-{next(self._ids):012d}", **extra}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    def interactive_body(self, payload: dict[str, Any]) -> str:
        return urlencode({"payload": json.dumps(payload)})

    def view_submission(self, *, user_id: str, values: dict[str, Any],
                        private_metadata: str,
                        callback_id: str = "interview_start") -> dict[str, Any]:
        return {
            "type": "view_submission", "team": {"id": self.fake.team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
                     "team_id": self.fake.team_id},
            "api_app_id": API_APP_ID, "token": "legacy-verification-token",
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
            "view": {"id": "V0VIEW", "team_id": self.fake.team_id, "type": "modal",
                     "callback_id": callback_id, "private_metadata": private_metadata,
                     "state": {"values": values}, "hash": "1700000000.abc",
                     "app_id": API_APP_ID, "bot_id": self.fake.bot_id, "blocks": []},
            "response_urls": [], "is_enterprise_install": False, "enterprise": None}

    def block_action(self, *, user_id: str, action_id: str, value: str) -> dict[str, Any]:
        return {
            "type": "block_actions", "team": {"id": self.fake.team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
                     "team_id": self.fake.team_id},
            "api_app_id": API_APP_ID, "token": "legacy-verification-token",
            "container": {"type": "message", "message_ts": self.fake.next_ts(),
                          "channel_id": "C0HIRING", "is_ephemeral": True},
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
            "channel": {"id": "C0HIRING", "name": "hiring"},
            "response_url": self.fake.hook_url("actions"),
            "actions": [{"action_id": action_id, "block_id": "cancel", "value": value,
                         "type": "button", "action_ts": self.fake.next_ts()}]}

    def action_on_message(self, *, user_id: str, channel: str, message: dict[str, Any],
                          action_id: str, value: str | None = None,
                          option: str | None = None) -> dict[str, Any]:
        """A button or an overflow menu pressed on a message the bot posted in `channel`
        (docs.slack.dev, block_actions payload: `container`, `message`, `actions[]`; an
        overflow's choice is in `selected_option`)."""
        element = next(e for b in message.get("blocks") or [] for e in
                       ([b["accessory"]] if b.get("accessory") else b.get("elements") or [])
                       if isinstance(e, dict) and e.get("action_id") == action_id
                       and (option is None or any(o["value"] == option
                                                  for o in e.get("options") or [])))
        action: dict[str, Any] = {"action_id": action_id, "block_id": "b1",
                                  "type": element["type"], "action_ts": self.fake.next_ts()}
        if element["type"] == "overflow":
            chosen = next(o for o in element["options"] if o["value"] == option)
            action["selected_option"] = chosen
        else:
            action["value"] = element.get("value") if value is None else value
            action["text"] = element["text"]
        return {
            "type": "block_actions", "team": {"id": self.fake.team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
                     "team_id": self.fake.team_id},
            "api_app_id": API_APP_ID, "token": "legacy-verification-token",
            "container": {"type": "message", "message_ts": message["ts"],
                          "channel_id": channel, "is_ephemeral": False},
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.abcdef",
            "channel": {"id": channel, "name": "recruiters"}, "message": message,
            "response_url": self.fake.hook_url("actions"), "actions": [action]}

    def channel_message(self, *, user: str, channel: str, text: str,
                        thread_ts: str | None = None) -> dict[str, Any]:
        """A person's message in a private channel: the `message.groups` event."""
        ts = self.fake.next_ts()
        event = {"type": "message", "channel": channel, "channel_type": "group", "user": user,
                 "text": text, "ts": ts, "event_ts": ts, "team": self.fake.team_id,
                 "client_msg_id": f"c0ffee00-0000-4000-8000-{next(self._ids):012d}"}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    # ------------------------------------------------------------ sending

    async def command(self, text: str, *, user_id: str, **kwargs: Any) -> tuple[int, str]:
        return await self.send(self.command_body(text, user_id=user_id),
                               content_type="application/x-www-form-urlencoded", **kwargs)

    async def event(self, event: dict[str, Any], *, retry_num: int | None = None,
                    event_id: str | None = None, **kwargs: Any) -> tuple[int, str]:
        headers = ({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
                   if retry_num else None)
        return await self.send(self.event_body(event, event_id=event_id),
                               content_type="application/json", headers=headers, **kwargs)

    async def interactive(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.send(self.interactive_body(payload),
                               content_type="application/x-www-form-urlencoded")
