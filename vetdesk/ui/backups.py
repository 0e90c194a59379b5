"""Backups: the list of verified copies, a backup now, restoring a chosen one.

The page only asks; the window does the restore (it must close its database first, see
:meth:`vetdesk.ui.mainwindow.MainWindow.restore_backup`), through
:func:`vetdesk.db.backup.restore_backup`, which saves the current state as a backup
before replacing it. :class:`DamagedDialog` is what the start-up check shows when the
database is damaged: open it read-only, or restore a backup.

VetDesk's backups are verified copies of a SQLite file. For the city's database on a
PostgreSQL server the page says that the database administrator's backups apply
(``pg_dump``) and makes none: a backup asked for is refused with the command line's own
message (:class:`vetdesk.db.location.NoFileBackup`), never pretended.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.db.location import NoFileBackup, ServerUrl
from vetdesk.i18n import _, pgettext
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import ERROR_STYLE, DataPage, DbSource
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from vetdesk.db.backup import BackupInfo, DatabaseDamaged
    from vetdesk.db.database import Database


def _file_intro() -> str:
    """What the page says for a database file: when VetDesk backs it up."""
    return _(
        "VetDesk 每天第一次打开数据库时、以及每次导入、合并、更换密钥之前自动备份，"
        "每个备份都经过完整性校验。恢复时会先把当前状态另存为一个备份，不会丢失。"
    )


def _server_intro(target: ServerUrl) -> str:
    """What the page says for a database on a PostgreSQL server: whose backups apply."""
    return _(
        "数据库 {db} 在 PostgreSQL 服务器上。VetDesk 的备份只适用于本机的 SQLite 文件，"
        "这里不做、也不列出任何备份；合并、导入前也不另做文件备份（每次写入是一个完整的事务）。\n"
        "请由数据库管理员用 PostgreSQL 的工具备份，例如：\n"
        '    pg_dump -Fc -d "{url}" -f vetdesk.dump\n'
        "恢复时把转储导入一个新建的空数据库（pg_restore），再用 VetDesk 打开它。"
    ).format(db=target.label, url=target.url)


def size_text(size: int) -> str:
    """A file size for people (KB below one MB)."""
    if size < 1024 * 1024:
        return _("{n} KB").format(n=max(1, round(size / 1024)))
    return _("{n:.1f} MB").format(n=size / 1024 / 1024)


def backup_columns() -> list[Column[BackupInfo]]:
    """The columns of the backup list."""
    return [
        Column(
            "created",
            _("备份时间"),
            lambda b: b.created,
            lambda b: b.created.strftime("%Y-%m-%d %H:%M:%S"),
            width=160,
        ),
        Column("reason", _("原因"), lambda b: b.reason, lambda b: b.reason_label, width=130),
        Column(
            "periods",
            pgettext("Backups", "统计年度"),
            lambda b: b.periods,
            lambda b: "、".join(str(y) for y in b.periods),
            width=120,
        ),
        Column("size", _("大小"), lambda b: b.size, lambda b: size_text(b.size), numeric=True),
        Column(
            "verified",
            _("状态"),
            lambda b: b.verified,
            lambda b: _("已校验") if b.verified else _("损坏数据库的原样副本"),
            width=170,
        ),
        Column("file", _("文件"), lambda b: b.path.name, width=300),
    ]


def _backup_table(model: RowTableModel[BackupInfo]) -> QTableView:
    view = QTableView()
    view.setObjectName("backups")
    configure_table(view)
    view.setModel(model)
    apply_widths(view, model.columns())
    view.horizontalHeader().setStretchLastSection(True)
    return view


class BackupsPage(DataPage):
    """The database's backups, newest first; back up now or restore one."""

    restore_requested = Signal(object)  # BackupInfo

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_backups")
        self.intro = intro = QLabel(_file_intro())
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model: RowTableModel[BackupInfo] = RowTableModel(backup_columns(), parent=self)
        self.view = _backup_table(self.model)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.view.doubleClicked.connect(lambda _index: self.request_restore())
        self.count_label = QLabel()
        self.backup_button = QPushButton(_("立即备份"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(_("恢复所选备份…"))
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self.request_restore)
        self.folder_button = QPushButton(_("打开备份文件夹"))
        self.folder_button.clicked.connect(self._open_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch()
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addStretch(0)  # takes the room of the list when there is none (a server)
        layout.addLayout(buttons)
        self._update()

    def _selected(self) -> BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def on_server(self) -> bool:
        """Whether the database open is the city's on a PostgreSQL server (no file backups)."""
        db = self.db
        return db is not None and db.on_server

    def _update(self) -> None:
        selected = self._selected()
        server = self.on_server()
        self.backup_button.setEnabled(self.db is not None and not self.read_only and not server)
        self.restore_button.setEnabled(selected is not None and selected.verified and not server)
        self.folder_button.setEnabled(not server)
        reason = _("数据库在 PostgreSQL 服务器上，由数据库管理员备份。") if server else ""
        for button in (self.backup_button, self.restore_button, self.folder_button):
            button.setToolTip(reason)

    def set_read_only(self, read_only: bool) -> None:
        """A read-only (damaged) database cannot be backed up, only restored."""
        super().set_read_only(read_only)
        self._update()

    def load(self, db: Database) -> None:
        """List the backups in the background (each one's periods are read from it)."""
        if isinstance(db.location, ServerUrl):
            self.intro.setText(_server_intro(db.location))
            self.view.setVisible(False)  # no list: nothing of VetDesk's to list
            self.model.set_items([])
            self.count_label.setText("")
            self._update()
            self.refreshed.emit()
            return
        self.intro.setText(_file_intro())
        self.view.setVisible(True)
        path = db.location

        def op(_db: Database, _progress: Progress) -> list[BackupInfo]:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.db.backup import list_backups

            return list_backups(path)

        def done(backups: list[BackupInfo]) -> None:
            self.model.set_items(backups)
            self.count_label.setText(_("共 {n} 个备份").format(n=len(backups)))
            self._update()
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()

    def select(self, backup_path: Path) -> bool:
        """Select the row of a backup file."""
        for row in range(self.model.rowCount()):
            if self.model.item(row).path == backup_path:
                self.view.selectRow(row)
                return True
        return False

    def backup_now(self) -> None:
        """Make a manual backup in the background."""
        db = self.db
        if db is None:
            return
        if isinstance(db.location, ServerUrl):
            # The command line's refusal, word for word: nothing was backed up.
            interaction.show_error(self, NoFileBackup(db.location))
            return
        path = db.location
        self.backup_button.setEnabled(False)

        def op(_db: Database, _progress: Progress) -> BackupInfo:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.db.backup import REASON_MANUAL, create_backup

            return create_backup(path, REASON_MANUAL)

        def done(info: BackupInfo) -> None:
            self.refresh()
            interaction.inform(
                self, _("备份"), _("已备份（已校验）：{name}").format(name=info.path.name)
            )

        def failed(exc: BaseException) -> None:
            self._update()
            interaction.show_error(self, exc)

        DbOp(self, db, op, label=_("正在备份…")).success(done).failure(failed).run()

    def request_restore(self) -> None:
        """Ask to restore the selected backup; the window does it."""
        backup = self._selected()
        db = self.db
        if backup is None or db is None or not backup.verified or db.on_server:
            return
        question = _(
            "用 {time} 的备份（{reason}）替换当前数据库？\n"
            "当前数据库会先另存为一个备份，恢复后也可以再换回来。"
        ).format(time=backup.created.strftime("%Y-%m-%d %H:%M:%S"), reason=backup.reason_label)
        if interaction.confirm(self, _("恢复备份"), question):
            self.restore_requested.emit(backup)

    def _open_folder(self) -> None:
        db = self.db
        if db is None or db.on_server:
            return
        # Local: the core loads on first use, not at start-up.
        from vetdesk.db.backup import backup_dir

        folder = backup_dir(db.path)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DamagedDialog(QDialog):
    """The start-up check found damage: open read-only, restore a backup, or quit."""

    READ_ONLY, RESTORE = "read_only", "restore"

    def __init__(self, damage: DatabaseDamaged, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DamagedDialog")
        self.setWindowTitle(_("数据库已损坏"))
        self.choice: str | None = None
        self.damage = damage
        title = QLabel(
            _("<b>数据库 {name} 未通过启动检查，可能已损坏。</b>").format(name=damage.path.name)
        )
        title.setStyleSheet(ERROR_STYLE)
        detail = QLabel(_("检查发现：{problems}").format(problems="；".join(damage.problems[:3])))
        detail.setWordWrap(True)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        advice = QLabel(
            _(
                "可以先以只读方式打开查看（不能修改），或从一个备份恢复（当前的文件会原样保留一份副本）。"
                "请选择要恢复的备份，通常是最新的一个。"
            )
            if damage.backups
            else _("没有找到这个数据库的备份。可以以只读方式打开，尽量查看和导出数据。")
        )
        advice.setWordWrap(True)
        self.model: RowTableModel[BackupInfo] = RowTableModel(backup_columns(), parent=self)
        self.model.set_items([b for b in damage.backups if b.verified])
        self.view = _backup_table(self.model)
        self.view.setVisible(bool(damage.backups))
        self.read_only_button = QPushButton(_("以只读方式打开"))
        self.read_only_button.setObjectName("read_only")
        self.read_only_button.clicked.connect(lambda: self.decide(self.READ_ONLY))
        self.restore_button = QPushButton(_("从所选备份恢复"))
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(lambda: self.decide(self.RESTORE))
        quit_button = QPushButton(_("退出"))
        quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_only_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch()
        buttons.addWidget(quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(detail)
        layout.addWidget(advice)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(820, 420 if damage.backups else 220)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        if self.model.rowCount():
            self.view.selectRow(0)  # the newest verified backup
        self._update()

    def _update(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupInfo | None:
        """The backup chosen for the restore."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def decide(self, choice: str) -> None:
        """Close with a choice (read-only or restore)."""
        if choice == self.RESTORE and self.selected() is None:
            return
        self.choice = choice
        self.accept()
