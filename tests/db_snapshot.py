"""An engine-neutral picture of a database's contents, for "nothing was written" checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vetdesk.db.base import Base
from vetdesk.db.database import Database


def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (SQLite or PostgreSQL)."""
    picture: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            picture[table.name] = [tuple(row) for row in rows]
    return picture


def unchanged_token(db: Database) -> object:
    """What must stay equal when nothing was written: a file's bytes, a server's rows."""
    if db.on_server:
        return contents(db)
    with sqlite3.connect(db.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(db.path).read_bytes()
