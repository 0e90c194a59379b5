"""Following another officer's change: the window reloads when the data's version moves.

Every :data:`REFRESH_INTERVAL_MS` the window asks, in the background (the one
background-operation helper, :class:`~vetdesk.ui.background.DbOp`), for the data's version
(:mod:`vetdesk.db.data_version`: the audit log's head, one indexed row). When another
process has committed since the last load — another officer's merge on the city's server,
a command run beside the window — the window reloads, and every page takes the new data
from the load's change notice as after any load. The window's own writes move the version
too; they are told apart and cause no reload.

A reload never interrupts the person: while a record form or a dialog is open, an edit is
being saved, a load or any other background operation runs, the change waits and the
reload happens at the first poll after that. Nothing here blocks the GUI thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from vetdesk.i18n import _
from vetdesk.ui.background import DbOp, Progress, running_count

if TYPE_CHECKING:
    from vetdesk.db.data_version import VersionCheck
    from vetdesk.db.database import Database
    from vetdesk.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)

# How often an open window asks whether the data changed (ms); 0 turns polling off.
REFRESH_INTERVAL_MS = 5000


class Refresher(QObject):
    """Polls the data's version and reloads the window on another process's change."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.known: str | None = None  # the version of the data shown (None: nothing loaded)
        self.pending = False  # another process's change seen; the reload waits for the person
        self.reloads = 0  # reloads made for another process's change (for tests, the log)
        self._polling = False
        self._announce = False
        self._cleared_undo = False
        self._failing = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.interval_ms = REFRESH_INTERVAL_MS

    def loaded(self, version: str) -> None:
        """A load finished showing the data of ``version``; start polling (once)."""
        self.known = version or None
        self.pending = False
        if self._announce:
            self._announce = False
            message = (
                _("其他操作员（或命令行）更改了数据库，已重新读取；此前的修改不能再撤销。")
                if self._cleared_undo
                else _("其他操作员（或命令行）更改了数据库，已重新读取。")
            )
            self.window.statusBar().showMessage(message, 10_000)
        if self.interval_ms > 0 and not self.timer.isActive():
            self.timer.start(self.interval_ms)

    def start(self, interval_ms: int) -> None:
        """Poll every ``interval_ms`` from now on (0 stops polling)."""
        self.interval_ms = interval_ms
        self.timer.stop()
        if interval_ms > 0 and self.known is not None:
            self.timer.start(interval_ms)

    def busy(self) -> bool:
        """Whether the person is in the middle of something a reload would disturb."""
        window = self.window
        return (
            window.loading
            or not window.is_open
            or window.undo_stack.busy
            or window.editor.active_form is not None
            or QApplication.activeModalWidget() is not None
            or running_count() > 0  # a merge, an export, a check: never reload under it
        )

    def poll(self) -> DbOp[VersionCheck] | None:
        """Ask for the data's version in the background (unless busy); reload if it moved."""
        if self._polling or self.known is None or self.busy():
            return None
        if self.pending:  # seen before, deferred while the person was busy
            self._reload()
            return None
        # Local: the core loads after the first paint.
        from vetdesk.db.data_version import check_version

        known = self.known
        self._polling = True

        def op(db: Database, _progress: Progress) -> VersionCheck:
            return check_version(db, known)

        def done(check: VersionCheck) -> None:
            self._polling = False
            self._failing = False
            if self.known != known:  # a load finished meanwhile: it showed newer data
                return
            if not check.changed_elsewhere:
                self.known = check.current  # only this window's own writes since
                return
            self.pending = True
            if not self.busy():
                self._reload()

        def failed(exc: BaseException) -> None:
            # A server out of reach for a moment: say it in the log once, try again later;
            # the operations that write say so themselves when they fail.
            self._polling = False
            if not self._failing:
                log.warning("could not read the data's version: %s", exc)
            self._failing = True

        return DbOp(self.window, self.window.db, op).success(done).failure(failed).run()

    def _reload(self) -> None:
        self.pending = False
        self.reloads += 1
        self._announce = True
        # Polling resumes when this load has shown the new data (loaded()); a reload that
        # fails says so once instead of again at every poll.
        self.known = None
        # The edits on the undo stack were made against the data before the other change:
        # undoing one now would write the old values over it.
        self._cleared_undo = self.window.undo_stack.can_undo() or self.window.undo_stack.can_redo()
        self.window.undo_stack.clear()
        log.info("the database was changed by another process: reloading")
        self.window.reload(quiet=True)
