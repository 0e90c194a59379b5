"""The table model with 100 000 rows: counts, sort and search work (speed: bench_gui.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.services.period_data import TeacherRow
from vetdesk.services.records import TEACHER, Record, record_key
from vetdesk.ui.tablemodels import record_model, sort_key

N = 100_000
NAMES = "王李张刘陈杨赵黄周吴"


def _records(n: int) -> list[Record[TeacherRow]]:
    rows = []
    for i in range(n):
        birth = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        row = TeacherRow(
            school_code=f"36632300{i % 50:02d}",
            name=f"{NAMES[i % 10]}{i}",
            id_number=generate_id_number("630223", birth, i % 100, "男" if i % 2 else "女"),
            role="specialty_course",
            education="bachelor",
            title="intermediate",
            double_teacher_level="none",
            double_teacher_date=None,
            double_teacher_body=None,
            honours=None,
            hired_date=dt.date(2000 + i % 25, 9, 1),
        )
        rows.append(Record(i + 1, f"teacher:{i}", row))
    return rows


def test_model_holds_sorts_and_searches_100000_rows(qtbot):
    """rowCount, sort by name and by date, search and school filter on 100 000 rows."""
    model = record_model(TEACHER, {})
    model.set_items(_records(N))
    assert model.rowCount() == N
    name_col = model.column_of("name")
    model.sort(name_col, Qt.SortOrder.AscendingOrder)
    first, last = model.item(0).row.name, model.item(N - 1).row.name
    assert sort_key(first) <= sort_key(last)
    date_col = model.column_of("hired_date")
    model.sort(date_col, Qt.SortOrder.DescendingOrder)
    assert model.item(0).row.hired_date >= model.item(N - 1).row.hired_date
    assert model.index(N - 1, 1).data().count("*") == 8  # masked 身份证号 at the far end
    model.set_search("王9999")
    assert 0 < model.rowCount() < 100
    model.set_search("")
    model.set_school("3663230007")
    assert model.rowCount() == N // 50


def test_chinese_sorts_in_pinyin_order():
    """GB 2312 order puts 安 < 白 < 陈 < 张 (pinyin)."""
    names = ["张", "陈", "安", "白"]
    assert sorted(names, key=sort_key) == ["安", "白", "陈", "张"]
    assert record_key  # imported for symmetry with the service
