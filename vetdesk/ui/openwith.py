"""A workbook handed to VetDesk by the desktop ("open with", a double-click, ``vetdesk FILE``).

The decision is the core's (:func:`vetdesk.services.open_workbook.plan_open`); this module
reads the workbook in the background and then opens the step the plan names — the import
preview, the task package preview, the receipt import (after a confirmation) or the city's
inbox — if the window's action for that step is enabled now; otherwise it says why, with the
action's own reason. Nothing is written until the user confirms in that step, as when the
same file is chosen from a menu.

A database file is open in one window only (its lock file). When VetDesk already shows that
database, a second ``vetdesk FILE`` hands the path to the running window over a local
socket (:class:`WorkbookReceiver`) and exits, as a desktop user expects a double-click to
reach the window that is already open. A city database on PostgreSQL may be open in several
windows: the first one listening gets the workbook.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from vetdesk.db.database import Database
from vetdesk.db.location import DatabaseTarget
from vetdesk.i18n import _, pgettext
from vetdesk.services.open_workbook import OpenPlan, OpenRoute, plan_open
from vetdesk.ui import interaction
from vetdesk.ui.actions import SPECS
from vetdesk.ui.background import DbOp, Progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from vetdesk.ui.mainwindow import MainWindow

# The window action that stands for each step: its enabling rule decides here too.
_ACTION_FOR_ROUTE = {
    OpenRoute.IMPORT_DATA: "import",
    OpenRoute.IMPORT_TASK: "task",
    OpenRoute.IMPORT_RECEIPT: "receipt",
}
_FORWARD_TIMEOUT_MS = 2000


def open_workbook(window: MainWindow, path: Path) -> DbOp[OpenPlan]:
    """Read what ``path`` is (in the background) and open the matching step in ``window``."""
    is_city = window.info.is_city

    def op(_db: Database, _progress: Progress) -> OpenPlan:
        return plan_open(path, is_city=is_city)

    def done(plan: OpenPlan) -> None:
        follow_plan(window, plan)

    return DbOp(window, window.db, op).success(done).run()


def follow_plan(window: MainWindow, plan: OpenPlan) -> QWidget | None:
    """Open the step a plan names (returned: its dialog or page), or say why there is none."""
    window.raise_()
    window.activateWindow()
    if plan.refused:
        interaction.warn(window, "VetDesk", plan.message)
        return None
    action = _ACTION_FOR_ROUTE.get(plan.route)
    if action is not None:
        spec = SPECS[action]
        decision = spec.enabled(window)
        if not spec.visible(window) or not decision.enabled:
            reason = decision.reason or _("当前不能执行这一步。")
            interaction.warn(window, "VetDesk", f"{plan.message}\n{reason}")
            return None
    if plan.route is OpenRoute.IMPORT_DATA:
        return window.dialogs.import_workbook(plan.path)
    if plan.route is OpenRoute.IMPORT_TASK:
        dialog = window.dialogs.import_task()
        if dialog is not None:
            dialog.preview(plan.path)  # type: ignore[attr-defined]
        return dialog
    if plan.route is OpenRoute.IMPORT_RECEIPT:
        question = _("{step}\n导入后，回执所说的结果会记入本单位的上报记录。继续吗？")
        if interaction.confirm(
            window, pgettext("OpenWith", "市局回执"), question.format(step=plan.message)
        ):
            window.dialogs.import_receipt(plan.path)
        return None
    window.show_page("inbox")
    window.inbox.add_paths([plan.path])
    return window.inbox


def server_name(database: DatabaseTarget) -> str:
    """The local socket name of the window showing ``database`` (per user and file or URL)."""
    where = database.resolve() if isinstance(database, Path) else database.url
    key = f"{getpass.getuser()}\n{where}".encode()
    return "vetdesk-" + hashlib.sha256(key).hexdigest()[:24]


def forward_to_running(database: DatabaseTarget, workbook: Path) -> bool:
    """Hand ``workbook`` to a VetDesk window already showing ``database``; False if none."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(database))
    if not socket.waitForConnected(_FORWARD_TIMEOUT_MS):
        return False
    socket.write(str(workbook.resolve()).encode("utf-8") + b"\n")
    sent = socket.waitForBytesWritten(_FORWARD_TIMEOUT_MS)
    socket.disconnectFromServer()
    return sent


def _answers(name: str) -> bool:
    """Whether a live window listens on a socket name."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    alive = socket.waitForConnected(200)
    socket.abort()
    return alive


class WorkbookReceiver(QObject):
    """Listens for workbooks sent by a second ``vetdesk FILE`` on the same database."""

    def __init__(
        self, database: DatabaseTarget, receive: Callable[[Path], None], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._receive = receive
        self._server = QLocalServer(self)
        name = server_name(database)
        # A crashed VetDesk leaves its socket file behind on Linux. For a file the database
        # lock is already ours, so no live window can be listening on it; a server database
        # may be open in another window of ours, whose socket must not be taken from it.
        if isinstance(database, Path) or not _answers(name):
            QLocalServer.removeServer(name)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._connected)
        self.listening = self._server.listen(name)

    def _connected(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            text = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
            if text:
                self._receive(Path(text))

    def close(self) -> None:
        """Stop listening (the database is closed or another one opened)."""
        self._server.close()
