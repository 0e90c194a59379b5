"""The audit log: every change to the data, hash-chained.

A ``before_flush`` listener turns the session's pending inserts, updates and deletes
into :class:`~vetdesk.db.models.AuditEntry` rows in the same transaction, so the log
can never disagree with the data. 身份证号 are masked before they reach the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.base import Base
from vetdesk.db.bulk import insert_rows
from vetdesk.domain.identifiers import mask_id_number

GENESIS_HASH = "0" * 64
OPERATOR_KEY = "operator"
# Tables whose changes are audited, and the columns left out of the log.
_AUDITED: dict[type[Base], frozenset[str]] = {
    models.School: frozenset({"id"}),
    models.SchoolCondition: frozenset({"id", "school_id", "period_id"}),
    models.Teacher: frozenset({"id", "school_id", "period_id"}),
    models.EnterprisePractice: frozenset({"id", "teacher_id"}),
    models.TrainingProgramme: frozenset({"id", "school_id", "period_id"}),
    models.Period: frozenset({"id"}),
    models.WarningExplanation: frozenset({"id", "period_id"}),
    models.RuleSetRecord: frozenset({"id", "content"}),
    models.DatabaseInfo: frozenset({"id"}),
    models.SigningKey: frozenset({"id"}),
    models.TrustedKey: frozenset({"id"}),
    models.PackageExport: frozenset({"id"}),
    models.PackageLedger: frozenset({"id"}),
    # A refusal changes the status board, and another officer's window follows the log.
    models.PackageRejection: frozenset({"id"}),
    models.TaskImport: frozenset({"id"}),
    models.TaskIssue: frozenset({"id"}),
    models.Major: frozenset({"id", "school_id", "period_id"}),
    models.CooperatingEnterprise: frozenset({"id", "school_id", "period_id"}),
    models.CertificatePilot: frozenset({"id", "school_id", "period_id"}),
    models.GraduateDestination: frozenset({"id", "school_id", "period_id"}),
    models.TrainingBase: frozenset({"id", "school_id", "period_id"}),
    models.TargetProgress: frozenset({"id", "period_id"}),
}
# The column that names a record of the per-school ten-measure tables in the log.
_NAMED_BY = {
    models.Major: "major_code",
    models.CooperatingEnterprise: "name",
    models.CertificatePilot: "certificate",
    models.GraduateDestination: "school_id",
    models.TrainingBase: "name",
}
_MASKED = frozenset({"id_number"})
# The audit head before a transaction's first entry and after its last: the step this
# transaction moves the head (vetdesk.db.data_version tells own writes from others' by it).
# Kept until the outermost transaction ends (the chain cache below is dropped at savepoints).
TXN_HEAD_BEFORE = "_audit_txn_head_before"
TXN_HEAD_AFTER = "_audit_txn_head_after"
_AUDIT_TABLE = cast(Table, models.AuditEntry.__table__)
# Log rows sent per INSERT: a long import's entries are never all held as parameter dicts.
_INSERT_BATCH = 5000
_LOGGED_COLUMNS: dict[type[Base], tuple[str, ...]] = {}
# One log entry: action, table, record key, field, old value, new value.
AuditChange = tuple[str, str, str, str, str | None, str | None]
_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
# A model's logged columns with whether each is masked, for snapshots of plain values.
_SNAPSHOT_COLUMNS: dict[type[Base], tuple[tuple[str, bool], ...]] = {}


def _text(column: str, value: Any) -> str | None:
    if value is None:
        return None
    if column in _MASKED:
        return mask_id_number(str(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def record_key(session: Session, obj: Any) -> str:
    """A readable, stable key of a record: what a person would call it."""
    with session.no_autoflush:
        if isinstance(obj, models.School):
            return f"school:{obj.school_code}"
        if isinstance(obj, models.Period):
            return f"period:{obj.year}"
        if isinstance(obj, models.SchoolCondition | models.Teacher | models.TrainingProgramme):
            school = session.get(models.School, obj.school_id)
            period = session.get(models.Period, obj.period_id)
            code = school.school_code if school else str(obj.school_id)
            year = period.year if period else obj.period_id
            if isinstance(obj, models.SchoolCondition):
                return f"condition:{code}:{year}"
            if isinstance(obj, models.Teacher):
                return f"teacher:{code}:{year}:{mask_id_number(obj.id_number)}"
            return f"training:{code}:{year}:{obj.name}"
        named_by = _NAMED_BY.get(type(obj))
        if named_by is not None:
            school = session.get(models.School, obj.school_id)
            period = session.get(models.Period, obj.period_id)
            code = school.school_code if school else str(obj.school_id)
            year = period.year if period else obj.period_id
            return f"{type(obj).__tablename__}:{code}:{year}:{getattr(obj, named_by)}"
        if isinstance(obj, models.TargetProgress):
            return f"target:{obj.target_id}"
        if isinstance(obj, models.EnterprisePractice):
            teacher = session.get(models.Teacher, obj.teacher_id)
            owner = mask_id_number(teacher.id_number) if teacher else str(obj.teacher_id)
            return f"practice:{owner}:{obj.start_date}"
        if isinstance(obj, models.WarningExplanation):
            return f"explanation:{obj.rule_id}:{obj.record_key}:{obj.field}"
        if isinstance(obj, models.SigningKey | models.TrustedKey):
            return f"key:{obj.key_id}"
        if isinstance(obj, models.PackageExport):
            return f"package:{obj.period_year}:{obj.seq}"
        if isinstance(obj, models.PackageLedger):
            return f"package:{obj.unit_code}:{obj.period_year}:{obj.seq}"
        if isinstance(obj, models.PackageRejection):
            return f"rejection:{obj.unit_code}:{obj.period_year}:{obj.seq}"
        if isinstance(obj, models.TaskImport | models.TaskIssue):
            return f"task:{obj.period_year}:{obj.seq}"
        if isinstance(obj, models.RuleSetRecord):
            return f"ruleset:{obj.ruleset_id}:{obj.version}"
        return f"{type(obj).__tablename__}:{getattr(obj, 'id', '?')}"


def entry_hash(prev_hash: str, entry: models.AuditEntry) -> str:
    """The hash of an entry, chained to the previous one."""
    return _chained_hash(
        prev_hash,
        entry.at,
        entry.operator,
        entry.action,
        entry.table_name,
        entry.record_key,
        entry.field,
        entry.old_value,
        entry.new_value,
    )


def _chained_hash(prev_hash: str, at: dt.datetime, *content: str | None) -> str:
    return _chain_digest(prev_hash, at.isoformat(), content)


def _chain_digest(prev_hash: str, at: str, content: tuple[str | None, ...]) -> str:
    # What json.dumps with these options writes, by one encoder made once (dumps builds
    # a new one per call when given options; the log hashes an entry per changed row).
    text = _CHAIN_JSON.encode([prev_hash, at, *content])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _logged_columns(model: type[Base]) -> tuple[str, ...]:
    # The mapper's column list is rebuilt on every access: looked up once per model, since
    # a bulk import or merge logs tens of thousands of rows.
    columns = _LOGGED_COLUMNS.get(model)
    if columns is None:
        excluded = _AUDITED[model]
        columns = tuple(
            attr.key for attr in inspect(model).column_attrs if attr.key not in excluded
        )
        _LOGGED_COLUMNS[model] = columns
    return columns


def _snapshot(obj: Any) -> str:
    values = {key: _text(key, getattr(obj, key)) for key in _logged_columns(type(obj))}
    return _SNAPSHOT_JSON.encode(values)


def _changes(session: Session) -> Iterable[AuditChange]:
    for obj in list(session.new):
        excluded = _AUDITED.get(type(obj))
        if excluded is not None:
            yield (
                "insert",
                obj.__tablename__,
                record_key(session, obj),
                "",
                None,
                _snapshot(obj),
            )
    for obj in list(session.dirty):
        excluded = _AUDITED.get(type(obj))
        if excluded is None or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        key = record_key(session, obj)
        for attr in state.mapper.column_attrs:
            if attr.key in excluded:
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            yield (
                "update",
                obj.__tablename__,
                key,
                attr.key,
                _text(attr.key, old),
                _text(attr.key, new),
            )
    for obj in list(session.deleted):
        excluded = _AUDITED.get(type(obj))
        if excluded is not None:
            yield (
                "delete",
                obj.__tablename__,
                record_key(session, obj),
                "",
                _snapshot(obj),
                None,
            )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    append_entries(session, list(_changes(session)))


def append_entries(session: Session, changes: list[AuditChange]) -> None:
    """Chain entries (action, table, record key, field, old, new) into the log in bulk INSERTs.

    The ORM hook uses it for the session's changes; bulk writes that bypass the ORM
    (the merge's Core statements) call it with the same entries the hook would make.
    """
    if not changes:
        return
    operator = str(session.info.get(OPERATOR_KEY, ""))
    with session.no_autoflush:
        prev = session.info.get("_audit_last_hash")
        if prev is None:
            _queue_for_the_chain(session)
            prev = (
                session.scalar(
                    select(models.AuditEntry.entry_hash)
                    .order_by(models.AuditEntry.id.desc())
                    .limit(1)
                )
                or GENESIS_HASH
            )
    session.info.setdefault(TXN_HEAD_BEFORE, prev)
    now = dt.datetime.now().replace(microsecond=0)
    at = now.isoformat()
    rows: list[dict[str, Any]] = []
    for action, table, key, field, old, new in changes:
        digest = _chain_digest(prev, at, (operator, action, table, key, field, old, new))
        rows.append(
            {
                "at": now,
                "operator": operator,
                "action": action,
                "table_name": table,
                "record_key": key,
                "field": field,
                "old_value": old,
                "new_value": new,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
        if len(rows) == _INSERT_BATCH:
            _insert_entries(session, rows)
            rows = []
    _insert_entries(session, rows)
    session.info["_audit_last_hash"] = session.info[TXN_HEAD_AFTER] = prev


def _queue_for_the_chain(session: Session) -> None:
    # A session opened without write=True that still writes (any service, now or later)
    # must not read the chain's head while another writer appends to it: on SQLite its
    # write fails as a stale snapshot (WAL), but PostgreSQL's READ COMMITTED would let it
    # chain onto an old head and fork the log. Taking the writers' lock here, before the
    # head is read, makes every appending transaction queue; a write session already
    # holds it (the lock is re-entrant within a transaction).
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Local: psycopg loads only for a database on a server.
        from vetdesk.db.postgres import take_write_transaction_lock

        take_write_transaction_lock(connection)


def _insert_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    # One executemany INSERT instead of an ORM object per entry: an import of 60 000 rows
    # spent a third of its time building AuditEntry objects. Same transaction, same order.
    # Into the table, not the mapped class: the ORM's bulk path costs ~50 µs more per row.
    if rows:
        with session.no_autoflush:
            insert_rows(session, _AUDIT_TABLE, rows)


def snapshot_of(model: type[Base], values: dict[str, Any]) -> str:
    """The logged form of a row given as plain column values (what an insert or delete records)."""
    columns = _SNAPSHOT_COLUMNS.get(model)
    if columns is None:
        columns = tuple((key, key in _MASKED) for key in _logged_columns(model))
        _SNAPSHOT_COLUMNS[model] = columns
    logged: dict[str, Any] = {}
    for key, masked in columns:
        value = values.get(key)
        # Text (most cells) is logged as it is; everything else as _text writes it.
        logged[key] = value if type(value) is str and not masked else _text(key, value)
    return _SNAPSHOT_JSON.encode(logged)


def logged_text(column: str, value: Any) -> str | None:
    """A value as the log writes it (身份证号 masked)."""
    return _text(column, value)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    # The cached chain head is only valid inside one transaction: a rollback or
    # another writer may have changed the tail of the log since.
    session.info.pop("_audit_last_hash", None)
    if transaction.parent is None:  # the outermost one: its step was read at its commit
        session.info.pop(TXN_HEAD_BEFORE, None)
        session.info.pop(TXN_HEAD_AFTER, None)


def install_audit(session: Session, operator: str) -> None:
    """Make a session record its changes in the audit log under an operator name."""
    session.info[OPERATOR_KEY] = operator
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
        event.listen(session, "after_transaction_end", _after_transaction_end)


def verify_chain(session: Session) -> int | None:
    """Return the id of the first entry whose hash does not match, or None if intact."""
    prev = GENESIS_HASH
    for entry in session.scalars(select(models.AuditEntry).order_by(models.AuditEntry.id)):
        if entry.prev_hash != prev or entry_hash(prev, entry) != entry.entry_hash:
            return entry.id
        prev = entry.entry_hash
    return None


def append_entry(
    session: Session,
    *,
    action: str,
    table_name: str,
    record_key: str,
    field: str = "",
    old_value: str | None = None,
    new_value: str | None = None,
) -> None:
    """Add one entry to the chain by hand, for bulk operations that bypass the ORM."""
    with session.no_autoflush:
        prev = (
            session.info.get("_audit_last_hash")
            or session.scalar(
                select(models.AuditEntry.entry_hash).order_by(models.AuditEntry.id.desc()).limit(1)
            )
            or GENESIS_HASH
        )
    entry = models.AuditEntry(
        at=dt.datetime.now().replace(microsecond=0),
        operator=str(session.info.get(OPERATOR_KEY, "")),
        action=action,
        table_name=table_name,
        record_key=record_key,
        field=field,
        old_value=old_value,
        new_value=new_value,
        prev_hash=prev,
    )
    entry.entry_hash = entry_hash(prev, entry)
    session.info.setdefault(TXN_HEAD_BEFORE, prev)
    session.add(entry)
    session.flush()
    session.info["_audit_last_hash"] = session.info[TXN_HEAD_AFTER] = entry.entry_hash
