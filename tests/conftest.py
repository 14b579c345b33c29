"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

`TEST_DATABASE_URL` names a PostgreSQL server; each test gets its own new database there,
created and dropped around the test. If it is set and unreachable, tests fail; they never
skip silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from adapters.console import ConsolePort
from bot.service import InterviewService
from bot.settings import FlowSettings, Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.scratch_database import scratch_database

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]

# Tests must never see a developer's real tokens or database.
for _name in ("DATABASE_URL", "OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
              "DISCORD_TOKEN", "ROLES_DIR"):
    os.environ.pop(_name, None)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with scratch_database(PG_URL, "ib_test") as url:
        yield url


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
