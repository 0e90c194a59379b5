"""The table model with 100 000 rows: counts, sort and search work (speed: bench_gui.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.domain.rows import TeacherRow
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


def test_a_prebuilt_search_index_finds_what_a_lazy_one_finds_and_follows_edits(qtbot):
    """The worker-built search texts give the same matches, and stay right after edits."""
    from dataclasses import replace

    from vetdesk.ui.tablemodels import record_search_texts

    items = _records(2_000)
    names = {"3663230007": "互助县职业技术学校"}
    prebuilt = record_model(TEACHER, names)
    prebuilt.set_items(items, haystack=record_search_texts(TEACHER, items, names))
    lazy = record_model(TEACHER, names)
    lazy.set_items(items)
    for text in ("王1", "互助县", items[5].row.id_number[-6:], "no such"):
        prebuilt.set_search(text)
        lazy.set_search(text)
        found = [prebuilt.item(r).key for r in range(prebuilt.rowCount())]
        assert found == [lazy.item(r).key for r in range(lazy.rowCount())], text
    assert prebuilt._haystack is not None
    # An index of another length (stale) is not trusted.
    other = record_model(TEACHER, names)
    other.set_items(items, haystack=["x"] * 3)
    assert other._haystack is None

    prebuilt.set_search("")
    renamed = Record(items[0].id, items[0].key, replace(items[0].row, name="欧阳新名"))
    prebuilt.replace_item(items[0], renamed)
    added = Record(99_999, "teacher:new", replace(items[1].row, name="司马加入"))
    prebuilt.add_item(added)
    prebuilt.remove_item(items[2])
    for text, expected in (("欧阳新名", [renamed.key]), ("司马加入", [added.key])):
        prebuilt.set_search(text)
        assert [prebuilt.item(r).key for r in range(prebuilt.rowCount())] == expected
    # The rows after the removed one are still found by their own texts.
    prebuilt.set_search(items[3].row.name)
    assert items[3].key in [prebuilt.item(r).key for r in range(prebuilt.rowCount())]
    prebuilt.set_search(items[2].row.name)
    assert items[2].key not in [prebuilt.item(r).key for r in range(prebuilt.rowCount())]
    prebuilt.set_search(items[-1].row.name)
    assert [prebuilt.item(r).key for r in range(prebuilt.rowCount())] == [items[-1].key]
    assert len(prebuilt._haystack) == len(prebuilt.items())
