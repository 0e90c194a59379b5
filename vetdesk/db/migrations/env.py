"""Alembic environment: runs migrations on the engine passed in by vetdesk.db.migrate.

The same revisions run on SQLite (a county, or a city on one PC) and on PostgreSQL (the
city on a server). Only SQLite needs batch mode (it cannot ALTER constraints, so batch
operations copy the table) and the foreign-key pragmas around it; on PostgreSQL the
batch operations are plain ALTER TABLE statements, and DDL is transactional anyway.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from vetdesk.db import models  # noqa: F401  (registers the tables on Base.metadata)
from vetdesk.db.base import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection, *, batch: bool) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=batch,
        transaction_per_migration=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine: Engine = config.attributes["engine"]
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            _run(connection, batch=False)
            return
        # Batch mode copies tables; with foreign keys on, SQLite would cascade the
        # drop of the old table. The pragma only takes effect outside a transaction
        # (SQLite's 12-step ALTER procedure; alembic#345), so it is set before any.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        _run(connection, batch=True)
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
        if problems:
            raise RuntimeError(f"foreign key check failed after migration: {problems[:5]}")


run_migrations_online()
