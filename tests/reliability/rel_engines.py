"""The city database of a reliability test on either engine: fresh copies, digests and checks.

A store hands out private copies of one base city database (a file copied on SQLite, a
database made from a template on PostgreSQL, as the ``demo_city_target`` fixture does)
and judges what an operation left in a copy: its content digest, its integrity, its
audit chain, and whether the write lock is free again. The crash and fault tests run
the same scenario through either store, so both engines meet the same checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rel_helpers import (
    audit_chain_break,
    content_digest,
    copy_db,
    integrity_problems,
    lock_is_free,
    table_digests,
)

if TYPE_CHECKING:
    from pg_server import ThrowawayServer

# The same rule as rel_helpers.table_digests: moments differ between two runs of one
# operation, and the audit log's hashes embed them, so only what was audited counts.
_VOLATILE_TYPES = ("DATETIME", "TIMESTAMP")
_AUDIT_COLUMNS = ("action", "table_name", "record_key", "field")
# A killed client's backend lives on until the server notices the connection gone, and
# its session advisory lock with it: how long to wait for that before calling it held.
LOCK_RELEASE_WAIT_S = 60.0


@dataclass
class SqliteStore:
    """Copies of a city database file."""

    base: Path
    engine: str = "sqlite"

    def fresh(self, folder: Path) -> str:
        """A private copy of the base database in ``folder``."""
        return str(copy_db(self.base, folder / self.base.name))

    def discard(self, target: str) -> None:
        """Forget a copy (its folder is removed by the caller)."""

    def tables(self, target: str, ignore: Iterable[str] = ()) -> dict[str, str]:
        """A digest per table of the canonical content."""
        return table_digests(Path(target), ignore)

    def digest(self, target: str, ignore: Iterable[str] = ()) -> str:
        """One digest of the canonical content."""
        return content_digest(Path(target), ignore)

    def problems(self, target: str) -> list[str]:
        """What integrity_check and foreign_key_check report."""
        return integrity_problems(Path(target))

    def audit_break(self, target: str) -> int | None:
        """The first audit entry whose hash chain is broken, or None."""
        return audit_chain_break(Path(target))

    def lock_free(self, target: str) -> bool:
        """Whether another process could take the database's VetDesk lock now."""
        return lock_is_free(Path(target))

    def injected_error(self) -> Exception:
        """The driver's error, as a failing statement would raise it."""
        return sqlite3.OperationalError("injected")


