"""Writing workbooks: the county's export (and the package built on it) and school templates.

Text is always written as text: a name starting with ``=`` stays a name, never a
formula (OWASP / ASVS V1.2.10); codes and 身份证号 keep their digits; control
characters and over-long text are refused before writing, never silently cut.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vetdesk import __version__
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.workbook.atomic import write_atomically
from vetdesk.workbook.meta import WorkbookMeta, write_meta
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import TEMPLATE_FORMAT, Column, Kind, SheetSpec

MAX_CELL_TEXT = 32_767
# Bidirectional controls (U+202E and kin) are refused too: they make a name display
# differently from what is stored.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


class ExportRefused(InputRejected):
    """A value cannot be written safely; the message names the record."""

    code = "export_refused"


def cell_value(column: Column, value: Any) -> Any:
    """The value a column's cell holds in a workbook (labels for choices, 万元 for money)."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == Kind.ENUM:
        assert column.enum is not None
        member = column.enum.from_text(str(value))
        return member.label_zh if member else str(value)
    if kind == Kind.MULTI:
        assert column.enum is not None
        labels = []
        for part in str(value).split(","):
            member = column.enum.from_text(part)
            labels.append(member.label_zh if member else part)
        return "、".join(labels)
    if kind == Kind.BOOL:
        return "是" if value else "否"
    if kind == Kind.COUNTY:
        unit = load_units().get(str(value))
        return unit.name if unit else str(value)
    if kind == Kind.WAN_YUAN:
        # Decimal keeps the exact 万元 figure (3255000 元 -> 325.5), unlike a float.
        return (Decimal(int(value)) / Decimal(10000)).normalize()
    if kind == Kind.INT:
        return int(value)
    return value


def _text_checked(text: str, where: str) -> str:
    if _CONTROL.search(text):
        raise ExportRefused(
            _(
                "{where} 含有不可见的控制字符，无法写入 Excel。请在 VetDesk 中修改该项后再导出。"
            ).format(where=where)
        )
    if len(text) > MAX_CELL_TEXT:
        raise ExportRefused(
            _("{where} 的内容有 {n} 个字符，超过 Excel 单元格上限 {max}，请缩短后再导出。").format(
                where=where, n=len(text), max=MAX_CELL_TEXT
            )
        )
    return text


QUOTED_TEXT = "@'"  # the style key of text that would read as a formula: text, quote prefix
_NUMBER_FORMATS = {Kind.WAN_YUAN: "0.00##", Kind.INT: "0", Kind.YEAR: "0"}
# Kinds whose shown values repeat (choices, yes/no, counties): converted once per value.
_MEMO_KINDS = (Kind.ENUM, Kind.MULTI, Kind.BOOL, Kind.COUNTY)


def _where(spec: SheetSpec, row: int, column: Column) -> str:
    return _("工作表“{sheet}”第 {row} 行“{col}”").format(
        sheet=spec.sheet_title, row=row, col=_(column.header)
    )


def _shown_values(spec: SheetSpec, records: Iterable[Record]) -> Iterator[list[Any]]:
    """Each record's cell values, text checked; the place is named only when a value is refused."""
    columns = spec.columns
    memos: list[dict[Any, Any] | None] = [
        {} if column.kind in _MEMO_KINDS else None for column in columns
    ]
    for number, record in enumerate(records, start=2):
        row = []
        for column, memo in zip(columns, memos, strict=True):
            value = record.get(column.key)
            if memo is None:
                shown = cell_value(column, value)
            else:
                key = (type(value), value)
                shown = memo.get(key, memo)
                if shown is memo:
                    shown = memo[key] = cell_value(column, value)
            if isinstance(shown, str) and (
                len(shown) > MAX_CELL_TEXT or _CONTROL.search(shown) is not None
            ):
                _text_checked(shown, _where(spec, number, column))
            row.append(shown)
        yield row


