"""Each mistake a new user or operator makes is one `error: ...` line naming what to fix, a
non-zero exit, and nothing written; checked before any work starts."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import BIN, assert_one_line_error, cli

NOBODY = 65534


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("env", "args", "words"), [
    ({"ROLES_DIR": "/nonexistent"}, ("roles", "list"), ("ROLES_DIR='/nonexistent'", "folder")),
    ({"ROLES_DIR": "/nonexistent"}, ("demo",), ("ROLES_DIR",)),
    ({"REMINDER_POLICY_OVERRIDES": "{bad"}, ("demo",),
     ("REMINDER_POLICY_OVERRIDES", "not valid JSON", "deadline_days")),
    ({"INTERVIEW_TECHNICAL_QUESTIONS": "0"}, ("demo",),
     ("INTERVIEW_TECHNICAL_QUESTIONS='0'", "from 1 to 20")),
    ({}, ("demo", "--json", "/nonexistent/dir/out.json"), ("--json", "/nonexistent/dir")),
    ({}, ("demo", "--json", "."), ("--json", "is a folder")),
    ({}, ("extend", "abcdef12", "--days", "1000"), ("--days", "from 0.5 to 60", "1000")),
    ({}, ("extend", "abcdef12", "--days", "0.1"), ("0.5 to 60",)),
    ({}, ("extend", "abcdef12"), ("--days", "--until")),
    ({}, ("roles", "new", "Not A Slug"), ("slug",)),
    ({}, ("run", "--slack", "--http", "--port", "70000"), ("--port",)),
])
def test_bad_input_is_one_line_before_any_work(tmp_path: Path, env: dict[str, str],
                                               args: tuple[str, ...],
                                               words: tuple[str, ...]) -> None:
    result = cli(*args, cwd=tmp_path, env=env)
    assert_one_line_error(result, *words)
    assert list(tmp_path.iterdir()) == []  # no database, no export, no role file


def test_postgres_url_without_the_driver_names_the_extra(tmp_path: Path) -> None:
    blocked = ("import sys; sys.modules['psycopg'] = None; sys.argv[0] = 'interview-bot'; "
               "from adapters.cli import app; app()")
    result = subprocess.run(
        [sys.executable, "-c", blocked, "demo"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": "postgresql+psycopg://bot@127.0.0.1:9/x",
             "COLUMNS": "200"}, timeout=120)
    assert_one_line_error(result, "interview-bot[postgres]")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ permissions


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="ib-perm-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user the file modes apply to: root ignores them, so under root the
    command runs as `nobody` (setpriv, util-linux)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"COLUMNS": "200", "TERM": "dumb", "HOME": str(cwd)})
    return subprocess.run([*prefix, str(BIN), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _make_database(folder: Path) -> Path:
    assert cli("db", "upgrade", cwd=folder).returncode == 0
    return folder / "interview-bot.sqlite3"


def test_read_only_database_file_is_one_line_and_untouched(shared_dir: Path) -> None:
    database = _make_database(shared_dir)
    database.chmod(0o444)
    shared_dir.chmod(0o777)  # the folder is writable: only the file is read-only
    before = _snapshot(shared_dir)
    result = as_unprivileged("demo", cwd=shared_dir)
    assert_one_line_error(result, "read-only", str(database), "DATABASE_URL")
    assert _snapshot(shared_dir) == before


def test_read_only_folder_still_serves_status_and_refuses_writes(shared_dir: Path) -> None:
    _make_database(shared_dir).chmod(0o666)  # the file is writable, its folder is not
    for name in os.listdir(shared_dir):  # as left by a stopped bot: no -wal/-shm files
        assert not name.endswith(("-wal", "-shm"))
    before = _snapshot(shared_dir)
    listed = as_unprivileged("status", "--all", cwd=shared_dir)
    assert listed.returncode == 0, listed.stderr
    assert "No interviews." in listed.stdout
    refused = as_unprivileged("purge", cwd=shared_dir)
    assert_one_line_error(refused, "cannot write in", "-wal")
    assert _snapshot(shared_dir) == before
    assert sorted(os.listdir(shared_dir)) == ["interview-bot.sqlite3"]
