"""Candidate text at rest: the SQLite files and `demo --json` are owner-only, and after
`forget` or the retention purge no byte of the erased text is left in the database file or
its write-ahead log, while the bot is still running (the engine still open).

These tests read SQLite's files, so they run on a SQLite file: PostgreSQL's data files
belong to the server (the README says what that means for erasure)."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from adapters.console import ConsolePort
from bot.service import InterviewService
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.conftest import make_settings
from tests.helpers import cached_words, remembers, start
from tests.test_reminders import make_world

SECRET = "my grandmother's maiden name is Zyxwvutsrqponm and my PIN is 4711"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def holds(path: Path, text: str) -> bool:
    data = path.read_bytes()
    return any(part.encode() in data for part in (text, text[:24], text[-24:]))


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def like_default_build(engine: sa.engine.Engine) -> sa.engine.Engine:
    """SQLite's default build has `secure_delete` off (this machine's may have it on): each
    new connection starts with it off, before the engine's own settings run."""
    def default_build(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_connection.execute("PRAGMA secure_delete=OFF")

    sa.event.listen(engine, "connect", default_build, insert=True)
    return engine


async def test_database_and_its_wal_and_shm_are_owner_only(sqlite_file: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    try:
        upgrade(engine)
        service = InterviewService(engine=engine, port=ConsolePort(), settings=make_settings())
        await (await start(service)).say("Hello, I'm Ada.")
        files = database_files(sqlite_file)
        assert {p.name for p in files} == {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"}
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        engine.dispose()


def test_a_database_an_older_version_left_world_readable_is_tightened(
        sqlite_file: Path) -> None:
    sqlite_file.touch(mode=0o644)
    sqlite_file.chmod(0o644)
    wal = Path(f"{sqlite_file}-wal")
    wal.touch()
    wal.chmod(0o644)
    make_engine(f"sqlite:///{sqlite_file}").dispose()
    assert mode(sqlite_file) == 0o600 and mode(wal) == 0o600


def test_demo_json_is_owner_only_even_over_an_existing_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.cli import app

    out = tmp_path / "out.json"
    out.write_text("{}")
    out.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    result = CliRunner().invoke(app, ["demo", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600 and '"turns"' in out.read_text()
    assert mode(tmp_path / "demo.sqlite3") == 0o600


def test_secure_delete_is_on_for_every_connection(sqlite_file: Path) -> None:
    engine = like_default_build(make_engine(f"sqlite:///{sqlite_file}"))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        engine.dispose()


async def test_forget_leaves_no_byte_of_the_erased_text_in_any_file(sqlite_file: Path) -> None:
    engine = like_default_build(make_engine(f"sqlite:///{sqlite_file}"))
    try:
        upgrade(engine)
        service = InterviewService(engine=engine, port=ConsolePort(), settings=make_settings())
        gone = await start(service, candidate_id="U-gone")
        await gone.say(SECRET)
        await gone.say(SECRET.upper())
        await service.finish(gone.started.interview_id, partial=True)
        kept = await start(service, candidate_id="U-kept")
        await kept.say("I'm the other candidate, Grace.")
        assert any(holds(p, SECRET) for p in database_files(sqlite_file))  # it was written

        assert remembers(SECRET)  # the scorer kept the message

        await service.forget_candidate("U-gone")

        assert cached_words() == 0  # nor a copy in the scorer's memory
        assert not [p.name for p in database_files(sqlite_file) if holds(p, SECRET)]
        assert not [p.name for p in database_files(sqlite_file) if holds(p, SECRET.upper())]
        with engine.connect() as conn:  # the bot carries on with the other candidate
            texts = conn.execute(sa.text("SELECT text FROM turns")).scalars().all()
        assert "I'm the other candidate, Grace." in texts
    finally:
        engine.dispose()


async def test_retention_purge_leaves_no_byte_of_the_purged_text(sqlite_file: Path) -> None:
    engine = like_default_build(make_engine(f"sqlite:///{sqlite_file}"))
    try:
        upgrade(engine)
        world = make_world(engine)
        world.service.settings.retention_days = 30
        old = await world.start(candidate_id="U-old")
        await old.say(SECRET)
        await world.service.cancel(old.started.interview_id, actor="R1")
        world.clock.advance(timedelta(days=31))
        assert any(holds(p, SECRET) for p in database_files(sqlite_file))

        assert remembers(SECRET)

        assert (await world.sweeper.purge())["interviews"] == 1

        assert cached_words() == 0
        assert not [p.name for p in database_files(sqlite_file) if holds(p, SECRET)]
    finally:
        engine.dispose()
