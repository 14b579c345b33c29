"""No candidate text in the logs at any level: whole interviews on Slack and Discord with
every logger at DEBUG (libraries capped as `interview-bot` caps them), then every sentence
the candidate wrote, their résumé and a message with a NUL byte are looked for in what was
logged. A forged Slack request (HTTP mode logs rejected bodies at INFO) is sent too.

Without the caps, slack_sdk logs each posted report (its evidence quotes), Bolt the bodies
of requests (its loggers copy the root's level unless given a base logger) and SQLAlchemy
each INSERT's parameters; without hidden parameters, a failing INSERT carries the text."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.logs import LIBRARY_CAPS, configure_logging
from storage.engine import session
from storage.models import Candidate, Turn
from tests.slack.slack_requests import signature_headers

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # discord.py's unused audioop
    import discord

from tests.discord.world import open_world as open_discord_world  # noqa: E402
from tests.discord.world import run_discord_interview  # noqa: E402
from tests.slack.world import (  # noqa: E402
    CANDIDATE,
    SlackWorld,
    run_slack_interview,  # noqa: E402
)
from tests.slack.world import open_world as open_slack_world  # noqa: E402

NUL_MESSAGE = "My last employer\x00 was Zyxwvut Holdings, please keep that private."


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    configure_logging(logging.DEBUG)
    yield caplog
    for name in LIBRARY_CAPS:
        logging.getLogger(name).setLevel(logging.NOTSET)


def candidate_sentences(engine: Engine) -> list[str]:
    """Every sentence of 20+ characters the candidates wrote, and their résumés' lines."""
    with session(engine) as s:
        texts = [t.text for t in s.exec(select(Turn).where(Turn.speaker == "candidate"))]
        texts += [c.resume for c in s.exec(select(Candidate))]
    pieces = [p.strip() for text in texts for p in re.split(r"(?<=[.!?])\s+|\n", text)]
    return sorted({p for p in pieces if len(p) >= 20})


async def test_whole_interviews_at_debug_log_no_candidate_sentence(
        engine: Engine, debug_logs: pytest.LogCaptureFixture) -> None:
    original_base = discord.http.Route.BASE
    slack = await open_slack_world(engine)
    try:
        await run_slack_interview(slack, profile="strong", seed=1)
        await forged_request(slack)
        _, thread = await slack.start(role="backend-engineer")
        await slack.say(NUL_MESSAGE, thread_ts=thread)
    finally:
        await slack.close()
    discord_world = await open_discord_world(engine)
    try:
        await run_discord_interview(discord_world, profile="adversarial", seed=2)
    finally:
        await discord_world.close()
        discord.http.Route.BASE = original_base

    sentences = candidate_sentences(engine)
    assert len(sentences) > 20  # both interviews were stored, the NUL message too
    assert "My last employer was Zyxwvut Holdings, please keep that private." in sentences
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in debug_logs.records)
    assert logging.getLogger("adapters.slack").isEnabledFor(logging.DEBUG)  # DEBUG was on
    assert {r.name for r in debug_logs.records} >= {"adapters.slack.app",
                                                   "adapters.discord.bot_client"}
    leaked = [s for s in sentences if s in logged]
    assert leaked == []
    assert "Zyxwvut" not in logged and "SECRET-FORGED" not in logged


async def forged_request(world: SlackWorld) -> None:
    """An unsigned-by-Slack event whose body carries text: refused, and not logged."""
    event = world.sender.message_event(user=CANDIDATE, channel=world.dm(CANDIDATE),
                                       text="SECRET-FORGED body text " * 50)
    body = world.sender.event_body(event)
    headers = signature_headers(body, "not-the-secret", content_type="application/json")
    async with world.session.post(world.sender.url, data=body.encode(),
                                  headers=headers) as response:
        assert response.status == 401


def test_a_database_error_in_a_traceback_is_logged_without_its_text() -> None:
    """PostgreSQL's error detail quotes the refused row ("Failing row contains (...)"),
    which `hide_parameters` does not reach: a logged traceback keeps its frames and says
    which database error it was, never its text; other exceptions keep theirs."""
    import io

    import psycopg.errors
    import sqlalchemy as sa

    secret = "my salary at Initech was 95k"
    orig = psycopg.errors.NotNullViolation(
        'null value in column "kind" violates not-null constraint\n'
        f"DETAIL:  Failing row contains (7, candidate, {secret}, null)")
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    out = io.StringIO()
    root.handlers = [logging.StreamHandler(out)]
    try:
        configure_logging(logging.WARNING)
        try:
            try:
                raise sa.exc.IntegrityError("INSERT INTO turns ...", None, orig)
            except sa.exc.IntegrityError as exc:
                raise RuntimeError("turn not stored") from exc
        except RuntimeError:
            logging.getLogger("bot.test").exception("message m1 not handled")
        try:
            raise ValueError("an ordinary error keeps its text")
        except ValueError:
            logging.getLogger("bot.test").exception("other")
    finally:
        root.handlers, root.level = saved_handlers, saved_level
    logged = out.getvalue()
    assert secret not in logged and "Failing row" not in logged
    assert "IntegrityError" in logged  # which error it was
    assert "turn not stored" in logged and "message m1 not handled" in logged
    assert "an ordinary error keeps its text" in logged
    assert "test_a_database_error_in_a_traceback" in logged  # the frames are kept
