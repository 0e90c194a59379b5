"""SQLite engine set-up: the connection settings every VetDesk connection gets."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vetdesk.db import fairness


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's own transaction handling emits BEGIN late and commits around DDL
    # (CPython bpo-10740); SQLAlchemy's documented recipe turns it off and emits
    # BEGIN itself in the "begin" event below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer and fewer fsyncs; FULL: a commit reported
    # to the user survives a power cut. Foreign keys are off by default in SQLite
    # and must be switched on for every connection.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


WRITE_OPTION = "vetdesk_write"


def _on_begin(connection: Any) -> None:
    # Writers take the write lock at the start (IMMEDIATE), so two writers queue
    # instead of one failing half-way through with SQLITE_BUSY; readers use a plain
    # deferred BEGIN so a long background read never blocks an edit.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # A read-only look at a possibly damaged file: no journal-mode change (it would
    # write, and fails on damaged schema pages), no -wal/-shm created beside it.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA query_only=ON")
    dbapi_connection.execute("PRAGMA busy_timeout=5000")


def _before_execute(*_args: Any) -> None:
    # A worker's statements, one after another, would keep the GUI thread from the GIL.
    fairness.share_the_gil()


def make_engine(path: Path | str, *, read_only: bool = False) -> Engine:
    """Create an engine on a database file with VetDesk's connection settings."""
    target = Path(path).resolve()
    if read_only:
        # SQLite's own URI with a quoted path ("#", "?" or "%" in a folder name cannot
        # break it), opened by a creator so that no URL parser touches it.
        uri = f"file:{quote(target.as_posix())}?mode=ro"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        )
        event.listen(engine, "connect", _on_connect_read_only)
        event.listen(engine, "begin", _on_begin)
        event.listen(engine, "before_cursor_execute", _before_execute)
        return engine
    url = f"sqlite:///{target.as_posix()}"
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "before_cursor_execute", _before_execute)
    return engine


def make_session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Return a session factory whose objects stay usable after commit (``write``: IMMEDIATE)."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return sessionmaker(bind, expire_on_commit=False)
