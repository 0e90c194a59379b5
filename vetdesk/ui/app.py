"""Starting the GUI: ``run_app(db=..., screenshot_dir=...)``, called by ``vetdesk``.

Start-up order matters: the platform and high-DPI policy before the QApplication,
the font and translators before the first widget, the database lock before the
database is opened. Heavy modules (matplotlib, openpyxl) are not imported here;
the features that need them import them on first use.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from vetdesk import APP_NAME, ORG_NAME, __version__
from vetdesk.errors import VetDeskError
from vetdesk.fonts import font_path
from vetdesk.i18n import _
from vetdesk.paths import log_file, resource
from vetdesk.ui import interaction
from vetdesk.ui.i18n import install_translators
from vetdesk.ui.settings import Settings

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.db.location import DatabaseTarget
    from vetdesk.db.lock import DatabaseLock
    from vetdesk.ui.mainwindow import MainWindow
    from vetdesk.ui.openwith import WorkbookReceiver

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTED = 0, 1


def setup_logging() -> Path:
    """Log to a rotating file in the data directory (and to stderr when there is one)."""
    path = log_file()
    root = logging.getLogger()
    if not any(getattr(h, "_vetdesk", False) for h in root.handlers):
        _rotate(path)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._vetdesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        # A windowed PyInstaller build has no console: sys.stderr is None there.
        if sys.stderr is not None:
            stream = logging.StreamHandler(sys.stderr)
            stream.setLevel(logging.WARNING)
            stream._vetdesk = True  # type: ignore[attr-defined]
            root.addHandler(stream)
        root.setLevel(logging.INFO)
        # Alembic reports every connection at INFO; only its problems belong in the log.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        qInstallMessageHandler(_qt_message)
    return path


def _qt_message(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    # Qt's own warnings go to the log file too: a windowed build has no console.
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    if "propagateSizeHints" in message:  # offscreen platform noise, not a problem
        return
    logging.getLogger("qt").log(level, "%s", message)


def _rotate(path: Path, max_bytes: int = 2_000_000, keep: int = 3) -> None:
    # Rotation once at start-up: logging.handlers (and the socket module it pulls in)
    # would cost the first paint several milliseconds.
    try:
        if not path.exists() or path.stat().st_size < max_bytes:
            return
        for index in range(keep - 1, 0, -1):
            older = path.with_name(f"{path.name}.{index}")
            if older.exists():
                older.replace(path.with_name(f"{path.name}.{index + 1}"))
        path.replace(path.with_name(f"{path.name}.1"))
    except OSError:  # a log that cannot rotate is no reason not to start
        pass


def ensure_application() -> QApplication:
    """The QApplication, created with VetDesk's names and high-DPI policy if needed."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scaling (125 %, 150 % are common on Windows laptops) without rounding
    # text and icons to whole multiples. Said through Qt's environment variable, not
    # QGuiApplication.setHighDpiScaleFactorRoundingPolicy: the call needs the Qt enum
    # namespace, whose first use builds its 94 enum classes (some 25 ms) before the
    # window's first paint. Nothing before the first paint touches QtCore.Qt.
    os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    return app


