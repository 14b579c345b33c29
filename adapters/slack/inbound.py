"""What reaches `/slack/events` over HTTP, checked before Bolt reads a byte of it.

Anyone who can reach the URL can send anything, so the order matters: the size first, then
the signature over the raw bytes (Slack's v0 scheme, docs.slack.dev "Verifying requests
from Slack": HMAC-SHA256 of `v0:<timestamp>:<body>`, a timestamp within 5 minutes), and
only then is the body decoded and parsed. Every refusal is a clean status with a one-word
reason: 401 for a request not signed by Slack, 413 for one larger than Slack sends, 400 for
a signed one that is not what Slack sends (not UTF-8, not JSON or a form, an `event` that
is not an object). Nothing refused is logged above DEBUG (a stranger must not be able to
fill the log), stored or handed to Bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

logger = logging.getLogger(__name__)

# Slack's largest payloads (a view submission with long inputs) stay well under this.
MAX_BODY_BYTES = 1024 * 1024
MAX_CLOCK_SKEW = 5 * 60  # seconds, Slack's own rule
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# The JSON bodies the Events API sends (docs.slack.dev/apis/events-api).
JSON_TYPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def check_request(*, body: bytes | None, headers: Any, content_type: str, secret: str,
                  now: float | None = None) -> tuple[str, Refusal | None]:
    """The body as text when it may go on to Bolt, or a refusal: `(text, None)` or
    `("", Refusal)`. `body` is None when it was longer than MAX_BODY_BYTES; `headers` is
    any case-insensitive mapping (aiohttp's)."""
    if body is None or len(body) > MAX_BODY_BYTES:
        return "", Refusal(413, "too large")
    if not signed_by_slack(body, headers, secret, now=time.time() if now is None else now):
        return "", Refusal(401, "not signed by Slack")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "", Refusal(400, "not UTF-8")
    problem = shape_problem(text, content_type)
    if problem:
        return "", Refusal(400, problem)
    return text, None


def signed_by_slack(body: bytes, headers: Any, secret: str, *, now: float) -> bool:
    timestamp = str(headers.get("X-Slack-Request-Timestamp") or "")
    signature = str(headers.get("X-Slack-Signature") or "")
    if not secret or not timestamp.isascii() or not timestamp.isdigit() or not signature:
        return False
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def shape_problem(text: str, content_type: str) -> str | None:
    """None when the body has the shape of something Slack sends: an Events API JSON
    object (its `event`, if any, an object), or a form (a slash command's fields, or
    interactivity's `payload` holding a JSON object)."""
    if content_type == JSON:
        try:
            found = json.loads(text)
        except ValueError:
            return "not JSON"
        if not isinstance(found, dict):
            return "not a JSON object"
        kind = found.get("type")
        if not isinstance(kind, str) or kind not in JSON_TYPES:
            return "not an Events API type"
        event = found.get("event")
        if kind == "event_callback" and not (isinstance(event, dict)
                                             and isinstance(event.get("type"), str)):
            return "event is not an object"
        return None
    if content_type == FORM:
        fields = parse_qs(text, keep_blank_values=True)
        if "payload" in fields:
            try:
                payload = json.loads(fields["payload"][0])
            except ValueError:
                return "payload is not JSON"
            if not isinstance(payload, dict):
                return "payload is not a JSON object"
            return None
        if "command" in fields or "ssl_check" in fields:
            return None
        return "not a command or an interaction"
    return "unexpected content type"
