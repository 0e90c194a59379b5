"""Listing, filtering and exporting the audit log."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.audit import OPERATOR_KEY
from vetdesk.db.database import Database, open_database
from vetdesk.services.audit_log import (
    AuditFilter,
    audit_facets,
    count_audit_entries,
    export_audit_csv,
    export_audit_xlsx,
    iter_audit_entries,
    list_audit_entries,
    verify_audit_chain,
)


@pytest.fixture
def db(county_db: Path):
    database = open_database(county_db)
    yield database
    database.close()


def edit_as(db: Database, operator: str, school_name: str, teacher_name: str) -> None:
    """Rename the school and the first teacher, recorded under ``operator``."""
    with db.transaction() as session:
        session.info[OPERATOR_KEY] = operator
        school = session.scalars(select(models.School)).first()
        assert school is not None
        school.name = school_name
        teacher = session.scalars(select(models.Teacher).order_by(models.Teacher.id)).first()
        assert teacher is not None
        teacher.name = teacher_name


def test_facets_list_the_tables_and_operators_present(db):
    edit_as(db, "王老师", "改名一", "=SUM(A1)")
    facets = audit_facets(db)
    assert {"schools", "teachers"} <= set(facets.tables)
    assert "王老师" in facets.operators
    assert "update" in facets.actions
    assert facets.total == count_audit_entries(db)


def test_filters_by_table_operator_action_and_text(db):
    edit_as(db, "王老师", "改名一", "李四")
    edit_as(db, "赵老师", "改名二", "张三")
    by_teacher = list_audit_entries(db, AuditFilter(table="teachers", operator="王老师"))
    assert [(r.field, r.new_value) for r in by_teacher.rows] == [("name", "李四")]
    assert by_teacher.rows[0].field_label == "姓名"
    assert by_teacher.rows[0].table_label == "教师"
    assert by_teacher.rows[0].action_label == "修改"
    by_zhao = list_audit_entries(db, AuditFilter(operator="赵老师"))
    assert by_zhao.matching == 2 and {r.table_name for r in by_zhao.rows} == {"schools", "teachers"}
    texts = list_audit_entries(db, AuditFilter(text="改名二"))
    assert [r.new_value for r in texts.rows] == ["改名二"]
    # % and _ are literal characters, not wildcards.
    assert list_audit_entries(db, AuditFilter(text="%")).matching == 0
    updates = list_audit_entries(db, AuditFilter(action="update"))
    assert updates.matching == 4
    newest_first = [r.id for r in list_audit_entries(db).rows]
    assert newest_first == sorted(newest_first, reverse=True)


def test_date_range_and_limit(db):
    edit_as(db, "王老师", "改名一", "李四")
    today = dt.date.today()
    assert list_audit_entries(db, AuditFilter(since=today, until=today)).matching >= 2
    assert list_audit_entries(db, AuditFilter(until=today - dt.timedelta(days=400))).matching == 0
    listing = list_audit_entries(db, limit=1)
    assert len(listing.rows) == 1 and listing.truncated


def test_iteration_reads_in_order_across_batches(db, monkeypatch):
    import vetdesk.services.audit_log as audit_log

    monkeypatch.setattr(audit_log, "_BATCH", 3)
    edit_as(db, "王老师", "改名一", "李四")
    ids = [r.id for r in iter_audit_entries(db)]
    assert ids == sorted(ids) and len(ids) == count_audit_entries(db) > 3


def test_csv_export_is_excel_friendly_and_formula_safe(db, tmp_path):
    edit_as(db, "王老师", "改名一", "=SUM(A1)")
    target = tmp_path / "audit.csv"
    flt = AuditFilter(table="teachers")
    seen: list[tuple[int, int]] = []
    assert export_audit_csv(db, flt, target, progress=lambda d, t: seen.append((d, t))) == 1
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["序号", "时间", "操作员"]
    assert rows[1][2] == "王老师" and rows[1][4] == "教师" and rows[1][6] == "姓名"
    assert rows[1][8] == "'=SUM(A1)"
    assert seen[-1] == (1, 1)


def test_xlsx_export_stores_text_never_formulas(db, tmp_path):
    edit_as(db, "王老师", "改名一", "=SUM(A1)")
    target = tmp_path / "audit.xlsx"
    assert export_audit_xlsx(db, AuditFilter(operator="王老师"), target) == 2
    sheet = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "序号"
    assert len(values) == 3
    formula_cell = next(row[8] for row in sheet.iter_rows(min_row=2) if row[4].value == "教师")
    assert formula_cell.value == "=SUM(A1)" and formula_cell.data_type == "s"


def test_id_numbers_stay_masked_in_exports(db, tmp_path):
    with db.transaction() as session:
        teacher = session.scalars(select(models.Teacher)).first()
        assert teacher is not None
        full = teacher.id_number
        session.delete(teacher)
    target = tmp_path / "audit.csv"
    export_audit_csv(db, AuditFilter(action="delete"), target)
    text = target.read_text(encoding="utf-8-sig")
    assert full not in text and full[-4:] in text


def test_chain_verification(db):
    edit_as(db, "王老师", "改名一", "李四")
    assert verify_audit_chain(db) is None
    with db.transaction() as session:
        entry = session.scalars(select(models.AuditEntry).order_by(models.AuditEntry.id)).first()
        assert entry is not None
        session.execute(
            models.AuditEntry.__table__.update()
            .where(models.AuditEntry.id == entry.id)
            .values(operator="篡改者")
        )
        first_id = entry.id
    assert verify_audit_chain(db) == first_id


def test_values_read_as_people_write_them():
    from vetdesk.services.audit_log import readable_value

    record = '{"name": "现代农业技术", "agriculture": "True", "brand": "False", "enrolment": null}'
    text = readable_value("majors", record)
    assert "{" not in text and "True" not in text
    assert "专业名称：现代农业技术" in text and "涉农专业（是/否）：是" in text
    assert readable_value("teachers", "True") == "是"
    assert readable_value("teachers", "中级") == "中级"
    assert readable_value("teachers", None) == ""


def test_bulk_entries_go_in_with_one_core_insert_and_keep_the_chain(db, monkeypatch):
    """A merge's entries skip the ORM's bulk path (its cost per row) and still chain."""
    from sqlalchemy.orm import bulk_persistence

    from vetdesk.db.audit import append_entries, snapshot_of

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("audit entries went through the ORM bulk insert")

    monkeypatch.setattr(bulk_persistence, "_bulk_insert", refuse)
    school = {"school_code": "1163000001", "name": "测试学校", "county_code": "630202"}
    snapshot = snapshot_of(models.School, school)
    assert snapshot == snapshot_of(models.School, dict(school))
    with db.transaction() as session:
        session.info[OPERATOR_KEY] = "市局"
        append_entries(
            session,
            [
                ("insert", "schools", "school:1163000001", "", None, snapshot),
                ("update", "schools", "school:1163000001", "name", "测试学校", "新名"),
            ],
        )
    with db.session() as session:
        last = session.scalars(
            select(models.AuditEntry).order_by(models.AuditEntry.id.desc()).limit(2)
        ).all()
    assert [e.action for e in last] == ["update", "insert"]
    assert last[1].new_value == snapshot and last[0].field == "name"
    assert '"name": "测试学校"' in snapshot
    assert verify_audit_chain(db) is None
