"""Alembic environment: the engine comes from `storage.migrate`, the metadata from the models.

The whole upgrade is one transaction that starts by taking the schema lock
(`storage.migrate.lock_for_migration`), so concurrent first starts migrate once."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401 - registers every table on SQLModel.metadata
from storage.migrate import lock_for_migration

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        lock_for_migration(connection)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run `interview-bot db upgrade`")
run_migrations_online()
