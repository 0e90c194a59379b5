"""A cheap token of the data's version, so an open window sees another officer's change.

The token is the head of the audit log: the hash of its newest entry. Every change to the
data is chained into that log in the same transaction (:mod:`vetdesk.db.audit`), so the
head moves exactly when committed data moved, on SQLite and on PostgreSQL alike, and a
rolled-back write leaves it where it was. Reading it is one indexed row
(``ORDER BY id DESC LIMIT 1``), cheap enough to poll every few seconds.

Chosen over PostgreSQL's ``LISTEN/NOTIFY``: that needs a connection held open for
listening (outside the pool, to be re-established after every network hiccup) and a
trigger in the schema, works on PostgreSQL only, and a notice sent while the window was
not listening is lost; a SQLite file would still need polling. Polling the head works on
both engines, survives a dropped connection, and its cost is one small query.

A window must not reload after its own writes (that would redo work and lose the
person's place). Writes are serialised (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's
advisory transaction lock) and each one reads the head before chaining onto it, so a
transaction committed through a :class:`~vetdesk.db.database.Database` records the step
it made, ``head before → head after``, in that database's :class:`OwnWrites`.
:func:`check_version` follows those steps from the version a window last loaded: if they
lead to the current head, every change since was this process's own; otherwise another
process wrote.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.audit import GENESIS_HASH

if TYPE_CHECKING:
    from vetdesk.db.database import Database

# What a database without any audit entry (a new one) reports.
EMPTY_VERSION = GENESIS_HASH
# How long one read of the version may take on a server before it gives up (ms).
POLL_TIMEOUT_MS = 5000


class OwnWrites:
    """The steps this process moved a database's audit head: ``before → after`` (thread-safe)."""

    # Enough for hours of edits; an older step is only needed by a window that has not
    # polled for that long, and forgetting it costs a reload, never a missed change.
    LIMIT = 10_000

    def __init__(self) -> None:
        self._steps: dict[str, str] = {}
        self._mutex = threading.Lock()

    def record(self, before: str, after: str) -> None:
        """Note that one of this process's transactions moved the head from ``before`` to ``after``."""
        if before == after:
            return
        with self._mutex:
            if len(self._steps) >= self.LIMIT:
                self._steps.pop(next(iter(self._steps)))
            self._steps[before] = after

    def follow(self, version: str) -> str:
        """The head reached from ``version`` through this process's own writes alone."""
        seen = {version}
        with self._mutex:
            while (following := self._steps.get(version)) is not None and following not in seen:
                seen.add(following)
                version = following
        return version


@dataclass(frozen=True)
class VersionCheck:
    """The data's version now, and whether another process changed it since a known one."""

    current: str
    changed_elsewhere: bool


def data_version(db: Database) -> str:
    """The data's version token: the audit log's head hash (cheap; one indexed row)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # A poll must not hang on a stalled connection: the window's polling (and its
            # closing, which waits for background work) would hang with it.
            # LOCAL: the pooled connection must not keep the limit for a long merge later.
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {POLL_TIMEOUT_MS}")
        head = conn.execute(
            select(models.AuditEntry.entry_hash).order_by(models.AuditEntry.id.desc()).limit(1)
        ).scalar()
    return str(head) if head is not None else EMPTY_VERSION


def check_version(db: Database, known: str) -> VersionCheck:
    """Whether the data changed since ``known`` by another process's commit (not only ours)."""
    current = data_version(db)
    if current == known:
        return VersionCheck(current, changed_elsewhere=False)
    return VersionCheck(current, changed_elsewhere=db.own_writes.follow(known) != current)
