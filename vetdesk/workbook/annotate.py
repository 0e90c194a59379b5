"""The annotated error workbook: the school's own file, every refused cell marked.

Each bad cell is filled red with a comment saying what is wrong; a first sheet lists
all problems, so the county can send the file straight back to the school.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from vetdesk.i18n import _
from vetdesk.workbook.atomic import write_atomically
from vetdesk.workbook.filesafety import open_workbook_safely
from vetdesk.workbook.reader import ImportIssue

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
SUMMARY_SHEET = "导入问题清单"
_AUTHOR = "VetDesk"


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
    headers = [_("工作表"), _("行"), _("列"), _("列名"), _("填写的值"), _("问题")]
    summary.append(headers)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for issue in issue_list:
        summary.append(
            [issue.sheet, issue.row or "", issue.column, issue.header, issue.value, issue.message]
        )
        for cell in summary[summary.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    for letter, width in zip("ABCDEF", (14, 6, 6, 22, 24, 70), strict=True):
        summary.column_dimensions[letter].width = width
    workbook.active = 0
    write_atomically(target, lambda tmp: workbook.save(tmp))
    return marked
