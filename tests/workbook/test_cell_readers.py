"""A column's compiled cell reader reads every cell exactly as the general path does."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.i18n import set_language
from vetdesk.workbook.cells import (
    CellError,
    _is_blank,
    _parse_typed,
    cell_reader,
    parse_cell,
)
from vetdesk.workbook.schema import EXPORT_SHEETS, Column

COLUMNS: list[Column] = list({id(c): c for s in EXPORT_SHEETS for c in s.columns}.values())


def _general(column: Column, value: Any) -> Any:
    # parse_cell as it read every cell before the per-column readers.
    if value is None or (isinstance(value, str) and _is_blank(value)):
        return None
    return _parse_typed(column, value)


def _outcome(read: Any, column: Column, value: Any) -> tuple[str, Any]:
    try:
        result = read(column, value)
    except CellError as exc:
        return ("refused", str(exc))
    return ("read", (type(result), result))


def _same(column: Column, value: Any) -> None:
    fast = _outcome(lambda c, v: cell_reader(c)(v), column, value)
    assert fast == _outcome(_general, column, value), (column.key, value)
    assert fast == _outcome(parse_cell, column, value), (column.key, value)


def _enum_texts() -> list[str]:
    texts = []
    for column in COLUMNS:
        for member in column.enum or ():
            label = member.label_zh
            texts += [label, member.value, f" {label}", f"{label}\u3000", label.replace("（", "(")]
            texts += [unicodedata.normalize("NFD", label), f"“{label}”", label.upper()]
    return texts


ID = generate_id_number("630202", dt.date(1985, 3, 4), 7, "女")
SAMPLES: list[Any] = [
    None,
    "",
    " ",
    "\u00a0",
    "\u3000",
    "\u200b",
    "\x01",
    "\t",
    "a\nb",
    "a\r\nb",
    "张三",
    "张 三",
    "张  三",
    " 张三",
    "张三\u200b",
    "阿卜杜·热合曼",
    "阿卜杜 · 热合曼",
    "阿卜杜\u30fb热合曼",
    "学校A\u202e",
    "e\u0301",
    "é",
    "Ａ１２",
    "ab12",
    "AB12",
    "x" * 300,
    "是",
    "否",
    "Yes",
    "yes",
    "√",
    "1",
    "0",
    "12",
    "-3",
    "1,234",
    "3.0",
    "2024-07-18",
    "2024年7月18日",
    ID,
    ID.lower(),
    ID[:17] + ("0" if ID[17] != "0" else "1"),
    "H0123456789ABCDEF0",
    "630202",
    "乐都区",
    "1949-12-31",
    0.0,
    1.0,
    1.5,
    -1.0,
    2024.0,
    1e13,
    float("nan"),
    float("inf"),
    0,
    7,
    -7,
    2024,
    10**12,
    10**12 + 1,
    True,
    False,
    45000.0,
    dt.datetime(2024, 7, 18),
    dt.datetime(2024, 7, 18, 9, 30),
    dt.datetime(1949, 1, 1),
    dt.date(2024, 7, 18),
    dt.date(2200, 1, 1),
    dt.time(9, 30),
    *_enum_texts(),
]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_column_reads_the_samples_as_the_general_path(language: str) -> None:
    set_language(language)
    try:
        for column in COLUMNS:
            for value in SAMPLES:
                _same(column, value)
    finally:
        set_language("zh")


_CHARS = st.sampled_from(
    list("张三学校Aa1０·・ \u00a0\u3000\u200b\u200c\u202e\t\n\x01\u0301（）()“”、,是否x-/.年月日")
)


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=8), st.sampled_from(COLUMNS))
def test_random_text_reads_as_the_general_path(text: str, column: Column) -> None:
    _same(column, text)


def test_a_formula_is_refused_whatever_its_value() -> None:
    column = COLUMNS[0]
    with pytest.raises(CellError, match="公式"):
        parse_cell(column, "张三", is_formula=True)
