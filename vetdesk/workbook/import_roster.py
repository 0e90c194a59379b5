"""Writing a returned roster: teachers and their enterprise practices in bulk statements.

The roster is most of a returned workbook's rows. One keyed query per table reads the
period's rows; inserts, updates and deletes go out as SQLAlchemy Core executemany, and
the audit entries the ORM hook would have made for them (same actions, record keys and
values) are chained into the log in one INSERT per table. No ORM object is made per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.audit import AuditChange, append_entries, logged_text, snapshot_of
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.workbook.reader import SheetRows, WorkbookContent
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import PRACTICES, TEACHERS

TeacherKey = tuple[str, str]  # school code, 身份证号
# Ids per DELETE … IN (…): below SQLite's oldest limit of bound parameters (999).
_CHUNK = 500
_PRACTICE_FIELDS = ("enterprise", "end_date")


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def apply_roster(
    session: Session, content: WorkbookContent, period: models.Period, ids: dict[str, int]
) -> None:
    """Write the workbook's 教师名册 and 企业实践 sheets for one period, with their audit log.

    A school the roster names has exactly the roster's teachers afterwards (unless the
    rows are pasted, ``content.partial``); a teacher removed takes its practices with it.
    """
    teachers_sheet = content.sheet(TEACHERS.key)
    practices_sheet = content.sheet(PRACTICES.key)
    if teachers_sheet is None and practices_sheet is None:
        return
    session.flush()  # rows pending from earlier sheets are written, and logged, first
    code_of = {row_id: code for code, row_id in ids.items()}
    teacher = _table(models.Teacher)
    current = {
        (code_of[row["school_id"]], row["id_number"]): dict(row)
        for row in session.execute(select(teacher).where(teacher.c.period_id == period.id))
        .mappings()
        .all()
    }
    if teachers_sheet is not None:
        _write_teachers(session, teachers_sheet, content.partial, period, ids, current)
    if practices_sheet is None:
        return  # no practice sheet: every teacher keeps the practices recorded
    scope = {r.values["school_code"] for r in practices_sheet.rows}
    if teachers_sheet is not None:
        scope |= {r.values["school_code"] for r in teachers_sheet.rows}
    _write_practices(session, practices_sheet, content.partial, period, code_of, scope)


def _teacher_key(code: str, year: int, id_number: str) -> str:
    # vetdesk.db.audit.record_key of a teacher, from plain values.
    return f"teacher:{code}:{year}:{mask_id_number(id_number)}"


def _write_teachers(
    session: Session,
    sheet: SheetRows,
    partial: bool,
    period: models.Period,
    ids: dict[str, int],
    current: dict[TeacherKey, dict[str, Any]],
) -> None:
    table = _table(models.Teacher)
    present: Collection[str] = sheet.column_letters
    incoming = {(r.values["school_code"], r.values["id_number"]): r.values for r in sheet.rows}
    scope = set() if partial else {key[0] for key in incoming}
    columns = [c.key for c in TEACHERS.data_columns if c.key != "school_code"]
    inserted: list[dict[str, Any]] = []
    changed: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    # The hook's order within one flush: inserts, then updates, then deletes.
    log_inserts: list[AuditChange] = []
    log_updates: list[AuditChange] = []
    for key, values in incoming.items():
        fields = {name: values.get(name) for name in columns}
        fields["double_teacher_level"] = fields.get("double_teacher_level") or "none"
        old = current.get(key)
        log_key = _teacher_key(key[0], period.year, key[1])
        if old is None:
            row = dict(fields, school_id=ids[key[0]], period_id=period.id)
            inserted.append(row)
            log_inserts.append(
                ("insert", table.name, log_key, "", None, snapshot_of(models.Teacher, row))
            )
            continue
        names = tuple(n for n, v in fields.items() if n in present and old[n] != v)
        if not names:
            continue
        changed[names].append({"_row_id": old["id"], **{f"_new_{n}": fields[n] for n in names}})
        log_updates.extend(
            ("update", table.name, log_key, n, logged_text(n, old[n]), logged_text(n, fields[n]))
            for n in names
        )
    gone = {key: old for key, old in current.items() if key[0] in scope and key not in incoming}
    log_deletes: list[AuditChange] = [
        (
            "delete",
            table.name,
            _teacher_key(key[0], period.year, key[1]),
            "",
            snapshot_of(models.Teacher, old),
            None,
        )
        for key, old in gone.items()
    ]
    log_deletes.extend(_practices_going_with(session, gone))
    # The database's ON DELETE CASCADE removes a removed teacher's practices, logged above.
    _write_rows(session, table, [old["id"] for old in gone.values()], changed, inserted)
    append_entries(session, log_inserts + log_updates + log_deletes)


def _write_rows(
    session: Session,
    table: Table,
    gone: list[int],
    changed: dict[tuple[str, ...], list[dict[str, Any]]],
    inserted: list[dict[str, Any]],
) -> None:
    # Deletes, then updates grouped by the columns they change (one executemany per
    # group: ``_row_id`` and ``_new_<column>`` parameters), then the inserts.
    for part in _chunks(gone):
        session.execute(delete(table).where(table.c.id.in_(part)))
    for names, params in changed.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_row_id"))
            .values({n: bindparam(f"_new_{n}") for n in names})
        )
        session.execute(stmt, params)
    if inserted:
        session.execute(insert(table), inserted)


def _practices_going_with(
    session: Session, gone: dict[TeacherKey, dict[str, Any]]
) -> list[AuditChange]:
    # The audit log must show every row that leaves the database, including the practices
    # a removed teacher takes with it (the city's merge logs them the same way).
    practice = _table(models.EnterprisePractice)
    owner = {old["id"]: key for key, old in gone.items()}
    entries: list[AuditChange] = []
    for part in _chunks(list(owner)):
        rows = session.execute(
            select(practice).where(practice.c.teacher_id.in_(part)).order_by(practice.c.id)
        ).mappings()
        for row in rows:
            masked = mask_id_number(owner[row["teacher_id"]][1])
            entries.append(
                (
                    "delete",
                    practice.name,
                    f"practice:{masked}:{row['start_date']}",
                    "",
                    snapshot_of(models.EnterprisePractice, dict(row)),
                    None,
                )
            )
    return entries


def _write_practices(
    session: Session,
    sheet: SheetRows,
    partial: bool,
    period: models.Period,
    code_of: dict[int, str],
    scope: set[str],
) -> None:
    teacher = _table(models.Teacher)
    practice = _table(models.EnterprisePractice)
    teachers: dict[TeacherKey, int] = {
        (code_of[school_id], id_number): row_id
        for row_id, school_id, id_number in session.execute(
            select(teacher.c.id, teacher.c.school_id, teacher.c.id_number).where(
                teacher.c.period_id == period.id
            )
        )
        if code_of[school_id] in scope
    }
    have: dict[int, dict[Any, dict[str, Any]]] = defaultdict(dict)
    stmt = (
        select(practice)
        .join(teacher, practice.c.teacher_id == teacher.c.id)
        .where(teacher.c.period_id == period.id)
    )
    for stored_row in session.execute(stmt).mappings():
        have[stored_row["teacher_id"]][stored_row["start_date"]] = dict(stored_row)
    wanted: dict[TeacherKey, list[Record]] = defaultdict(list)
    for r in sheet.rows:
        wanted[(r.values["school_code"], r.values["id_number"])].append(r.values)
    inserted: list[dict[str, Any]] = []
    changed: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    gone: list[int] = []
    log_inserts: list[AuditChange] = []
    log_updates: list[AuditChange] = []
    log_deletes: list[AuditChange] = []
    for key, teacher_id in teachers.items():
        stored = have.get(teacher_id, {})
        want = {v["start_date"]: v for v in wanted.get(key, [])}
        masked = mask_id_number(key[1])
        if not partial:
            for start, old_row in stored.items():
                if start not in want:
                    gone.append(old_row["id"])
                    log_deletes.append(
                        (
                            "delete",
                            practice.name,
                            f"practice:{masked}:{start}",
                            "",
                            snapshot_of(models.EnterprisePractice, old_row),
                            None,
                        )
                    )
        for start, values in want.items():
            log_key = f"practice:{masked}:{start}"
            old = stored.get(start)
            if old is None:
                row = {
                    "teacher_id": teacher_id,
                    "enterprise": values["enterprise"],
                    "start_date": start,
                    "end_date": values["end_date"],
                }
                inserted.append(row)
                log_inserts.append(
                    (
                        "insert",
                        practice.name,
                        log_key,
                        "",
                        None,
                        snapshot_of(models.EnterprisePractice, row),
                    )
                )
                continue
            names = tuple(n for n in _PRACTICE_FIELDS if old[n] != values[n])
            if not names:
                continue
            changed[names].append({"_row_id": old["id"], **{f"_new_{n}": values[n] for n in names}})
            log_updates.extend(
                (
                    "update",
                    practice.name,
                    log_key,
                    n,
                    logged_text(n, old[n]),
                    logged_text(n, values[n]),
                )
                for n in names
            )
    _write_rows(session, practice, gone, changed, inserted)
    append_entries(session, log_inserts + log_updates + log_deletes)
