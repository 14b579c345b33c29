"""The `interview-bot` command as a user runs it: a real subprocess in a scratch folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.report import SECTION_TITLES

BIN = Path(sys.executable).parent / "interview-bot"
REFERENCE = Path(__file__).parent / "data" / "seed-interview-transcript.txt"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
        stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update({"COLUMNS": "200", "TERM": "dumb", **(env or {})})
    return subprocess.run([str(BIN), *args], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_demo_runs_a_whole_interview_and_writes_the_export(tmp_path: Path) -> None:
    result = cli("demo", "--json", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for title in SECTION_TITLES.values():
        assert title in result.stdout
    assert "Brain: offline" in result.stdout
    assert (tmp_path / "interview-bot.sqlite3").exists()
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["interview"]["status"] == "completed"
    asked = [t for t in data["turns"] if t["kind"] in ("greeting", "project", "technical")]
    assert len(data["scores"]) == len(asked) >= 6
    assert set(SECTION_TITLES) <= set(data["report"])

    exported = cli("export", data["interview"]["id"][:8], cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["interview"]["id"] == data["interview"]["id"]
    markdown = cli("export", data["interview"]["id"], "--format", "markdown", cwd=tmp_path)
    assert "## Transcript" in markdown.stdout and "### Overall Recommendation" in markdown.stdout


def test_interactive_demo_takes_typed_answers(tmp_path: Path) -> None:
    answers = "\n".join(["I'm a DBA with 8 years of PostgreSQL.", "pause"]) + "\n"
    result = cli("demo", "--interactive", cwd=tmp_path, stdin=answers)
    assert result.returncode == 0, result.stderr
    assert "paused" in result.stdout


@pytest.mark.parametrize(("args", "words"), [
    (("demo", "--seed", "abc"), ("--seed", "abc")),
    (("demo", "--role", "astronaut"), ("astronaut", "database-administrator")),
    (("demo", "--profile", "genius"), ("genius", "strong")),
    (("export", "0123456789abcdef"), ("no database",)),
    (("evaluate", "missing.txt"), ("no such file",)),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args: tuple[str, ...],
                                                  words: tuple[str, ...]) -> None:
    result = cli(*args, cwd=tmp_path)
    assert_one_line_error(result, *words)
    assert list(tmp_path.iterdir()) == []


def test_export_of_unknown_id_in_an_existing_database(tmp_path: Path) -> None:
    assert cli("db", "upgrade", cwd=tmp_path).returncode == 0
    before = (tmp_path / "interview-bot.sqlite3").stat().st_size
    assert_one_line_error(cli("export", "ffffffffffff", cwd=tmp_path), "ffffffffffff")
    assert (tmp_path / "interview-bot.sqlite3").stat().st_size == before


def test_unreachable_database_url(tmp_path: Path) -> None:
    result = cli("demo", cwd=tmp_path,
                 env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    assert_one_line_error(result, "cannot connect", "127.0.0.1:9")


def test_empty_transcript(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    assert_one_line_error(cli("evaluate", "empty.txt", cwd=tmp_path), "empty")


def test_malformed_role_yaml_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "broken-role.yaml"
    bad.write_text("name: broken-role\ntitle: Broken\nquestions:\n  - id: q1\n    topic: x\n")
    result = cli("roles", "validate", str(bad), cwd=tmp_path)
    assert result.returncode != 0
    assert f"{bad}:" in result.stderr and "questions[0]" in result.stderr


def test_roles_list_and_show(tmp_path: Path) -> None:
    listed = cli("roles", "list", cwd=tmp_path)
    for name in ("database-administrator", "backend-engineer", "data-analyst",
                 "site-reliability-engineer"):
        assert name in listed.stdout
    shown = cli("roles", "show", "database-administrator", cwd=tmp_path)
    assert "DataCore Solutions" in shown.stdout


def test_evaluate_reference_transcript(tmp_path: Path) -> None:
    result = cli("evaluate", str(REFERENCE), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ids = [s["question_id"] for s in data["scores"]]
    assert ids[:2] == ["intro", "project"] and len(ids) == 5
    assert all(1 <= s["score"] <= 5 and s["evidence"] for s in data["scores"])
    gaps = " ".join(data["report"]["areas_for_development"])
    assert "Relies on the same story" in gaps
    assert "restatements of their own experience" in gaps
    markdown = cli("evaluate", str(REFERENCE), cwd=tmp_path).stdout
    for title in SECTION_TITLES.values():
        assert title in markdown


def test_demo_with_a_malformed_role_file_is_one_line(tmp_path: Path) -> None:
    roles = tmp_path / "roles"
    roles.mkdir()
    (roles / "broken-role.yaml").write_text("name: broken-role\ntitle: [unclosed\n")
    result = cli("demo", "--role", "broken-role", cwd=tmp_path,
                 env={"ROLES_DIR": str(roles)})
    assert_one_line_error(result, "broken-role.yaml:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roles"]
