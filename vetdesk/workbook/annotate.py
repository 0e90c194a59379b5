"""The annotated error workbook: the school's own file, every refused cell marked.

Each bad cell is filled red with a comment saying what is wrong; a first sheet lists
all problems, so the county can send the file straight back to the school.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from vetdesk.i18n import N_, _
from vetdesk.workbook.atomic import write_atomically
from vetdesk.workbook.filesafety import open_workbook_safely
from vetdesk.workbook.reader import ImportIssue

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
SUMMARY_SHEET = N_("导入问题清单")
_AUTHOR = "VetDesk"


_WRAP = Alignment(wrap_text=True, vertical="top")
# Headers of the column that names a row's record (a teacher, a school, a programme …).
_NAME_HEADERS = ("姓名", "教师姓名", "学校名称", "名称", "项目名称", "专业名称", "企业名称")


def _record_name(workbook: Any, issue: ImportIssue) -> str:
    """The name on the refused row (姓名 of a teacher, name of a school …), for the list."""
    if issue.sheet not in workbook.sheetnames or not issue.row or issue.row < 2:
        return ""
    sheet = workbook[issue.sheet]
    headers = {
        str(cell.value).strip().lstrip("*"): cell.column
        for cell in sheet[1]
        if cell.value is not None
    }
    for header in _NAME_HEADERS:
        if header in headers:
            value = sheet.cell(issue.row, headers[header]).value
            return "" if value is None else str(value)
    return ""


def _fit_to_page_width(sheet: Any) -> None:
    """Print the problem list on landscape pages as wide as the paper, header on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def annotate_workbook(source: Path, issues: Iterable[ImportIssue], target: Path) -> int:
    """Write a copy of ``source`` with the issues marked; return how many cells were marked."""
    workbook = open_workbook_safely(source, read_only=False)
    issue_list = list(issues)
    marked = 0
    by_cell: dict[tuple[str, str], list[ImportIssue]] = {}
    for issue in issue_list:
        if issue.sheet in workbook.sheetnames:
            cell_ref = issue.cell or (f"A{issue.row}" if issue.row else "A1")
            by_cell.setdefault((issue.sheet, cell_ref), []).append(issue)
    for (sheet, ref), found in by_cell.items():
        cell = workbook[sheet][ref]
        cell.fill = ERROR_FILL
        text = "\n".join(i.message for i in found)
        comment = Comment(text, _AUTHOR)
        comment.width, comment.height = 300, 120
        cell.comment = comment
        marked += 1
    summary = workbook.create_sheet(_(SUMMARY_SHEET), 0)
    headers = [_("工作表"), _("行"), _("姓名/名称"), _("列"), _("列名"), _("填写的值"), _("问题")]
    summary.append(headers)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for issue in issue_list:
        summary.append(
            [
                issue.sheet,
                issue.row or "",
                _record_name(workbook, issue),
                issue.column,
                issue.header,
                issue.value,
                issue.message,
            ]
        )
        for cell in summary[summary.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.alignment = _WRAP
    for letter, width in zip("ABCDEFG", (12, 5, 14, 5, 16, 20, 48), strict=True):
        summary.column_dimensions[letter].width = width
    _fit_to_page_width(summary)
    workbook.active = 0
    write_atomically(target, lambda tmp: workbook.save(tmp))
    return marked
