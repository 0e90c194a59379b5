"""Reading a workbook into typed rows, with a precise finding for every refused cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from vetdesk.i18n import SUPPORTED_LANGUAGES, _, translate_to
from vetdesk.workbook.cells import (
    CellError,
    CellReader,
    cell_reader,
    header_key,
    parse_cell,
    shown_value,
)
from vetdesk.workbook.filesafety import (
    DEFAULT_LIMITS,
    SafetyLimits,
    UnsafeFileError,
    read_checked,
    translating_read_errors,
)
from vetdesk.workbook.meta import META_SHEET, WorkbookMeta, meta_from
from vetdesk.workbook.schema import (
    EXPORT_SHEETS,
    SCHOOL_CODE,
    Column,
    SheetSpec,
    sheet_by_title,
)

if TYPE_CHECKING:
    from vetdesk.workbook.source import SheetExtent

MAX_COLUMNS = 80
# The sheet keyed by the school alone whose prefilled row a school may leave untouched.
SCHOOL_ROW_OPTIONAL = "destinations"
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ImportIssue:
    """A problem found in a workbook: where, what was seen, and why it is refused."""

    sheet: str
    row: int
    column: str
    header: str
    value: str
    message: str
    code: str = "cell"

    @property
    def cell(self) -> str:
        """The cell reference, e.g. 'D7' (or '' for a whole-sheet problem)."""
        return f"{self.column}{self.row}" if self.column and self.row else ""

    def describe(self) -> str:
        """One line for people: sheet, row, column, value and reason."""
        if not self.sheet:
            # About the whole file (its unit, kind or format): no sheet to name.
            return _("整个文件：{msg}").format(msg=self.message)
        where = _("工作表“{sheet}”").format(sheet=self.sheet)
        if self.row:
            where += _(" 第 {row} 行").format(row=self.row)
        if self.column:
            where += _(" {col} 列（{header}）").format(col=self.column, header=self.header)
        value = _("，值“{v}”").format(v=self.value) if self.value else ""
        # The separator is translated too: English takes a colon and a space.
        return _("{where}{value}：{message}").format(where=where, value=value, message=self.message)


@dataclass(frozen=True)
class ParsedRow:
    """One data row with its typed values and where each value came from."""

    row: int
    values: dict[str, Any]
    columns: dict[str, str]  # key -> column letter
    ok: bool = True  # False when a cell of the row was refused


@dataclass
class SheetRows:
    """A recognised data sheet."""

    spec: SheetSpec
    title: str
    header_row: int
    column_letters: dict[str, str]
    rows: list[ParsedRow] = field(default_factory=list)


@dataclass
class WorkbookContent:
    """Everything read from a workbook."""

    file_name: str
    meta: WorkbookMeta | None
    sheets: dict[str, SheetRows]
    issues: list[ImportIssue]
    # True when the rows are a selection (pasted rows), not a school's complete roster:
    # importing then adds and updates records and removes none.
    partial: bool = False
    # The sheets people read but the merge does not (cover, 核验结果), as text rows.
    readable: dict[str, list[list[str]]] = field(default_factory=dict)
    # Signature digests of sheets already computed from these rows, keyed by sheet and the
    # columns signed (see ``packages.envelope.content_digests``); the rows are never changed
    # after reading, so a package verified again inside the merge's transaction is not re-hashed.
    digests: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def sheet(self, key: str) -> SheetRows | None:
        """A data sheet by key, if present."""
        return self.sheets.get(key)


def _match_headers(cells: Sequence[Any], spec: SheetSpec) -> dict[str, int]:
    by_text: dict[str, Column] = {}
    for column in spec.columns:
        translations = (translate_to(lang, column.header) for lang in SUPPORTED_LANGUAGES)
        for text in (column.header, column.key, *column.aliases, *translations):
            by_text.setdefault(header_key(text), column)
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        if value is None:
            continue
        matched = by_text.get(header_key(str(value)))
        if matched is not None and matched.key not in found:
            found[matched.key] = index
    return found


def header_row_mapping(cells: Sequence[Any], spec: SheetSpec) -> dict[str, int]:
    """Column key to index if the cells are a header row of the sheet, else empty."""
    found = _match_headers(cells, spec)
    return found if len(found) >= min(2, len(spec.data_columns)) else {}


def _too_many_columns(title: str, columns: int, file_name: str) -> UnsafeFileError:
    return UnsafeFileError(
        _("工作表“{sheet}”有 {n} 列，超过上限 {max} 列，请删除多余的列后再导入。").format(
            sheet=title, n=columns, max=MAX_COLUMNS
        ),
        code="zip_bomb",
        file_name=file_name,
        detail="too many columns",
    )


def _too_many_rows(title: str, spec: SheetSpec, file_name: str, detail: str) -> UnsafeFileError:
    return UnsafeFileError(
        _("工作表“{sheet}”超过 {max} 行数据，超出上限，请拆分后分批导入。").format(
            sheet=title, max=spec.max_rows
        ),
        code="zip_bomb",
        file_name=file_name,
        detail=detail,
    )


def read_sheet_rows(
    rows: Iterable[Sequence[Any]],
    title: str,
    spec: SheetSpec,
    issues: list[ImportIssue],
    file_name: str,
    *,
    first_row: int = 1,
    formulas: Collection[tuple[int, int]] = (),
) -> SheetRows | None:
    """Read a sheet's rows of cell values into typed rows and issues.

    ``first_row`` is the number messages give the first row (0 when it is a header that
    was not in the source, as for rows pasted without their header); ``formulas`` holds
    the (row number, 0-based column) of every formula cell, which is refused.
    """
    rows_iter = iter(rows)
    header_row: int | None = None
    mapping: dict[str, int] = {}
    for number, row in enumerate(rows_iter, start=first_row):
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns(title, len(row), file_name)
        candidate = header_row_mapping(row, spec)
        if candidate:
            header_row, mapping = number, candidate
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if header_row is None:
        issues.append(
            ImportIssue(
                title,
                0,
                "",
                "",
                "",
                _("没有找到表头行（前 {n} 行中没有可识别的列名）。").format(n=HEADER_SEARCH_ROWS),
                "no_header",
            )
        )
        return None
    letters = {key: get_column_letter(index + 1) for key, index in mapping.items()}
    result = SheetRows(spec, title, header_row, letters)
    missing = [c for c in spec.data_columns if c.required and c.key not in mapping]
    for column in missing:
        issues.append(
            ImportIssue(
                title,
                header_row,
                "",
                _(column.header),
                "",
                _("缺少必填列“{h}”。").format(h=_(column.header)),
                "missing_column",
            )
        )
    if missing:
        return result
    count = 0
    previous: dict[str, Any] = {}
    reader = _RowReader(spec, mapping, letters)
    for number, row in enumerate(rows_iter, start=header_row + 1):
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns(title, len(row), file_name)
        if number > header_row + spec.max_rows:
            # Counted by row number, not by filled rows: a lone cell at row 1 048 576
            # would otherwise mean a million empty rows to look at.
            raise _too_many_rows(title, spec, file_name, "row number beyond the limit")
        parsed = reader.read(number, row, title, issues, previous, formulas)
        if parsed is None:
            continue
        count += 1
        if count > spec.max_rows:
            raise _too_many_rows(title, spec, file_name, "too many rows")
        result.rows.append(parsed)
    _check_duplicates(result, issues)
    return result


@dataclass(frozen=True)
class _Cell:
    """One mapped column of a sheet as every row reads it."""

    column: Column
    key: str
    index: int
    letter: str
    read: CellReader


class _RowReader:
    """A sheet's row reading, planned once from its header: the columns, their readers."""

    def __init__(self, spec: SheetSpec, mapping: dict[str, int], letters: dict[str, str]):
        self.spec = spec
        self.letters = letters
        self.cells = [
            _Cell(c, c.key, mapping[c.key], letters[c.key], cell_reader(c))
            for c in spec.columns
            if c.key in mapping
        ]
        data_keys = [c.key for c in spec.data_columns if c.key in mapping]
        if spec.natural_key != (SCHOOL_CODE.key,) or spec.key == SCHOOL_ROW_OPTIONAL:
            # A one-school template prefills its school code on every blank row and gives
            # 毕业生去向 the school's row: a row with nothing but the school holds no record.
            # (办学条件's row is one every template asks each school to fill in.)
            data_keys = [k for k in data_keys if k != SCHOOL_CODE.key] or data_keys
        self.data_indexes = [mapping[k] for k in data_keys]

    def read(
        self,
        number: int,
        row: Sequence[Any],
        title: str,
        issues: list[ImportIssue],
        previous: dict[str, Any],
        formula_cells: Collection[tuple[int, int]],
    ) -> ParsedRow | None:
        """A row's typed values (None for a blank row); refused cells become issues."""
        width = len(row)
        for index in self.data_indexes:
            value = row[index] if index < width else None
            if value is not None and not (isinstance(value, str) and not value.strip()):
                break
        else:
            return None  # blank rows between data are common and harmless
        spec = self.spec
        values: dict[str, Any] = {}
        row_ok = True
        for cell in self.cells:
            column = cell.column
            index = cell.index
            raw = row[index] if index < width else None
            if column.informational:
                # Shown for people and covered by package signatures, never imported.
                try:
                    values[cell.key] = cell.read(raw)
                except CellError:
                    values[cell.key] = str(raw)
                continue
            try:
                if formula_cells and (number, index) in formula_cells:
                    value = parse_cell(column, raw, is_formula=True)
                else:
                    value = cell.read(raw)
            except CellError as exc:
                issues.append(
                    ImportIssue(
                        title,
                        number,
                        cell.letter,
                        _(column.header),
                        shown_value(column, raw),
                        str(exc),
                    )
                )
                row_ok = False
                continue
            if value is None and column.required:
                hint = ""
                if cell.key in spec.natural_key and previous.get(cell.key) is not None:
                    hint = _("（如果这是合并单元格，请取消合并并在每一行填写）")
                issues.append(
                    ImportIssue(
                        title,
                        number,
                        cell.letter,
                        _(column.header),
                        "",
                        _("此项为必填，不能为空。") + hint,
                        "required",
                    )
                )
                row_ok = False
            values[cell.key] = value
        # Only the natural key's earlier values are looked at (the merged-cell hint).
        for key in spec.natural_key:
            if values.get(key) is not None:
                previous[key] = values[key]
        return ParsedRow(number, values, self.letters, ok=row_ok)


