"""The conventions people expect of a command-line tool: --version, shell completion, help
that reads right, the same bounds as Slack and Discord, a dry run for purge, a `cancel`, a
role template, and tables that never cut what you must type."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.cli import PROFILE_NAMES
from bot.role_template import ROLE_FILE_HEADER
from bot.roles import BUILTIN_ROLES_DIR, validate_role_file
from bot.simulated import PROFILES
from storage.engine import session
from storage.models import Interview
from storage.reminders import purge_ended_before
from storage.retention import count_ended_before
from tests.slack.world import CANDIDATE, open_world
from tests.test_cli import BIN, assert_one_line_error, cli

ROOT = Path(__file__).resolve().parents[1]


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    result = cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"interview-bot {version('interview-bot')}"


def test_completion_can_be_shown_and_installed(tmp_path: Path) -> None:
    shown = cli("--show-completion", "bash", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert shown.returncode == 0, shown.stderr
    assert "_INTERVIEW_BOT_COMPLETE" in shown.stdout
    installed = cli("--install-completion", "bash", cwd=tmp_path,
                    env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert installed.returncode == 0, installed.stderr
    assert "interview-bot" in (tmp_path / ".bashrc").read_text()


def test_completion_offers_role_names(tmp_path: Path) -> None:
    result = cli(cwd=tmp_path, env={"_INTERVIEW_BOT_COMPLETE": "complete_bash",
                                    "COMP_WORDS": "interview-bot demo --role data",
                                    "COMP_CWORD": "3"})
    assert "data-analyst" in result.stdout
    assert "backend-engineer" not in result.stdout


def test_help_shows_optional_arguments_in_single_brackets(tmp_path: Path) -> None:
    result = cli("status", "--help", cwd=tmp_path)
    assert "status [OPTIONS] [ID]" in result.stdout
    assert "[[" not in result.stdout


def test_profile_names_in_help_are_the_simulated_profiles() -> None:
    assert PROFILE_NAMES == PROFILES


def test_roles_list_never_cuts_names_at_80_columns(tmp_path: Path) -> None:
    result = cli("roles", "list", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for name in ("database-administrator", "site-reliability-engineer", "backend-engineer",
                 "data-analyst"):
        assert any(name in line for line in lines), name
    assert "…" not in result.stdout


def test_roles_new_writes_a_valid_commented_role(tmp_path: Path) -> None:
    result = cli("roles", "new", "platform-engineer", "--company", "Acme: Rockets #1",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "platform-engineer.yaml"
    assert validate_role_file(path) == []
    text = path.read_text()
    assert text.startswith(ROLE_FILE_HEADER) and "interview-bot roles validate" in text
    shown = cli("roles", "show", str(path), cwd=tmp_path)
    assert "Platform Engineer" in shown.stdout and "Acme: Rockets #1" in shown.stdout
    again = cli("roles", "new", "platform-engineer", cwd=tmp_path)
    assert_one_line_error(again, "already exists")
    assert path.read_text() == text


def test_shipped_roles_point_at_the_validate_command() -> None:
    for path in BUILTIN_ROLES_DIR.glob("*.yaml"):
        head = path.read_text().split("\nname:", 1)[0]
        assert "interview-bot roles validate" in head, path
        assert "bot.roles.validate_role_file" not in head, path


def test_extend_bounds_match_slack_and_discord() -> None:
    from adapters.discord import actions as discord_actions
    from adapters.slack import commands as slack_commands
    from bot import limits

    assert slack_commands.MAX_EXTEND_DAYS == discord_actions.MAX_EXTEND_DAYS == \
        limits.MAX_EXTEND_DAYS
    assert discord_actions.MIN_EXTEND_DAYS == limits.MIN_EXTEND_DAYS
    for bad in (0, 0.25, 60.5, 1000, float("nan"), float("inf")):
        assert limits.extend_days_problem(bad)
    assert limits.extend_days_problem(0.5) is None and limits.extend_days_problem(60) is None


# ------------------------------------------------------------------ one interview


def _paused_demo(folder: Path) -> str:
    """An open (paused) console interview in `folder`'s database."""
    result = cli("demo", "--interactive", "--json", "out.json", cwd=folder,
                 stdin="I'm a DBA with 8 years of PostgreSQL.\npause\n")
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "out.json").read_text())["interview"]["id"]


