"""The 交换 menu and its dialogs: templates, import with preview, signed packages, tasks.

Each dialog collects a choice, runs the Qt-free service in a
:class:`~vetdesk.ui.background.DbOp` and shows the plain result it returns: the import
preview (:class:`~vetdesk.workbook.importer.ImportPlan`), the refusal of a package that
is not ready (the findings of its check), a package's sequence number, a verification
verdict. Nothing here decides what is valid.

The menu itself, in named sections, is :mod:`vetdesk.ui.exchangemenu` (a light module
the main window builds before its first paint, without these dialogs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, pgettext
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import (
    ERROR_STYLE,
    OK_STYLE,
    documents_folder,
    fingerprint_text,
    passphrase_edit,
    path_row,
)
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.packages.county import PackageResult
    from vetdesk.packages.receipt import ReceiptResult
    from vetdesk.packages.verify import Verification
    from vetdesk.signing.keystore import OwnKey
    from vetdesk.validation.check import CheckReport
    from vetdesk.validation.findings import Finding
    from vetdesk.workbook.importer import ImportPlan
    from vetdesk.workbook.reader import ImportIssue, WorkbookContent

log = logging.getLogger(__name__)

XLSX_FILTER_TEXT = "*.xlsx"


def xlsx_filter() -> str:
    """The file-dialog filter for workbooks."""
    return _("Excel 工作簿 ({patterns})").format(patterns=XLSX_FILTER_TEXT)


# --- template export ------------------------------------------------------------------------


class TemplateExportDialog(QDialog):
    """Write the school template of a period: for every school or for one."""

    exported = Signal(object)  # TemplateResult

    def __init__(
        self,
        db: Database,
        year: int,
        schools: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TemplateExportDialog")
        self._db = db
        self._year = year
        self.setWindowTitle(_("导出学校填报模板"))
        intro = QLabel(
            _(
                "模板已按学校名录和上一年度的数据预填。学校在 Excel 或 WPS 中填写后发回，"
                "再用“导入学校填报表”导入。"
            )
        )
        intro.setWordWrap(True)
        self.school = QComboBox()
        self.school.setObjectName("school")
        self.school.addItem(_("全部学校（一个工作簿）"), None)
        for code, name in schools:
            self.school.addItem(f"{name}（{code}）", code)
        self.school.currentIndexChanged.connect(lambda _i: self._suggest_name())
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton(_("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("导出"))
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("统计年度："), QLabel(pgettext("Exchange", "{year} 年度").format(year=year)))
        form.addRow(_("学校："), self.school)
        form.addRow(_("保存到："), row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(620, 240)
        self._suggest_name()

    def _suggest_name(self) -> None:
        code = self.school.currentData()
        name = self.school.currentText().split("（")[0] if code else self._db.info().unit_name
        folder = Path(self.path.text()).parent if self.path.text() else documents_folder()
        self.path.setText(
            str(folder / _("{name}-{year}-填报模板.xlsx").format(name=name, year=self._year))
        )

    def _browse(self) -> None:
        path = interaction.save_file(self, _("保存模板"), self.path.text(), xlsx_filter())
        if path is not None:
            self.path.setText(str(path.with_suffix(".xlsx")))

    def export(self) -> None:
        """Write the template in the background."""
        text = self.path.text().strip()
        if not text:
            return
        target = Path(text)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        school, year = self.school.currentData(), self._year
        self.ok_button.setEnabled(False)
        self.message.clear()

        def op(db: Database, _progress: Progress) -> Any:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.workbook.template import write_template

            return write_template(db, year, target, school_code=school)

        def done(result: Any) -> None:
            self.exported.emit(result)
            lines = "、".join(f"{_sheet_title(k)} {n}" for k, n in result.prefilled.items())
            interaction.inform(
                self,
                _("导出学校填报模板"),
                _("已导出模板：\n{path}\n预填行数：{lines}").format(path=result.path, lines=lines),
            )
            self.accept()

        def failed(exc: BaseException) -> None:
            self.ok_button.setEnabled(True)
            self.message.setText(interaction.error_text(exc))

        DbOp(self, self._db, op, label=_("正在导出模板…")).success(done).failure(failed).run()


def _sheet_title(key: str) -> str:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.workbook.schema import ALL_SHEETS

    spec = ALL_SHEETS.get(key)
    return spec.sheet_title if spec is not None else key


# --- import with preview --------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One line of the preview summary: a sheet and its counts."""

    sheet: str
    added: int
    changed: int
    removed: int
    unchanged: int
    rejected: int