def _check_duplicates(sheet: SheetRows, issues: list[ImportIssue]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    key_cols = sheet.spec.natural_key
    for row in sheet.rows:
        if not row.ok:
            continue
        key = tuple(map(row.values.get, key_cols))
        if None in key:  # typed cell values: only None equals None
            continue
        if key in seen:
            column = sheet.spec.column(key_cols[-1])
            issues.append(
                ImportIssue(
                    sheet.title,
                    row.row,
                    sheet.column_letters.get(key_cols[-1], ""),
                    _(column.header),
                    shown_value(column, key[-1]),
                    _("与第 {first} 行重复（同一记录只能出现一次）。").format(first=seen[key]),
                    "duplicate",
                )
            )
        else:
            seen[key] = row.row


# Sheet titles of the readable sheets, in either language an export may have been written in.
READABLE_SHEETS = {
    "封面": "cover",
    "Cover": "cover",
    "核验结果": "indicators",
    "Check results": "indicators",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is dt.date:
        # openpyxl read a date-formatted cell as a datetime at midnight.
        return str(dt.datetime.combine(value, dt.time()))
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        # python-calamine gives every number as a float; a whole number reads as the
        # spreadsheet shows it ("5", not "5.0"), as openpyxl read it before.
        return str(int(value))
    return str(value)


def text_rows(rows: Iterable[Sequence[Any]]) -> list[list[str]]:
    """Rows as text the way they read back from any spreadsheet program: no empty tails or rows."""
    result = []
    for row in rows:
        cells = [_text(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            result.append(cells)
    return result


def read_workbook(
    path: Path,
    *,
    sheets: Iterable[SheetSpec] = EXPORT_SHEETS,
    limits: SafetyLimits = DEFAULT_LIMITS,
) -> WorkbookContent:
    """Read every recognised data sheet of a workbook (file checked for safety first)."""
    from vetdesk.workbook.source import WorkbookSource

    checked = read_checked(path, limits)
    candidates = tuple(sheets)
    issues: list[ImportIssue] = []
    found: dict[str, SheetRows] = {}
    readable: dict[str, list[list[str]]] = {}
    name = checked.file_name
    with translating_read_errors(name):
        source = WorkbookSource(checked)
    try:
        with translating_read_errors(name):
            meta_rows: list[list[Any]] = []
            for title in source.sheetnames:
                if title == META_SHEET:
                    meta_rows = _sheet_values(source, title, None, limits, name)
                    continue
                if title in READABLE_SHEETS and READABLE_SHEETS[title] not in readable:
                    values = _sheet_values(source, title, None, limits, name)
                    readable[READABLE_SHEETS[title]] = text_rows(values)
                    continue
                spec = sheet_by_title(title, candidates)
                if spec is None or spec.key in found:
                    continue
                extent = source.extent(title)
                _check_extent(title, spec, extent, limits, name)
                cells = source.cells(title, extent.exact)
                sheet = read_sheet_rows(
                    cells.rows, title, spec, issues, name, formulas=cells.formulas
                )
                if sheet is not None:
                    found[spec.key] = sheet
            meta = meta_from(
                [[_text(v) if v != "" else None for v in row[:2]] for row in meta_rows],
                source.properties(),
            )
    finally:
        source.close()
    return WorkbookContent(path.name, meta, found, issues, readable=readable)


def _check_extent(
    title: str, spec: SheetSpec | None, extent: SheetExtent, limits: SafetyLimits, file_name: str
) -> None:
    # Before python-calamine lays the sheet out in memory (rows × columns): the limits
    # the row-by-row reading applies, taken from the largest cell reference.
    if extent.max_column > MAX_COLUMNS:
        raise _too_many_columns(title, extent.max_column, file_name)
    if spec is not None and extent.max_row > HEADER_SEARCH_ROWS + spec.max_rows:
        raise _too_many_rows(title, spec, file_name, "row number beyond the limit")
    # Within those limits, a few cells far apart would still be laid out as millions.
    area = extent.max_row * extent.max_column
    if area > max(limits.max_sparse_extent, limits.max_extent_ratio * extent.cells):
        raise UnsafeFileError(
            _(
                "工作表“{sheet}”只有 {cells} 个单元格，却分散在 {rows} 行 × {columns} 列的范围内，"
                "可能是恶意构造的文件，已拒绝导入。请删除远离数据的单元格，"
                "或把数据复制到新的工作表后再导入。"
            ).format(
                sheet=title, cells=extent.cells, rows=extent.max_row, columns=extent.max_column
            ),
            code="zip_bomb",
            file_name=file_name,
            detail=f"extent {area} cells for {extent.cells} cells",
        )


def _sheet_values(
    source: Any, title: str, spec: SheetSpec | None, limits: SafetyLimits, file_name: str
) -> list[list[Any]]:
    """A sheet people read (cover, 核验结果, metadata) as rows of values."""
    extent = source.extent(title)
    _check_extent(title, spec, extent, limits, file_name)
    if extent.max_row > limits.max_sheet_rows:
        raise UnsafeFileError(
            _("工作表“{sheet}”超过 {max} 行，超出上限，请拆分后分批导入。").format(
                sheet=title, max=limits.max_sheet_rows
            ),
            code="zip_bomb",
            file_name=file_name,
            detail="readable sheet row number beyond the limit",
        )
    return list(source.cells(title, extent.exact).rows)
