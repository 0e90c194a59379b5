"""Pasting rows copied from Excel or WPS into a record table: the import preview for a paste.

The rows are read by :func:`vetdesk.workbook.paste.read_pasted_rows` (the same cell rules
as an imported workbook) and compared with the database by the importer, in the
background; the dialog is the import preview with the file row replaced by a line about
the clipboard, and the commit adds and updates records without removing any.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from vetdesk.i18n import _
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.exchange import ImportDialog, Preview, build_preview

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.workbook.reader import WorkbookContent


class PasteDialog(ImportDialog):
    """Preview rows pasted into one sheet's table, then add or update them."""

    def __init__(
        self,
        db: Database,
        year: int,
        sheet_key: str,
        *,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, year, read_only=read_only, parent=parent)
        # Local: the core loads on first use, not at start-up.
        from vetdesk.workbook.schema import ALL_SHEETS

        self.setObjectName("PasteDialog")
        self._sheet = ALL_SHEETS[sheet_key]
        self._paste_year = year
        self.setWindowTitle(_("粘贴行到“{sheet}” — 预览").format(sheet=self._sheet.sheet_title))
        self.source_row.hide()
        self.annotate_button.hide()
        self.layout_note = QLabel()
        self.layout_note.setObjectName("layout_note")
        self.layout_note.setWordWrap(True)
        self.main_layout.insertWidget(0, self.layout_note)
        self.repaste_button = QPushButton(_("重新粘贴(&R)"))
        self.repaste_button.setObjectName("repaste")
        self.repaste_button.setToolTip(_("在 Excel 或 WPS 中改正并重新复制后，再读一次剪贴板"))
        self.repaste_button.clicked.connect(lambda: self.load_text(clipboard_text()))
        self.buttons.insertWidget(0, self.repaste_button)
        self.commit_button.setText(_("确认粘贴"))

    def refused_text(self, count: int) -> str:
        """The status line when cells were refused."""
        return _(
            "✗ 发现 {n} 处问题，不能粘贴（数据库未改动）。"
            "请在 Excel 或 WPS 中按“拒收的单元格”改正，重新复制后点“重新粘贴”。"
        ).format(n=count)

    def unchanged_text(self, year: int | None) -> str:
        """The status line when the pasted rows are already in the database."""
        return _("✓ 粘贴的行没有问题，与 {year} 年度的数据一致，无需写入。").format(year=year)

    def changes_text(self) -> str:
        """The status line format when all pasted rows are good."""
        return _(
            "✓ 粘贴的行没有问题。写入 {year} 年度将新增 {added} 条、修改 {changed} 条记录"
            "（粘贴只新增和修改，不删除记录）。"
        )

    def done_text(self, name: str, year: int | None) -> str:
        """The status line once the pasted rows were written."""
        del name
        return _("✓ 粘贴的行已写入 {year} 年度。写入前的数据库已备份。").format(year=year)

    def confirm_text(self, preview: Preview) -> str:
        """The question asked before writing the pasted rows."""
        return _(
            "把粘贴的 {n} 行写入“{sheet}”（{year} 年度）？只新增和修改记录，不删除任何记录；"
            "写入前会自动备份数据库。"
        ).format(
            n=sum(len(sheet.rows) for sheet in preview.content.sheets.values()),
            sheet=self._sheet.sheet_title,
            year=preview.plan.year,
        )

    def load_text(self, text: str) -> DbOp[tuple[Preview, bool]]:
        """Read pasted text and preview writing it, in the background."""
        self.preview = None
        self.busy = True
        self._update()
        self.status.setStyleSheet("")
        self.status.setText(_("正在读取粘贴的内容…"))
        spec, year = self._sheet, self._paste_year

        def op(db: Database, _progress: Progress) -> tuple[Preview, bool]:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.workbook.importer import plan_from_content
            from vetdesk.workbook.paste import read_pasted_rows

            pasted = read_pasted_rows(text, spec)
            plan = plan_from_content(db, pasted.content, year)
            return build_preview(None, plan, pasted.content), pasted.has_header

        def done(result: tuple[Preview, bool]) -> None:
            preview, has_header = result
            self.busy = False
            if has_header:
                self.layout_note.setText(_("按粘贴内容中的表头识别各列。"))
            else:
                columns = "、".join(_(c.header) for c in spec.columns[:4])
                self.layout_note.setText(
                    _(
                        "粘贴的内容没有表头，按“{sheet}”模板的列顺序（{columns}……）从第一列起读取；"
                        "行号是粘贴内容中的第几行。如列的顺序不同，请连同表头行一起复制。"
                    ).format(sheet=spec.sheet_title, columns=columns)
                )
            self._show(preview)

        return (
            DbOp(self, self._db, op, label=_("正在读取粘贴的内容…"))
            .success(done)
            .failure(self.load_failed)
            .run()
        )

    def _update(self) -> None:
        super()._update()
        repaste = getattr(self, "repaste_button", None)
        if repaste is not None:
            repaste.setEnabled(not self.busy)


def first_record_key(content: WorkbookContent) -> str | None:
    """The table key of the first pasted record (schools, conditions, teachers, trainings)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.validation.findings import (
        condition_key,
        school_key,
        teacher_key,
        training_key,
    )

    keys: dict[str, Callable[[dict[str, Any]], str]] = {
        "schools": lambda v: school_key(v["school_code"]),
        "conditions": lambda v: condition_key(v["school_code"]),
        "teachers": lambda v: teacher_key(v["school_code"], v["id_number"]),
        "trainings": lambda v: training_key(v["school_code"], v["name"], v["start_date"]),
    }
    for sheet_key, sheet in content.sheets.items():
        make = keys.get(sheet_key)
        row = next((r for r in sheet.rows if r.ok), None)
        if make is not None and row is not None:
            return make(row.values)
    return None


def clipboard_text() -> str:
    """The text on the system clipboard (what Excel or WPS put there on Ctrl+C)."""
    clipboard = QGuiApplication.clipboard()
    return clipboard.text() if clipboard is not None else ""
