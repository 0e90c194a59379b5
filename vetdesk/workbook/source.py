"""The cells of an incoming workbook, read with python-calamine after the file-safety gate.

python-calamine reads cell values many times faster than openpyxl, but it gives a
formula's cached value, never the formula, and an error cell (``#N/A``) as empty. So the
gate's streaming scan (:class:`~vetdesk.workbook.filesafety.SheetScan`) notes, for every
worksheet part, its largest cell reference and whether it holds formulas, error values or
cells whose place is not given by a leading reference; such a part is parsed once more with
expat (:func:`exact_scan`) to find those cells exactly as openpyxl would place them. The
reader then refuses formula cells as it always has, and error cells read as the text they
show. The largest reference is checked before python-calamine lays a sheet out in memory,
so that two cells far apart cannot make it allocate rows × columns of nothing.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from defusedxml.ElementTree import fromstring

from vetdesk.workbook.filesafety import CheckedWorkbook, SheetScan, column_index

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_PROPS_TYPE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)


@dataclass
class ExactSheet:
    """Where the cells of a worksheet part are, found by a full parse."""

    max_row: int = 0
    max_column: int = 0
    cells: int = 0
    # (row number, 0-based column) -> the value openpyxl reads: "=" + the formula, or
    # the text of an error value such as "#N/A".
    values: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)


class _ExactScanner:
    """expat handlers tracking the place of each cell, as openpyxl's worksheet reader does."""

    def __init__(self) -> None:
        self.result = ExactSheet()
        self.row = 0
        self.column = 0
        self.cell_type = ""
        self.in_value = False
        self.in_formula = False
        self.is_formula = False
        self.text: list[str] = []
        self.formula: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element opens."""
        tag = name.rsplit(" ", 1)[-1]
        if tag == "row":
            ref = attrs.get("r", "")
            self.row = int(ref) if ref.isdigit() else self.row + 1
            self.column = 0
        elif tag == "c":
            ref = attrs.get("r", "")
            letters = ref.rstrip("0123456789")
            digits = ref[len(letters) :]
            if letters.isascii() and letters.isalpha() and letters.isupper() and digits:
                self.row, self.column = int(digits), column_index(letters)
            else:
                self.column += 1
            self.cell_type = attrs.get("t", "n")
            self.is_formula = False
            self.text.clear()
            self.formula.clear()
            self.result.cells += 1
            self.result.max_row = max(self.result.max_row, self.row)
            self.result.max_column = max(self.result.max_column, self.column)
        elif tag == "f":
            self.is_formula = self.in_formula = True
        elif tag == "v":
            self.in_value = True

    def end(self, name: str) -> None:
        """An element closes."""
        tag = name.rsplit(" ", 1)[-1]
        if tag == "f":
            self.in_formula = False
        elif tag == "v":
            self.in_value = False
        elif tag == "c":
            where = (self.row, self.column - 1)
            if self.is_formula:
                self.result.formulas.add(where)
                self.result.values[where] = "=" + "".join(self.formula)
            elif self.cell_type == "e":
                self.result.values[where] = "".join(self.text)

    def data(self, chunk: str) -> None:
        """Character data."""
        if self.in_formula:
            self.formula.append(chunk)
        elif self.in_value:
            self.text.append(chunk)


def exact_scan(xml: bytes) -> ExactSheet:
    """Parse a worksheet part with expat, placing cells as openpyxl does (references or counting)."""
    scanner = _ExactScanner()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.data
    parser.Parse(xml, True)
    return scanner.result


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> worksheet part name, from the workbook part and its relationships."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    try:
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id", "")] = posixpath.normpath(part)
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        rel_id = sheet.get(f"{{{_REL_NS}}}id", "")
        if rel_id in targets:
            parts[sheet.get("name", "")] = targets[rel_id]
    return parts


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """The workbook's custom document properties as text (name -> value)."""
    try:
        rels = fromstring(archive.read("_rels/.rels"))
    except KeyError:
        return {}
    part = next(
        (
            rel.get("Target", "").lstrip("/")
            for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
            if rel.get("Type") == _CUSTOM_PROPS_TYPE
        ),
        None,
    )
    if part is None or part not in archive.namelist():
        return {}
    props: dict[str, str] = {}
    for prop in fromstring(archive.read(part)):
        name = prop.get("name")
        if name is not None and len(prop):
            props.setdefault(name, prop[0].text or "")
    return props


