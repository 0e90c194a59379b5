"""The teacher form's table of enterprise practice: enterprise, start and end date per row.

Rows are typed text; :func:`vetdesk.services.records.parse_practices` reads and checks
them with the rest of the form, so the table itself decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, pgettext
from vetdesk.services.records import PracticeInput
from vetdesk.ui.forms.recordform import FormExtra


class PracticeEditor(FormExtra):
    """Add, change and remove a teacher's enterprise-practice rows."""

    def __init__(self, rows: Sequence[PracticeInput] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practices")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("practice_table")
        self.table.setHorizontalHeaderLabels(
            [pgettext("PracticeEditor", "企业名称"), _("开始日期"), _("结束日期")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            # Wide enough for 2025-07-01 typed in, whatever the rows hold now.
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, self.fontMetrics().horizontalAdvance("2025-07-01") + 36)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setToolTip(_("日期按 2025-07-01 的格式填写；双击单元格修改"))
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton(_("添加实践记录"))
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton(_("删除所选"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        for row in rows:
            self.add_row(row, edit=False)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

    def add_row(self, values: PracticeInput = ("", "", ""), *, edit: bool = True) -> None:
        """Append a row (and start typing the enterprise name)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(values):
            self.table.setItem(row, column, QTableWidgetItem(text))
        if edit:
            self.table.setCurrentCell(row, 0)
            first = self.table.item(row, 0)
            if first is not None:
                self.table.editItem(first)
            self.changed.emit()

    def remove_selected(self) -> None:
        """Remove the selected rows."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def value(self) -> list[PracticeInput]:
        """The rows as typed."""
        result: list[PracticeInput] = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(3)]
            texts = [cell.text() if cell is not None else "" for cell in cells]
            result.append((texts[0], texts[1], texts[2]))
        return result
