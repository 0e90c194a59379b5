"""Alembic environment: runs migrations on the engine passed in by vetdesk.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from vetdesk.db import models  # noqa: F401  (registers the tables on Base.metadata)
from vetdesk.db.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine: Engine = config.attributes["engine"]
    with engine.connect() as connection:
        # Batch mode copies tables; with foreign keys on, SQLite would cascade the
        # drop of the old table. The pragma only takes effect outside a transaction
        # (SQLite's 12-step ALTER procedure; alembic#345), so it is set before any.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            transaction_per_migration=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
        if problems:
            raise RuntimeError(f"foreign key check failed after migration: {problems[:5]}")


run_migrations_online()