@dataclass(frozen=True)
class SheetExtent:
    """How far a sheet's cells reach and how many there are; ``exact`` if a full parse was needed."""

    max_row: int
    max_column: int
    cells: int
    exact: ExactSheet | None


@dataclass
class SheetCells:
    """One worksheet's cells: rows of values from A1, and which cells are formulas."""

    rows: Iterator[list[Any]]
    formulas: set[tuple[int, int]]
    max_row: int
    max_column: int


class WorkbookSource:
    """A checked workbook opened for reading its values (python-calamine)."""

    def __init__(self, checked: CheckedWorkbook) -> None:
        from python_calamine import CalamineWorkbook

        self.file_name = checked.file_name
        self._checked = checked
        self._archive = zipfile.ZipFile(io.BytesIO(checked.data))
        self._parts = _sheet_parts(self._archive)
        self._book = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
        self.sheetnames: list[str] = list(self._book.sheet_names)

    def properties(self) -> dict[str, str]:
        """The custom document properties."""
        return _custom_properties(self._archive)

    def extent(self, title: str) -> SheetExtent:
        """The largest row and column numbers and the cell count of a sheet, before it is laid out."""
        part = self._parts.get(title)
        scan = self._checked.sheets.get(part or "")
        if scan is None or scan.needs_exact_scan:
            # No part found for the title (an odd workbook part) or a part the gate
            # could not place every cell of: parse it in full.
            if part is None or part not in self._archive.namelist():
                return SheetExtent(0, 0, 0, ExactSheet())
            exact = exact_scan(self._archive.read(part))
            return SheetExtent(exact.max_row, exact.max_column, exact.cells, exact)
        return SheetExtent(scan.max_row, scan.max_column, scan.cells, None)

    def cells(self, title: str, exact: ExactSheet | None) -> SheetCells:
        """The sheet's rows from row 1 and column A (call :meth:`extent` first to bound them)."""
        sheet = self._book.get_sheet_by_name(title)
        start = sheet.start
        overrides = exact.values if exact is not None else {}
        rows = _rows_from_a1(sheet.iter_rows(), start[1] if start else 0, overrides)
        formulas = exact.formulas if exact is not None else set()
        height = sheet.end[0] + 1 if sheet.end else 0
        return SheetCells(rows, formulas, height, sheet.width)

    def close(self) -> None:
        """Release the workbook."""
        self._book.close()
        self._archive.close()


def _rows_from_a1(
    rows: Iterator[list[Any]], first_column: int, overrides: dict[tuple[int, int], str]
) -> Iterator[list[Any]]:
    # python-calamine yields rows from the first row but columns from the first used
    # column; the importer numbers columns from A, as the file does.
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row_number, column), value in overrides.items():
        by_row.setdefault(row_number, []).append((column, value))
    pad = [""] * first_column
    number = 0
    for number, row in enumerate(rows, start=1):
        cells = pad + row if first_column else row
        if number in by_row:
            cells = _overlaid(cells, by_row.pop(number))
        yield cells
    # A formula without a cached value, or an error, may lie beyond what calamine kept.
    for extra in range(number + 1, max(by_row, default=0) + 1):
        yield _overlaid([], by_row.pop(extra, []))


def _overlaid(cells: list[Any], values: list[tuple[int, str]]) -> list[Any]:
    for column, value in values:
        if column >= len(cells):
            cells = cells + [""] * (column + 1 - len(cells))
        cells[column] = value
    return cells


__all__ = ["ExactSheet", "SheetCells", "SheetExtent", "SheetScan", "WorkbookSource", "exact_scan"]
