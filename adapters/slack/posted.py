"""Exactly-once posting across crashes: each bot post names what it is in Slack message
metadata, and a post that may already have gone out is looked for before it is sent again.

`chat.postMessage` has no idempotency key, so a process killed after Slack accepted a
message and before the database marked it delivered would post it twice at restart. Every
post therefore carries `metadata` (docs.slack.dev, "Message metadata"; chat.postMessage
`metadata`: `event_type` and `event_payload`): a candidate-facing message its stored turn's
id and part, a report its interview's id and part. Before posting something the core says
may have gone out already (`retry_since`: stored before this process started) or whose
last attempt ended without an answer (a timeout, a dropped connection), the adapter reads
the conversation from that time on (`conversations.replies` of the interview thread, or
`conversations.history` of the recruiter channel, with `include_all_metadata`) and posts
only the parts it does not find.

Reads are few and small: one per interview with such work, from the time the thing was
stored, at most `PAGES` pages of `PAGE` messages. 429s are waited out per Retry-After by the
client's retry handler. Should a read fail, the post goes out anyway: at most one
duplicate, logged, rather than a message never sent.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

TURN_EVENT = "interview_bot_turn"
REPORT_EVENT = "interview_bot_report"
PAGE = 50
PAGES = 4
CLOCK_SKEW = 120.0  # seconds: Slack's ts and our clock may disagree a little


def metadata(event_type: str, **payload: Any) -> dict[str, Any]:
    """chat.postMessage `metadata`: what this message is, for finding it again."""
    return {"event_type": event_type, "event_payload": payload}


async def find_parts(client: AsyncWebClient, *, channel: str, thread: str | None,
                     since: datetime | None, event_type: str, key: str, value: Any
                     ) -> dict[int, str] | None:
    """`{part: ts}` of the messages already posted whose metadata says `event_type` with
    `key == value`, in `thread` (its replies) or in the channel itself (`thread` None),
    from `since` on; None when Slack could not be read (the caller posts anyway)."""
    oldest = f"{since.timestamp() - CLOCK_SKEW:.6f}" if since is not None else None
    found: dict[int, str] = {}
    cursor: str | None = None
    try:
        for _ in range(PAGES):
            if thread:
                page = await client.conversations_replies(
                    channel=channel, ts=thread, oldest=oldest, inclusive=True, limit=PAGE,
                    include_all_metadata=True, cursor=cursor)
            else:
                page = await client.conversations_history(
                    channel=channel, oldest=oldest, inclusive=True, limit=PAGE,
                    include_all_metadata=True, cursor=cursor)
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == event_type and payload.get(key) == value:
                    found.setdefault(int(payload.get("part") or 0), str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return found
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("could not read %s to check for an earlier post (%s); posting anyway",
                       channel, type(exc).__name__)
        return None
    logger.warning("%s: more than %d messages since the post was stored; looked at those "
                   "only", channel, PAGE * PAGES)
    return found
