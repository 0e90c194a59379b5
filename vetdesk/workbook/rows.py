"""Between database rows and sheet rows: one mapping for export, import and signing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from vetdesk.domain.rows import PeriodData
from vetdesk.workbook.schema import (
    CONDITIONS,
    EXPLANATIONS,
    PRACTICES,
    SCHOOLS,
    TEACHERS,
    TRAININGS,
    Column,
    Kind,
    SheetSpec,
)

Record = dict[str, Any]
# Sheet key -> PeriodData attribute of the ten-measure sheets.
_SIMPLE_ROWS = {
    "majors": "majors",
    "enterprises": "enterprises",
    "pilots": "pilots",
    "destinations": "destinations",
    "bases": "bases",
}


def sheet_records(
    spec: SheetSpec, data: PeriodData, explanations: dict[tuple[str, str, str], str]
) -> Iterator[Record]:
    """The records of one sheet for a period, as typed values keyed by column."""
    names = {s.school_code: s.name for s in data.schools}
    if spec is SCHOOLS:
        for s in data.schools:
            yield {c.key: getattr(s, c.key) for c in spec.data_columns}
    elif spec is CONDITIONS:
        for code in sorted(data.conditions):
            cond = data.conditions[code]
            record = {c.key: getattr(cond, c.key) for c in spec.data_columns}
            record["school_name"] = names.get(code, "")
            yield record
    elif spec is TEACHERS:
        for t in data.teachers:
            record = {c.key: getattr(t, c.key) for c in spec.data_columns}
            record["school_name"] = names.get(t.school_code, "")
            yield record
    elif spec is PRACTICES:
        for t in data.teachers:
            for p in t.practices:
                yield {
                    "school_code": t.school_code,
                    "id_number": t.id_number,
                    "teacher_name": t.name,
                    "enterprise": p.enterprise,
                    "start_date": p.start_date,
                    "end_date": p.end_date,
                }
    elif spec is TRAININGS:
        for tr in data.trainings:
            record = {c.key: getattr(tr, c.key) for c in spec.data_columns}
            record["school_name"] = names.get(tr.school_code, "")
            yield record
    elif spec.key in _SIMPLE_ROWS:
        for row in getattr(data, _SIMPLE_ROWS[spec.key]):
            record = {c.key: getattr(row, c.key) for c in spec.data_columns}
            record["school_name"] = names.get(row.school_code, "")
            yield record
    elif spec is EXPLANATIONS:
        for (rule, key, field), text in sorted(explanations.items()):
            yield {"rule": rule, "record_key": key, "field": field, "text": text}
    else:
        raise KeyError(spec.key)


_INT_KINDS = frozenset({Kind.INT, Kind.WAN_YUAN, Kind.YEAR})
_NOT_TEXT = _INT_KINDS | {Kind.DATE, Kind.BOOL}


def canonical_value(column: Column, value: Any) -> Any:
    """The canonical form of a typed value: text, int, ISO date, bool or None (never a float)."""
    # Called for every cell of every signed sheet (twice per row when a merge compares):
    # kinds are compared by identity and plain text is returned as it is.
    if value is None or value == "":
        return None
    kind = column.kind
    if type(value) is str and kind not in _NOT_TEXT:
        return value
    if kind is Kind.DATE:
        assert isinstance(value, dt.date)
        return value.isoformat()
    if kind in _INT_KINDS:
        return int(value)
    if kind is Kind.BOOL:
        return bool(value)
    return str(value)


def canonical_rows(
    spec: SheetSpec, records: list[Record], *, all_columns: bool = False
) -> list[list[Any]]:
    """A sheet's records in canonical, sorted form (with ``all_columns``: what a signature covers)."""
    columns = spec.columns if all_columns else spec.data_columns
    if not columns:
        return [[] for _record in records]
    # Column by column, each with its kind's shortcut, then sorted by the rows' texts
    # (None as ""): the rows and the order of canonical_value row by row, for a sheet of
    # every package verified twice per merge and signed once per export.
    cells = [_canonical_column(c, [r.get(c.key) for r in records]) for c in columns]
    rows = [list(row) for row in zip(*cells, strict=True)]
    keys = list(zip(*(_sort_texts(values) for values in cells), strict=True))
    return [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


def _canonical_column(column: Column, values: list[Any]) -> list[Any]:
    # canonical_value of each value; the values it returns as they are skip the call.
    if column.kind not in _NOT_TEXT:
        return [v if type(v) is str and v else canonical_value(column, v) for v in values]
    if column.kind in _INT_KINDS:
        return [v if type(v) is int else canonical_value(column, v) for v in values]
    return [canonical_value(column, v) for v in values]


def _sort_texts(values: list[Any]) -> list[str]:
    return ["" if v is None else v if type(v) is str else str(v) for v in values]
