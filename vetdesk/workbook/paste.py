"""Rows copied from Excel or WPS and pasted into VetDesk, read like a workbook's sheet.

Excel, WPS and LibreOffice all put a selection on the clipboard as tab-separated text,
quoting a cell that holds a tab, a line break or a quote the way the ``excel-tab`` CSV
dialect does. The text is turned into rows of cells and handed to the same sheet reader
as an imported workbook, so a pasted cell is accepted or refused exactly as it would be
in a file, with the row and column of the pasted block in every message.

A paste is a selection, not a school's complete roster: the content is marked
``partial``, so importing it adds and updates records and never removes any.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from vetdesk.errors import UsageError
from vetdesk.i18n import N_, _
from vetdesk.workbook.reader import (
    HEADER_SEARCH_ROWS,
    ImportIssue,
    SheetRows,
    WorkbookContent,
    header_row_mapping,
    read_sheet_rows,
)
from vetdesk.workbook.schema import SheetSpec

CLIPBOARD_TITLE = N_("剪贴板")
# A clipboard holding more than this is not a selection of rows a clerk copied.
MAX_PASTE_CHARACTERS = 20_000_000


@dataclass(frozen=True)
class PastedRows:
    """What was read from the clipboard, ready to preview and import."""

    content: WorkbookContent
    has_header: bool  # False: the columns were taken in the template's order
    row_count: int


def split_clipboard_text(text: str) -> list[list[str]]:
    """Split tab-separated clipboard text into rows of cell texts (quoted cells kept whole)."""
    if len(text) > MAX_PASTE_CHARACTERS:
        raise UsageError(
            _("剪贴板内容过大（{n} 个字符），请分批复制粘贴或改用导入工作簿。").format(n=len(text))
        )
    # Excel ends the last row with a line break; a trailing empty row means nothing.
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), dialect="excel-tab"))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def _template_header(spec: SheetSpec) -> list[str | None]:
    return [_(column.header) for column in spec.columns]


def read_pasted_rows(text: str, spec: SheetSpec) -> PastedRows:
    """Read pasted rows for one sheet; a header row is used when present, else template order."""
    title = _(CLIPBOARD_TITLE)
    issues: list[ImportIssue] = []
    rows = split_clipboard_text(text)
    cells: list[list[str | None]] = [
        [value if value != "" else None for value in row] for row in rows
    ]
    empty = WorkbookContent(title, None, {}, issues, partial=True)
    if not cells:
        issues.append(ImportIssue(title, 0, "", "", "", _("剪贴板中没有内容。"), "no_rows"))
        return PastedRows(empty, False, 0)
    if len(spec.data_columns) > 1 and all(len(row) < 2 for row in rows):
        issues.append(
            ImportIssue(
                title,
                0,
                "",
                "",
                "",
                _(
                    "剪贴板中不是表格数据。请在 Excel 或 WPS 中选中要粘贴的行"
                    "（整行或从第一列开始的单元格区域）后复制，再回到这里粘贴。"
                ),
                "no_table",
            )
        )
        return PastedRows(empty, False, 0)
    # A header may follow a title row or two, as in the templates.
    has_header = any(header_row_mapping(row, spec) for row in cells[:HEADER_SEARCH_ROWS])
    sheet: SheetRows | None
    if has_header:
        sheet = read_sheet_rows(cells, title, spec, issues, title)
    else:
        widest = max(len(row) for row in cells)
        if widest > len(spec.columns):
            issues.append(
                ImportIssue(
                    title,
                    1,
                    get_column_letter(len(spec.columns) + 1),
                    "",
                    "",
                    _(
                        "粘贴的内容有 {n} 列，比“{sheet}”模板的 {m} 列多，无法判断每列是什么。"
                        "请连同表头行一起复制。"
                    ).format(n=widest, sheet=spec.sheet_title, m=len(spec.columns)),
                    "too_many_columns",
                )
            )
            return PastedRows(empty, False, 0)
        # Without a header the columns are the template's, from its first column; the
        # header is numbered 0 so that messages number the pasted rows from 1.
        sheet = read_sheet_rows(
            [_template_header(spec), *cells], title, spec, issues, title, first_row=0
        )
    found = {spec.key: sheet} if sheet is not None else {}
    content = WorkbookContent(title, None, found, issues, partial=True)
    return PastedRows(content, has_header, len(sheet.rows) if sheet is not None else 0)