@dataclass(frozen=True)
class ChangeRow:
    """One record the import adds, changes or removes."""

    sheet: str
    record: str
    action: str
    details: str


@dataclass(frozen=True)
class Preview:
    """What reading a workbook gave: the plan, the content to import, rows to show."""

    path: Path | None  # None for pasted rows
    plan: ImportPlan
    content: WorkbookContent
    summary: tuple[SummaryRow, ...]
    changes: tuple[ChangeRow, ...]


def action_label(action: str) -> str:
    """An import action in words."""
    return {"add": _("新增"), "change": _("修改"), "remove": _("删除")}.get(action, action)


def build_preview(path: Path | None, plan: ImportPlan, content: WorkbookContent) -> Preview:
    """Turn a plan into the rows the preview shows (runs in the worker)."""
    summary = tuple(
        SummaryRow(_sheet_title(key), s.added, s.changed, s.removed, s.unchanged, s.rejected)
        for key, s in plan.summary.items()
    )
    changes = tuple(
        ChangeRow(
            c.sheet,
            c.record,
            c.action,
            "；".join(f"{f.field}：{f.old or '—'} → {f.new or '—'}" for f in c.fields),
        )
        for c in plan.changes
    )
    return Preview(path, plan, content, summary, changes)


def summary_columns() -> list[Column[SummaryRow]]:
    """Columns of the per-sheet summary."""
    return [
        Column("sheet", _("工作表"), lambda r: r.sheet, width=220),
        Column("added", _("新增"), lambda r: r.added, numeric=True),
        Column("changed", _("修改"), lambda r: r.changed, numeric=True),
        Column("removed", _("删除"), lambda r: r.removed, numeric=True),
        Column("unchanged", _("未变"), lambda r: r.unchanged, numeric=True),
        Column("rejected", pgettext("Exchange", "拒收"), lambda r: r.rejected, numeric=True),
    ]


def change_columns() -> list[Column[ChangeRow]]:
    """Columns of the change list."""
    return [
        Column("sheet", _("工作表"), lambda r: r.sheet, width=110),
        Column(
            "action",
            pgettext("Exchange", "操作"),
            lambda r: r.action,
            lambda r: action_label(r.action),
            width=60,
        ),
        Column("record", _("记录"), lambda r: r.record, search=lambda r: r.record, width=420),
        Column("details", _("变化（原值 → 新值）"), lambda r: r.details, width=380),
    ]


def issue_columns() -> list[Column[ImportIssue]]:
    """Columns of the refused cells."""
    return [
        Column("sheet", _("工作表"), lambda i: i.sheet, width=110),
        Column("row", _("行"), lambda i: i.row or "", numeric=True, width=50),
        Column("column", pgettext("Exchange", "列"), lambda i: i.column, width=40),
        Column("header", pgettext("Exchange", "列名"), lambda i: i.header, width=150),
        Column("value", _("填写的值"), lambda i: i.value, width=170),
        Column("message", _("拒收原因"), lambda i: i.message, width=560),
    ]


