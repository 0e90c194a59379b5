"""The city's screens: the package inbox with merge preview, the status board, the workbook.

The inbox takes files or a whole folder (a USB stick), verifies every package in the
background (:func:`vetdesk.packages.verify.verify_package`) and previews the merge of each
valid one (:func:`vetdesk.packages.merge.preview_merge`); 接收并合并 and 拒收 call the
core's :func:`~vetdesk.packages.accept.accept_package` and
:func:`~vetdesk.packages.accept.reject_package` (verified again inside the write
transaction, receipt signed before commit) with a receipt folder chosen once per session.
The widgets only show the plain rows these services return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vetdesk.domain.units import load_units
from vetdesk.i18n import _, pgettext
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.exchange import (
    ChangeRow,
    SummaryRow,
    _sheet_title,
    change_columns,
    summary_columns,
    xlsx_filter,
)
from vetdesk.ui.pagebase import ERROR_STYLE, OK_STYLE, DataPage, DbSource, documents_folder
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.packages.merge import MergePreview, UnitStatus
    from vetdesk.packages.verify import Verification
    from vetdesk.reports.city_workbook import CityWorkbookResult
    from vetdesk.ui.notices import Notice, Notices

YearSource = Callable[[], "int | None"]

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
INVALID = "invalid"


def state_label(state: str) -> str:
    """Where a package stands in the inbox."""
    return {
        PENDING: _("待处理"),
        ACCEPTED: _("已接收并合并"),
        REJECTED: _("已拒收"),
        INVALID: _("核验未通过"),
    }.get(state, state)


def unit_label(code: str | None) -> str:
    """A county's name (with its code when unknown)."""
    if not code:
        return "—"
    unit = load_units().get(code)
    return unit.name if unit is not None else code


@dataclass(frozen=True)
class InboxEntry:
    """One package in the inbox: its verification, merge preview and what became of it."""

    path: Path
    verification: Verification
    preview: MergePreview | None
    summary: tuple[SummaryRow, ...] = ()
    changes: tuple[ChangeRow, ...] = ()
    state: str = PENDING
    reason: str = ""
    receipt: Path | None = None

    @property
    def county(self) -> str:
        """The county the package comes from, by name."""
        return unit_label(self.verification.unit_code)

    @property
    def mergeable(self) -> bool:
        """Whether 接收并合并 may be offered."""
        return self.state == PENDING and self.preview is not None and self.preview.mergeable


def build_entry(path: Path, verification: Verification, preview: MergePreview | None) -> InboxEntry:
    """The rows the inbox shows for one package (runs in the worker)."""
    summary: tuple[SummaryRow, ...] = ()
    changes: tuple[ChangeRow, ...] = ()
    if preview is not None:
        summary = tuple(
            SummaryRow(_sheet_title(key), s.added, s.changed, s.removed, s.unchanged, s.rejected)
            for key, s in preview.summary.items()
        )
        changes = tuple(
            ChangeRow(
                c.sheet,
                c.record,
                c.action,
                "；".join(f"{f.field}：{f.old or '—'} → {f.new or '—'}" for f in c.fields),
            )
            for c in preview.changes
        )
    state = PENDING if verification.ok else INVALID
    return InboxEntry(path, verification, preview, summary, changes, state)


