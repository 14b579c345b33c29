"""Fixtures for the Slack adapter's tests: a whole fake workspace per test, on each
database backend (through the `engine` fixture)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine

from tests.slack.world import SlackWorld, open_world

# A developer's real Slack settings must never reach a test; SLACK_CLIENT_ID/SECRET would
# even switch Bolt into OAuth mode.
for _name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
              "SLACK_RECRUITERS", "SLACK_RECRUITER_CHANNEL", "SLACK_CLIENT_ID",
              "SLACK_CLIENT_SECRET"):
    os.environ.pop(_name, None)


@pytest.fixture
async def world(engine: Engine) -> AsyncIterator[SlackWorld]:
    opened = await open_world(engine)
    try:
        yield opened
    finally:
        await opened.close()