def test_extend_and_cancel_from_the_cli(tmp_path: Path) -> None:
    interview_id = _paused_demo(tmp_path)
    assert_one_line_error(cli("extend", interview_id[:8], "--days", "61", cwd=tmp_path),
                          "0.5 to 60")
    far = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    assert_one_line_error(cli("extend", interview_id[:8], "--until", far, cwd=tmp_path),
                          "--until", "60 days")
    extended = cli("extend", interview_id[:8], "--days", "2", cwd=tmp_path)
    assert extended.returncode == 0, extended.stderr
    assert "now closes" in extended.stdout

    cancelled = cli("cancel", interview_id[:8], cwd=tmp_path)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled; the candidate was told" in cancelled.stdout
    shown = json.loads(cli("export", interview_id, cwd=tmp_path).stdout)
    assert shown["interview"]["status"] == "cancelled"
    assert shown["turns"][-1]["text"].startswith("The recruiter has closed this interview")
    assert_one_line_error(cli("cancel", interview_id[:8], cwd=tmp_path), "already cancelled")


async def test_cli_cancel_tells_a_slack_candidate_in_their_thread(engine: Engine,
                                                                  database_url: str) -> None:
    world = await open_world(engine)
    try:
        interview_id, thread = await world.start()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update({"DATABASE_URL": database_url, "COLUMNS": "200"})
        refused = await asyncio.create_subprocess_exec(
            str(BIN), "cancel", interview_id[:8], env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, stderr = await refused.communicate()
        assert refused.returncode == 1 and b"set SLACK_BOT_TOKEN" in stderr
        assert (await world.service.status(interview_id)).status == "active"

        env.update({"SLACK_BOT_TOKEN": world.fake.token, "SLACK_API_URL": world.fake.api_url})
        process = await asyncio.create_subprocess_exec(
            str(BIN), "cancel", interview_id[:8], env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()
        assert b"the candidate was told" in stdout
        closing = [c for c in world.thread(world.dm(CANDIDATE), thread)
                   if "closed this interview" in str(c.params.get("text"))]
        assert len(closing) == 1
        assert (await world.service.status(interview_id)).status == "cancelled"
        assert world.fake.token.encode() not in stdout + stderr
    finally:
        await world.close()


# ------------------------------------------------------------------ purge


def _age_all_interviews(engine: Engine, days: int) -> None:
    with session(engine) as s:
        for interview in s.exec(select(Interview)).all():
            interview.status = "completed"
            interview.finished_at = datetime.now(UTC) - timedelta(days=days)
            s.add(interview)
        s.commit()


def test_purge_dry_run_counts_exactly_what_purge_deletes(tmp_path: Path) -> None:
    for seed in ("1", "2"):
        assert cli("demo", "--seed", seed, cwd=tmp_path).returncode == 0
    from storage.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'interview-bot.sqlite3'}")
    try:
        _age_all_interviews(engine, days=365)
        database = tmp_path / "interview-bot.sqlite3"
        before = database.read_bytes()
        dry = cli("purge", "--dry-run", cwd=tmp_path)
        assert dry.returncode == 0, dry.stderr
        assert "Dry run: nothing deleted" in dry.stdout
        assert database.read_bytes() == before
        cutoff = datetime.now(UTC) - timedelta(days=180)
        with session(engine) as s:
            counted = count_ended_before(s, cutoff)
            deleted = purge_ended_before(s, cutoff)
            s.rollback()
        assert counted == deleted and counted["interviews"] == 2 and counted["turns"] > 10
        for table, n in counted.items():
            assert f"{table}" in dry.stdout and str(n) in dry.stdout
    finally:
        engine.dispose()


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    from typer.main import get_command

    from adapters.cli import app

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        for full in ([f"{name} {sub}" for sub in subcommands] if subcommands else [name]):
            assert f"`interview-bot {full}" in readme or f"`{full}" in readme, full


def test_python_m_settings_reference_prints_the_example() -> None:
    import subprocess

    result = subprocess.run([sys.executable, "-m", "bot.settings_reference"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == (ROOT / ".env.example").read_text()


@pytest.mark.parametrize("args", [("--help",), ("demo", "--help"), ("roles", "--help")])
def test_help_exits_zero(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert cli(*args, cwd=tmp_path).returncode == 0
