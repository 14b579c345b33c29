"""Slack payloads → core messages: one parametrized test over payloads/*.json, in Slack's
documented shapes, so every kind of message event has a deliberate translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.slack.translate import NeedsText, to_incoming
from bot.ports import IncomingMessage, MessageEdit

PAYLOADS = sorted((Path(__file__).parent / "payloads").glob("*.json"))


@pytest.mark.parametrize("path", PAYLOADS, ids=[p.stem for p in PAYLOADS])
def test_payload_translates_deliberately(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    body = case["payload"]
    event = body["event"]
    found = to_incoming(event, team_id=body["team_id"], bot_user_id="UBOT",
                        names=case.get("names"))
    if case["expect"] is None:
        assert found is None
        return
    expected_type = {"incoming": IncomingMessage, "needs_text": NeedsText,
                     "edit": MessageEdit}[case["expect"]]
    assert isinstance(found, expected_type)
    assert found.conversation.platform == "slack"
    assert found.conversation.workspace == "T0TEAM"
    assert found.conversation.channel == event["channel"]
    assert found.conversation.thread == case["thread"]
    if isinstance(found, MessageEdit):  # the edited message's ts is the original's
        message = event["message"]
        assert found.author_id == message["user"]
        assert found.message_id == case.get("message_ts", message.get("ts"))
        assert found.text == case["text"]
        return
    assert found.author_id == event["user"] and found.message_id == event["ts"]
    if isinstance(found, IncomingMessage):
        assert found.text == case["text"]
        assert found.at is not None and found.at.timestamp() == pytest.approx(float(event["ts"]))


def test_every_payload_is_a_signed_event_callback_shape() -> None:
    for path in PAYLOADS:
        body = json.loads(path.read_text(encoding="utf-8"))["payload"]
        assert body["type"] == "event_callback" and body["event"]["type"] == "message"
        assert {"event_id", "event_time", "team_id", "api_app_id"} <= body.keys()
