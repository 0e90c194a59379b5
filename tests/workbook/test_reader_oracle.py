"""python-calamine reads what openpyxl read: the same canonical rows, messages, metadata and text.

The reader before python-calamine (openpyxl read-only, ``data_only=False``) is kept here only
as an oracle. Both run over the fuzz corpus, the signed fixtures (made before the change),
templates and exports made from a demo database, a template filled with formulas, error
values, numbers stored as numbers and dates, and LibreOffice re-saves of them; everything a
signature covers or a message shows must be identical, so packages signed before the change
verify after it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from xlsx_helpers import needs_libreoffice, resave_with_libreoffice

from vetdesk.db.database import open_database
from vetdesk.errors import VetDeskError
from vetdesk.workbook.export import export_period
from vetdesk.workbook.filesafety import (
    SafetyLimits,
    UnsafeFileError,
    open_workbook_safely,
    translating_read_errors,
)
from vetdesk.workbook.meta import META_SHEET, read_meta
from vetdesk.workbook.reader import (
    READABLE_SHEETS,
    ImportIssue,
    SheetRows,
    read_sheet_rows,
    read_workbook,
)
from vetdesk.workbook.rows import canonical_rows
from vetdesk.workbook.schema import EXPORT_SHEETS, sheet_by_title
from vetdesk.workbook.template import write_template

YEAR = 2025
HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "fixtures" / "fuzz-corpus"
SIGNED = HERE.parent / "signing" / "data" / "signed"


def _old_text(rows: Any) -> list[list[str]]:
    result = []
    for row in rows:
        cells = ["" if value is None else str(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            result.append(cells)
    return result


def read_with_openpyxl(path: Path) -> dict[str, Any]:
    """The reader as it was before python-calamine, reduced to what it produced."""
    workbook = open_workbook_safely(path, read_only=True)
    issues: list[ImportIssue] = []
    found: dict[str, SheetRows] = {}
    readable: dict[str, list[list[str]]] = {}
    try:
        with translating_read_errors(path.name):
            meta = read_meta(workbook)
            if meta is not None:
                # openpyxl read an empty custom property as the text "None"; the hidden
                # sheet (which normally wins) gives "", as today's reader does for both.
                meta.values = {k: "" if v == "None" else v for k, v in meta.values.items()}
            for title in workbook.sheetnames:
                if title == META_SHEET:
                    continue
                ws = workbook[title]
                ws.reset_dimensions()
                if title in READABLE_SHEETS and READABLE_SHEETS[title] not in readable:
                    readable[READABLE_SHEETS[title]] = _old_text(ws.iter_rows(values_only=True))
                    continue
                spec = sheet_by_title(title, EXPORT_SHEETS)
                if spec is None or spec.key in found:
                    continue
                rows: list[list[Any]] = []
                formulas: set[tuple[int, int]] = set()
                for number, row in enumerate(ws.iter_rows(), start=1):
                    rows.append([getattr(cell, "value", None) for cell in row])
                    formulas.update(
                        (number, index)
                        for index, cell in enumerate(row)
                        if getattr(cell, "data_type", None) == "f"
                    )
                sheet = read_sheet_rows(rows, title, spec, issues, path.name, formulas=formulas)
                if sheet is not None:
                    found[spec.key] = sheet
    finally:
        workbook.close()
    return _summary(meta, found, issues, readable)


def _summary(meta: Any, found: dict[str, SheetRows], issues: list[ImportIssue], readable: Any):
    return {
        "meta": None if meta is None else (meta.kind, meta.format, meta.values),
        "sheets": {
            key: {
                "header_row": sheet.header_row,
                "columns": sheet.column_letters,
                "canonical": canonical_rows(
                    sheet.spec, [r.values for r in sheet.rows], all_columns=True
                ),
                "rows": [(r.row, r.ok) for r in sheet.rows],
            }
            for key, sheet in found.items()
        },
        "issues": [issue.describe() for issue in issues],
        "readable": readable,
    }


def read_with_calamine(path: Path) -> dict[str, Any]:
    """Today's reader, reduced the same way."""
    content = read_workbook(path)
    return _summary(content.meta, content.sheets, content.issues, content.readable)


def outcome(read: Any, path: Path) -> Any:
    """What a reader made of a file: its summary, or the refusal's code."""
    try:
        return read(path)
    except VetDeskError as exc:
        return ("refused", exc.code)


def assert_same(path: Path) -> dict[str, Any]:
    """Both readers agree on ``path``; return the summary."""
    old = outcome(read_with_openpyxl, path)
    new = outcome(read_with_calamine, path)
    assert json.loads(json.dumps(new, default=str)) == json.loads(json.dumps(old, default=str)), (
        path.name
    )
    return new


CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.xlsx"))
# Broken files where the two readers part ways, both ending in a clean outcome the corpus
# allows (cases.json): python-calamine reads a NaN number (then refused as a count, with
# sheet, row and column) where openpyxl failed on it as damaged; it refuses a row
# numbered 0 as damaged where openpyxl read the row.
DIFFERENT = {
    "template-number-nan.xlsx": ("refused", "issues"),
    "template-row-number-zero.xlsx": ("read", "refused"),
}


@pytest.mark.parametrize("name", sorted(set(CORPUS_FILES) - set(DIFFERENT)))
def test_fuzz_corpus_reads_the_same(name: str) -> None:
    """Every corpus file: identical rows and messages, or the same refusal."""
    assert_same(CORPUS / name)