def examine(db: Database, path: Path) -> InboxEntry:
    """Verify one package and, when valid, preview its merge (runs in the worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.packages.merge import preview_merge
    from vetdesk.packages.verify import verify_package

    verification = verify_package(db, path)
    preview = preview_merge(db, verification) if verification.ok else None
    return build_entry(path, verification, preview)


def package_files(folder: Path) -> list[Path]:
    """The workbooks in a folder and its sub-folders (Office lock files skipped)."""
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
    ]
    return sorted(found)


def inbox_columns() -> list[Column[InboxEntry]]:
    """Columns of the package list."""
    return [
        Column("file", _("文件"), lambda e: e.path.name, width=230),
        Column("county", _("县区"), lambda e: e.county, width=120),
        Column(
            "period",
            _("年度"),
            lambda e: e.verification.period or "",
            lambda e: str(e.verification.period or ""),
            numeric=True,
            width=55,
        ),
        Column(
            "seq",
            _("序号"),
            lambda e: e.verification.seq or "",
            lambda e: str(e.verification.seq or ""),
            numeric=True,
            width=50,
        ),
        Column(
            "verdict",
            pgettext("City", "核验结果"),
            lambda e: str(e.verification.verdict),
            lambda e: (
                # The shared verdict vocabulary, as the CLI and the receipts name it.
                ("✓ " if e.verification.ok else "✗ ") + e.verification.verdict.label
            ),
            width=130,
        ),
        Column("state", _("处理"), lambda e: e.state, lambda e: state_label(e.state), width=100),
        Column(
            "fingerprint",
            pgettext("City", "签名密钥指纹"),
            lambda e: e.verification.fingerprint or "",
            width=380,
        ),
    ]


class _InboxModel(RowTableModel[InboxEntry]):
    """The package list, with refused packages tinted."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Tint invalid and rejected packages; otherwise the plain cell."""
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            entry = self.item(index.row())
            if entry.state in (INVALID, REJECTED):
                return QBrush(QColor("#fde2e1"))
            if entry.state == ACCEPTED:
                return QBrush(QColor("#e3f1e4"))
        return super().data(index, role)


@dataclass
class ReceiptSetup:
    """Where this session signs receipts (None folder: no receipts)."""

    folder: Path | None
    passphrase: str = field(default="", repr=False)


