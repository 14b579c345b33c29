"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

`TEST_DATABASE_URL` names a PostgreSQL server; each test gets its own new database there,
created and dropped around the test. If it is set and unreachable, tests fail; they never
skip silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.console import ConsolePort
from bot.service import InterviewService
from bot.settings import FlowSettings, Settings
from storage.engine import make_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]

# Tests must never see a developer's real tokens or database.
for _name in ("DATABASE_URL", "OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
              "DISCORD_TOKEN", "ROLES_DIR"):
    os.environ.pop(_name, None)


def _new_pg_database() -> tuple[str, str]:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ib_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, sa.engine.make_url(PG_URL).set(database=name).render_as_string(False)


def _drop_pg_database(name: str) -> None:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    name, url = _new_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def memory_engine() -> Iterator[Engine]:
    """In-memory SQLite for tests that run many interviews and test no storage behaviour."""
    engine = make_engine("sqlite://")
    upgrade(engine)
    yield engine
    engine.dispose()


def make_settings(**flow: int) -> Settings:
    return Settings(flow=FlowSettings(**flow))


@pytest.fixture
def port() -> ConsolePort:
    return ConsolePort()


@pytest.fixture
def service(engine: Engine, port: ConsolePort) -> InterviewService:
    return InterviewService(engine=engine, port=port, settings=make_settings())
