"""Every malformed or hostile request to `/slack/events` gets a clean 400, 401 or 413:
checked before Bolt (and its body parsing) sees it, no traceback or ERROR in the log,
nothing stored, no Web API call. One test per kind, each sent over real HTTP to the app."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from sqlmodel import func, select

from adapters.slack.inbound import MAX_BODY_BYTES
from storage.engine import session as db_session
from storage.models import ProcessedEvent, Turn
from tests.slack.slack_requests import signature_headers
from tests.slack.world import CANDIDATE, SIGNING_SECRET, SlackWorld

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


async def _post(world: SlackWorld, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with world.session.post(world.sender.url, data=body, headers=headers) as response:
        return response.status, await response.text()


def _signed(body: bytes, content_type: str = JSON, *, timestamp: int | None = None
            ) -> dict[str, str]:
    """Headers signed over the raw bytes, as Slack signs them (v0, HMAC-SHA256)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + body,
                      hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type}


def _message_body(world: SlackWorld, thread: str, text: str = "Yes, ready.") -> bytes:
    event = world.sender.message_event(user=CANDIDATE, channel=world.dm(CANDIDATE),
                                       text=text, thread_ts=thread)
    return world.sender.event_body(event).encode()


@pytest.fixture
async def started(world: SlackWorld) -> str:
    _, thread = await world.start()
    await world.settle()
    return thread


def _refused_cleanly(world: SlackWorld, caplog: pytest.LogCaptureFixture, calls: int,
                     turns: int) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], \
        [r.getMessage() for r in caplog.records]
    assert len(world.fake.calls) == calls  # no Web API call was made for it
    with db_session(world.engine) as s:
        assert s.exec(select(func.count()).select_from(Turn)).one() == turns
        assert s.exec(select(func.count()).select_from(ProcessedEvent)).one() == 0


CASES: dict[str, tuple[int, object]] = {}


def case(name: str, status: int):
    def register(fn):
        CASES[name] = (status, fn)
        return fn
    return register


@case("unsigned", 401)
def _unsigned(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    return _message_body(world, thread), {"Content-Type": JSON}


@case("bad signature", 401)
def _bad_signature(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread)
    headers = _signed(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    return body, headers


@case("signed with another secret", 401)
def _other_secret(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread)
    return body, signature_headers(body.decode(), "not-the-secret", content_type=JSON)


@case("body changed after signing", 401)
def _tampered(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread)
    return body.replace(b"Yes, ready.", b"No, ready."), _signed(body)


@case("missing timestamp", 401)
def _missing_timestamp(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    headers = _signed(b"not json at all")
    del headers["X-Slack-Request-Timestamp"]
    return b"not json at all", headers


@case("non-numeric timestamp", 401)
def _non_numeric_timestamp(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": "yesterday",
               "X-Slack-Signature": "v0=abc"}
    return b"{not json", headers


@case("non-ASCII digits in the timestamp", 401)
def _unicode_digits(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠",
               "X-Slack-Signature": "v0=abc"}
    return b"{}", headers


@case("stale timestamp (a replay)", 401)
def _stale(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread)
    return body, _signed(body, timestamp=int(time.time()) - 600)


@case("non-JSON body", 400)
def _not_json(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    return b"{this is not json", _signed(b"{this is not json")


@case("invalid UTF-8", 400)
def _invalid_utf8(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread).replace(b"Yes, ready.", b"Yes, \xff\xfe ready.")
    return body, _signed(body)


@case("JSON that is not an object", 400)
def _json_array(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    return b"[1, 2, 3]", _signed(b"[1, 2, 3]")


@case("event that is not an object", 400)
def _event_not_object(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    payload = json.loads(_message_body(world, thread))
    payload["event"] = "message"
    body = json.dumps(payload).encode()
    return body, _signed(body)


@case("event without a type", 400)
def _event_without_type(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    payload = json.loads(_message_body(world, thread))
    payload["event"] = {"text": "hello"}
    body = json.dumps(payload).encode()
    return body, _signed(body)


@case("unknown Events API type", 400)
def _unknown_type(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"type": ["event_callback"], "event": {}}).encode()
    return body, _signed(body)


@case("wrong content type", 400)
def _wrong_content_type(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread)
    return body, _signed(body, "text/plain")


@case("form that is neither a command nor an interaction", 400)
def _empty_form(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"hello": "world"}).encode()
    return body, _signed(body, FORM)


@case("interaction payload that is not JSON", 400)
def _payload_not_json(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"payload": "{broken"}).encode()
    return body, _signed(body, FORM)


@case("interaction payload that is not an object", 400)
def _payload_not_object(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"payload": '"view_submission"'}).encode()
    return body, _signed(body, FORM)


@case("oversized body", 413)
def _oversized(world: SlackWorld, thread: str) -> tuple[bytes, dict[str, str]]:
    body = _message_body(world, thread, text="x" * (MAX_BODY_BYTES + 10))
    return body, _signed(body)


@pytest.mark.parametrize("kind", list(CASES))
async def test_hostile_request_gets_a_clean_refusal_and_stores_nothing(
        world: SlackWorld, started: str, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    status, build = CASES[kind]
    body, headers = build(world, started)  # type: ignore[operator]
    with db_session(world.engine) as s:
        turns = s.exec(select(func.count()).select_from(Turn)).one()
    calls = len(world.fake.calls)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        answered, text = await _post(world, body, headers)
        await world.settle()
    assert answered == status, text
    assert "Traceback" not in text
    _refused_cleanly(world, caplog, calls, turns)


async def test_a_well_formed_request_still_gets_through(world: SlackWorld,
                                                        started: str) -> None:
    """The checks refuse only what Slack would never send: a signed message is stored."""
    body = _message_body(world, started)
    status, _ = await _post(world, body, _signed(body))
    assert status == 200
    with db_session(world.engine) as s:
        assert s.exec(select(Turn).where(Turn.speaker == "candidate")).first() is not None
    await world.settle()


async def test_nul_and_lone_surrogates_in_a_signed_message_are_stored_cleaned_and_answered(
        world: SlackWorld, started: str) -> None:
    """JSON may carry `\\u0000` and a lone `\\udc80`, which no database stores: the message
    is kept without them, the rest as typed, and answered (not dropped with a traceback)."""
    dm = world.dm(CANDIDATE)
    replies = len(world.thread(dm, started))
    body = _message_body(world, started, text="Yes,\u0000 ready\udc80 now.")
    assert b"\\u0000" in body and b"\\udc80" in body  # json.dumps escapes them as Slack does
    status, _ = await _post(world, body, _signed(body))
    assert status == 200
    await world.fake.wait_for(lambda: len(world.thread(dm, started)) == replies + 1)
    await world.settle()
    with db_session(world.engine) as s:
        texts = [t.text for t in s.exec(select(Turn).where(Turn.speaker == "candidate"))]
    assert texts == ["Yes, ready now."]
