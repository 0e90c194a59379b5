"""The audit log page: filter by table and operator, export CSV and Excel, check the chain."""

from __future__ import annotations

import csv

import openpyxl
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.audit import OPERATOR_KEY


def _edit_as(db, operator: str, teacher_name: str, school_name: str) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        session.info[OPERATOR_KEY] = operator
        teacher = session.scalars(select(models.Teacher).order_by(models.Teacher.id)).first()
        teacher.name = teacher_name
        school = session.scalars(select(models.School)).first()
        school.name = school_name


def test_audit_page_filters_and_exports(county_window, qtbot, recorder, tmp_path):
    """Filtering by 教师 and 王老师 leaves one entry; the exports hold exactly the filtered rows."""
    window = county_window
    _edit_as(window.db, "王老师", "李四", "互助职校（改）")
    _edit_as(window.db, "赵老师", "张三", "互助职校（再改）")
    with qtbot.waitSignal(window.audit_page.refreshed, timeout=10_000):
        page = window.show_page("audit")
    assert page is window.audit_page
    total = page.model.rowCount()
    assert total >= 4
    operators = [page.operator_filter.itemText(i) for i in range(page.operator_filter.count())]
    assert "王老师" in operators and "赵老师" in operators
    tables = [page.table_filter.itemText(i) for i in range(page.table_filter.count())]
    assert "教师" in tables and "学校" in tables

    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        page.set_filters(table="teachers", operator="王老师")
    assert page.model.rowCount() == 1
    row = page.model.item(0)
    assert (row.operator, row.table_name, row.field, row.new_value) == (
        "王老师",
        "teachers",
        "name",
        "李四",
    )
    assert page.model.index(0, 3).data() == "教师"
    assert page.model.index(0, 5).data() == "姓名"
    assert "符合条件 1 条" in page.count_label.text()

    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        page.set_filters(operator="赵老师", text="再改")
    assert [page.model.item(i).new_value for i in range(page.model.rowCount())] == [
        "互助职校（再改）"
    ]

    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        page.set_filters(table="teachers", operator="王老师")
    csv_path = tmp_path / "audit.csv"
    recorder.paths.append(csv_path)
    page.export()
    qtbot.waitUntil(lambda: csv_path.exists(), timeout=10_000)
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert len(rows) == 2 and rows[1][2] == "王老师" and rows[1][8] == "李四"
    qtbot.waitUntil(lambda: recorder.messages[-1][0] == "info", timeout=10_000)
    assert "已导出 1 条" in recorder.messages[-1][2]

    xlsx_path = tmp_path / "audit.xlsx"
    recorder.paths.append(xlsx_path)
    page.export()
    qtbot.waitUntil(lambda: xlsx_path.exists(), timeout=10_000)
    sheet = openpyxl.load_workbook(xlsx_path).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(values) == 2 and values[1][2] == "王老师" and values[1][4] == "教师"

    with qtbot.waitSignal(page.refreshed, timeout=10_000):
        page.set_filters()
    assert page.model.rowCount() == total


def test_chain_check_reports_an_intact_log(county_window, qtbot, recorder):
    """校验日志完整性 says the chain is intact after ordinary edits."""
    window = county_window
    _edit_as(window.db, "王老师", "李四", "改名")
    page = window.show_page("audit")
    page.verify_button.click()
    qtbot.waitUntil(lambda: bool(recorder.messages), timeout=10_000)
    kind, _title, text = recorder.messages[-1]
    assert kind == "info" and "完整" in text