class ReceiptDialog(QDialog):
    """Once per session: the folder for receipts and the passphrase of the city's key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiptDialog")
        self.setWindowTitle(_("签发回执"))
        self.issue = QCheckBox(_("为每个处理的上报包签发回执"))
        self.issue.setChecked(True)
        self.folder = QLineEdit(str(documents_folder() / pgettext("City", "回执")))
        self.folder.setObjectName("receipt_folder")
        choose = QPushButton(_("选择…"))
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(
            _(
                "回执用市局签名密钥签名，县区导入后即可确认上报结果。"
                "口令只在本次运行期间保存在内存中。"
            )
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.issue)
        form.addRow(_("回执保存到："), row)
        form.addRow(pgettext("City", "密钥口令："), self.passphrase)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.issue.toggled.connect(lambda _on: self._update())
        self.passphrase.textChanged.connect(lambda _t: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update()
        self.resize(560, 220)

    def _choose(self) -> None:
        folder = interaction.choose_folder(self, _("回执保存到"), self.folder.text())
        if folder is not None:
            self.folder.setText(str(folder))

    def _update(self) -> None:
        on = self.issue.isChecked()
        self.folder.setEnabled(on)
        self.passphrase.setEnabled(on)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not on or (bool(self.passphrase.text()) and bool(self.folder.text())))

    def setup(self) -> ReceiptSetup:
        """What was chosen."""
        if not self.issue.isChecked():
            return ReceiptSetup(None)
        return ReceiptSetup(Path(self.folder.text()), self.passphrase.text())


class RejectDialog(QDialog):
    """Ask why a package is refused (the reason goes into the receipt)."""

    def __init__(self, entry: InboxEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RejectDialog")
        self.setWindowTitle(_("拒收上报包"))
        label = QLabel(
            _("拒收 {county} {year} 年度第 {seq} 号上报包。请写明原因，回执会告知县区：").format(
                county=entry.county,
                year=entry.verification.period or "—",
                seq=entry.verification.seq or "—",
            )
        )
        label.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("例如：培训项目数据与上年差异过大，请核实后重新上报。"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("拒收"))
        ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: ok.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 260)


def _change_totals(entry: InboxEntry) -> tuple[int, int, int]:
    """Records a package would add, change and remove, over all its sheets."""
    counts = list(entry.preview.summary.values()) if entry.preview is not None else []
    return (
        sum(c.added for c in counts),
        sum(c.changed for c in counts),
        sum(c.removed for c in counts),
    )


def _outcome_text(entry: InboxEntry) -> str:
    if entry.state == ACCEPTED:
        text = _("已接收 {county} 第 {seq} 号上报包并合并。").format(
            county=entry.county, seq=entry.verification.seq
        )
    else:
        text = _("已拒收 {county} 第 {seq} 号上报包：{reason}").format(
            county=entry.county, seq=entry.verification.seq, reason=entry.reason
        )
    if entry.receipt is not None:
        text += "\n" + _("回执：{path}").format(path=entry.receipt)
    else:
        text += "\n" + _("本次未签发回执。")
    return text


class InboxPage(QWidget):
    """The city's package inbox: verify, preview, accept or reject, issue receipts."""

    merged = Signal(object)  # InboxEntry
    rejected_package = Signal(object)  # InboxEntry
    examined = Signal()

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_inbox")
        self._db_source = db
        self.busy = False
        self.read_only = False
        self.receipts: ReceiptSetup | None = None
        self.dialog: QDialog | None = None
        self.add_files_button = QPushButton(_("添加上报包…"))
        self.add_files_button.clicked.connect(lambda: self.choose_files())
        self.add_folder_button = QPushButton(_("添加文件夹（如U盘）…"))
        self.add_folder_button.clicked.connect(lambda: self.choose_folder())
        self.clear_button = QPushButton(_("清除已处理"))
        self.clear_button.clicked.connect(self.clear_done)
        self.hint = QLabel(_("核验只读取文件；接收并合并后才改动市级数据。"))
        self.hint.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(self.add_files_button)
        top.addWidget(self.add_folder_button)
        top.addWidget(self.clear_button)
        top.addWidget(self.hint, 1)

        self.model = _InboxModel(inbox_columns(), parent=self)
        self.view = QTableView()
        self.view.setObjectName("packages")
        configure_table(self.view)
        self.view.setModel(self.model)
        apply_widths(self.view, self.model.columns())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_selected())
        self.model.modelReset.connect(self._show_selected)

        self.title = QLabel(_("选择一个上报包查看合并预览。"))
        self.title.setObjectName("preview_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.message = QLabel()
        self.message.setObjectName("verdict")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_model: RowTableModel[SummaryRow] = RowTableModel(
            summary_columns(), parent=self
        )
        self.change_model: RowTableModel[ChangeRow] = RowTableModel(change_columns(), parent=self)
        self.summary_view = self._table(self.summary_model, "summary")
        self.change_view = self._table(self.change_model, "changes")
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("conflicts")
        self.duplicates = QListWidget()
        self.duplicates.setObjectName("duplicates")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary_view, _("各表汇总"))
        self.tabs.addTab(self.change_view, _("变化明细"))
        self.tabs.addTab(self.conflicts, _("冲突"))
        self.tabs.addTab(self.duplicates, _("重复教师"))

        self.accept_button = QPushButton(_("接收并合并"))
        self.accept_button.setObjectName("accept")
        self.accept_button.clicked.connect(lambda: self.accept_selected())
        self.reject_button = QPushButton(_("拒收…"))
        self.reject_button.setObjectName("reject")
        self.reject_button.clicked.connect(lambda: self.reject_selected())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.accept_button)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.title)
        lower_layout.addWidget(self.message)
        lower_layout.addWidget(self.tabs, 1)
        lower_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setSizes([260, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    @staticmethod
    def _table(model: RowTableModel[Any], name: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        configure_table(view)
        view.setModel(model)
        apply_widths(view, model.columns())
        view.horizontalHeader().setStretchLastSection(True)
        return view

    @property
    def db(self) -> Database | None:
        """The open database."""
        return self._db_source()

    def entries(self) -> list[InboxEntry]:
        """Every package in the inbox, in the order added."""
        return list(self.model.items())

    def selected(self) -> InboxEntry | None:
        """The package selected in the list."""
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select(self, path: Path) -> bool:
        """Select a package by file."""
        for row in range(self.model.rowCount()):
            if self.model.item(row).path == path:
                self.view.selectRow(row)
                self._show_selected()
                return True
        return False

    def set_read_only(self, read_only: bool) -> None:
        """A read-only database can verify and preview, never merge."""
        self.read_only = read_only
        self._update_buttons()

    def subscribe(self, notices: Notices) -> None:
        """Follow the window's change notices: a load says whether the database is read-only."""
        notices.operation_did_execute.connect(self._on_notice)

    def _on_notice(self, notice: Notice) -> None:
        if notice.everything:
            self.set_read_only(notice.read_only)

    # --- adding and verifying -------------------------------------------------------------------

    def choose_files(self) -> None:
        """Ask for package files and add them."""
        paths = interaction.open_files(self, _("选择上报包"), documents_folder(), xlsx_filter())
        if paths:
            self.add_paths(paths)

    def choose_folder(self) -> None:
        """Ask for a folder (a USB stick) and add every workbook in it."""
        folder = interaction.choose_folder(self, _("选择存放上报包的文件夹"), documents_folder())
        if folder is not None:
            self.add_folder(folder)

    def add_folder(self, folder: Path) -> DbOp[list[InboxEntry]] | None:
        """Add every workbook in a folder."""
        paths = package_files(folder)
        if not paths:
            interaction.inform(
                self,
                _("添加上报包"),
                _("文件夹 {folder} 中没有 .xlsx 文件。").format(folder=folder),
            )
            return None
        return self.add_paths(paths)

    def add_paths(self, paths: Sequence[Path]) -> DbOp[list[InboxEntry]] | None:
        """Verify packages and preview their merge in the background, then list them."""
        db = self.db
        if db is None or self.busy:
            return None
        known = {e.path.resolve() for e in self.model.items()}
        chosen = [p for p in paths if p.resolve() not in known]
        if not chosen:
            return None
        return self._examine(chosen, replace_pending=False)

    def _examine(self, paths: list[Path], *, replace_pending: bool) -> DbOp[list[InboxEntry]]:
        db = self.db
        assert db is not None
        self.busy = True
        self._update_buttons()

        def op(database: Database, progress: Progress) -> list[InboxEntry]:
            found = []
            for number, path in enumerate(paths):
                progress.check()
                progress.update(number, len(paths), _("正在核验 {name}…").format(name=path.name))
                found.append(examine(database, path))
            progress.update(len(paths), len(paths))
            return found

        def done(found: list[InboxEntry]) -> None:
            self.busy = False
            if replace_pending:
                fresh = {e.path: e for e in found}
                items = [fresh.get(e.path, e) for e in self.model.items()]
            else:
                items = [*self.model.items(), *found]
            current = self.selected()
            self.model.set_items(items)
            if current is not None:
                self.select(current.path)
            elif found:
                self.select(found[0].path)
            self._update_buttons()
            self.examined.emit()

        def stopped() -> None:
            self.busy = False
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            stopped()
            interaction.show_error(self, exc)

        return (
            DbOp(self, db, op, label=_("正在核验上报包…"), cancellable=True)
            .success(done)
            .failure(failed)
            .cancelled(stopped)
            .run()
        )

    def clear_done(self) -> None:
        """Remove accepted, rejected and invalid packages from the list."""
        if not self.busy:
            self.model.set_items([e for e in self.model.items() if e.state == PENDING])

    # --- the preview ----------------------------------------------------------------------------

    def _show_selected(self) -> None:
        entry = self.selected()
        self.conflicts.clear()
        self.duplicates.clear()
        if entry is None:
            self.title.setText(_("选择一个上报包查看合并预览。"))
            self.message.clear()
            self.summary_model.set_items([])
            self.change_model.set_items([])
            self._update_buttons()
            return
        v = entry.verification
        self.title.setText(
            _("{file} — {county} {year} 年度第 {seq} 号上报包").format(
                file=entry.path.name, county=entry.county, year=v.period or "—", seq=v.seq or "—"
            )
        )
        lines = [("✓ " if v.ok else "✗ ") + v.message]
        if v.sheet:
            lines.append(_("有问题的工作表：{sheet}").format(sheet=v.sheet))
        lines.extend(v.notes)
        if entry.preview is not None and entry.preview.summary:
            added, changed, removed = _change_totals(entry)
            lines.append(
                _("与市局现有的该县区数据相比：新增 {a} 条，修改 {c} 条，删除 {r} 条。").format(
                    a=added, c=changed, r=removed
                )
                if added or changed or removed
                else _("与市局现有的该县区数据完全相同。")
            )
        outcome = state_label(entry.state) + (f"：{entry.reason}" if entry.reason else "")
        if entry.state == REJECTED:
            # The decision first; the (valid) signature below it is no longer good news.
            lines.insert(0, "✗ " + outcome)
            lines[1] = _("签名核验：") + v.message
        elif entry.state != PENDING and entry.state != INVALID:
            lines.append(outcome)
        self.message.setText("\n".join(lines))
        self.message.setStyleSheet(ERROR_STYLE if entry.state == REJECTED or not v.ok else OK_STYLE)
        self.summary_model.set_items(entry.summary)
        self.change_model.set_items(entry.changes)
        preview = entry.preview
        conflicts = preview.conflicts if preview else []
        duplicates = preview.duplicates if preview else []
        self.conflicts.addItems(conflicts)
        self.duplicates.addItems(duplicates)
        self.tabs.setTabText(2, _("冲突（{n}）").format(n=len(conflicts)))
        self.tabs.setTabText(3, _("重复教师（{n}）").format(n=len(duplicates)))
        self.tabs.setTabText(1, _("变化明细（{n}）").format(n=len(entry.changes)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        entry = self.selected()
        writable = not self.read_only and not self.busy
        self.accept_button.setEnabled(writable and entry is not None and entry.mergeable)
        self.reject_button.setEnabled(
            writable and entry is not None and entry.state == PENDING and entry.verification.ok
        )
        for button in (self.add_files_button, self.add_folder_button, self.clear_button):
            button.setEnabled(not self.busy)

    # --- accept and reject ----------------------------------------------------------------------

    def set_receipts(self, folder: Path | None, passphrase: str = "") -> None:
        """Decide for this session where receipts go (None: no receipts)."""
        self.receipts = ReceiptSetup(folder, passphrase)

    def _with_receipts(self, then: Callable[[], object]) -> None:
        if self.receipts is not None:
            then()
            return
        dialog = ReceiptDialog(self)
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted:
                self.receipts = dialog.setup()
                then()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def accept_selected(self) -> None:
        """Merge the selected package after a confirmation (asking once where receipts go)."""
        entry = self.selected()
        if entry is None or not entry.mergeable or self.read_only or self.busy:
            return
        added, changed, removed = _change_totals(entry)
        db = self.db
        if db is not None and db.on_server:
            # No file backup on a server (its administrator's backups apply): never claim one.
            question = _(
                "接收并合并{county}第 {seq} 号上报包？该县区 {year} 年度的数据将以上报包为准"
                "（新增 {a} 条、修改 {c} 条、删除 {r} 条），在一个事务中写入服务器，并签发回执。"
            )
        else:
            question = _(
                "接收并合并{county}第 {seq} 号上报包？该县区 {year} 年度的数据将以上报包为准"
                "（新增 {a} 条、修改 {c} 条、删除 {r} 条）；合并前会自动备份数据库，并签发回执。"
            )
        question = question.format(
            county=entry.county,
            seq=entry.verification.seq,
            year=entry.verification.period,
            a=added,
            c=changed,
            r=removed,
        )
        if not interaction.confirm(self, _("接收并合并"), question):
            return
        self._with_receipts(lambda: self._merge(entry))

    def reject_selected(self, reason: str | None = None) -> None:
        """Refuse the selected package with a reason (asked for when not given)."""
        entry = self.selected()
        if entry is None or entry.state != PENDING or self.read_only or self.busy:
            return
        if reason is not None:
            self._with_receipts(lambda: self._reject(entry, reason))
            return
        dialog = RejectDialog(entry, self)
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            text = dialog.reason.toPlainText().strip()
            if result == QDialog.DialogCode.Accepted and text:
                self._with_receipts(lambda: self._reject(entry, text))
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def _merge(self, entry: InboxEntry) -> DbOp[InboxEntry] | None:
        db = self.db
        setup = self.receipts
        if db is None or setup is None:
            return None
        self.busy = True
        self._update_buttons()

        def op(database: Database, progress: Progress) -> InboxEntry:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.accept import accept_package, unlock_receipts

            signer = None
            if setup.folder is not None:
                progress.update(0, 2, _("正在解锁签名密钥…"))
                signer = unlock_receipts(database, setup.folder, setup.passphrase)
            progress.update(1, 2, _("正在合并…"))
            # Verified again inside the write transaction; the receipt is signed before commit.
            # The change set shown is the one applied: changed data since then refuses.
            outcome = accept_package(
                database,
                entry.verification,
                receipts=signer,
                file_name=entry.path.name,
                expected=entry.preview.changeset_digest if entry.preview else None,
            )
            if not outcome.preview.applied:
                return replace(
                    build_entry(entry.path, outcome.preview.verification, outcome.preview),
                    receipt=outcome.receipt,
                )
            return replace(entry, preview=outcome.preview, state=ACCEPTED, receipt=outcome.receipt)

        def done(result: InboxEntry) -> None:
            self.busy = False
            self._replace(result)
            if result.state == ACCEPTED:
                interaction.inform(self, _("接收并合并"), _outcome_text(result))
                self.merged.emit(result)
                self._reexamine_pending()
            elif not result.verification.ok:
                # Verified again at merge time: replayed, forked or revoked since the preview.
                interaction.warn(self, _("接收并合并"), result.verification.message)
            else:
                interaction.warn(
                    self, _("接收并合并"), _("合并前的检查发现冲突，未合并。请查看冲突。")
                )

        return (
            DbOp(self, db, op, label=_("正在合并上报包…"))
            .success(done)
            .failure(self._action_failed)
            .run()
        )

    def _reject(self, entry: InboxEntry, reason: str) -> DbOp[InboxEntry] | None:
        db = self.db
        setup = self.receipts
        if db is None or setup is None or entry.preview is None:
            return None
        self.busy = True
        self._update_buttons()

        def op(database: Database, _progress: Progress) -> InboxEntry:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.accept import reject_package, unlock_receipts

            signer = None
            if setup.folder is not None:
                signer = unlock_receipts(database, setup.folder, setup.passphrase)
            outcome = reject_package(
                database, entry.verification, reason, receipts=signer, file_name=entry.path.name
            )
            refused = outcome.preview
            return replace(
                entry,
                preview=refused,
                state=REJECTED,
                reason=refused.reasons[0],
                receipt=outcome.receipt,
            )

        def done(result: InboxEntry) -> None:
            self.busy = False
            self._replace(result)
            interaction.inform(self, _("拒收上报包"), _outcome_text(result))
            self.rejected_package.emit(result)

        # On failure nothing was recorded or sent: the package is still pending.
        return (
            DbOp(self, db, op, label=_("正在签发回执…"))
            .success(done)
            .failure(self._action_failed)
            .run()
        )

    def _action_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        if getattr(exc, "code", "") in ("wrong_passphrase", "too_many_attempts"):
            self.receipts = None  # ask again next time
        interaction.show_error(self, exc)

    def _replace(self, result: InboxEntry) -> None:
        items = [result if e.path == result.path else e for e in self.model.items()]
        self.model.set_items(items)
        self.select(result.path)

    def _reexamine_pending(self) -> None:
        """After a merge the others' previews (duplicates, replays) may have changed."""
        pending = [e.path for e in self.model.items() if e.state in (PENDING, INVALID)]
        if pending and self.db is not None:
            self._examine(pending, replace_pending=True)


# --- the status board ---------------------------------------------------------------------------


def warnings_text(status: UnitStatus) -> str:
    """What the package's warnings come to, in words."""
    if not status.submitted:
        return ""
    if status.warnings == 0:
        return _("无警告")
    open_ = status.warnings - status.warnings_explained
    if open_ <= 0:
        return _("警告 {n} 条，均已说明").format(n=status.warnings)
    return _("警告 {n} 条，{m} 条未说明").format(n=status.warnings, m=open_)


def _time_text(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def status_columns() -> list[Column[UnitStatus]]:
    """Columns of the status board."""
    return [
        Column("unit_name", _("县区"), lambda s: s.unit_name, width=140),
        Column("unit_code", _("代码"), lambda s: s.unit_code, width=70),
        Column("submitted", _("状态"), lambda s: s.submitted, status_text, width=110),
        Column(
            "rejected_reason",
            _("退回原因"),
            lambda s: s.rejected_reason,
            lambda s: refusal_text(s),
            width=260,
        ),
        Column("seq", _("序号"), lambda s: s.seq, numeric=True, width=50),
        Column(
            "accepted_at",
            pgettext("City", "接收时间"),
            lambda s: s.accepted_at,
            lambda s: _time_text(s.accepted_at),
            width=140,
        ),
        Column("county_operator", _("县区填报人"), lambda s: s.county_operator, width=100),
        Column(
            "errors",
            pgettext("City", "错误"),
            lambda s: s.errors if s.submitted else None,
            numeric=True,
            width=50,
        ),
        Column("packages", _("已接收包数"), lambda s: s.packages, numeric=True, width=110),
        Column("warnings", pgettext("City", "警告说明"), warnings_text, width=180),
    ]


def status_text(status: UnitStatus) -> str:
    """A county's state for the period in words."""
    if status.rejected_at is not None:
        return _("↩ 已退回") if not status.submitted else _("✓ 已上报，新包被退回")
    return _("✓ 已上报") if status.submitted else _("✗ 未上报")


def refusal_text(status: UnitStatus) -> str:
    """Why the county's latest package was sent back (empty if it was not)."""
    if status.rejected_at is None:
        return ""
    seq = _("第 {seq} 号包").format(seq=status.rejected_seq) if status.rejected_seq else ""
    return _("{time} {package}：{reason}").format(
        time=_time_text(status.rejected_at), package=seq, reason=status.rejected_reason
    )


class _StatusModel(RowTableModel["UnitStatus"]):
    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            status = self.item(index.row())
            if not status.submitted:
                return QBrush(QColor("#b3261e"))
        return super().data(index, role)


class StatusBoardPage(DataPage):
    """Which counties have submitted the period, with which package, when, by whom."""

    def __init__(self, db: DbSource, year: YearSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_status")
        self._year = year
        self.statuses: list[UnitStatus] = []
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.heading.setFont(font)
        self.model = _StatusModel(status_columns(), parent=self)
        self.view = QTableView()
        self.view.setObjectName("status_board")
        configure_table(self.view)
        self.view.setModel(self.model)
        apply_widths(self.view, self.model.columns())
        self.note = QLabel(
            _(
                "“已上报”指市局已接收并合并该县区本年度的上报包；序号为最近接收的一次。"
                "警告说明来自上报包中的核验结果。"
            )
        )
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)

    def load(self, db: Database) -> None:
        """Read the board of the period shown."""
        year = self._year()
        if year is None or not db.info().is_city:
            self.statuses = []
            self.model.set_items([])
            self.heading.setText(_("尚无统计期。"))
            self.refreshed.emit()
            return

        def op(database: Database, _progress: Progress) -> list[UnitStatus]:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.merge import status_board

            return status_board(database, year)

        def done(statuses: list[UnitStatus]) -> None:
            self.statuses = statuses
            self.model.set_items(statuses)
            submitted = sum(1 for s in statuses if s.submitted)
            self.heading.setText(
                _("{year} 年度上报情况：已上报 {n} / {total} 个县区").format(
                    year=year, n=submitted, total=len(statuses)
                )
            )
            self.heading.setStyleSheet(OK_STYLE if submitted == len(statuses) else "")
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()


# --- the merged city workbook -------------------------------------------------------------------


def write_workbook(
    parent: QWidget, db: Database, year: int, target: Path | None = None
) -> DbOp[CityWorkbookResult] | None:
    """Write the merged city workbook of a period in the background."""
    if target is None:
        start = documents_folder() / _("{unit}-{year}-合并.xlsx").format(
            unit=db.info().unit_name, year=year
        )
        target = interaction.save_file(parent, _("合并工作簿"), start, xlsx_filter())
        if target is None:
            return None
    chosen = target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")

    def op(database: Database, progress: Progress) -> CityWorkbookResult:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.reports.city_workbook import write_city_workbook

        def step(done: int, total: int) -> None:
            progress.check()
            progress.update(done, total)

        return write_city_workbook(database, year, chosen, progress=step)

    def done(result: CityWorkbookResult) -> None:
        interaction.inform(
            parent,
            _("合并工作簿"),
            _("已写入 {path}\n汇总表：{sheets}").format(
                path=result.path, sheets="、".join(result.summary_sheets)
            ),
        )

    return (
        DbOp(parent, db, op, label=_("正在生成合并工作簿…"), cancellable=True).success(done).run()
    )
