"""`GET /healthz` in Slack HTTP mode, through the real aiohttp server: 200 while the database
answers, 503 with the reason when it does not. The container's health check calls it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from adapters.slack.app import build_adapter, serve_http
from adapters.slack.settings import Recruiters, SlackConfig
from bot.ports import ChatPort
from bot.service import InterviewService
from storage.engine import make_engine
from tests.slack.fake_slack import FakeSlack
from tests.slack.world import SIGNING_SECRET, settings_for
from tests.test_container import bot_healthcheck_command

RUN = "from adapters.cli import app; import sys; sys.argv[0] = 'interview-bot'; app()"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _get_when_up(url: str, process: asyncio.subprocess.Process | None = None,
                       timeout: float = 30) -> tuple[int, dict[str, str]]:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    return response.status, await response.json()
            except aiohttp.ClientConnectionError:
                if process is not None:
                    assert process.returncode is None, await process.stderr.read()
                assert asyncio.get_running_loop().time() < deadline, "server never came up"
                await asyncio.sleep(0.05)


async def _compose_healthcheck(port: int) -> int:
    """Run the bot's health check command from compose.yaml, pointed at `port`."""
    command = [sys.executable if part == "python" else part
               for part in bot_healthcheck_command()]
    command[-1] = command[-1].replace(":3000/", f":{port}/")
    check = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL,
                                                 stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(check.wait(), timeout=30)


async def test_run_slack_http_serves_healthz_with_the_database_up(tmp_path: Path) -> None:
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
        status, body = await _get_when_up(f"http://127.0.0.1:{port}/healthz", process)
        assert (status, body) == (200, {"status": "ok", "database": "ok"})
        assert await _compose_healthcheck(port) == 0
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        assert process.returncode == 0, stderr.decode()
        assert await _compose_healthcheck(port) != 0  # nothing serves: unhealthy
        assert b"will be unused" not in stderr  # Bolt's warning about SLACK_BOT_TOKEN
        assert b"health at /healthz" in stdout
        assert fake.token.encode() not in stdout + stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_healthz_is_503_with_the_reason_when_the_database_is_down() -> None:
    fake = FakeSlack()
    await fake.start()
    down = make_engine("postgresql+psycopg://bot:hunter2@127.0.0.1:9/interviews")
    config = SlackConfig(bot_token=fake.token, app_token=None, signing_secret=SIGNING_SECRET,
                         api_url=fake.api_url, recruiters=Recruiters.parse("UREC1"),
                         recruiter_channel=None)

    def make_service(port: ChatPort) -> InterviewService:
        return InterviewService(engine=down, port=port, settings=settings_for())

    port = _free_port()
    async with aiohttp.ClientSession() as session:
        adapter = build_adapter(config, make_service, http=True, session=session)
        runner = await serve_http(adapter, host="127.0.0.1", port=port)
        try:
            status, body = await _get_when_up(f"http://127.0.0.1:{port}/healthz")
        finally:
            await runner.cleanup()
            down.dispose()
            await fake.stop()
    assert status == 503 and body["status"] == "unavailable"
    assert "cannot connect to" in body["database"] and "127.0.0.1:9" in body["database"]
    assert "hunter2" not in body["database"]
