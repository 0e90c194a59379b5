"""The window's dialogs: opening a database, periods, settings, help, and the exchange.

Each opener checks what the dialog needs (an open database, a period, the role), opens
it over the window and wires its outcome back (an import or a task package reloads the
period). The dialogs' own modules load when first opened, not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtWidgets import QWidget

from vetdesk.i18n import _, pgettext
from vetdesk.paths import data_dir
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.window.pages import PAGE_KEYS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from vetdesk.db.database import Database
    from vetdesk.domain.rows import PeriodInfo
    from vetdesk.ui.exchange import ImportDialog, PackageExportDialog
    from vetdesk.ui.mainwindow import MainWindow


class Dialogs:
    """Opens the window's dialogs (the action registry's triggers)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: QWidget | None = None  # the exchange dialog open now (for tests)

    def choose_database(self) -> None:
        """Ask for a database file to open."""
        location = self.window.location
        # A city database on a server has no folder: start where new databases are made.
        folder = location.parent if isinstance(location, Path) else data_dir()
        path = interaction.open_file(
            self.window, _("打开数据库"), folder, _("VetDesk 数据库 (*.db)")
        )
        if path is not None:
            self.window.open_database_requested.emit(path)

    def choose_server_database(self) -> None:
        """Ask for the URL of the city's database on a PostgreSQL server and open it."""
        # Local: naming a dialog class builds its Qt enums; not before the first paint.
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        location = self.window.location
        current = str(location) if not isinstance(location, Path) else ""
        url, ok = QInputDialog.getText(
            self.window,
            _("打开服务器数据库"),
            _(
                "市级数据库在 PostgreSQL 服务器上时，请填写它的地址，例如\n"
                "postgresql://city@db.example/vetdesk\n"
                "地址中不要写密码（请写入 ~/.pgpass 或环境变量 PGPASSWORD）。"
            ),
            QLineEdit.EchoMode.Normal,
            current,
        )
        if not ok or not url.strip():
            return
        # Local: the core loads after the first paint (location.py is Qt- and SQL-free).
        from vetdesk.db.location import is_server_url

        if not is_server_url(url):
            # Never opened as a file, and never echoed: the text may hold a password.
            interaction.warn(
                self.window,
                _("打开服务器数据库"),
                _("这不是 PostgreSQL 数据库地址：地址应以 postgresql:// 开头。"),
            )
            return
        # The application checks it (a password is refused) and opens it.
        self.window.open_database_requested.emit(url.strip())

    def new_period(self) -> None:
        """Ask for a year and open its statistics period."""
        self.create_period(None)

    def create_period(self, then: Callable[[], None] | None) -> None:
        """Ask for a year, create its period, reload; then run ``then`` (e.g. the school form)."""
        import datetime as dt  # Local: datetime is not needed before the first paint.

        default = (self.window.year + 1) if self.window.year else dt.date.today().year - 1
        # Local: naming a dialog class builds its Qt enums; not before the first paint.
        from PySide6.QtWidgets import QInputDialog

        year, ok = QInputDialog.getInt(
            self.window,
            pgettext("MainWindow", "新建统计期"),
            pgettext("MainWindow", "统计年度："),
            default,
            2000,
            2100,
        )
        if not ok:
            return

        def op(db: Database, _progress: Progress) -> PeriodInfo:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services import records

            return records.open_period(db, year)

        def created(period: PeriodInfo) -> None:
            self.window.after_load = then
            self.window.reload(period.year)

        DbOp(self.window, self.window.db, op).success(created).run()

    def lock_period(self) -> None:
        """Lock the period shown (the city): no package is merged into it, nothing written."""
        year = self.window.year
        if year is None or not interaction.confirm(
            self.window,
            _("锁定本年度"),
            _(
                "锁定 {year} 年度后，不再合并该年度的上报包，任何数据都不能写入。确定锁定吗？"
            ).format(year=year),
        ):
            return

        def op(db: Database, _progress: Progress) -> object:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.period_lock import lock_period

            return lock_period(db, year)

        DbOp(self.window, self.window.db, op).success(
            lambda _status: self.window.reload(year)
        ).run()

    def reopen_period(self) -> None:
        """Reopen the period shown for changes (they must be reported again)."""
        year = self.window.year
        if year is None or not interaction.confirm(
            self.window,
            _("重新打开本年度"),
            _("重新打开 {year} 年度以修改数据吗？改完后需要重新上报。").format(year=year),
        ):
            return

        def op(db: Database, _progress: Progress) -> object:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.period_lock import reopen_period

            return reopen_period(db, year)

        DbOp(self.window, self.window.db, op).success(
            lambda _status: self.window.reload(year)
        ).run()

    def show_settings(self) -> None:
        """Open the settings dialog."""
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.window.settings, self.window)
        dialog.language_changed.connect(self.window.language_requested)
        dialog.open()

    def show_guide(self) -> QDialog:
        """Open the user guide (F1)."""
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.guide import GuideDialog

        dialog = GuideDialog(self.window)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: it may stay open while working
        return dialog

    def show_about(self) -> None:
        """Open the About box."""
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.about import AboutDialog

        AboutDialog(self.window.db, self.window).open()

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def export_template(self) -> QDialog | None:
        """Open the template export for the period shown."""
        if not self.window.is_open or self.window.year is None:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import TemplateExportDialog

        schools = [(code, name) for code, name in self.window.editor.active_schools()]
        return self._open_dialog(
            TemplateExportDialog(self.window.db, self.window.year, schools, self.window)
        )

    def import_workbook(self, path: Path | None = None) -> ImportDialog | None:
        """Open the import preview (reading ``path`` at once when given); counties only."""
        if not self.window.is_open or self.window.info.is_city:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import ImportDialog

        dialog = ImportDialog(
            self.window.db, self.window.year, read_only=self.window.read_only, parent=self.window
        )
        dialog.imported.connect(self._imported)
        self._open_dialog(dialog)
        if path is not None:
            dialog.load(path)
        return dialog

    def paste_rows(self, entity: str, text: str | None = None) -> QDialog | None:
        """Preview rows copied from Excel/WPS (the clipboard unless ``text``) for a table."""
        if not self.window.is_open or self.window.year is None:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.actions import paste_rule

        if not paste_rule(self.window).enabled:
            return None
        # Local: loaded on first use, not at start-up.
        from vetdesk.services.entities import SHEET_KEYS
        from vetdesk.ui.paste import PasteDialog, clipboard_text, first_record_key

        dialog = PasteDialog(
            self.window.db,
            self.window.year,
            SHEET_KEYS[entity],
            read_only=self.window.read_only,
            parent=self.window,
        )
        page = self.window.record_pages.get(entity)

        def pasted(plan: Any) -> None:
            # After the reload, show where the pasted rows went: the first one selected.
            key = first_record_key(dialog.preview.content) if dialog.preview else None
            if page is not None and key is not None and self.window.after_load is None:
                shown = page

                def select() -> None:
                    shown.select_key(key)

                self.window.after_load = select
            self._imported(plan)

        dialog.imported.connect(pasted)
        self._open_dialog(dialog)
        dialog.load_text(clipboard_text() if text is None else text)
        return dialog

    def _imported(self, plan: Any) -> None:
        self.window.statusBar().showMessage(
            _("已导入 {file}，正在重新核验…").format(file=plan.file_name), 10_000
        )
        self.window.undo_stack.clear()  # the edits before the import no longer apply to the data
        self.window.reload(plan.year)

    def export_draft(self) -> None:
        """Export the period as an unsigned draft workbook."""
        if self.window.is_open and self.window.year is not None:
            # Local: that screen loads on first use, not at start-up.
            from vetdesk.ui.exchange import export_draft

            export_draft(self.window, self.window.db, self.window.year)

    def export_package(self) -> PackageExportDialog | None:
        """Open the signed package export for the period shown (counties)."""
        if not self.window.is_open or self.window.year is None or self.window.info.is_city:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import PackageExportDialog

        dialog = PackageExportDialog(self.window.db, self.window.year, self.window)
        dialog.show_checks_requested.connect(self._show_open_findings)
        dialog.show_keys_requested.connect(lambda: self.window.show_page(PAGE_KEYS))
        dialog.exported.connect(lambda _result: self.window.reload())
        self._open_dialog(dialog)
        return dialog

    def _show_open_findings(self) -> None:
        from vetdesk.domain.enums import Severity  # Local: not needed before the first paint.

        errors, _unexplained = self.window.status_counts()
        self.window.show_findings(severity=str(Severity.ERROR) if errors else "unexplained")

    def verify_package(self) -> QDialog | None:
        """Open the package verification."""
        if not self.window.is_open:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import VerifyPackageDialog

        return self._open_dialog(VerifyPackageDialog(self.window.db, self.window))

    def import_task(self) -> QDialog | None:
        """Open the city task package import (counties)."""
        if not self.window.is_open or self.window.info.is_city:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import TaskImportDialog

        dialog = TaskImportDialog(
            self.window.db, read_only=self.window.read_only, parent=self.window
        )
        dialog.imported.connect(lambda: self.window.reload())
        return self._open_dialog(dialog)

    def import_receipt(self, path: Path | None = None) -> None:
        """Import the city's signed receipt (counties); the period may become submitted."""
        if not self.window.is_open or self.window.info.is_city or self.window.read_only:
            return
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.exchange import import_receipt

        import_receipt(self.window, self.window.db, path, lambda _result: self.window.reload())

    def export_task(self) -> QDialog | None:
        """Open the signed task package export for the period shown (city)."""
        if not self.window.is_open or self.window.year is None or not self.window.info.is_city:
            return None
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.taskexport import TaskExportDialog

        return self._open_dialog(TaskExportDialog(self.window.db, self.window.year, self.window))

    def write_city_workbook(self, target: Path | None = None) -> None:
        """Write the merged city workbook of the period shown (city)."""
        if not self.window.is_open or self.window.year is None or not self.window.info.is_city:
            return
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.city import write_workbook

        write_workbook(self.window, self.window.db, self.window.year, target)

    def write_report(self, target: Path | None = None) -> None:
        """Write the PDF report of the period shown."""
        if not self.window.is_open or self.window.year is None:
            return
        # Local: that screen loads on first use, not at start-up.
        from vetdesk.ui.dashboard import write_report

        write_report(self.window, self.window.db, self.window.year, target)
