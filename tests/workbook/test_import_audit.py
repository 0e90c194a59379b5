"""Importing a returned roster: every teacher and practice change in the audit log, written in bulk."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, func, select
from xlsx_helpers import fill_sheet

from vetdesk.db import models
from vetdesk.db.audit import verify_chain
from vetdesk.db.database import open_database
from vetdesk.domain.identifiers import generate_id_number, mask_id_number
from vetdesk.workbook.importer import apply_import
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import PRACTICES, TEACHERS
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"
NEW_ID = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")
RENAMED = "海东市审计测试企业"


@pytest.fixture
def db(county_db):
    database = open_database(county_db)
    yield database
    database.close()


@pytest.fixture
def template(db, tmp_path) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(db, 2025, path, school_code=SCHOOL)
    return path


def _column(ws, header_row: int, header: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(header_row, c).value == header)


def _header_row(ws) -> int:
    return next(r for r in range(1, 10) if ws.cell(r, 1).value == "*学校标识码")


def _edit_roster(path: Path, removed: str, promoted: str, owner: str) -> tuple[str, str]:
    """Remove a teacher, promote one, drop one practice of ``owner`` and rename another's firm.

    Returns the start dates (as written in the log) of the dropped and the renamed practice.
    """
    wb = openpyxl.load_workbook(path)
    ws = wb[TEACHERS.sheet_title]
    head = _header_row(ws)
    id_col = _column(ws, head, TEACHERS.column("id_number").header_text)
    title_col = _column(ws, head, TEACHERS.column("title").header_text)
    for r in range(ws.max_row, head, -1):
        if ws.cell(r, id_col).value == promoted:
            cell = ws.cell(r, title_col)
            cell.value = "初级" if cell.value == "正高级" else "正高级"
        elif ws.cell(r, id_col).value == removed:
            ws.delete_rows(r)
    ws = wb[PRACTICES.sheet_title]
    head = _header_row(ws)
    id_col = _column(ws, head, PRACTICES.column("id_number").header_text)
    firm_col = _column(ws, head, PRACTICES.column("enterprise").header_text)
    start_col = _column(ws, head, PRACTICES.column("start_date").header_text)
    owned = [r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, id_col).value == owner]
    dropped, renamed = owned[0], owned[1]
    starts = []
    for r in (dropped, renamed):
        start = ws.cell(r, start_col).value
        starts.append(start.date().isoformat() if isinstance(start, dt.datetime) else str(start))
    ws.cell(renamed, firm_col).value = RENAMED
    for r in range(ws.max_row, head, -1):
        if r == dropped or ws.cell(r, id_col).value == removed:
            ws.delete_rows(r)
    wb.save(path)
    return starts[0], starts[1]


def test_an_import_logs_each_roster_change_once_with_its_values(db, template):
    with db.session() as session:
        teachers = dict(
            session.execute(
                select(models.Teacher.id_number, models.Teacher.title)
                .join(models.School)
                .where(models.School.school_code == SCHOOL)
                .order_by(models.Teacher.id)
            ).all()
        )
        practices: dict[str, int] = defaultdict(int)
        for id_number in session.scalars(
            select(models.Teacher.id_number).join(models.EnterprisePractice)
        ):
            practices[id_number] += 1
        last_entry = session.scalar(select(func.max(models.AuditEntry.id)))
    owner = next(i for i in teachers if practices.get(i, 0) >= 2)
    removed = next(i for i in teachers if i != owner)
    promoted = next(i for i in teachers if i not in (owner, removed))
    dropped, renamed = _edit_roster(template, removed, promoted, owner)
    fill_sheet(template, TEACHERS, [_new_teacher()], keep_existing=True)
    new_practice = {
        "school_code": SCHOOL,
        "id_number": NEW_ID,
        "enterprise": "平安区测试公司",
        "start_date": "2024-07-01",
        "end_date": "2024-08-31",
    }
    fill_sheet(template, PRACTICES, [new_practice], keep_existing=True)

    plan = apply_import(db, read_workbook(template))

    assert plan.applied, [i.describe() for i in plan.issues]
    with db.session() as session:
        title_after = session.scalar(
            select(models.Teacher.title).where(models.Teacher.id_number == promoted)
        )
        entries = session.execute(
            select(
                models.AuditEntry.action,
                models.AuditEntry.table_name,
                models.AuditEntry.record_key,
                models.AuditEntry.field,
                models.AuditEntry.old_value,
                models.AuditEntry.new_value,
            )
            .where(
                models.AuditEntry.id > last_entry,
                models.AuditEntry.table_name.in_(("teachers", "enterprise_practices")),
            )
            .order_by(models.AuditEntry.id)
        ).all()
        assert verify_chain(session) is None

    def teacher(id_number: str) -> str:
        return f"teacher:{SCHOOL}:2025:{mask_id_number(id_number)}"

    def practice(id_number: str, start: str) -> str:
        return f"practice:{mask_id_number(id_number)}:{start}"

    by_key = {(e.action, e.table_name, e.record_key, e.field): e for e in entries}
    assert len(by_key) == len(entries), "each change is logged once"
    assert sorted(by_key) == sorted(
        [
            ("insert", "teachers", teacher(NEW_ID), ""),
            ("update", "teachers", teacher(promoted), "title"),
            ("delete", "teachers", teacher(removed), ""),
            ("insert", "enterprise_practices", practice(NEW_ID, "2024-07-01"), ""),
            ("update", "enterprise_practices", practice(owner, renamed), "enterprise"),
            ("delete", "enterprise_practices", practice(owner, dropped), ""),
        ]
    )
    title = by_key[("update", "teachers", teacher(promoted), "title")]
    assert (title.old_value, title.new_value) == (teachers[promoted], title_after)
    assert title.old_value != title.new_value
    added = json.loads(by_key[("insert", "teachers", teacher(NEW_ID), "")].new_value)
    assert added["name"] == "韩雪莲" and added["hired_date"] == "2012-09-01"
    assert added["id_number"] == mask_id_number(NEW_ID), "the log never holds a whole 身份证号"
    gone = json.loads(by_key[("delete", "teachers", teacher(removed), "")].old_value)
    assert gone["id_number"] == mask_id_number(removed)
    firm = by_key[("update", "enterprise_practices", practice(owner, renamed), "enterprise")]
    assert firm.new_value == RENAMED and firm.old_value != RENAMED
    new_firm = by_key[("insert", "enterprise_practices", practice(NEW_ID, "2024-07-01"), "")]
    assert json.loads(new_firm.new_value) == {
        "enterprise": "平安区测试公司",
        "start_date": "2024-07-01",
        "end_date": "2024-08-31",
    }


def _new_teacher() -> dict[str, object]:
    return {
        "school_code": SCHOOL,
        "name": "韩雪莲",
        "id_number": NEW_ID,
        "role": "专任教师（专业课）",
        "education": "本科",
        "title": "中级",
        "double_teacher_level": "无",
        "hired_date": "2012-09-01",
    }


def test_the_roster_is_written_without_an_orm_object_per_row(db, template):
    # Each ORM object costs its construction, the flush and the audit hook's look-ups:
    # a returned roster of a province-size county must go in bulk statements.
    fill_sheet(template, TEACHERS, [_new_teacher()], keep_existing=True)
    made: list[object] = []

    def count(target: object, _args: object, _kwargs: object) -> None:
        made.append(target)

    event.listen(models.Teacher, "init", count)
    event.listen(models.EnterprisePractice, "init", count)
    try:
        plan = apply_import(db, read_workbook(template))
    finally:
        event.remove(models.Teacher, "init", count)
        event.remove(models.EnterprisePractice, "init", count)
    assert plan.applied and plan.summary["teachers"].added == 1
    assert made == []
    with db.session() as session:
        assert session.scalar(select(models.Teacher.name).where(models.Teacher.id_number == NEW_ID))


def test_a_removed_teachers_practices_are_logged_as_they_go(db, template):
    # The database's cascade deletes a removed teacher's practices: before, they left the
    # database without an audit entry (the city's merge logged them; the import did not).
    with db.session() as session:
        starts: dict[str, list[str]] = defaultdict(list)
        for id_number, start in session.execute(
            select(models.Teacher.id_number, models.EnterprisePractice.start_date)
            .join(models.EnterprisePractice)
            .join(models.School)
            .where(models.School.school_code == SCHOOL)
        ):
            starts[id_number].append(start.isoformat())
        last_entry = session.scalar(select(func.max(models.AuditEntry.id)))
    removed = next(i for i, dates in starts.items() if dates)
    wb = openpyxl.load_workbook(template)
    for spec in (TEACHERS, PRACTICES):
        ws = wb[spec.sheet_title]
        head = _header_row(ws)
        id_col = _column(ws, head, spec.column("id_number").header_text)
        for r in range(ws.max_row, head, -1):
            if ws.cell(r, id_col).value == removed:
                ws.delete_rows(r)
    wb.save(template)

    plan = apply_import(db, read_workbook(template))

    assert plan.applied, [i.describe() for i in plan.issues]
    with db.session() as session:
        logged = session.scalars(
            select(models.AuditEntry.record_key).where(
                models.AuditEntry.id > last_entry,
                models.AuditEntry.action == "delete",
                models.AuditEntry.table_name == "enterprise_practices",
            )
        ).all()
        left = session.scalar(
            select(func.count())
            .select_from(models.EnterprisePractice)
            .join(models.Teacher)
            .where(models.Teacher.id_number == removed)
        )
        assert verify_chain(session) is None
    assert left == 0
    assert sorted(logged) == sorted(
        f"practice:{mask_id_number(removed)}:{start}" for start in starts[removed]
    )
