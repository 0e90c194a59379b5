"""Writing a change set: bulk statements for exactly the rows it lists, and their audit entries.

Nothing else is touched: a row the change set does not name keeps its id and values.
Inserts, updates and deletes are SQLAlchemy Core statements sent as executemany; the
audit entries the ORM hook would have made are chained into the log in one INSERT.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.audit import AuditChange, append_entries, logged_text, snapshot_of
from vetdesk.db.bulk import insert_rows
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.packages.changeset import (
    PER_SCHOOL_MODELS,
    ChangeSet,
    RowChange,
    SheetChanges,
    chunks,
    table_of,
)
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import EXPLANATIONS, PRACTICES, SCHOOLS, TEACHERS, TRAININGS

# The column that names a row of a ten-measure table in the audit log (as the ORM hook does).
_NAMED_BY = {
    "majors": "major_code",
    "enterprises": "name",
    "pilots": "certificate",
    "destinations": "school_id",
    "bases": "name",
}


def _log_key(sheet_key: str, code: str, year: int, values: dict[str, Any]) -> str:
    # The record keys of vetdesk.db.audit.record_key, from plain values.
    if sheet_key == SCHOOLS.key:
        return f"school:{values['school_code']}"
    if sheet_key == "conditions":
        return f"condition:{code}:{year}"
    if sheet_key == TEACHERS.key:
        return f"teacher:{code}:{year}:{mask_id_number(str(values['id_number']))}"
    if sheet_key == TRAININGS.key:
        return f"training:{code}:{year}:{values['name']}"
    if sheet_key == EXPLANATIONS.key:
        return f"explanation:{values['rule_id']}:{values['record_key']}:{values['field']}"
    table = PER_SCHOOL_MODELS[sheet_key].__tablename__
    return f"{table}:{code}:{year}:{values[_NAMED_BY[sheet_key]]}"


class _Writer:
    """One change set's statements and log entries, in the caller's transaction."""

    def __init__(self, session: Session, changeset: ChangeSet, period_id: int, operator: str):
        self.session = session
        self.changeset = changeset
        self.period_id = period_id
        self.operator = operator
        self.ids = {code: ref.row_id for code, ref in changeset.schools.items()}
        self.log: list[AuditChange] = []

    def insert(
        self, model: type[Any], sheet_key: str, rows: list[tuple[str, dict[str, Any]]]
    ) -> None:
        """Insert rows (school code, column values) and log each."""
        table = table_of(model)
        for part in chunks(rows):
            insert_rows(self.session, table, [values for _code, values in part])
        for code, values in rows:
            key = self._key(sheet_key, code, values)
            self.log.append(("insert", table.name, key, "", None, snapshot_of(model, values)))

    def update(
        self, model: type[Any], sheet_key: str, changes: list[RowChange], values_of: Any
    ) -> None:
        """Set the changed columns of each row, grouped by which columns change."""
        table = table_of(model)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for change in changes:
            assert change.old is not None and change.new is not None
            new = values_of(change.new)
            row_params = {"_row_id": change.old.row_id}
            row_params.update({f"_new_{name}": new[name] for name in change.fields})
            groups[change.fields].append(row_params)
            key = self._key(sheet_key, _code(change.old.record), change.old.raw)
            for name in change.fields:
                old_text = logged_text(name, change.old.raw.get(name))
                new_text = logged_text(name, new[name])
                if old_text != new_text:
                    self.log.append(("update", table.name, key, name, old_text, new_text))
        for names, params in groups.items():
            stmt = (
                update(table)
                .where(table.c.id == bindparam("_row_id"))
                .values({name: bindparam(f"_new_{name}") for name in names})
            )
            for part in chunks(params):
                self.session.execute(stmt, part)

    def delete(self, model: type[Any], sheet_key: str, changes: list[RowChange]) -> None:
        """Delete rows by id and log each with what it held."""
        table = table_of(model)
        ids = []
        for change in changes:
            assert change.old is not None
            ids.append(change.old.row_id)
            key = self._key(sheet_key, _code(change.old.record), change.old.raw)
            self.log.append(
                ("delete", table.name, key, "", snapshot_of(model, change.old.raw), None)
            )
        for part in chunks(ids):
            self.session.execute(delete(table).where(table.c.id.in_(part)))

    def _key(self, sheet_key: str, code: str, values: dict[str, Any]) -> str:
        if sheet_key == PRACTICES.key:
            return f"practice:{mask_id_number(str(values['_id_number']))}:{values['start_date']}"
        return _log_key(sheet_key, code, self.changeset.year, values)


def _code(record: Record) -> str:
    return str(record.get("school_code", ""))


def apply_changeset(session: Session, changeset: ChangeSet, period_id: int, operator: str) -> None:
    """Write exactly the rows a change set lists, in the caller's transaction, with their log."""
    writer = _Writer(session, changeset, period_id, operator)
    sheets = changeset.sheets
    if SCHOOLS.key in sheets:
        _write_schools(writer, sheets[SCHOOLS.key])
    # Removals first, a teacher's practices before the teacher.
    if PRACTICES.key in sheets:
        writer.delete(
            models.EnterprisePractice,
            PRACTICES.key,
            _with_teacher(sheets[PRACTICES.key].of("remove")),
        )
    if EXPLANATIONS.key in sheets:
        writer.delete(
            models.WarningExplanation, EXPLANATIONS.key, sheets[EXPLANATIONS.key].of("remove")
        )
    for key, model in PER_SCHOOL_MODELS.items():
        if key in sheets:
            writer.delete(model, key, sheets[key].of("remove"))
    for key, model in PER_SCHOOL_MODELS.items():
        if key in sheets:
            _write_per_school(writer, key, model, sheets[key])
    if PRACTICES.key in sheets:
        _write_practices(writer, sheets[PRACTICES.key])
    if EXPLANATIONS.key in sheets:
        _write_explanations(writer, sheets[EXPLANATIONS.key])
    append_entries(session, writer.log)


