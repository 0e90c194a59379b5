"""Moving a city's database from its SQLite file to an empty PostgreSQL database.

Everything is copied row for row, ids included (the audit log's hash chain, the package
ledger and the keys' registry refer to them), in one transaction on the server after the
schema is built by the same migrations. Afterwards every table's row count is compared
and the audit chain is verified on the server; on any failure the tables created are
dropped again, leaving the server database empty as it was found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, func, insert, select, text
from sqlalchemy.orm import Session

from vetdesk.db.audit import verify_chain
from vetdesk.db.base import Base
from vetdesk.db.database import Database, build_server_schema, open_database
from vetdesk.db.location import ServerUrl
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _

_BATCH = 5000


class TransferFailed(InputRejected):
    """The copy did not check out: the server database was emptied again."""

    code = "migrate_db_failed"


@dataclass(frozen=True)
class TransferResult:
    """What was copied: rows per table, and the audit log's length."""

    rows: dict[str, int]
    audit_entries: int


def migrate_to_server(
    source: Path, target: ServerUrl, *, progress: Callable[[str], object] | None = None
) -> TransferResult:
    """Copy a city's SQLite database into an empty PostgreSQL database and check the copy."""
    from vetdesk.db import postgres

    city = open_database(source)  # brings the file to the newest schema first (with a backup)
    try:
        if not city.info().is_city:
            raise UsageError(
                _("只有市级数据库可以迁移到 PostgreSQL；{name} 是县区数据库。").format(
                    name=source.name
                )
            )
        engine = postgres.make_server_engine(target)
        try:
            postgres.check_connection(engine, target)
            server = Database(target, engine)
            with server.guarded_write("migrate-db"):
                build_server_schema(engine, target)
                try:
                    return _copy_and_check(city, engine, progress)
                except BaseException:
                    _drop_everything(engine)
                    raise
        finally:
            engine.dispose()
    finally:
        city.close()


def _copy_and_check(
    city: Database, engine: Engine, progress: Callable[[str], object] | None
) -> TransferResult:
    counts: dict[str, int] = {}
    with city.engine.connect() as src, engine.begin() as dst:
        for table in Base.metadata.sorted_tables:  # parents before children
            copied = 0
            result = src.execution_options(stream_results=True).execute(select(table))
            while rows := result.mappings().fetchmany(_BATCH):
                dst.execute(insert(table), [dict(row) for row in rows])
                copied += len(rows)
            counts[table.name] = copied
            if progress is not None:
                progress(f"{table.name}: {copied}")
        _advance_sequences(dst)
    problems = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            found = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if found != counts[table.name]:
                problems.append(f"{table.name}: {counts[table.name]} → {found}")
    if problems:
        raise TransferFailed(
            _("复制后行数不一致（{details}），PostgreSQL 数据库已清空，原文件未改动。").format(
                details="；".join(problems)
            )
        )
    with Session(engine) as session:
        broken = verify_chain(session)
    if broken is not None:
        raise TransferFailed(
            _(
                "复制后审计日志的校验链在第 {id} 条断开，PostgreSQL 数据库已清空，原文件未改动。"
            ).format(id=broken)
        )
    return TransferResult(counts, counts.get("audit_log", 0))


def _advance_sequences(conn: Connection) -> None:
    # Rows were inserted with their ids, which does not move a serial column's sequence:
    # without this the server's next insert would collide with a copied id.
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is not True and not (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar_one()
            if sequence is None:
                continue
            conn.execute(
                text(
                    f'SELECT setval(:seq, coalesce((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)'
                ),
                {"seq": sequence},
            )


def _drop_everything(engine: Engine) -> None:
    # The database was empty before: whatever is in it now is ours to remove.
    with engine.begin() as conn:
        existing = MetaData()
        existing.reflect(conn)
        existing.drop_all(conn)
