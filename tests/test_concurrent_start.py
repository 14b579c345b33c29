"""Three real processes starting at once on a fresh database all come up: migrations run
under a lock, once (`storage.migrate`). Before the lock, two demos on a fresh SQLite file
crashed with "table candidates already exists" and replicas on a fresh PostgreSQL with
`UniqueViolation pg_type_typname_nsp_index`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from storage.engine import make_engine
from storage.migrate import schema_is_current

PROCESSES = 3
# Each process imports everything first, says it is ready, then waits for the gate file, so
# the three reach the migration together instead of one finishing while another is still
# importing.
GATED_DEMO = """
import os, pathlib, sys, time
import adapters.commands.demo, bot.service, storage.migrate, storage.models  # warm imports
from adapters.cli import app
pathlib.Path(os.environ["START_GATE"] + "." + sys.argv[-1]).touch()  # ready
while not os.path.exists(os.environ["START_GATE"]):
    time.sleep(0.002)
sys.argv[0] = "interview-bot"
app()
"""


def test_three_processes_start_together_on_a_fresh_database(database_url: str,
                                                            tmp_path: Path) -> None:
    gate = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": database_url, "START_GATE": str(gate),
           "COLUMNS": "200", "TERM": "dumb"}
    processes = [
        subprocess.Popen([sys.executable, "-c", GATED_DEMO, "demo", "--seed", str(seed)],
                         cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for seed in range(PROCESSES)]
    deadline = time.monotonic() + 120
    while not all(Path(f"{gate}.{seed}").exists() for seed in range(PROCESSES)):
        assert all(p.poll() is None for p in processes), "a process died before the gate"
        assert time.monotonic() < deadline, "processes never became ready"
        time.sleep(0.01)
    gate.touch()
    results = [p.communicate(timeout=300) for p in processes]
    for process, (stdout, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr and "Interview id:" in stdout
    engine = make_engine(database_url)
    try:
        assert schema_is_current(engine)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM interviews")).scalar() == 3
            assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()