@dataclass
class ServerStore:
    """Copies of a city database on the throwaway PostgreSQL server (CREATE DATABASE … TEMPLATE)."""

    server: ThrowawayServer
    template: str
    engine: str = "postgresql"

    def fresh(self, folder: Path) -> str:
        """The URL of a new database copied from the template."""
        return self.server.url(self.server.create_database("rel", template=self.template))

    def discard(self, target: str) -> None:
        """Drop a copy, ending any backend still connected to it."""
        self.server.drop_database(_name(target))

    def tables(self, target: str, ignore: Iterable[str] = ()) -> dict[str, str]:
        """A digest per table of the canonical content, by the SQLite digest's rules.

        But without ids drawn from a sequence, nor the foreign keys holding them: a
        sequence is not rolled back with its transaction, so a merge run again after a
        killed one gives the same rows other ids.
        """
        from sqlalchemy import inspect, text

        skipped = set(ignore)
        engine = _engine(target)
        result: dict[str, str] = {}
        try:
            with engine.connect() as conn:
                inspector = inspect(conn)
                names = sorted(inspector.get_table_names())
                drawn = {
                    (table, str(c["name"]))
                    for table in names
                    for c in inspector.get_columns(table)
                    if c.get("identity") or "nextval(" in str(c.get("default") or "")
                }
                for table in names:
                    for fk in inspector.get_foreign_keys(table):
                        for mine, theirs in zip(
                            fk["constrained_columns"], fk["referred_columns"], strict=True
                        ):
                            if (fk["referred_table"], theirs) in drawn:
                                skipped.add(f"{table}.{mine}")
                skipped |= {f"{table}.{column}" for table, column in drawn}
                id_keys = _id_keyed(drawn, skipped)
                for table in names:
                    info = inspector.get_columns(table)
                    if table == "audit_log":
                        columns = [c for c in _AUDIT_COLUMNS if any(i["name"] == c for i in info)]
                    else:
                        columns = [
                            str(i["name"])
                            for i in info
                            if not str(i["type"]).upper().startswith(_VOLATILE_TYPES)
                            and f"{table}.{i['name']}" not in skipped
                        ]
                    quoted = ", ".join(f'"{c}"' for c in columns)
                    rows = sorted(
                        json.dumps(
                            [_without_id(v, id_keys) if table == "audit_log" else v for v in r],
                            ensure_ascii=False,
                            default=repr,
                        )
                        for r in conn.execute(text(f'SELECT {quoted} FROM "{table}"'))
                    )
                    digest = hashlib.sha256("\n".join([quoted, *rows]).encode()).hexdigest()
                    result[table] = f"{len(rows)}:{digest[:16]}"
        finally:
            engine.dispose()
        return result

    def digest(self, target: str, ignore: Iterable[str] = ()) -> str:
        """One digest of the canonical content."""
        blob = json.dumps(self.tables(target, ignore), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:20]

    def problems(self, target: str) -> list[str]:
        """Constraints the server holds but has not validated (it checks every row it writes)."""
        from sqlalchemy import text

        engine = _engine(target)
        try:
            with engine.connect() as conn:
                return [
                    f"constraint not validated: {r[0]}"
                    for r in conn.execute(
                        text("SELECT conname FROM pg_constraint WHERE NOT convalidated")
                    )
                ]
        finally:
            engine.dispose()

    def audit_break(self, target: str) -> int | None:
        """The first audit entry whose hash chain is broken, or None."""
        from sqlalchemy.orm import Session

        from vetdesk.db.audit import verify_chain

        engine = _engine(target)
        try:
            with Session(engine) as session:
                return verify_chain(session)
        finally:
            engine.dispose()

    def lock_free(self, target: str) -> bool:
        """Whether a new writer gets the advisory lock, once the server has ended dead backends.

        A killed client's backend (and its locks) outlives it by a moment: wait until no
        advisory lock is held in this database, then take the write lock as a merge would.
        """
        from sqlalchemy import text

        from vetdesk.db.database import open_database
        from vetdesk.db.lock import DatabaseInUse

        held = text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        engine = _engine(target)
        deadline = time.monotonic() + LOCK_RELEASE_WAIT_S
        try:
            while True:
                with engine.connect() as conn:
                    if conn.execute(held).scalar_one() == 0:
                        break
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
        finally:
            engine.dispose()
        db = open_database(target, upgrade=False)
        try:
            with db.guarded_write("reliability check"), db.transaction():
                pass
        except DatabaseInUse:
            return False
        finally:
            db.close()
        return True

    def injected_error(self) -> Exception:
        """The driver's error, as a failing statement would raise it."""
        import psycopg

        return psycopg.OperationalError("injected")


Store = SqliteStore | ServerStore


def _id_keyed(drawn: set[tuple[str, str]], skipped: set[str]) -> set[str]:
    """The tables whose audit record keys end in an id drawn from a sequence."""
    from vetdesk.db.audit import _NAMED_BY  # the records named by one of their columns

    # A record without a natural key is "table:id"; one named by a foreign key ends in it
    # (a graduate destination: "graduate_destinations:<school code>:<year>:<schools.id>").
    tables = {table for table, column in drawn if column == "id"}
    tables |= {
        str(model.__tablename__)
        for model, column in _NAMED_BY.items()
        if f"{model.__tablename__}.{column}" in skipped
    }
    return tables


def _without_id(value: object, id_keys: set[str]) -> object:
    if isinstance(value, str):
        match = re.fullmatch(r"(\w+):(.*:)?\d+", value)
        if match and match.group(1) in id_keys:
            return value[: value.rfind(":")] + ":#"
    return value


def _name(url: str) -> str:
    return url.split("@/", 1)[1].split("?", 1)[0]


def _engine(url: str) -> Any:
    """A plain engine on a server database, outside VetDesk (no audit, no locks)."""
    import psycopg
    from sqlalchemy import create_engine

    return create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url))


def server_city_template(server: ThrowawayServer, source: Path, folder: Path) -> str:
    """A template database on the server holding a copy of the city file ``source``.

    Copied by ``migrate-db``'s code, ids and audit chain included, so both engines start
    from the same city.
    """
    from vetdesk.db.location import ServerUrl, parse_target
    from vetdesk.db.transfer import migrate_to_server

    name = server.create_database("rel_city")
    target = parse_target(server.url(name))
    assert isinstance(target, ServerUrl)
    migrate_to_server(copy_db(source, folder / source.name), target)
    return name
