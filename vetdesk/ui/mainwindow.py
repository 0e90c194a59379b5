"""The main window: a frame of navigation, pages, menus and status bar over one database.

The frame holds the state every part reads — the database, the period shown, its
snapshot and check — loads a period in the background and announces what changed
(:mod:`vetdesk.ui.notices`); the pages take their data from those notices. The rest
lives beside it in :mod:`vetdesk.ui.window`: the pages are declared in ``pages`` and held by
``navigation``, the menus laid out by ``menus`` from the action registry
(:mod:`vetdesk.ui.actions`), the dialogs opened by ``dialogs``, record forms and deletes
run by ``editing``, backups restored and a damaged database recovered by ``recovery``,
another process's change followed by ``refresh``.

The window paints as a shell first: the pages (and the core modules they import) are
built right after the first paint, and the database is opened in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from vetdesk.db.location import (  # Qt- and SQL-free: no cost before the first paint
    ServerUrl,
    database_file,
)
from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import SCHOOL
from vetdesk.ui import interaction
from vetdesk.ui.actions import apply_rules, paste_rule, record_edit_rule
from vetdesk.ui.commands import Change, UndoStack
from vetdesk.ui.notices import Notice, Notices
from vetdesk.ui.settings import Settings
from vetdesk.ui.statusline import StatusLine, finding_counts, record_marks
from vetdesk.ui.window.editing import RecordEditor
from vetdesk.ui.window.menus import build_menus
from vetdesk.ui.window.navigation import PageStack
from vetdesk.ui.window.pages import (
    CITY_PAGES,
    PAGE_AUDIT,
    PAGE_BACKUPS,
    PAGE_CHECKS,
    PAGE_COMPLIANCE,
    PAGE_DASHBOARD,
    PAGE_INBOX,
    PAGE_KEYS,
    PAGE_MEASURES,
    PAGE_STATUS,
    PAGE_TARGETS,
    PAGES,
)

if TYPE_CHECKING:
    from vetdesk.db.database import Database, DatabaseInfo
    from vetdesk.db.location import DatabaseTarget
    from vetdesk.db.write_policy import WriteDecision
    from vetdesk.ui.auditlog import AuditPage
    from vetdesk.ui.background import Progress
    from vetdesk.ui.backups import BackupsPage
    from vetdesk.ui.checks import ChecksPanel
    from vetdesk.ui.city import InboxPage, StatusBoardPage
    from vetdesk.ui.compliance import CompliancePage
    from vetdesk.ui.dashboard import DashboardPage
    from vetdesk.ui.keys import KeysPage
    from vetdesk.ui.loading import Snapshot
    from vetdesk.ui.recordpage import RecordPage
    from vetdesk.ui.targets import MeasureDataPage, TargetsPage
    from vetdesk.ui.window.dialogs import Dialogs
    from vetdesk.ui.window.recovery import Recovery
    from vetdesk.ui.window.refresh import Refresher
    from vetdesk.validation.check import CheckReport

__all__ = [
    "CITY_PAGES",
    "PAGE_AUDIT",
    "PAGE_BACKUPS",
    "PAGE_CHECKS",
    "PAGE_COMPLIANCE",
    "PAGE_DASHBOARD",
    "PAGE_INBOX",
    "PAGE_KEYS",
    "PAGE_MEASURES",
    "PAGE_STATUS",
    "PAGE_TARGETS",
    "MainWindow",
]


class MainWindow(QMainWindow):
    """The desk: one page per domain, the checks and the 达标 view."""

    loaded = Signal()
    checked = Signal()
    open_database_requested = Signal(object)  # Path, or a PostgreSQL URL (str)
    new_database_requested = Signal()
    language_requested = Signal(str)
    opened = Signal(object)  # Database
    open_failed = Signal(object)  # exception

    # The registry's actions (vetdesk.ui.actions), set from build_menus.
    act_new_db: QAction
    act_open_db: QAction
    act_open_server_db: QAction
    act_new_period: QAction
    act_lock_period: QAction
    act_reopen_period: QAction
    act_settings: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    act_add: QAction
    act_paste: QAction
    act_find: QAction
    act_check: QAction
    act_report: QAction
    act_template: QAction
    act_import: QAction
    act_draft: QAction
    act_package: QAction
    act_task: QAction
    act_receipt: QAction
    act_verify: QAction
    act_keys: QAction
    act_inbox: QAction
    act_status: QAction
    act_city_workbook: QAction
    act_task_export: QAction
    act_guide: QAction
    act_about: QAction

    def __init__(
        self,
        source: Database | DatabaseTarget,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
        delete_on_close: bool = False,
    ) -> None:
        """Build the window on an open database, or on one opened after the first paint.

        Given a path (or the city's PostgreSQL URL), the window paints first and opens the
        database (importing SQLAlchemy and checking the schema) in the background, so
        VetDesk appears at once.
        """
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self._db: Database | None = None if isinstance(source, Path | ServerUrl) else source
        # Where the database lives: a file, or a server (vetdesk.db.location).
        self.location: DatabaseTarget = (
            source if isinstance(source, Path | ServerUrl) else source.location
        )
        self.settings = settings
        self.year: int | None = None
        self.snapshot: Snapshot | None = None
        self.report: CheckReport | None = None
        self.failed: BaseException | None = None
        self.read_only = read_only  # a damaged database, opened read-only
        self._delete_on_close = delete_on_close  # as Qt's WA_DeleteOnClose (see closeEvent)
        self.opener: Callable[[], Database] = self._open_location
        self.after_load: Callable[[], None] | None = None
        self.loading = True
        self._started = False
        self._check_generation = 0
        self.undo_stack: UndoStack = UndoStack(self._db, self)
        self.undo_stack.applied.connect(self._apply_change)
        self.undo_stack.changed.connect(self.update_actions)
        self.editor: RecordEditor = RecordEditor(self)
        # Pages follow what each operation changed (after Anki's operation_did_execute).
        self.notices = Notices(self)

        self.pages = PageStack(self.notices)
        self.nav, self.stack = self.pages.nav, self.pages.stack
        self.record_pages: dict[str, RecordPage] = {}
        for spec in PAGES:
            # Built after the first paint (see _start): the window shows without them.
            self.add_page(spec.page_id, spec.title(), partial(spec.build, self))
        self.pages.row_chosen.connect(self._nav_changed)
        self.pages.row_chosen.connect(lambda _row: self.update_actions())
        self.pages.fit_navigation()
        self.setCentralWidget(self.pages)

        built = build_menus(self, self.pages.titles(), self.show_page)
        self.actions_by_name, self.menus = built.actions, built.menus
        for name, action in self.actions_by_name.items():
            setattr(self, f"act_{name}", action)  # act_undo, act_package, … (tests, pages)
        self.exchange, self.view_actions = built.exchange, built.view_actions
        self.period_combo = built.period_combo
        self.period_combo.activated.connect(self._period_chosen)
        self.status_line = line = StatusLine(
            self.statusBar(), lambda severity: self.show_findings(severity=severity)
        )
        self.unit_label, self.read_only_label = line.unit_label, line.read_only_label
        self.period_label = line.period_label
        self.errors_button, self.warnings_button = line.errors_button, line.warnings_button
        self.setWindowTitle(self._title())
        self.resize(1280, 800)
        self._restore_layout()
        self.nav.setCurrentRow(
            min(max(0, int(settings.value("window/page"))), self.nav.count() - 1)
        )
        self.update_actions()
        if self._db is not None:
            self._database_ready(self._db)
        # A shown window starts loading at its first paint (see event()); one that is
        # never shown (self-test, tests) starts from the event loop.
        QTimer.singleShot(0, self._start_if_hidden)

    # The dialogs and recovery (and the loading they use) are made when first used, after the
    # first paint: their modules need not load before it. (The editor answers the actions'
    # rules, which the shell evaluates.)

    @cached_property
    def dialogs(self) -> Dialogs:
        """The window's dialogs (open, new period, exchange, …)."""
        from vetdesk.ui.window.dialogs import Dialogs  # Local: see above.

        return Dialogs(self)

    @cached_property
    def recovery(self) -> Recovery:
        """Backups restored and a damaged database recovered."""
        from vetdesk.ui.window.recovery import Recovery  # Local: see above.

        return Recovery(self)

    @cached_property
    def refresher(self) -> Refresher:
        """Follows another officer's (or the command line's) change: reloads the data shown."""
        from vetdesk.ui.window.refresh import Refresher  # Local: see above.

        return Refresher(self)

    def _open_location(self) -> Database:
        """Check and open the window's database, a file or a server (runs in a worker, see reload)."""
        # Local: see above (reload imported the module already, on the GUI thread).
        from vetdesk.ui.loading import open_database

        return open_database(self.location)

    @property
    def path(self) -> Path:
        """The database file (refused for a city database on a PostgreSQL server)."""
        return database_file(self.location)

    @property
    def on_server(self) -> bool:
        """Whether the database lives on a PostgreSQL server rather than in a file."""
        return isinstance(self.location, ServerUrl)

    @property
    def db(self) -> Database:
        """The open database (only after :attr:`opened`)."""
        if self._db is None:
            raise RuntimeError("the database is not open yet")
        return self._db

    @property
    def is_open(self) -> bool:
        """Whether the database is open (after :attr:`opened`, until a restore closes it)."""
        return self._db is not None

    def current_db(self) -> Database | None:
        """The open database or None (the pages' database source)."""
        return self._db

    def current_year(self) -> int | None:
        """The year shown (the pages' period source)."""
        return self.year

    def close_database(self) -> Database | None:
        """Close the database for a restore; return the closed one (None if none was open)."""
        old, self._db = self._db, None
        self.undo_stack.clear()
        if old is not None:
            old.close()
        return old

    @property
    def info(self) -> DatabaseInfo:
        """Whose database this is."""
        return self.db.info()

    def event(self, event: QEvent) -> bool:
        """Start the first load right after the first paint."""
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._started:
            QTimer.singleShot(0, self._start)
        return handled

    def _start_if_hidden(self) -> None:
        if not self.isVisible():
            self._start()

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self.pages.after_first_paint()
            for page_id in self.pages.page_ids:  # every page, before the data arrives
                self.page(page_id)
            self._nav_changed(self.nav.currentRow())
            self.update_actions()
            self.reload()

    def _database_ready(self, db: Database) -> None:
        self._db = db
        self.undo_stack.db = db
        info = db.info()
        from vetdesk.domain.enums import Role  # Local: opened after the first paint.

        role = Role.from_text(info.role)
        self.status_line.show_unit(
            f"{info.unit_name} · {role.label if role else info.role}", read_only=self.read_only
        )
        self.setWindowTitle(self._title())
        self._show_city_pages(info.is_city)
        self.update_actions()

    def _show_city_pages(self, is_city: bool) -> None:
        self.pages.hide_pages(CITY_PAGES, not is_city)
        for page_id in CITY_PAGES:
            self.view_actions[page_id].setVisible(is_city)

    def page_hidden(self, page_id: str) -> bool:
        """Whether a page is left out of the navigation (the city's pages at a county)."""
        return self.pages.is_hidden(page_id)

    # --- pages ----------------------------------------------------------------------------------

    def add_page(self, page_id: str, title: str, widget: QWidget | Callable[[], QWidget]) -> None:
        """Add a page to the navigation (later features register theirs here).

        ``widget`` may be a factory: the page is then built when first needed.
        """
        self.pages.add(page_id, title, widget)

    def register_record_page(self, page: RecordPage) -> None:
        """Know a record table (forms, buttons, jumps); its buttons follow the rules now."""
        self.record_pages[page.entity] = page
        editable = self.can_edit(page.entity)
        for button in page.edit_buttons():
            button.setEnabled(editable)

    def page(self, page_id: str) -> QWidget:
        """A page's widget, built now if it was registered as a factory."""
        return self.pages.page(page_id)

    @property
    def checks(self) -> ChecksPanel:
        """The checks page."""
        return self.page(PAGE_CHECKS)  # type: ignore[return-value]

    @property
    def compliance(self) -> CompliancePage:
        """The 达标 page."""
        return self.page(PAGE_COMPLIANCE)  # type: ignore[return-value]

    @property
    def targets_page(self) -> TargetsPage:
        """The ten-measure target page."""
        return self.page(PAGE_TARGETS)  # type: ignore[return-value]

    @property
    def measures_page(self) -> MeasureDataPage:
        """The page of the ten-measure records (majors, enterprises, pilots, …)."""
        return self.page(PAGE_MEASURES)  # type: ignore[return-value]

    @property
    def dashboard(self) -> DashboardPage:
        """The chart page."""
        return self.page(PAGE_DASHBOARD)  # type: ignore[return-value]

    @property
    def inbox(self) -> InboxPage:
        """The city's package inbox."""
        return self.page(PAGE_INBOX)  # type: ignore[return-value]

    @property
    def status_board(self) -> StatusBoardPage:
        """The city's submission status board."""
        return self.page(PAGE_STATUS)  # type: ignore[return-value]

    @property
    def keys_page(self) -> KeysPage:
        """The signing-key page."""
        return self.page(PAGE_KEYS)  # type: ignore[return-value]

    @property
    def backups_page(self) -> BackupsPage:
        """The backup page."""
        return self.page(PAGE_BACKUPS)  # type: ignore[return-value]

    @property
    def audit_page(self) -> AuditPage:
        """The audit-log page."""
        return self.page(PAGE_AUDIT)  # type: ignore[return-value]

    def _nav_changed(self, row: int) -> None:
        if not self._started:
            # The shell paints first: the page is built with the others after that paint.
            self.stack.setCurrentIndex(row)
            return
        if 0 <= row < len(self.pages.page_ids):
            # Local: pagebase (and the Qt classes it names) loads with the pages, after the
            # first paint.
            from vetdesk.ui.pagebase import DataPage

            page = self.page(self.pages.page_ids[row])
            self.stack.setCurrentIndex(row)
            if isinstance(page, DataPage):
                page.ensure_fresh()  # also when the window is not shown (tests, screenshots)

    def page_ids(self) -> list[str]:
        """The ids of the pages, in navigation order."""
        return list(self.pages.page_ids)

    def show_page(self, page_id: str) -> QWidget:
        """Switch to a page and return its widget."""
        index = self.pages.page_ids.index(page_id)
        self.nav.setCurrentRow(index)
        widget = self.stack.widget(index)
        assert widget is not None
        return widget

    def current_page_id(self) -> str:
        """The id of the page shown."""
        return self.pages.current_page_id()

    def location_label(self) -> str:
        """The database as the title names it: the file's name, or ``dbname@host`` on a server."""
        if isinstance(self.location, ServerUrl):
            return _("{db}（PostgreSQL）").format(db=self.location.label)
        return self.location.name

    def _title(self) -> str:
        if self._db is None:
            return f"VetDesk — {self.location_label()}"
        title = _("VetDesk 职教数据台 — {unit}（{file}）").format(
            unit=self.info.unit_name, file=self.location_label()
        )
        return title + _("【只读】") if self.read_only else title

    def update_actions(self) -> None:
        """Evaluate every action's rule (vetdesk.ui.actions) and the record pages' buttons."""
        apply_rules(self, self.actions_by_name, has_database=self._db is not None)
        self.exchange.tidy()
        stack = self.undo_stack
        self.act_undo.setText(
            pgettext("MainWindow", "撤销") + (f"：{stack.undo_text()}" if stack.can_undo() else "")
        )
        self.act_redo.setText(_("重做") + (f"：{stack.redo_text()}" if stack.can_redo() else ""))
        paste = paste_rule(self)
        for page in self.record_pages.values():
            edit = record_edit_rule(self, page.entity)
            for button in page.edit_buttons():
                decision = paste if button is page.paste_button else edit
                button.setEnabled(decision.enabled)
                button.setToolTip(decision.reason or button.toolTip())
        if self.needs_period_first() and SCHOOL in self.record_pages:
            # 新增 on 学校 is the first thing a fresh county does: it creates the period first.
            self.record_pages[SCHOOL].add_button.setEnabled(True)

    def editable(self) -> bool:
        """Whether the period shown takes edits now (loaded, writable, not busy).

        Whether the period and the database's role allow edits at all is the write
        policy's answer (vetdesk.ui.actions.record_edit_rule asks both).
        """
        tables = self.snapshot.tables if self.snapshot else None
        return (
            tables is not None
            and not self.undo_stack.busy
            and not self.loading
            and not self.read_only
        )

    def needs_period_first(self) -> bool:
        """A writable county database without any period: adding a school starts with one."""
        return (
            self.snapshot is not None
            and self.snapshot.tables is None
            and not self.loading
            and not self.read_only
            and not self.is_city_database()
        )

    def can_edit(self, entity: str | None = None) -> bool:
        """Whether records of a kind may be edited now (the actions' record_edit_rule)."""
        return record_edit_rule(self, entity).enabled

    def is_city_database(self) -> bool:
        """Whether the database open is the city's."""
        return self._db is not None and self.info.is_city

    def write_decision(self, action: str) -> WriteDecision | None:
        """The write policy's answer for an action (a WriteAction value), once data is loaded."""
        return self.snapshot.write_decisions.get(action) if self.snapshot else None

    def allows(self, action: str) -> bool:
        """Whether the write policy allows an action now (False until data is loaded)."""
        decision = self.write_decision(action)
        return decision is not None and decision.allowed

    # --- loading --------------------------------------------------------------------------------

    def reload(self, year: int | None = None, *, quiet: bool = False) -> None:
        """Load (or reload) a period's tables and check in the background.

        ``quiet``: no progress dialog (a reload nobody asked for, after another officer's
        change, must not put a modal dialog in front of the person).
        """
        wanted = year if year is not None else self.year
        # Local: the background work, and the loading (the opener uses it in the worker),
        # start after the first paint.
        from vetdesk.ui.background import DbOp
        from vetdesk.ui.loading import load_snapshot

        self.loading = True
        self.update_actions()
        self.statusBar().showMessage(_("正在读取数据…"))

        def op(db: Database, progress: Progress) -> tuple[Database, Snapshot]:
            return db, load_snapshot(db, wanted, progress)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.statusBar().clearMessage()
            self.after_load = None
            self.update_actions()
            if self._db is None:  # the database itself could not be opened
                # Local: the core's backup module loads with the database, not at start-up.
                from vetdesk.db.backup import DatabaseDamaged

                if isinstance(exc, DatabaseDamaged):
                    self.recovery.offer_recovery(exc)
                    return
                if self.recovery.damage is not None:
                    # Opening read-only or restoring failed: say why, offer the choice again.
                    self.recovery.recovery_failed(exc)
                    return
                self.failed = exc
                self.open_failed.emit(exc)
                return
            interaction.show_error(self, exc)

        source: Database | Callable[[], Database] = (
            self._db if self._db is not None else self.opener
        )
        label = None if quiet else _("正在读取数据…")
        DbOp(self, source, op, label=label).success(self._loaded).failure(failed).run()

    def _loaded(self, result: tuple[Database, Snapshot]) -> None:
        db, snapshot = result
        if self._db is None:
            if not self.read_only:
                self.recovery.damage = None  # opened normally: restored, or sound after all
            self._database_ready(db)
            self.opened.emit(db)
        self.loading = False
        self.statusBar().clearMessage()
        self.snapshot = snapshot
        tables = snapshot.tables
        previous_year = self.year
        self.year = tables.period.year if tables else None
        if previous_year != self.year:
            self.undo_stack.clear()
        self.period_combo.clear()
        for period in snapshot.periods:
            self.period_combo.addItem(
                pgettext("MainWindow", "{year} 年度").format(year=period.year), period.year
            )
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(self.year)))
        self.editor.show_first_steps(tables)
        # Every page takes what it shows from the notice (the record tables their rows).
        self.notices.announce(
            Notice(
                everything=True,
                read_only=self.read_only,
                shown=self.stack.currentWidget(),
                snapshot=snapshot,
            )
        )
        if tables is None:
            self.status_line.show_no_period()
        else:
            self.status_line.show_period(
                tables.period, snapshot.submitted_counties, snapshot.period_state_text
            )
        if snapshot.report is not None:
            self._show_report(snapshot.report)
        self.update_actions()
        self.refresher.loaded(snapshot.data_version)
        then, self.after_load = self.after_load, None
        if then is not None:
            then()
        self.loaded.emit()

    def school_names(self) -> dict[str, str]:
        """School code to name, from the loaded registry."""
        items = self.record_pages[SCHOOL].model.items()
        if items:
            return {r.row.school_code: r.row.name for r in items}
        tables = self.snapshot.tables if self.snapshot else None
        return {r.row.school_code: r.row.name for r in tables.schools} if tables else {}

    def _period_chosen(self, index: int) -> None:
        year = self.period_combo.itemData(index)
        if year is not None and year != self.year:
            self.reload(int(year))

    def _show_report(self, report: CheckReport) -> None:
        self.report = report
        self.notices.announce(Notice(report=report, school_names=self.school_names()))
        self.findings_changed()

    def refresh_check(self) -> None:
        """Re-run the period check in the background (after an edit)."""
        if self.year is None:
            return
        self._check_generation += 1
        generation, year = self._check_generation, self.year
        from vetdesk.ui.background import DbOp  # Local: see reload.

        def op(db: Database, _progress: Progress) -> CheckReport:
            # Local: the check's modules load in the first load's worker, not at start-up.
            from vetdesk.validation.check import run_check

            return run_check(db, year)

        def done(report: CheckReport) -> None:
            # Only the newest check counts when edits come faster than checks finish.
            if generation == self._check_generation and year == self.year:
                self._show_report(report)
                self.checked.emit()

        DbOp(self, self.db, op).success(done).run()

    def findings_changed(self) -> None:
        """Show the checks' counts in the status bar and announce the row marks."""
        findings = self.checks.findings()
        self.status_line.show_counts(findings)
        self.notices.announce(Notice(marks=record_marks(findings)))

    def status_counts(self) -> tuple[int, int]:
        """(errors, unexplained warnings) as shown in the status bar."""
        return finding_counts(self.checks.findings())

    def show_findings(self, *, severity: str) -> None:
        """Show the checks page filtered to a severity ("error", "unexplained", …)."""
        self.show_page(PAGE_CHECKS)
        self.checks.set_filters(severity=severity)

    # --- editing --------------------------------------------------------------------------------

    def _apply_change(self, change: Change) -> None:
        if change.entity == SCHOOL:
            # The registry feeds names and filters of every table: reload it all.
            self.reload()
            return
        # The kind's table applies the change; the pages computed from these records
        # (targets, charts) refresh themselves.
        self.notices.announce(
            Notice(
                kinds=frozenset({change.entity}), change=change, shown=self.stack.currentWidget()
            )
        )
        self.refresh_check()

    def request_new_database(self) -> None:
        """Ask the application for the first-run wizard (a new database)."""
        self.new_database_requested.emit()

    def show_keys(self) -> None:
        """Show the signing keys page."""
        self.show_page(PAGE_KEYS)

    def show_inbox(self) -> None:
        """Show the city's package inbox."""
        self.show_page(PAGE_INBOX)

    def show_status_board(self) -> None:
        """Show the city's submission status board."""
        self.show_page(PAGE_STATUS)

    def inbox_state(self) -> tuple[list[Path], Any]:
        """The packages listed in the inbox and its receipt set-up (empty if never opened)."""
        if not self.pages.is_built(PAGE_INBOX) or self.page_hidden(PAGE_INBOX):
            return [], None
        return [entry.path for entry in self.inbox.entries()], self.inbox.receipts

    def restore_inbox(self, paths: list[Path], receipts: Any) -> None:
        """List packages again (after the window was rebuilt, e.g. for another language)."""
        if not paths or self.page_hidden(PAGE_INBOX):
            return
        inbox = self.inbox
        inbox.receipts = receipts
        inbox.add_paths(paths)

    # --- layout ---------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_layout(self) -> None:
        """Remember the window, the page shown and every table's columns."""
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.set_value("window/state", self.saveState())
        self.settings.set_value("window/page", self.stack.currentIndex())
        for page in self.record_pages.values():
            page.save_layout()
        if self.pages.is_built(PAGE_CHECKS):
            self.checks.save_layout()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout on the way out (and go, as Qt's WA_DeleteOnClose, if asked to)."""
        self.save_layout()
        super().closeEvent(event)
        if self._delete_on_close and event.isAccepted():
            # Not the attribute itself: setting it needs Qt's enum namespace before the
            # first paint (see vetdesk.ui.app.ensure_application).
            self.deleteLater()