def install_font(app: QApplication) -> str | None:
    """Register the shipped Chinese font and put it behind the system font as fallback."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    if font_id < 0:
        log.warning("could not load the Chinese font %s", font_path())
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(app.font())
    # The system family first keeps the native look; Qt falls back to the shipped font
    # for every character the system font lacks, so Chinese never shows as boxes.
    families = [f for f in font.families() if f != family] or [font.family()]
    font.setFamilies([*families, family])
    app.setFont(font)
    return family


def lock_database(path: Path) -> DatabaseLock:
    """Take the one-instance lock of a database, or raise DatabaseInUse naming its holder.

    This is the lock of :mod:`vetdesk.db.lock` (``<db>.lock``), the same one the services
    (backup, restore, import) take: a QLockFile on that file would fight with it. It is
    re-entrant within a process, so the GUI's own services do not lock themselves out,
    and a crashed VetDesk's lock is freed with its process.
    """
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.lock import DatabaseLock

    return DatabaseLock(path).acquire(_("图形界面"))


def lock_message(path: Path, exc: BaseException) -> str:
    """The message for the second instance on a database."""
    detail = getattr(exc, "message", str(exc))
    return _("无法打开数据库 {name}：{detail}\n同一个数据库同时只能由一个窗口使用。").format(
        name=path.name, detail=detail
    )


# Set to make the GUI print a marker on its main window's first paint and quit.
FIRST_PAINT_ENV = "VETDESK_EXIT_AFTER_FIRST_PAINT"


class AppController:
    """Owns the database lock and the main window; switches database and language.

    The window opens the database itself, after its first paint; until it reports
    :attr:`MainWindow.opened`, the controller holds only the lock.
    """

    def __init__(self, app: QApplication, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.db: Database | None = None
        self.lock: DatabaseLock | None = None
        self.window: MainWindow | None = None
        self.exit_code = EXIT_OK
        # A workbook the desktop asked VetDesk to open, shown once the window has loaded.
        self.pending_workbook: Path | None = None
        self.receiver: WorkbookReceiver | None = None

    def open(self, target: DatabaseTarget | str, parent: QWidget | None = None) -> bool:
        """Show a database (a file, or the city's on PostgreSQL) in a (new) main window.

        False if it cannot be opened: a missing file, one another window holds, a URL with
        a password. Only a file takes the single-instance lock: several officers (and
        several windows) work on a server database at once, queued by the server's locks.
        """
        # Local: the core loads on first use, not at start-up (location.py is Qt- and SQL-free).
        from vetdesk.db.location import parse_target

        try:
            location = parse_target(target)
        except VetDeskError as exc:  # a password in the URL: refused with the reason
            interaction.warn(parent, "VetDesk", exc.message)
            return False
        if isinstance(location, Path):
            location = location.resolve()
            if not location.exists():
                interaction.warn(
                    parent, "VetDesk", _("找不到数据库文件 {path}。").format(path=location)
                )
                return False
        if self.window is not None and self.window.location == location:
            self.window.raise_()  # already open here: show it rather than lock twice
            self.window.activateWindow()
            return True
        lock = None
        if isinstance(location, Path):
            try:
                lock = lock_database(location)
            except VetDeskError as exc:  # DatabaseInUse, or a folder where no lock can be made
                interaction.warn(parent, "VetDesk", lock_message(location, exc))
                return False
        old_window = self.window
        self.close_database()
        self.lock = lock
        self._show_window(location, old_window)
        return True

    def _show_window(
        self, source: DatabaseTarget | Database, old: QWidget | None, *, read_only: bool = False
    ) -> None:
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.mainwindow import MainWindow

        window = MainWindow(source, self.settings, read_only=read_only, delete_on_close=True)
        window.open_database_requested.connect(lambda p: self.open(p, window))
        window.new_database_requested.connect(lambda: self.run_wizard(window))
        window.language_requested.connect(self.switch_language)
        window.opened.connect(self._opened)
        window.open_failed.connect(lambda exc: self._open_failed(window, exc))
        self.window = window
        if old is not None:
            old.close()
        if os.environ.get(FIRST_PAINT_ENV):
            self._exit_after_first_paint(window)
        if self.pending_workbook is not None:
            self._open_when_loaded(window, self.pending_workbook)
            self.pending_workbook = None
        window.show()

    def _open_when_loaded(self, window: MainWindow, workbook: Path) -> None:
        def loaded() -> None:
            window.loaded.disconnect(loaded)  # once: later reloads open nothing
            # Local: it reads workbooks, which a start-up need not.
            from vetdesk.ui.openwith import open_workbook

            open_workbook(window, workbook)

        window.loaded.connect(loaded)

    def receive_workbook(self, workbook: Path) -> None:
        """Open a workbook handed over by a second ``vetdesk FILE`` (or the desktop)."""
        if self.window is None:
            return
        if self.window.loading or self.db is None:
            self._open_when_loaded(self.window, workbook)
        else:
            # Local: it reads workbooks, which a start-up need not.
            from vetdesk.ui.openwith import open_workbook

            open_workbook(self.window, workbook)

    def _exit_after_first_paint(self, window: QWidget) -> None:
        # For bench/bench_installer.py: the frozen app's time to first paint is measured
        # from outside, as the moment this line appears on standard output.
        # Local: only that bench's run needs the probe.
        from PySide6.QtCore import QEvent, QObject, QTimer

        app = self.app

        class Probe(QObject):
            def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
                    self.done = True
                    if sys.stdout is not None:
                        print("VETDESK-FIRST-PAINT", flush=True)
                    QTimer.singleShot(0, app.quit)
                return False

        self._probe = Probe(window)
        window.installEventFilter(self._probe)

    def _opened(self, db: Database) -> None:
        self.db = db
        if self.receiver is None:
            # Local: loaded after the first paint, with the database, not at start-up.
            from vetdesk.ui.openwith import WorkbookReceiver

            self.receiver = WorkbookReceiver(db.location, self.receive_workbook, self.app)
        self.settings.last_db = db.location  # a URL never holds a password (refused before)
        self.settings.sync()
        log.info("opened %s", db.location)

    def _open_failed(self, window: QWidget, exc: BaseException) -> None:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.db.backup import DatabaseDamaged

        # A damaged database was explained in the window's recovery dialog already.
        if not isinstance(exc, DatabaseDamaged):
            interaction.show_error(window, exc)
        self.exit_code = EXIT_REJECTED
        window.close()
        self.close_database()

    def run_wizard(self, parent: QWidget | None = None) -> bool:
        """Run the first-run wizard; open the database it creates."""
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.wizard import SetupWizard

        wizard = SetupWizard(parent)
        if wizard.exec() != SetupWizard.DialogCode.Accepted or wizard.database is None:
            return False
        location = wizard.database.location
        wizard.database.close()
        return self.open(location, parent)

    def switch_language(self, lang: str) -> None:
        """Install another language and rebuild the window in it (same database)."""
        install_translators(lang)
        if self.window is not None and self.db is not None:
            self.window.save_layout()
            paths, receipts = self.window.inbox_state()
            self._show_window(self.db, self.window, read_only=self.window.read_only)
            if paths and self.window is not None:
                # The city's inbox is not lost with the old window: list and verify again.
                window = self.window

                def restore() -> None:
                    window.loaded.disconnect(restore)  # once: later reloads keep the list
                    window.restore_inbox(paths, receipts)

                window.loaded.connect(restore)

    def close_database(self) -> None:
        """Release the database and its lock."""
        if self.receiver is not None:
            self.receiver.close()
            self.receiver.deleteLater()
            self.receiver = None
        if self.db is not None:
            # Local: no background work (nor its module) exists before the first paint.
            from vetdesk.ui.background import wait_for_all

            wait_for_all()
            self.db.close()
            self.db = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def run_app(
    db: str | None = None,
    screenshot_dir: str | None = None,
    language: str | None = None,
    open_workbook: Path | None = None,
) -> int:
    """Run the GUI on a database (default: the last one, else the first-run wizard).

    ``language`` (``vetdesk --lang``) overrides the saved setting for this run;
    ``open_workbook`` (``vetdesk FILE.xlsx``) is opened in the matching step once the
    window has loaded — in the window already showing that database, if there is one.
    """
    if screenshot_dir is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

        # Offscreen nobody can click a message box away: messages go to the terminal
        # (unless a test already chose how messages are handled).
        previous = interaction.set_interaction(interaction.ConsoleInteraction())
        if type(previous) is not interaction.Interaction:
            interaction.set_interaction(previous)
    setup_logging()
    app = ensure_application()
    app.setWindowIcon(QIcon(str(resource("icons", "vetdesk.png"))))
    install_font(app)
    settings = Settings()
    install_translators(language or settings.language)
    log.info("VetDesk %s starting (Qt platform %s)", __version__, app.platformName())
    controller = AppController(app, settings)
    controller.pending_workbook = open_workbook
    # Local: location.py is Qt- and SQL-free; the rest of the core loads with the window.
    from vetdesk.db.location import parse_target

    path: DatabaseTarget | None
    if db is not None:
        try:
            path = parse_target(db)
        except VetDeskError as exc:  # a password in the URL
            print(exc.message, file=sys.stderr)
            return EXIT_REJECTED
    else:
        last = settings.last_db
        path = last if last is not None and (not isinstance(last, Path) or last.exists()) else None
    if open_workbook is not None and path is not None:
        # Local: needed only when the desktop hands over a workbook.
        from vetdesk.ui.openwith import forward_to_running

        if forward_to_running(path, open_workbook):
            log.info("handed %s to the VetDesk window showing %s", open_workbook, path)
            return EXIT_OK
    if path is None:
        if screenshot_dir is not None:
            print(_("截图需要用 --db 指定数据库。"), file=sys.stderr)
            return EXIT_REJECTED
        if not controller.run_wizard():
            return EXIT_OK
    elif not controller.open(path):
        return EXIT_REJECTED
    if screenshot_dir is not None:
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.screenshots import take_screenshots

        assert controller.window is not None
        written = take_screenshots(controller.window, Path(screenshot_dir))
        if controller.window.failed is not None:
            controller.close_database()
            return EXIT_REJECTED
        print(_("已保存 {n} 张截图到 {dir}").format(n=len(written), dir=screenshot_dir))
        controller.window.close()
        controller.close_database()
        return EXIT_OK
    code = app.exec()
    controller.close_database()
    return int(code) or controller.exit_code
