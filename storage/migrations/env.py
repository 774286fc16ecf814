"""Alembic environment: the engine comes from storage.db (no alembic.ini needed)."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import lock_migrations

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        lock_migrations(connection)  # replicas starting together take turns
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