class _ReusedCell(Cell):  # type: ignore[misc]  # openpyxl has no type hints
    """A write-only cell whose style is fixed once made: its style id is looked up once.

    openpyxl's writer asks every cell for ``has_style`` and ``style_id``, which hashes the
    cell's style into the workbook's list of styles each time: some 7 % of an export's
    write for a cell that never changes style.
    """

    __slots__ = ("_fixed_has_style", "_fixed_style_id")
    _fixed_has_style: bool
    _fixed_style_id: int

    def fix_style(self) -> None:
        """Look the style up now (again after anything that may have changed it)."""
        self._fixed_has_style = bool(Cell.has_style.fget(self))
        self._fixed_style_id = int(Cell.style_id.fget(self))

    @property
    def has_style(self) -> bool:
        """Whether the cell has a style (as looked up by :meth:`fix_style`)."""
        return self._fixed_has_style

    @property
    def style_id(self) -> int:
        """The cell's index in the workbook's styles (as looked up by :meth:`fix_style`)."""
        return self._fixed_style_id


class RowWriter:
    """Appends rows of values to a write-only sheet through one styled cell per column and style.

    openpyxl's ``append`` wraps every value in a new cell and, for a styled cell passed in,
    goes through an exception and a second cell; its writer serialises each row as it is
    appended, so one reused cell per column and style writes the same XML with a style
    looked up once. The sheet's private ``_values_to_row`` is replaced for this; the export
    tests check the written cells (types, text formats, quote prefixes) so a change of
    openpyxl that breaks this shows there (openpyxl is pinned in the hashed locks).
    """

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._cells: dict[tuple[int, str], _ReusedCell] = {}
        ws._values_to_row = self._placed

    def _cell(self, index: int, style: str) -> _ReusedCell:
        cell = self._cells.get((index, style))
        if cell is None:
            cell = self._cells[(index, style)] = _ReusedCell(self._ws, row=1, column=1)
            if style == QUOTED_TEXT:
                # Excel keeps the text text after editing; openpyxl would have made a formula.
                cell.number_format = TEXT_FORMAT
                cell.quotePrefix = True
            elif style:
                cell.number_format = style
            cell.fix_style()
        return cell

    def _placed(self, values: Sequence[Any], row_index: int) -> Iterator[WriteOnlyCell]:
        for column, cell in enumerate(values, start=1):
            if cell is None:
                continue
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(self._ws, value=cell)
            cell.column, cell.row = column, row_index
            yield cell

    def append(self, values: Sequence[Any], styles: Sequence[str]) -> None:
        """Write one row: each value in the cell of its column and style (None leaves it empty)."""
        row: list[WriteOnlyCell | None] = []
        for index, (value, style) in enumerate(zip(values, styles, strict=True)):
            if value is None:
                row.append(None)
                continue
            cell = self._cell(index, style)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            else:
                cell.fix_style()  # openpyxl gives a time, say, its own format when binding it
            row.append(cell)
        self._ws.append(row)

    def append_shown(self, values: Sequence[Any], number_formats: Sequence[str]) -> None:
        """Write one row of checked values (:func:`shown_rows`) of a data sheet.

        Each value's style follows from its type, as VetDesk has always written it: text
        is text ("@", with a quote prefix when it would read as a formula), a date a date,
        a number takes its column's number format (``number_formats``). Text, whole
        numbers and decimals are bound to the cell directly: :func:`shown_rows` checked
        the text (control characters, length) as openpyxl's binding would, and the type
        is the cell type openpyxl would give.
        """
        row: list[_ReusedCell | None] = []
        for index, value in enumerate(values):
            kind = type(value)
            if kind is str:
                cell = self._cell(
                    index, QUOTED_TEXT if value.startswith(_FORMULA_START) else TEXT_FORMAT
                )
                cell._value, cell.data_type = value, "s"  # never a formula
            elif kind is int or kind is Decimal or kind is float:
                cell = self._cell(index, number_formats[index])
                cell._value, cell.data_type = value, "n"
            elif value is None:
                row.append(None)
                continue
            else:  # dates (and anything else) typed by openpyxl
                style = DATE_FORMAT if isinstance(value, dt.date) else number_formats[index]
                cell = self._cell(index, style)
                cell.value = value
                if style != DATE_FORMAT:
                    cell.fix_style()  # openpyxl gives a time, say, its own format when binding it
            row.append(cell)
        self._ws.append(row)

    def append_cells(self, cells: Sequence[WriteOnlyCell | None]) -> None:
        """Write a row of cells made by the caller (a header, a cover line)."""
        self._ws.append(list(cells))


