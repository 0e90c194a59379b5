"""canonical_rows column by column gives the rows and the order of canonical_value row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vetdesk.workbook.rows import canonical_rows, canonical_value
from vetdesk.workbook.schema import EXPORT_SHEETS, Kind, SheetSpec


def _reference(spec: SheetSpec, records: list[dict[str, Any]], all_columns: bool) -> list[Any]:
    # canonical_rows as it was written before (one canonical_value call per cell).
    columns = spec.columns if all_columns else spec.data_columns
    rows = [[canonical_value(c, r.get(c.key)) for c in columns] for r in records]
    return sorted(rows, key=lambda row: [("" if v is None else str(v)) for v in row])


_TEXT = st.sampled_from(["", "a", "b", "张三", "1", "10", "2", "None", "True"])
_VALUES = st.one_of(
    st.none(),
    _TEXT,
    st.integers(min_value=-3, max_value=12),
    st.booleans(),
    st.sampled_from([dt.date(2024, 7, 18), dt.date(1999, 1, 2)]),
)


_INTS = st.one_of(st.none(), st.just(""), st.integers(min_value=0, max_value=12), st.booleans())
_TYPED = {kind: st.one_of(st.none(), _TEXT) for kind in Kind} | {
    Kind.INT: _INTS,
    Kind.WAN_YUAN: _INTS,
    Kind.YEAR: _INTS,
    Kind.DATE: st.one_of(st.none(), st.just(""), st.sampled_from([dt.date(2024, 7, 18)])),
    Kind.BOOL: st.one_of(st.none(), st.just(""), st.booleans(), st.sampled_from([0, 1])),
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXPORT_SHEETS), st.data(), st.booleans())
def test_canonical_rows_match_the_reference(spec: SheetSpec, data: Any, all_columns: bool) -> None:
    typed = data.draw(st.booleans())  # values of each column's kind, or of any kind
    optional = {c.key: _TYPED[c.kind] if typed else _VALUES for c in spec.columns}
    records = data.draw(st.lists(st.fixed_dictionaries({}, optional=optional), max_size=8))
    try:
        expected: Any = _reference(spec, records, all_columns)
    except (AssertionError, TypeError, ValueError):
        # A value of the wrong type for its column (never in rows as read): refused either
        # way, though not necessarily by the same cell first.
        expected = "refused"
    try:
        got: Any = canonical_rows(spec, records, all_columns=all_columns)
    except (AssertionError, TypeError, ValueError):
        got = "refused"
    assert got == expected
    if isinstance(got, list):
        assert [[type(v) for v in row] for row in got] == [
            [type(v) for v in row] for row in expected
        ]