@pytest.mark.parametrize("name", sorted(DIFFERENT))
def test_broken_corpus_files_end_cleanly_in_both(name: str) -> None:
    """The two broken files the readers differ on: each ends as the corpus expects."""
    old_kind, new_kind = DIFFERENT[name]
    results = {}
    for label, read in (("old", read_with_openpyxl), ("new", read_with_calamine)):
        result = outcome(read, CORPUS / name)
        if isinstance(result, tuple):
            results[label] = "refused"
        else:
            results[label] = "issues" if result["issues"] else "read"
    assert (results["old"], results["new"]) == (old_kind, new_kind)


@pytest.mark.parametrize("name", ["package.xlsx", "task.xlsx", "receipt.xlsx"])
def test_signed_fixtures_read_the_same(name: str) -> None:
    """Files signed before python-calamine: identical canonical rows and cover text."""
    summary = assert_same(SIGNED / name)
    assert summary["meta"] is not None


@pytest.fixture
def made_files(county_db: Path, tmp_path: Path) -> dict[str, Path]:
    """A template, a filled-in template with awkward cells, and an export of a demo county."""
    db = open_database(county_db)
    try:
        template = tmp_path / "模板.xlsx"
        write_template(db, YEAR, template)
        export = tmp_path / "导出.xlsx"
        export_period(db, YEAR, export, draft=True)
    finally:
        db.close()
    awkward = tmp_path / "填写.xlsx"
    wb = openpyxl.load_workbook(export)
    ws = wb["教师名册"]
    ws["C2"] = "=A2&B2"  # a formula in a name: refused, never evaluated
    ws["C3"] = "#N/A"
    ws["C3"].data_type = "e"  # an error value: read as the text it shows
    ws["D4"] = 630202198001011234  # a 身份证号 stored as a number
    ws["F5"] = dt.datetime(2024, 7, 18)  # a date in a choice column
    ws["A7"] = float(ws["A7"].value or 0) if str(ws["A7"].value or "").isdigit() else 5
    wb.save(awkward)
    return {"template": template, "export": export, "awkward": awkward}


def test_made_files_read_the_same(made_files: dict[str, Path]) -> None:
    """Templates, exports and an awkward filled-in file: identical rows, issues and text."""
    for path in made_files.values():
        assert_same(path)
    awkward = read_with_calamine(made_files["awkward"])
    messages = "\n".join(awkward["issues"])
    assert "C2" in messages or "第 2 行 C 列" in messages
    assert "公式" in messages
    assert "身份证号被存成了数字" in messages


@needs_libreoffice
def test_libreoffice_resaves_read_the_same(made_files: dict[str, Path], tmp_path: Path) -> None:
    """The same files after a LibreOffice save, and the signed package after one."""
    for name, path in [*made_files.items(), ("package", SIGNED / "package.xlsx")]:
        folder = tmp_path / name
        folder.mkdir()
        assert_same(resave_with_libreoffice(path, folder))


def test_rows_start_at_a1_when_data_starts_further_in(tmp_path: Path) -> None:
    """Cells are numbered from A1 even when the first filled cell is C3 (python-calamine starts there)."""
    spec = next(s for s in EXPORT_SHEETS if s.key == "schools")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    for index, column in enumerate(spec.columns):
        ws.cell(3, 3 + index, column.header_text)
    ws.cell(4, 3, "3663230001")
    path = tmp_path / "偏移.xlsx"
    wb.save(path)
    summary = assert_same(path)
    assert summary["sheets"]["schools"]["header_row"] == 3
    assert summary["sheets"]["schools"]["columns"]["school_code"] == "C"


@pytest.mark.parametrize("formula", [False, True], ids=["scanned", "parsed-in-full"])
def test_two_cells_far_apart_are_refused_before_they_are_laid_out(
    tmp_path: Path, formula: bool
) -> None:
    """A1 and CB200010 pass the row and column limits but would be 16 million cells in memory."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "教师名册"
    ws["A1"] = "=1+1" if formula else "姓名"
    ws["CB200010"] = "x"
    path = tmp_path / "稀疏.xlsx"
    wb.save(path)
    with pytest.raises(UnsafeFileError) as refused:
        read_workbook(path)
    assert refused.value.code == "zip_bomb"
    assert "教师名册" in refused.value.message and "200010 行 × 80 列" in refused.value.message


def test_a_sparse_sheet_within_the_bounds_still_reads(tmp_path: Path) -> None:
    """Cells far apart are refused only past a floor and a ratio to the cells the sheet holds."""
    spec = next(s for s in EXPORT_SHEETS if s.key == "schools")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    ws.append([c.header_text for c in spec.columns])
    ws.cell(5000, 26, "远处的备注")  # 5 000 × 26 cells laid out for a few: under the floor
    path = tmp_path / "远处.xlsx"
    wb.save(path)
    assert read_workbook(path).sheets["schools"].header_row == 1
    # With a tiny floor, the same sheet's extent is judged against the cells it holds.
    tight = SafetyLimits(max_sparse_extent=100)
    with pytest.raises(UnsafeFileError):
        read_workbook(path, limits=tight)
    dense = openpyxl.Workbook()
    dense.active.title = spec.sheet_title
    dense.active.append([c.header_text for c in spec.columns])
    for row in range(10):
        dense.active.append([f"366323000{row}", "学校"])
    dense.save(path)
    assert len(read_workbook(path, limits=tight).sheets["schools"].rows) == 10