def make_cell(ws: Any, column: Column, value: Any, where: str) -> WriteOnlyCell:
    """A write-only cell holding a value safely typed for its column."""
    shown = cell_value(column, value)
    if isinstance(shown, str):
        cell = WriteOnlyCell(ws, value=_text_checked(shown, where))
        # openpyxl turns strings starting with "=" into formulas; force text and mark it
        # with a quote prefix so Excel keeps it text after editing.
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
        if shown.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell
    cell = WriteOnlyCell(ws, value=shown)
    if isinstance(shown, dt.date):
        cell.number_format = DATE_FORMAT
    elif column.kind == Kind.WAN_YUAN:
        cell.number_format = "0.00##"
    elif column.kind in (Kind.INT, Kind.YEAR):
        cell.number_format = "0"
    return cell


def header_cells(ws: Any, spec: SheetSpec) -> list[WriteOnlyCell]:
    """The styled header row of a data sheet."""
    cells = []
    for column in spec.columns:
        cell = WriteOnlyCell(ws, value=column.header_text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cells.append(cell)
    return cells


def check_records(spec: SheetSpec, records: Iterable[Record]) -> None:
    """Refuse, before anything is written, a value that cannot be stored safely in a cell."""
    for _row in _shown_values(spec, records):
        pass


def shown_rows(spec: SheetSpec, records: Iterable[Record]) -> list[list[Any]]:
    """The cell values of a sheet's records, checked (see :func:`check_records`)."""
    return list(_shown_values(spec, records))


def write_shown_sheet(workbook: Workbook, spec: SheetSpec, rows: Iterable[list[Any]]) -> int:
    """Append a data sheet of :func:`shown_rows` to a write-only workbook; return the rows."""
    ws = workbook.create_sheet(spec.title)  # Chinese in either language: see SheetSpec.sheet_title
    for index, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    writer = RowWriter(ws)
    writer.append_cells(header_cells(ws, spec))
    # The style of each value follows from its type and its column (see append_shown): the
    # column's number format is looked up once here, not per value.
    number_formats = [_NUMBER_FORMATS.get(column.kind, "") for column in spec.columns]
    width = len(number_formats)
    count = 0
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns of {spec.key}")
        writer.append_shown(row, number_formats)
        count += 1
    return count


def write_data_sheet(workbook: Workbook, spec: SheetSpec, records: Iterable[Record]) -> int:
    """Append a data sheet to a write-only workbook; return the number of rows."""
    return write_shown_sheet(workbook, spec, _shown_values(spec, records))


@dataclass(frozen=True)
class CoverLine:
    """A label and value on a cover sheet."""

    label: str
    value: Any


def write_cover(workbook: Workbook, title: str, lines: Iterable[CoverLine]) -> None:
    """Add a readable cover sheet."""
    ws = workbook.create_sheet(_("封面"))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=16)
    ws.append([title_cell])
    ws.append([])
    for line in lines:
        label = WriteOnlyCell(ws, value=line.label)
        label.font = HEADER_FONT
        value = WriteOnlyCell(ws, value=line.value)
        if isinstance(line.value, str):
            value.data_type = "s"
        ws.append([label, value])


def new_write_only_workbook() -> Workbook:
    """A fresh streaming workbook."""
    return Workbook(write_only=True)


def save_workbook(
    workbook: Workbook, target: Path, before_replace: Callable[[Path], None] | None = None
) -> None:
    """Save a workbook atomically (``before_replace`` runs on the written temporary file)."""
    try:
        write_atomically(target, lambda tmp: workbook.save(tmp), before_replace)
    except BaseException:
        discard_workbook(workbook)
        raise


def discard_workbook(workbook: Workbook) -> None:
    """Release a write-only workbook's temporary sheet files after a failed save."""
    for ws in workbook.worksheets:
        # Write-only sheets stream rows into temporary files until saved.
        with contextlib.suppress(Exception):
            if not getattr(ws, "closed", True):
                ws.close()
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if isinstance(out, str):
            with contextlib.suppress(OSError):
                os.remove(out)


def standard_meta(kind: str, values: dict[str, str]) -> WorkbookMeta:
    """Metadata with the app version and creation time added."""
    base = {
        "app_version": __version__,
        "created": dt.datetime.now().replace(microsecond=0).isoformat(),
    }
    return WorkbookMeta(kind, TEMPLATE_FORMAT, {**base, **values})


def add_meta(workbook: Workbook, meta: WorkbookMeta) -> None:
    """Add the hidden metadata sheet."""
    write_meta(workbook, meta)
