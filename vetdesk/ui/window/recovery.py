"""Restoring a backup, and what the window offers when the database is damaged.

The database must be closed for a restore: the window waits until no background work is
left, closes it, restores and opens it again, all without blocking. A damaged database
(found by the start-up check) gets the choice of opening read-only or restoring a backup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from vetdesk.db.location import NoFileBackup, ServerUrl
from vetdesk.i18n import _
from vetdesk.ui import interaction
from vetdesk.ui.background import running_count
from vetdesk.ui.loading import open_database, open_read_only, restore_and_open

if TYPE_CHECKING:
    from vetdesk.db.backup import BackupInfo, DatabaseDamaged, RestoreResult
    from vetdesk.ui.backups import DamagedDialog
    from vetdesk.ui.mainwindow import MainWindow


class Recovery:
    """Restores backups into the window's database and recovers a damaged one."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.damaged_dialog: DamagedDialog | None = None
        self.damage: DatabaseDamaged | None = None  # what the start-up check found

    def restore_backup(self, backup: Path) -> None:
        """Replace the database by a backup; the current state is backed up first.

        The database must be closed for the restore: the window waits until no background
        work is left, closes it, restores and opens it again, all without blocking.
        """
        if self.window.loading or not self.window.is_open:
            return
        if isinstance(self.window.location, ServerUrl):
            # Restores of a server database are the administrator's (pg_restore), as on the
            # command line: said, never attempted.
            interaction.show_error(self.window, NoFileBackup(self.window.location))
            return
        self.window.loading = True
        self.window.update_actions()
        self.window.statusBar().showMessage(_("正在恢复备份…"))
        self._when_idle(lambda: self._restore_now(backup))

    def _when_idle(self, then: Callable[[], None]) -> None:
        if running_count():
            QTimer.singleShot(50, lambda: self._when_idle(then))
        else:
            then()

    def _restore_now(self, backup: Path) -> None:
        outcome: list[RestoreResult] = []
        self.window.close_database()
        self.window.read_only = False
        self.window.opener = partial(restore_and_open, self.window.path, backup, outcome)

        def after() -> None:
            if outcome:
                self._restored(outcome[0])

        self.window.after_load = after
        self.window.reload()
        # Whatever happens, the next open (a failed restore included) is a normal one.
        self.window.opener = partial(open_database, self.window.path)

    def _restored(self, result: RestoreResult) -> None:
        lines = [
            _("已用 {time} 的备份恢复数据库。").format(
                time=result.restored.created.strftime("%Y-%m-%d %H:%M:%S")
            )
        ]
        if result.safety_backup is not None:
            lines.append(
                _("恢复前的状态已另存为备份 {name}。").format(name=result.safety_backup.path.name)
            )
        self.window.statusBar().showMessage(lines[0], 10_000)
        interaction.inform(self.window, _("恢复备份"), "\n".join(lines))

    def recovery_failed(self, exc: BaseException) -> None:
        """Opening read-only or restoring failed: say why, offer the choice again."""
        damage = self.damage
        assert damage is not None
        text = interaction.error_text(exc)
        if self.window.read_only:
            text = _("数据库损坏严重，无法以只读方式打开：{err}\n请从备份恢复。").format(err=text)
        self.window.read_only = False
        interaction.warn(self.window, _("数据库已损坏"), text)
        self.offer_recovery(damage)

    def offer_recovery(self, damage: DatabaseDamaged) -> None:
        """Offer to open the damaged database read-only or to restore a backup."""
        from vetdesk.ui.backups import DamagedDialog  # Local: loaded only for a damaged database.

        self.damage = damage
        dialog = DamagedDialog(damage, self.window)
        self.damaged_dialog = dialog

        def decided(result: int) -> None:
            self.damaged_dialog = None
            if dialog.choice == DamagedDialog.READ_ONLY:
                self.open_read_only()
            elif dialog.choice == DamagedDialog.RESTORE and (chosen := dialog.selected()):
                self.restore_damaged(chosen)
            else:
                self.window.failed = damage
                self.window.open_failed.emit(damage)
            dialog.deleteLater()

        dialog.finished.connect(decided)
        dialog.open()

    def open_read_only(self) -> None:
        """Open the (damaged) database read-only: look and export, change nothing."""
        self.window.read_only = True
        self.window.opener = partial(open_read_only, self.window.path)
        self.window.reload()
        self.window.opener = partial(open_database, self.window.path)

    def restore_damaged(self, backup: BackupInfo) -> None:
        """Restore a backup over the damaged database (kept as a raw copy), then open it."""
        self.window.read_only = False
        outcome: list[RestoreResult] = []
        self.window.opener = partial(restore_and_open, self.window.path, backup.path, outcome)
        self.window.after_load = lambda: self._restored(outcome[0]) if outcome else None
        self.window.reload()
        self.window.opener = partial(open_database, self.window.path)