def _table(model: RowTableModel[Any], name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    configure_table(view)
    view.setModel(model)
    apply_widths(view, model.columns())
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ImportDialog(QDialog):
    """Read a returned workbook, preview the import, mark its errors, then commit it."""

    imported = Signal(object)  # ImportPlan, applied

    def __init__(
        self,
        db: Database,
        year: int | None,
        *,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ImportDialog")
        self._db = db
        self._year = year
        self._read_only = read_only
        self.preview: Preview | None = None
        self.busy = False
        self.setWindowTitle(_("导入学校填报表"))
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(_("选择学校发回的 .xlsx 文件"))
        choose = QPushButton(_("选择文件…"))
        choose.clicked.connect(self.choose_file)
        self.reread_button = QPushButton(_("重新读取"))
        self.reread_button.setToolTip(_("文件在 Excel 中改正并保存后，重新读取它"))
        self.reread_button.clicked.connect(self.reread)
        self.source_row = QWidget()
        row = QHBoxLayout(self.source_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("文件：")))
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        row.addWidget(self.reread_button)
        self.status = QLabel(_("请选择文件。导入前先显示将新增、修改和删除的内容，确认后才写入。"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.summary_model: RowTableModel[SummaryRow] = RowTableModel(
            summary_columns(), parent=self
        )
        self.changes_model: RowTableModel[ChangeRow] = RowTableModel(change_columns(), parent=self)
        self.issues_model: RowTableModel[ImportIssue] = RowTableModel(issue_columns(), parent=self)
        self.tabs = QTabWidget()
        self.tabs.addTab(_table(self.summary_model, "summary"), _("汇总"))
        self.tabs.addTab(_table(self.issues_model, "issues"), _("拒收的单元格"))
        self.tabs.addTab(_table(self.changes_model, "changes"), _("变更明细"))
        self.annotate_button = QPushButton(_("保存标注的错误工作簿…"))
        self.annotate_button.setToolTip(
            _("学校原文件的副本：每个有问题的单元格标红并附批注，首页列出全部问题，可直接发回学校")
        )
        self.annotate_button.clicked.connect(lambda: self.save_annotated())
        self.commit_button = QPushButton(_("确认导入"))
        self.commit_button.setObjectName("commit")
        self.commit_button.clicked.connect(self.commit)
        close = QPushButton(_("关闭"))
        close.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        buttons = self.buttons
        buttons.addWidget(self.annotate_button)
        buttons.addStretch()
        buttons.addWidget(self.commit_button)
        buttons.addWidget(close)
        layout = self.main_layout = QVBoxLayout(self)
        layout.addWidget(self.source_row)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(1100, 640)
        self._update()

    def reject(self) -> None:
        """Close, but not while an import is being written (its result must arrive)."""
        if not self.busy:
            super().reject()

    def _update(self) -> None:
        preview = self.preview
        plan = preview.plan if preview else None
        self.reread_button.setEnabled(bool(self.path.text()) and not self.busy)
        # Pasted rows (no path) have no workbook to annotate.
        self.annotate_button.setEnabled(
            preview is not None
            and preview.path is not None
            and bool(preview.plan.issues)
            and not self.busy
        )
        self.commit_button.setEnabled(
            plan is not None
            and plan.ok
            and plan.has_changes
            and not plan.applied
            and not self.busy
            and not self._read_only
        )

    def choose_file(self) -> None:
        """Ask for the workbook and read it."""
        path = interaction.open_file(
            self, _("选择学校发回的填报表"), documents_folder(), xlsx_filter()
        )
        if path is not None:
            self.load(path)

    def reread(self) -> None:
        """Read the same file again (after it was corrected)."""
        if self.path.text():
            self.load(Path(self.path.text()))

    def load(self, path: Path) -> DbOp[Preview]:
        """Read a workbook and preview its import in the background."""
        self.path.setText(str(path))
        self.preview = None
        self.busy = True
        self._update()
        self.status.setStyleSheet("")
        self.status.setText(_("正在读取 {name}…").format(name=path.name))
        window_year = self._year

        def op(db: Database, _progress: Progress) -> Preview:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.workbook.importer import plan_from_content
            from vetdesk.workbook.reader import read_workbook

            content = read_workbook(path)
            # A VetDesk template names its period; any other workbook goes into the period shown.
            year = None if content.meta is not None and content.meta.period else window_year
            return build_preview(path, plan_from_content(db, content, year), content)

        return (
            DbOp(self, self._db, op, label=_("正在读取工作簿…"))
            .success(self._loaded)
            .failure(self.load_failed)
            .run()
        )

    def load_failed(self, exc: BaseException) -> None:
        """Reading failed: nothing to preview, the reason in the status line."""
        self.busy = False
        self._show(None)
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(interaction.error_text(exc))
        self._update()

    def _loaded(self, preview: Preview) -> None:
        self.busy = False
        self._show(preview)

    def _show(self, preview: Preview | None) -> None:
        self.preview = preview
        self.summary_model.set_items(preview.summary if preview else [])
        self.changes_model.set_items(preview.changes if preview else [])
        self.issues_model.set_items(preview.plan.issues if preview else [])
        self.tabs.setTabText(1, _("拒收的单元格 ({n})").format(n=self.issues_model.rowCount()))
        self.tabs.setTabText(2, _("变更明细 ({n})").format(n=self.changes_model.rowCount()))
        if preview is not None:
            plan = preview.plan
            counts = {"add": 0, "change": 0, "remove": 0}
            for change in preview.changes:
                counts[change.action] = counts.get(change.action, 0) + 1
            if not plan.ok:
                self.status.setStyleSheet(ERROR_STYLE)
                self.status.setText(self.refused_text(len(plan.issues)))
                self.tabs.setCurrentIndex(1)
            elif not plan.has_changes:
                self.status.setStyleSheet(OK_STYLE)
                self.status.setText(self.unchanged_text(plan.year))
                self.tabs.setCurrentIndex(0)
            else:
                self.status.setStyleSheet(OK_STYLE)
                text = self.changes_text().format(
                    year=plan.year,
                    added=counts["add"],
                    changed=counts["change"],
                    removed=counts["remove"],
                )
                if plan.creates_period:
                    text += _("（将新建 {year} 年度统计期）").format(year=plan.year)
                self.status.setText(text)
                self.tabs.setCurrentIndex(2 if preview.changes else 0)
        self._update()

    def refused_text(self, count: int) -> str:
        """The status line when cells were refused."""
        return _(
            "✗ 发现 {n} 处问题，文件不能导入（数据库未改动）。"
            "请保存标注的错误工作簿发回学校，改正后重新读取。"
        ).format(n=count)

    def unchanged_text(self, year: int | None) -> str:
        """The status line when importing would change nothing."""
        return _("✓ 文件没有问题，与数据库中 {year} 年度的数据一致，无需导入。").format(year=year)

    def changes_text(self) -> str:
        """The status line (a format with year, added, changed, removed) when all is well."""
        return _(
            "✓ 文件没有问题。导入 {year} 年度将新增 {added} 条、修改 {changed} 条、删除 {removed} 条记录。"
        )

    def done_text(self, name: str, year: int | None) -> str:
        """The status line once the import was written."""
        return _("✓ 已导入 {name}（{year} 年度）。导入前的数据库已备份。").format(
            name=name, year=year
        )

    def confirm_text(self, preview: Preview) -> str:
        """The question asked before importing."""
        return _(
            "导入 {name} 到 {year} 年度？导入前会自动备份数据库；"
            "工作表中出现的每所学校，其本年度的名单将以文件为准。"
        ).format(name=preview.content.file_name, year=preview.plan.year)

    def save_annotated(self, target: Path | None = None) -> DbOp[int] | None:
        """Write the school's file with every refused cell marked (asks where unless given)."""
        preview = self.preview
        if preview is None or preview.path is None or not preview.plan.issues:
            return None
        if target is None:
            start = preview.path.with_name(_("退回-{name}").format(name=preview.path.name))
            target = interaction.save_file(self, _("保存标注的错误工作簿"), start, xlsx_filter())
            if target is None:
                return None
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        chosen, issues, source = target, list(preview.plan.issues), preview.path

        def op(_db: Database, _progress: Progress) -> int:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.workbook.annotate import annotate_workbook

            return annotate_workbook(source, issues, chosen)

        def done(marked: int) -> None:
            interaction.inform(
                self,
                _("标注的错误工作簿"),
                _("已保存 {path}\n标出 {n} 个单元格。可把这个文件直接发回学校修改。").format(
                    path=chosen, n=marked
                ),
            )

        return DbOp(self, self._db, op, label=_("正在标注工作簿…")).success(done).run()

    def commit(self) -> DbOp[ImportPlan] | None:
        """Import the previewed workbook in one transaction (after a confirmation)."""
        preview = self.preview
        if preview is None or not preview.plan.ok or self._read_only:
            return None
        plan = preview.plan
        if not interaction.confirm(self, self.commit_button.text(), self.confirm_text(preview)):
            return None
        content, year = preview.content, plan.year
        self.busy = True
        self._update()

        def op(db: Database, progress: Progress) -> ImportPlan:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.workbook.importer import apply_import

            def report(done: int, total: int) -> None:
                progress.update(done, total)
                # Raising here rolls the one import transaction back: all or nothing.
                progress.check()

            return apply_import(db, content, year=year, progress=report)

        def done(result: ImportPlan) -> None:
            self.busy = False
            if not result.applied:
                # The database changed since the preview: show the fresh problems.
                self._show(build_preview(preview.path, result, content))
                return
            self.preview = Preview(preview.path, result, content, preview.summary, preview.changes)
            self.status.setStyleSheet(OK_STYLE)
            self.status.setText(self.done_text(content.file_name, result.year))
            self._update()
            self.imported.emit(result)

        def cancelled() -> None:
            self.busy = False
            self.status.setText(_("已取消导入，数据库未改动。"))
            self._update()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(interaction.error_text(exc))
            self._update()

        return (
            DbOp(self, self._db, op, label=_("正在导入…"), cancellable=True)
            .success(done)
            .failure(failed)
            .cancelled(cancelled)
            .run()
        )


# --- the signed package ---------------------------------------------------------------------


def finding_line(finding: Finding) -> str:
    """One refusal reason: the record and what is wrong with it."""
    return f"{finding.record_label}：{finding.message}"


class PackageExportDialog(QDialog):
    """Export the period's official, signed package: passphrase, refusal reasons, sequence."""

    exported = Signal(object)  # PackageResult
    show_checks_requested = Signal()
    show_keys_requested = Signal()

    def __init__(self, db: Database, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PackageExportDialog")
        self._db = db
        self._year = year
        self.own: OwnKey | None = None
        self.package: PackageResult | None = None
        self.setWindowTitle(_("导出正式上报包（签名）"))
        info = db.info()
        intro = QLabel(
            _(
                "正式上报包是本单位 {year} 年度的全部数据，用本单位的签名密钥签名。"
                "只有核验没有错误、所有警告都已填写说明时才能导出。"
            ).format(year=year)
        )
        intro.setWordWrap(True)
        self.fingerprint = QLabel(_("正在读取…"))
        self.fingerprint.setObjectName("fingerprint")
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setText(
            str(
                documents_folder()
                / _("{unit}-{year}-上报包.xlsx").format(unit=info.unit_name, year=year)
            )
        )
        file_row = path_row(self.path, self._browse)
        self.passphrase = passphrase_edit(self._update)
        form = QFormLayout()
        form.addRow(_("单位："), QLabel(f"{info.unit_name}（{info.unit_code}）"))
        form.addRow(_("统计年度："), QLabel(pgettext("Exchange", "{year} 年度").format(year=year)))
        form.addRow(_("签名密钥指纹："), self.fingerprint)
        form.addRow(_("保存到："), file_row)
        form.addRow(pgettext("Exchange", "密钥口令："), self.passphrase)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.reasons = QListWidget()
        self.reasons.setObjectName("reasons")
        self.reasons.setVisible(False)
        self.checks_button = QPushButton(_("转到核验页处理"))
        self.checks_button.setVisible(False)
        self.checks_button.clicked.connect(self._show_checks)
        self.keys_button = QPushButton(_("转到“签名密钥”页面"))
        self.keys_button.setVisible(False)
        self.keys_button.clicked.connect(self._show_keys)
        self.done_label = QLabel()
        self.done_label.setObjectName("result")
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_label.setVisible(False)
        self.export_button = QPushButton(_("签名并导出"))
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton(_("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.checks_button)
        buttons.addWidget(self.keys_button)
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.reasons, 3)
        layout.addWidget(self.done_label)
        layout.addStretch(1)  # keeps the form at the top while the lists below are hidden
        layout.addLayout(buttons)
        self.resize(720, 360)
        self.busy = False
        self._load_key()
        self._update()

    def _load_key(self) -> None:
        def op(db: Database, _progress: Progress) -> OwnKey | None:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.keystore import NoSigningKey, active_key

            try:
                return active_key(db)
            except NoSigningKey:
                return None

        def done(own: OwnKey | None) -> None:
            self.own = own
            if own is None:
                self.fingerprint.setText(_("尚未创建"))
                self.message.setText(
                    _("本单位还没有签名密钥，不能导出正式上报包。请先在“签名密钥”页面创建。")
                )
                self.keys_button.setVisible(True)
            else:
                self.fingerprint.setText(fingerprint_text(own.fingerprint).replace("\n", " "))
            self._update()

        DbOp(self, self._db, op).success(done).run()

    def reject(self) -> None:
        """Close, but not while the package is being written."""
        if not self.busy:
            super().reject()

    def _update(self) -> None:
        self.export_button.setEnabled(
            self.own is not None
            and bool(self.passphrase.text())
            and bool(self.path.text().strip())
            and not self.busy
            and self.package is None
        )

    def _browse(self) -> None:
        path = interaction.save_file(self, _("保存上报包"), self.path.text(), xlsx_filter())
        if path is not None:
            self.path.setText(str(path.with_suffix(".xlsx")))

    def _show_checks(self) -> None:
        self.show_checks_requested.emit()
        self.reject()

    def _show_keys(self) -> None:
        self.show_keys_requested.emit()
        self.reject()

    def export(self) -> None:
        """Sign and write the package in the background."""
        text = self.path.text().strip()
        if not text or not self.passphrase.text():
            return
        target = Path(text)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        passphrase, year = self.passphrase.text(), self._year
        self.busy = True
        self.message.clear()
        self.reasons.clear()
        self.reasons.setVisible(False)
        self.checks_button.setVisible(False)
        self._update()

        def op(db: Database, _progress: Progress) -> PackageResult:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.county import export_package

            return export_package(db, year, target, passphrase)

        DbOp(self, self._db, op, label=_("正在核验、签名并导出…")).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, result: PackageResult) -> None:
        self.busy = False
        self.package = result
        self.passphrase.clear()
        self.done_label.setVisible(True)
        self.done_label.setText(
            _(
                "<p style='font-size:15pt'>✓ 已导出第 <b>{seq}</b> 号上报包</p>"
                "<p>文件：{path}<br>签名密钥指纹：{fp}<br>上报包标识（SHA-256）：{digest}</p>"
                "<p>请把文件交市局；如需重新上报，再次导出会得到第 {next} 号，市局以最新一号为准。</p>"
            ).format(
                seq=result.seq,
                path=result.path,
                fp=result.fingerprint,
                digest=result.manifest_sha256,
                next=result.seq + 1,
            )
        )
        self.close_button.setText(_("完成"))
        self._update()
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.packages.county import NotReadyToSubmit

        self.busy = False
        if isinstance(exc, NotReadyToSubmit):
            self.show_refusal(exc.report)
        else:
            code = getattr(exc, "code", "")
            if code in ("wrong_passphrase", "too_many_attempts"):
                self.passphrase.clear()
                self.passphrase.setFocus()
            self.message.setText(interaction.error_text(exc))
        self._update()

    def show_refusal(self, report: CheckReport) -> None:
        """List why the package cannot be exported yet."""
        errors, unexplained = report.errors, report.unexplained_warnings
        self.message.setText(
            _(
                "数据尚未通过核验，不能导出正式上报包：错误 {e} 条，未说明的警告 {w} 条。"
                "请修正错误、为警告填写说明后再导出。未写入任何文件。"
            ).format(e=len(errors), w=len(unexplained))
        )
        self.reasons.clear()
        for finding in errors:
            self.reasons.addItem(_("错误 · {line}").format(line=finding_line(finding)))
        for finding in unexplained:
            self.reasons.addItem(_("待说明 · {line}").format(line=finding_line(finding)))
        self.reasons.setVisible(True)
        self.checks_button.setVisible(True)
        self.resize(self.width(), max(self.height(), 560))


class VerifyPackageDialog(QDialog):
    """Check a package's origin, integrity and freshness; show the one verdict."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VerifyPackageDialog")
        self._db = db
        self.verification: Verification | None = None
        self.setWindowTitle(pgettext("Exchange", "核验上报包"))
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        choose = QPushButton(_("选择上报包…"))
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.verdict = QLabel(_("核验只读取文件，不改动数据库。"))
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(680, 380)

    def choose_file(self) -> None:
        """Ask for the package and verify it."""
        path = interaction.open_file(
            self, pgettext("Exchange", "选择上报包"), documents_folder(), xlsx_filter()
        )
        if path is not None:
            self.verify(path)

    def verify(self, path: Path) -> DbOp[Verification]:
        """Verify a package file in the background."""
        self.path.setText(str(path))
        self.verdict.setText(_("正在核验…"))
        self.details.clear()

        def op(db: Database, _progress: Progress) -> Verification:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.verify import verify_package

            return verify_package(db, path)

        def done(result: Verification) -> None:
            self.verification = result
            mark = "✓" if result.ok else "✗"
            self.verdict.setStyleSheet(OK_STYLE if result.ok else ERROR_STYLE)
            self.verdict.setText(f"{mark} {result.message}")
            lines = [
                _("单位：{unit}").format(unit=result.unit_code or "—"),
                _("统计年度：{year}").format(year=result.period or "—"),
                _("序号：{seq}").format(seq=result.seq or "—"),
                pgettext("Exchange", "签名密钥指纹：{fp}").format(fp=result.fingerprint or "—"),
            ]
            if result.sheet:
                lines.append(
                    pgettext("Exchange", "有问题的工作表：{sheet}").format(sheet=result.sheet)
                )
            if not result.ok and result.remedy:
                lines.append(_("处理办法：{remedy}").format(remedy=result.remedy))
            lines.extend(result.notes)
            self.details.setPlainText("\n".join(lines))

        def failed(exc: BaseException) -> None:
            self.verdict.setStyleSheet(ERROR_STYLE)
            self.verdict.setText(interaction.error_text(exc))

        return DbOp(self, self._db, op, label=_("正在核验…")).success(done).failure(failed).run()


class TaskImportDialog(QDialog):
    """Preview a city task package (period, registry, rule set), then import it."""

    imported = Signal()

    def __init__(
        self, db: Database, *, read_only: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TaskImportDialog")
        self._db = db
        self._read_only = read_only
        self._path: Path | None = None
        self._can_import = False
        self.setWindowTitle(_("导入市局任务包"))
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        choose = QPushButton(_("选择任务包…"))
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.text = QPlainTextEdit()
        self.text.setObjectName("task_text")
        self.text.setReadOnly(True)
        self.text.setPlaceholderText(
            _("任务包由市局签名下发：先核验签名并预览变化，确认后才写入（导入前自动备份）。")
        )
        self.import_button = QPushButton(_("确认导入"))
        self.import_button.clicked.connect(self.commit)
        close = QPushButton(_("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.resize(720, 460)
        self._update()

    def _update(self) -> None:
        self.import_button.setEnabled(self._can_import and not self._read_only)

    def choose_file(self) -> None:
        """Ask for the task package and preview it."""
        path = interaction.open_file(self, _("选择市局任务包"), documents_folder(), xlsx_filter())
        if path is not None:
            self.preview(path)

    def preview(self, path: Path) -> DbOp[Any]:
        """Verify the task and show what importing it would change."""
        self.path.setText(str(path))
        self._path = path
        self._can_import = False
        self._update()

        def op(db: Database, _progress: Progress) -> Any:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.task import plan_task

            return plan_task(db, path)

        def done(result: Any) -> None:
            self.text.setPlainText(result.describe())
            self._can_import = bool(result.ok and result.has_changes)
            self._update()

        def failed(exc: BaseException) -> None:
            self.text.setPlainText(interaction.error_text(exc))

        return (
            DbOp(self, self._db, op, label=_("正在核验任务包…")).success(done).failure(failed).run()
        )

    def commit(self) -> None:
        """Import the previewed task package."""
        path = self._path
        if path is None or not self._can_import:
            return
        self._can_import = False
        self._update()

        def op(db: Database, _progress: Progress) -> Any:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.task import import_task

            return import_task(db, path)

        def done(result: Any) -> None:
            self.text.setPlainText(result.describe())
            if result.applied:
                self.imported.emit()

        def failed(exc: BaseException) -> None:
            self.text.setPlainText(interaction.error_text(exc))

        DbOp(self, self._db, op, label=_("正在导入任务包…")).success(done).failure(failed).run()


def receipt_text(result: ReceiptResult) -> str:
    """What a receipt says, for people."""
    if result.status == "accepted":
        lines = [
            pgettext("Exchange", "市局已接收 {year} 年度第 {seq} 号上报包。").format(
                year=result.period, seq=result.seq
            )
        ]
    else:
        lines = [
            _("市局未接收 {year} 年度第 {seq} 号上报包。").format(
                year=result.period, seq=result.seq
            )
        ]
    if result.reasons:
        lines.append(_("原因："))
        lines.extend(f"  · {reason}" for reason in result.reasons)
    if result.period_submitted:
        lines.append(_("{year} 年度已标记为“已上报”。").format(year=result.period))
    elif result.status != "accepted":
        lines.append(_("请按原因修改后重新导出上报包（序号会加一）。"))
    return "\n".join(lines)


def import_receipt(
    parent: QWidget,
    db: Database,
    path: Path | None = None,
    on_done: Callable[[ReceiptResult], None] | None = None,
) -> DbOp[ReceiptResult] | None:
    """Import a signed receipt from the city and say what it answered."""
    if path is None:
        path = interaction.open_file(parent, _("选择市局回执"), documents_folder(), xlsx_filter())
        if path is None:
            return None
    chosen = path

    def op(database: Database, _progress: Progress) -> ReceiptResult:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.packages.receipt import import_receipt as service

        return service(database, chosen)

    def done(result: ReceiptResult) -> None:
        show = interaction.inform if result.status == "accepted" else interaction.warn
        show(parent, pgettext("Exchange", "市局回执"), receipt_text(result))
        if on_done is not None:
            on_done(result)

    return DbOp(parent, db, op, label=_("正在核验回执…")).success(done).run()


def export_draft(parent: QWidget, db: Database, year: int, target: Path | None = None) -> None:
    """Export the whole period as an unsigned draft workbook (for reading or a safe copy)."""
    if target is None:
        start = documents_folder() / _("{unit}-{year}-草稿.xlsx").format(
            unit=db.info().unit_name, year=year
        )
        target = interaction.save_file(parent, _("导出全年数据（草稿）"), start, xlsx_filter())
        if target is None:
            return
    chosen = target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")

    def op(database: Database, progress: Progress) -> Path:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.workbook.export import export_period

        export_period(database, year, chosen, draft=True, progress=progress.update)
        return chosen

    def done(path: Path) -> None:
        interaction.inform(
            parent,
            _("导出全年数据（草稿）"),
            _("已导出 {path}\n这是未签名的草稿，只供查看或留存；正式上报请导出签名上报包。").format(
                path=path
            ),
        )

    DbOp(parent, db, op, label=_("正在导出…")).success(done).run()
