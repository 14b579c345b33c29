"""The Alembic history builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401 - registers the tables
from adapters.console import ConsolePort
from bot.service import InterviewService
from storage.migrate import alembic_config, current_revision
from tests.conftest import make_settings
from tests.helpers import start


def test_migrations_match_the_models(engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) is not None


def test_downgrade_to_base_and_back(engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(engine), "head")
    assert {"interviews", "turns", "reminders", "processed_events"} <= set(
        inspect(engine).get_table_names())


async def test_upgrading_numbers_existing_interviews_from_their_turns(engine) -> None:
    service = InterviewService(engine=engine, port=ConsolePort(), settings=make_settings())
    cand = await start(service)
    await cand.say("I'm Ada, a DBA with eight years of PostgreSQL.")
    command.downgrade(alembic_config(engine), "0002")  # before the turn counter existed
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT last_turn_seq FROM interviews")).scalar() == 3
    [reply] = await cand.say("At Enterprise Solutions I cut a report's run time by 60%.")
    assert reply.turn_id is not None  # the next turn took number 4 without a collision
