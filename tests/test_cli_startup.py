"""`--help`, `--version` and shell completion load typer and nothing of the stack: the
commands import their work when they run (`adapters/cli.py`). Timings are in
`bench/bench_cli_startup.py`; this guards what is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The stack, and what typer's rich help would pull in (rich.markdown -> pygments).
NOT_FOR_PARSING = ("sqlalchemy", "alembic", "sqlmodel", "numpy", "rank_bm25", "pygments",
                   "yaml", "psycopg", "apscheduler", "openai", "aiohttp", "slack_bolt",
                   "slack_sdk", "discord", "bot", "storage", "adapters.commands",
                   "adapters.console", "pydantic_settings")
PROBE = """
import json, sys
sys.argv = ["interview-bot", *json.loads(sys.argv[1])]
from adapters.cli import app
try:
    app()
except SystemExit:
    pass
print("\\n" + json.dumps(sorted(sys.modules)))
"""


def loaded_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "100", **(env or {})})
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules
                  if any(m == root or m.startswith(root + ".") for root in NOT_FOR_PARSING))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["roles", "--help"],
                                  ["db", "--help"]])
def test_help_and_version_import_nothing_of_the_stack(args: list[str]) -> None:
    assert heavy(loaded_after(args)) == []


@pytest.mark.parametrize("args", [["demo", "--help"], ["run", "--help"],
                                  ["roles", "new", "--help"]])
def test_a_commands_help_imports_nothing_of_the_stack(args: list[str]) -> None:
    """Typer before 0.2x formats an option's help through its rich module (and so pygments)
    even in plain mode: that is typer's cost at the dependency floor, not the stack's."""
    assert [m for m in heavy(loaded_after(args)) if not m.startswith("pygments")] == []


def test_completing_a_command_name_imports_nothing_of_the_stack(tmp_path: Path) -> None:
    modules = loaded_after([], env={"_INTERVIEW_BOT_COMPLETE": "complete_bash",
                                    "COMP_WORDS": "interview-bot st", "COMP_CWORD": "1"})
    assert heavy(modules) == []


def test_a_real_command_does_import_its_work() -> None:
    """The probe itself can see imports: `roles list` loads the role library."""
    assert "bot.roles" in loaded_after(["roles", "list"])
