"""`interview-bot run --slack`: a one-line error for missing tokens; a real process serving
HTTP mode against the fake Slack, stopped cleanly by SIGINT; and Socket Mode over a fake
WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from adapters.cli import app
from adapters.slack.app import SlackStartupError, run_slack
from adapters.slack.settings import Recruiters, SlackConfig
from bot.ports import ChatPort
from bot.service import InterviewService
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SlackSender
from tests.slack.world import SIGNING_SECRET, SlackWorld, settings_for

RUN = ("from adapters.cli import app; import sys; "
       "sys.argv[0] = 'interview-bot'; app()")


@pytest.mark.parametrize(("args", "missing"), [
    (["run", "--slack"], "SLACK_BOT_TOKEN and SLACK_APP_TOKEN not set"),
    (["run", "--slack", "--http"], "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET not set"),
    (["run"], "nothing to run"),
])
def test_missing_settings_are_one_line_and_a_failing_exit(args: list[str],
                                                          missing: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert missing in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


async def test_refused_token_stops_start_up_with_one_line(world: SlackWorld) -> None:
    world.fake.script("auth.test", error="invalid_auth")
    with pytest.raises(SlackStartupError, match="^Slack refused SLACK_BOT_TOKEN: invalid_auth$"):
        await world.adapter.startup()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_run_slack_http_serves_signed_commands_and_stops_on_sigint(
        tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    fake.add_channel("GRECRUIT", "recruiters", is_private=True)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
           "SLACK_BOT_TOKEN": fake.token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url, "SLACK_RECRUITERS": "UREC1",
           "SLACK_RECRUITER_CHANNEL": "GRECRUIT"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN, "run", "--slack", "--http", "--port", str(port), env=env,
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as session:
            sender = SlackSender(url=f"http://127.0.0.1:{port}/slack/events",
                                 secret=SIGNING_SECRET, fake=fake, session=session)
            deadline = asyncio.get_running_loop().time() + 30
            while True:
                try:
                    status, _ = await sender.command("roles", user_id="UREC1")
                    break
                except aiohttp.ClientConnectionError:
                    assert process.returncode is None, await process.stderr.read()
                    assert asyncio.get_running_loop().time() < deadline, "server never came up"
                    await asyncio.sleep(0.05)
            assert status == 200
            await fake.wait_for(lambda: fake.hooks, timeout=15)
        assert "database-administrator" in fake.hook_texts()[0]
        assert fake.ok_calls("auth.test") and fake.ok_calls("conversations.info")
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        assert process.returncode == 0, stderr.decode()
        assert b"Slack starting (Slack over HTTP on port" in stdout
        assert fake.token.encode() not in stdout + stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_socket_mode_acks_envelopes_and_runs_an_interview(engine: Engine) -> None:
    """The default mode: the app opens a WebSocket (apps.connections.open with the app
    token), acks each envelope by id, and works exactly as in HTTP mode."""
    fake = FakeSlack()
    await fake.start()
    fake.add_user("UREC1", "Rita Recruiter")
    fake.add_user("UCAND", "Ada Lovelace")
    fake.add_channel("GRECRUIT", "recruiters", is_private=True)
    config = SlackConfig(bot_token=fake.token, app_token=fake.app_token, signing_secret=None,
                         api_url=fake.api_url, recruiters=Recruiters.parse("UREC1"),
                         recruiter_channel="GRECRUIT")
    services: list[InterviewService] = []

    def make_service(port: ChatPort) -> InterviewService:
        services.append(InterviewService(engine=engine, port=port, settings=settings_for()))
        return services[-1]

    stop = asyncio.Event()
    running = asyncio.create_task(run_slack(config, make_service, http=False, stop=stop))
    try:
        async with aiohttp.ClientSession() as session:
            sender = SlackSender(url="unused", secret="unused", fake=fake, session=session)
            await fake.wait_for(lambda: fake.socket_connected or running.done())
            assert fake.ok_calls("apps.connections.open")

            command = dict(parse_qsl(sender.command_body("<@UCAND|ada> database-administrator",
                                                         user_id="UREC1")))
            await fake.socket_send({"envelope_id": "env-cmd-1", "type": "slash_commands",
                                    "accepts_response_payload": True, "payload": command})
            await fake.wait_for(lambda: [f for f in fake.socket_frames
                                         if f.get("envelope_id") == "env-cmd-1"])
            await fake.wait_for(lambda: fake.hooks)
            assert fake.hook_texts()[0].startswith("Started interview")
            [summary] = await services[0].list_status()
            thread = summary.conversation.thread

            event = sender.message_event(user="UCAND", channel="DCAND", thread_ts=thread,
                                         text="Yes, I'm ready to start.")
            envelope = {"envelope_id": "env-ev-1", "type": "events_api",
                        "accepts_response_payload": False, "retry_attempt": 0,
                        "retry_reason": "", "payload": json.loads(sender.event_body(event))}
            await fake.socket_send(envelope)
            await fake.wait_for(lambda: [f for f in fake.socket_frames
                                         if f.get("envelope_id") == "env-ev-1"])
            # Acknowledged means stored: the envelope's ack follows the commit.
            assert (await services[0].status(summary.id)).candidate_turns == 1
            await fake.socket_send({**envelope, "envelope_id": "env-ev-2", "retry_attempt": 1,
                                    "retry_reason": "timeout"})  # Slack's redelivery
            await fake.wait_for(lambda: {"env-ev-1", "env-ev-2"} <= {
                f.get("envelope_id") for f in fake.socket_frames})
            await fake.wait_for(lambda: len([p for p in fake.posts("DCAND")
                                             if p.params.get("thread_ts") == thread]) >= 2)
            stop.set()
            await asyncio.wait_for(running, 15)
        replies = [p for p in fake.posts("DCAND") if p.params.get("thread_ts") == thread]
        assert len(replies) == 2  # the greeting and one reply: the redelivery got none
        assert (await services[0].status(summary.id)).candidate_turns == 1
    finally:
        stop.set()
        if not running.done():
            running.cancel()
        await fake.stop()