def _write_schools(writer: _Writer, sheet: SheetChanges) -> None:
    added = [
        (str(r.new["school_code"]), dict(r.new, active=True)) for r in sheet.of("add") if r.new
    ]
    writer.insert(models.School, SCHOOLS.key, added)
    if added:
        table = table_of(models.School)
        codes = [code for code, _values in added]
        stmt = select(table.c.school_code, table.c.id).where(table.c.school_code.in_(codes))
        writer.ids.update({code: row_id for code, row_id in writer.session.execute(stmt)})
    writer.update(models.School, SCHOOLS.key, sheet.of("change"), dict)


def _write_per_school(writer: _Writer, key: str, model: type[Any], sheet: SheetChanges) -> None:
    def stored(record: Record) -> dict[str, Any]:
        values = {k: v for k, v in record.items() if k != "school_code"}
        values["school_id"] = writer.ids[str(record["school_code"])]
        values["period_id"] = writer.period_id
        return values

    writer.insert(
        model, key, [(str(r.new["school_code"]), stored(r.new)) for r in sheet.of("add") if r.new]
    )
    writer.update(model, key, sheet.of("change"), stored)


def _with_teacher(changes: list[RowChange]) -> list[RowChange]:
    # The log names a practice by its teacher's (masked) 身份证号.
    for change in changes:
        assert change.old is not None
        change.old.raw["_id_number"] = change.old.record["id_number"]
    return changes


def _write_practices(writer: _Writer, sheet: SheetChanges) -> None:
    adds = sheet.of("add")
    changes = _with_teacher(sheet.of("change"))
    if not adds and not changes:
        return
    teacher = table_of(models.Teacher)
    code_of = {row_id: code for code, row_id in writer.ids.items()}
    teacher_ids: dict[tuple[str, str], int] = {}
    for part in chunks(sorted(code_of)):
        stmt = select(teacher.c.id, teacher.c.school_id, teacher.c.id_number).where(
            teacher.c.period_id == writer.period_id, teacher.c.school_id.in_(part)
        )
        for row_id, school_id, id_number in writer.session.execute(stmt):
            teacher_ids[(code_of[school_id], id_number)] = row_id
    rows = []
    for change in adds:
        assert change.new is not None
        owner = (str(change.new["school_code"]), str(change.new["id_number"]))
        if owner not in teacher_ids:
            raise RuntimeError(f"practice of a teacher not in the roster: {owner[0]}")
        values = {
            "teacher_id": teacher_ids[owner],
            "enterprise": change.new["enterprise"],
            "start_date": change.new["start_date"],
            "end_date": change.new["end_date"],
        }
        rows.append((owner[0], dict(values, _id_number=owner[1])))
    table = table_of(models.EnterprisePractice)
    for part in chunks(rows):
        insert_rows(
            writer.session,
            table,
            [{k: v for k, v in values.items() if k != "_id_number"} for _c, values in part],
        )
    for code, values in rows:
        writer.log.append(
            (
                "insert",
                table.name,
                writer._key(PRACTICES.key, code, values),
                "",
                None,
                snapshot_of(models.EnterprisePractice, values),
            )
        )
    writer.update(models.EnterprisePractice, PRACTICES.key, changes, dict)


def _write_explanations(writer: _Writer, sheet: SheetChanges) -> None:
    now = dt.datetime.now().replace(microsecond=0)

    def stored(record: Record) -> dict[str, Any]:
        return {
            "period_id": writer.period_id,
            "rule_id": record["rule"],
            "record_key": record["record_key"],
            "field": record.get("field") or "",
            "text": record["text"],
            "operator": writer.operator,
            "created_at": now,
        }

    writer.insert(
        models.WarningExplanation,
        EXPLANATIONS.key,
        [("", stored(r.new)) for r in sheet.of("add") if r.new],
    )
    writer.update(models.WarningExplanation, EXPLANATIONS.key, sheet.of("change"), stored)
