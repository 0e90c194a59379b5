"""The city issues a signed task package: period, deadline, school registry, rule set, targets.

A front on :func:`vetdesk.packages.task.export_task`, like ``vetdesk task export``: one
package for every county, or one for a single county, signed with the city's key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import ERROR_STYLE, documents_folder, passphrase_edit, path_row

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.packages.task import TaskResult


class TaskExportDialog(QDialog):
    """Choose the counties, the deadline and the file; sign and write the task package."""

    exported = Signal(object)  # TaskResult

    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TaskExportDialog")
        self._db = db
        self._year = year
        self.busy = False
        self.task: TaskResult | None = None
        self.setWindowTitle(_("下发任务包（签名）"))
        intro = QLabel(
            _(
                "任务包含 {year} 年度的统计期和截止日期、各县区学校名录、标准规则集和目标任务，"
                "用市局的签名密钥签名。县区登记市局公钥后即可导入。"
            ).format(year=year)
        )
        intro.setWordWrap(True)
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        self.unit.addItem(_("全部县区（一个任务包）"), None)
        for county in load_units().counties:
            self.unit.addItem(f"{county.name}（{county.code}）", county.code)
        self.unit.currentIndexChanged.connect(lambda _i: self._suggest_name())
        self.has_deadline = QCheckBox(_("上报截止日期："))
        self.has_deadline.setObjectName("has_deadline")
        # A month from today: a deadline suggested from the period alone may be past.
        self.deadline = QDateEdit(QDate.currentDate().addDays(30))
        self.deadline.setMinimumDate(QDate.currentDate())
        self.deadline.setObjectName("deadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setEnabled(False)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.deadline)
        deadline_row.addStretch()
        self.path = QLineEdit()
        self.path.setObjectName("path")
        file_row = path_row(self.path, self._browse)
        self.passphrase = passphrase_edit(self._update)
        self.path.textChanged.connect(lambda _t: self._update())
        form = QFormLayout()
        form.addRow(_("适用县区："), self.unit)
        form.addRow(deadline_row)
        form.addRow(_("保存到："), file_row)
        form.addRow(_("市局密钥口令："), self.passphrase)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(_("签名并导出"))
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())
        self.close_button = QPushButton(_("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message, 1)
        layout.addLayout(buttons)
        self.resize(640, 320)
        self._suggest_name()
        self._update()

    def _suggest_name(self) -> None:
        code = self.unit.currentData()
        unit = load_units().get(code) if code else None
        who = unit.name if unit is not None else _("全部县区")
        name = _("任务包-{year}-{who}.xlsx").format(year=self._year, who=who)
        folder = Path(self.path.text()).parent if self.path.text() else documents_folder()
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        chosen = interaction.save_file(
            self, _("保存任务包"), self.path.text(), _("Excel 工作簿 (*.xlsx)")
        )
        if chosen is not None:
            self.path.setText(str(chosen.with_suffix(".xlsx")))

    def _update(self) -> None:
        self.export_button.setEnabled(
            bool(self.passphrase.text())
            and bool(self.path.text().strip())
            and not self.busy
            and self.task is None
        )

    def reject(self) -> None:
        """Close, but not while the package is being written."""
        if not self.busy:
            super().reject()

    def export(self) -> DbOp[TaskResult] | None:
        """Sign and write the task package in the background."""
        text, passphrase = self.path.text().strip(), self.passphrase.text()
        if not text or not passphrase or self.busy:
            return None
        target = Path(text).with_suffix(".xlsx")
        unit = self.unit.currentData()
        day = self.deadline.date()
        deadline = (
            dt.date(day.year(), day.month(), day.day()) if self.has_deadline.isChecked() else None
        )
        if deadline is not None and deadline < dt.date.today():
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(_("截止日期已过，请选择今天以后的日期。"))
            return None
        year = self._year
        self.busy = True
        self.message.setStyleSheet("")
        self.message.setText(_("正在签名并导出…"))
        self._update()

        def op(db: Database, _progress: Progress) -> TaskResult:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.task import export_task

            return export_task(db, year, target, passphrase, unit_code=unit, deadline=deadline)

        def done(result: TaskResult) -> None:
            self.busy = False
            self.task = result
            self.passphrase.clear()
            units = load_units()
            names = "、".join(
                unit.name if (unit := units.get(code)) is not None else code
                for code in result.units
            )
            self.message.setText(
                _(
                    "✓ 已导出 {year} 年度第 {seq} 号任务包：{path}\n适用县区：{units}\n"
                    "市局签名密钥指纹：{fp}\n请把文件交各县区导入。"
                ).format(
                    year=result.year,
                    seq=result.seq,
                    path=result.path,
                    units=names,
                    fp=result.fingerprint,
                )
            )
            self.close_button.setText(_("完成"))
            self._update()
            self.exported.emit(result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            if getattr(exc, "code", "") in ("wrong_passphrase", "too_many_attempts"):
                self.passphrase.clear()
                self.passphrase.setFocus()
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(interaction.error_text(exc))
            self._update()

        return (
            DbOp(self, self._db, op, label=_("正在签名并导出任务包…"))
            .success(done)
            .failure(failed)
            .run()
        )
