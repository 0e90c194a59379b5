"""The main window: domain navigation, the period selector, edits with undo, the status bar.

Everything the window shows comes from one background load (tables and the period
check) and is refreshed in place after each edit; the GUI thread only ever holds plain
rows. Later features plug in through :meth:`MainWindow.add_page` and :attr:`menus`;
the 交换 menu is an :class:`~vetdesk.ui.exchange.ExchangeMenu` with named sections
(:attr:`MainWindow.exchange`), where the city's inbox, merge and status screens go.

Opening runs the start-up check (:func:`vetdesk.db.database.open_for_use`) in the
background; a damaged database offers to open read-only or to restore a backup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from vetdesk.domain.enums import Role, Severity
from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import (
    CONDITION,
    MEASURE_ENTITIES,
    SCHOOL,
    TEACHER,
    TRAINING,
)
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.commands import Change, DeleteRecord, SaveRecord, UndoStack
from vetdesk.ui.exchangemenu import (
    ExchangeMenu,
)
from vetdesk.ui.loading import (
    Snapshot,
    load_snapshot,
    open_database,
    open_read_only,
    restore_and_open,
)
from vetdesk.ui.notices import Notice, Notices
from vetdesk.ui.pagebase import DataPage
from vetdesk.ui.recordpage import RecordPage
from vetdesk.ui.settings import Settings

if TYPE_CHECKING:
    from vetdesk.db.backup import BackupInfo, DatabaseDamaged, RestoreResult
    from vetdesk.db.database import Database, DatabaseInfo
    from vetdesk.db.write_policy import WriteDecision
    from vetdesk.domain.rows import PeriodInfo
    from vetdesk.services import measure_records, records
    from vetdesk.services.records import Record
    from vetdesk.ui.auditlog import AuditPage
    from vetdesk.ui.backups import BackupsPage, DamagedDialog
    from vetdesk.ui.checks import ChecksPanel
    from vetdesk.ui.city import InboxPage, StatusBoardPage
    from vetdesk.ui.compliance import CompliancePage
    from vetdesk.ui.dashboard import DashboardPage
    from vetdesk.ui.exchange import ImportDialog, PackageExportDialog
    from vetdesk.ui.forms.recordform import RecordForm
    from vetdesk.ui.keys import KeysPage
    from vetdesk.ui.targets import MeasureDataPage, TargetsPage
    from vetdesk.validation.check import CheckReport
    from vetdesk.validation.findings import Finding

PAGE_CHECKS = "checks"
PAGE_COMPLIANCE = "compliance"
PAGE_KEYS = "keys"
PAGE_BACKUPS = "backups"
PAGE_AUDIT = "audit"
PAGE_TARGETS = "targets"
PAGE_MEASURES = "measure_data"
PAGE_DASHBOARD = "dashboard"
PAGE_INBOX = "inbox"
PAGE_STATUS = "status_board"
# Pages only a city database has: hidden in the navigation of a county.
CITY_PAGES = (PAGE_INBOX, PAGE_STATUS)


class MainWindow(QMainWindow):
    """The desk: one page per domain, the checks and the 达标 view."""

    loaded = Signal()
    checked = Signal()
    open_database_requested = Signal(object)  # Path
    new_database_requested = Signal()
    language_requested = Signal(str)
    opened = Signal(object)  # Database
    open_failed = Signal(object)  # exception

    # The registry's actions (vetdesk.ui.actions), set by _build_actions.
    act_new_db: QAction
    act_open_db: QAction
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
        source: Database | Path,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        """Build the window on an open database, or on a file opened after the first paint.

        Given a path, the window paints first and opens the database (importing SQLAlchemy
        and checking the schema) in the background, so VetDesk appears at once.
        """
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self._db: Database | None = None if isinstance(source, Path) else source
        self.path: Path = source if isinstance(source, Path) else source.path
        self.settings = settings
        self.year: int | None = None
        self.snapshot: Snapshot | None = None
        self.report: CheckReport | None = None
        self.active_form: RecordForm | None = None
        self.failed: BaseException | None = None
        self.read_only = read_only  # a damaged database, opened read-only
        self.damaged_dialog: DamagedDialog | None = None
        self._damage: DatabaseDamaged | None = None  # what the start-up check found
        self.dialog: QWidget | None = None  # the exchange dialog open now (for tests)
        self._opener: Callable[[], Database] = partial(open_database, self.path)
        self._after_open: Callable[[], None] | None = None
        self.loading = True
        self._started = False
        self._check_generation = 0
        self.undo_stack: UndoStack = UndoStack(self._db, self)
        self.undo_stack.applied.connect(self._apply_change)
        self.undo_stack.changed.connect(self._update_actions)
        self.menus: dict[str, QMenu] = {}
        # Pages follow what each operation changed (after Anki's operation_did_execute).
        self.notices = Notices(self)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 7px 12px; }")
        # Never a horizontal scrollbar: the list is as wide as its longest name (English
        # names are longer than Chinese ones), see _fit_navigation.
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self._page_ids: list[str] = []
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self.record_pages: dict[str, RecordPage] = {}
        for entity, title in (
            (SCHOOL, _("学校")),
            (CONDITION, _("办学条件")),
            (TEACHER, _("教师")),
            (TRAINING, _("培训项目")),
        ):
            # Every page but the one shown is built after the first paint: their
            # modules and widgets are not needed to show the window.
            self.add_page(entity, title, partial(self._build_record_page, entity))
        self.add_page(PAGE_CHECKS, _("核验"), self._build_checks)
        self.add_page(PAGE_COMPLIANCE, _("达标情况"), self._build_compliance)
        self.add_page(PAGE_KEYS, _("签名密钥"), self._build_keys)
        self.add_page(PAGE_BACKUPS, _("备份与恢复"), self._build_backups)
        self.add_page(PAGE_AUDIT, _("审计日志"), self._build_audit)
        self.add_page(PAGE_TARGETS, _("目标任务"), self._build_targets)
        self.add_page(PAGE_MEASURES, _("专业与合作"), self._build_measures)
        self.add_page(PAGE_DASHBOARD, _("图表"), self._build_dashboard)
        self.add_page(PAGE_INBOX, _("上报包收件箱"), self._build_inbox)
        self.add_page(PAGE_STATUS, _("上报情况"), self._build_status)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.currentRowChanged.connect(lambda _row: self._update_actions())

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self._fit_navigation(), 1000])
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._build_status_bar()
        self.setWindowTitle(self._title())
        self.resize(1280, 800)
        self._restore_layout()
        self.nav.setCurrentRow(
            min(max(0, int(settings.value("window/page"))), self.nav.count() - 1)
        )
        self._update_actions()
        if self._db is not None:
            self._database_ready(self._db)
        # A shown window starts loading at its first paint (see event()); one that is
        # never shown (self-test, tests) starts from the event loop.
        QTimer.singleShot(0, self._start_if_hidden)

    @property
    def db(self) -> Database:
        """The open database (only after :attr:`opened`)."""
        if self._db is None:
            raise RuntimeError("the database is not open yet")
        return self._db

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
            for page_id in self._page_ids:  # every page, before the data arrives
                self.page(page_id)
            self.reload()

    def _database_ready(self, db: Database) -> None:
        self._db = db
        self.undo_stack.db = db
        info = db.info()
        role = Role.from_text(info.role)
        self.status_line.show_unit(
            f"{info.unit_name} · {role.label if role else info.role}", read_only=self.read_only
        )
        self.setWindowTitle(self._title())
        self._show_city_pages(info.is_city)
        self._update_actions()

    def _show_city_pages(self, is_city: bool) -> None:
        for page_id in CITY_PAGES:
            item = self.nav.item(self._page_ids.index(page_id))
            if item is not None:
                item.setHidden(not is_city)
            action = self.view_actions.get(page_id)
            if action is not None:
                action.setVisible(is_city)

    def page_hidden(self, page_id: str) -> bool:
        """Whether a page is left out of the navigation (the city's pages at a county)."""
        item = self.nav.item(self._page_ids.index(page_id))
        return item is not None and item.isHidden()

    # --- pages ----------------------------------------------------------------------------------

    def _fit_navigation(self) -> int:
        """Make the navigation wide enough for its longest name; return that width."""
        metrics = self.nav.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(self.nav.item(row).text())
                for row in range(self.nav.count())
            ),
            default=0,
        )
        # Item padding (12 px each side), the frame, and room for a vertical scrollbar.
        scrollbar = self.nav.style().pixelMetric(self.nav.style().PixelMetric.PM_ScrollBarExtent)
        width = widest + 2 * 12 + 2 * self.nav.frameWidth() + scrollbar + 8
        self.nav.setMinimumWidth(width)
        self.nav.setMaximumWidth(max(width, 200))
        return width

    def add_page(self, page_id: str, title: str, widget: QWidget | Callable[[], QWidget]) -> None:
        """Add a page to the navigation (later features register theirs here).

        ``widget`` may be a factory: the page is then built when first needed.
        """
        self._page_ids.append(page_id)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, page_id)
        self.nav.addItem(item)
        if isinstance(widget, QWidget):
            if isinstance(widget, DataPage):
                widget.subscribe(self.notices)
            self.stack.addWidget(widget)
        else:
            self._factories[page_id] = widget
            self.stack.addWidget(QWidget())

    def page(self, page_id: str) -> QWidget:
        """A page's widget, built now if it was registered as a factory."""
        index = self._page_ids.index(page_id)
        factory = self._factories.pop(page_id, None)
        if factory is not None:
            current = self.stack.currentIndex()
            placeholder = self.stack.widget(index)
            built = factory()
            if isinstance(built, DataPage):
                built.subscribe(self.notices)
            self.stack.insertWidget(index, built)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
        shown = self.stack.widget(index)
        assert shown is not None
        return shown

    @property
    def checks(self) -> ChecksPanel:
        """The checks page."""
        return self.page(PAGE_CHECKS)  # type: ignore[return-value]

    @property
    def compliance(self) -> CompliancePage:
        """The 达标 page."""
        return self.page(PAGE_COMPLIANCE)  # type: ignore[return-value]

    def _build_record_page(self, entity: str) -> QWidget:
        page = RecordPage(entity, self.settings)
        page.add_requested.connect(lambda: self.add_record(entity))
        page.edit_requested.connect(lambda rec: self.edit_record(entity, rec))
        page.delete_requested.connect(lambda rec: self.delete_record(entity, rec))
        page.paste_requested.connect(lambda: self.paste_rows(entity))
        self.record_pages[entity] = page
        editable = self._editable()
        for button in page.edit_buttons():
            button.setEnabled(editable)
        return page

    def _build_checks(self) -> QWidget:
        from vetdesk.ui.checks import ChecksPanel

        panel = ChecksPanel(self.settings)
        panel.jump_requested.connect(self.jump_to)
        panel.findings_changed.connect(self._findings_changed)
        return panel

    def _build_compliance(self) -> QWidget:
        from vetdesk.ui.compliance import CompliancePage

        return CompliancePage(self.settings)

    def _current_db(self) -> Database | None:
        return self._db

    def _build_keys(self) -> QWidget:
        from vetdesk.ui.keys import KeysPage

        return KeysPage(self._current_db)

    def _build_backups(self) -> QWidget:
        from vetdesk.ui.backups import BackupsPage

        page = BackupsPage(self._current_db)
        page.restore_requested.connect(lambda backup: self.restore_backup(backup.path))
        return page

    def _build_audit(self) -> QWidget:
        from vetdesk.ui.auditlog import AuditPage

        return AuditPage(self._current_db)

    def _year_now(self) -> int | None:
        return self.year

    def _build_targets(self) -> QWidget:
        from vetdesk.ui.targets import TargetsPage

        return TargetsPage(self._current_db, self._year_now)

    def _build_measures(self) -> QWidget:
        from vetdesk.ui.targets import MeasureDataPage

        page = MeasureDataPage(self._current_db, self._year_now, self.settings)
        page.add_requested.connect(self.add_record)
        page.edit_requested.connect(self.edit_record)
        page.delete_requested.connect(self.delete_record)
        page.paste_requested.connect(self.paste_rows)
        editable = self._editable()
        for entity, record_page in page.pages.items():
            # Registered like the other record pages: buttons, finding marks, changes.
            self.record_pages[entity] = record_page
            for button in record_page.edit_buttons():
                button.setEnabled(editable)
        return page

    def _build_dashboard(self) -> QWidget:
        from vetdesk.ui.dashboard import DashboardPage

        return DashboardPage(self._current_db, self._year_now)

    def _build_inbox(self) -> QWidget:
        from vetdesk.ui.city import InboxPage

        page = InboxPage(self._current_db)
        page.merged.connect(self._package_merged)
        return page

    def _build_status(self) -> QWidget:
        from vetdesk.ui.city import StatusBoardPage

        return StatusBoardPage(self._current_db, self._year_now)

    def _package_merged(self, entry: Any) -> None:
        period = entry.verification.period
        self.statusBar().showMessage(
            _("已合并 {file}，正在重新核验…").format(file=entry.path.name), 10_000
        )
        self.undo_stack.clear()  # the merged county's rows were replaced
        self.reload(period if isinstance(period, int) else None)

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
        if 0 <= row < len(self._page_ids):
            page = self.page(self._page_ids[row])
            self.stack.setCurrentIndex(row)
            if isinstance(page, DataPage):
                page.ensure_fresh()  # also when the window is not shown (tests, screenshots)

    def page_ids(self) -> list[str]:
        """The ids of the pages, in navigation order."""
        return list(self._page_ids)

    def show_page(self, page_id: str) -> QWidget:
        """Switch to a page and return its widget."""
        index = self._page_ids.index(page_id)
        self.nav.setCurrentRow(index)
        widget = self.stack.widget(index)
        assert widget is not None
        return widget

    def current_page_id(self) -> str:
        """The id of the page shown."""
        return self._page_ids[self.stack.currentIndex()]

    # --- actions and menus ----------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        """Menus and toolbar from the action registry (vetdesk.ui.actions)."""
        from vetdesk.ui import actions as registry

        self.actions_by_name = registry.create_actions(self)
        for name, action in self.actions_by_name.items():
            setattr(self, f"act_{name}", action)  # act_undo, act_package, … (tests, pages)
        bar = self.menuBar()
        titles = {
            "file": _("文件(&F)"),
            "edit": _("编辑(&E)"),
            "data": _("数据(&D)"),
            "exchange": _("交换(&X)"),
            "view": _("查看(&V)"),
            "help": _("帮助(&H)"),
        }
        for menu_id, title in titles.items():
            menu = bar.addMenu(title)
            self.menus[menu_id] = menu
            for placed in registry.MENU_LAYOUT.get(menu_id, ()):
                if placed is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[placed])
        self.menus["file"].setToolTipsVisible(True)  # a disabled lock or reopen says why
        self.exchange = ExchangeMenu(self.menus["exchange"])
        for spec in registry.ACTIONS:
            if spec.menu == "exchange":
                self.exchange.add(spec.section, self.actions_by_name[spec.name])
        self.view_actions: dict[str, QAction] = {}
        for number, page_id in enumerate(self._page_ids, start=1):
            item = self.nav.item(number - 1)
            title = item.text() if item is not None else page_id
            shortcut = f"Ctrl+{number}" if number <= 9 else None
            action = self._action(title, lambda p=page_id: self.show_page(p), shortcut)
            self.menus["view"].addAction(action)
            self.view_actions[page_id] = action

        toolbar = QToolBar(_("工具栏"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period")
        self.period_combo.setMinimumContentsLength(12)
        self.period_combo.activated.connect(self._period_chosen)
        period_label = QLabel(_("统计期(&Y)："))
        period_label.setBuddy(self.period_combo)
        toolbar.addWidget(period_label)
        toolbar.addWidget(self.period_combo)
        for placed in registry.TOOLBAR:
            if placed is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_name[placed])
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        from vetdesk.ui.statusline import StatusLine

        self.status_line = StatusLine(
            self.statusBar(), lambda severity: self._show_findings(severity=severity)
        )
        line = self.status_line
        self.unit_label, self.read_only_label = line.unit_label, line.read_only_label
        self.period_label = line.period_label
        self.errors_button, self.warnings_button = line.errors_button, line.warnings_button

    def _title(self) -> str:
        if self._db is None:
            return f"VetDesk — {self.path.name}"
        title = _("VetDesk 职教数据台 — {unit}（{file}）").format(
            unit=self.info.unit_name, file=self.path.name
        )
        return title + _("【只读】") if self.read_only else title

    def _update_actions(self) -> None:
        """Evaluate every action's rule (vetdesk.ui.actions) and the record pages' buttons."""
        from vetdesk.ui.actions import apply_rules, record_edit_rule

        apply_rules(self, self.actions_by_name, has_database=self._db is not None)
        self.exchange.tidy()
        stack = self.undo_stack
        self.act_undo.setText(
            pgettext("MainWindow", "撤销") + (f"：{stack.undo_text()}" if stack.can_undo() else "")
        )
        self.act_redo.setText(_("重做") + (f"：{stack.redo_text()}" if stack.can_redo() else ""))
        decision = record_edit_rule(self)
        for page in self.record_pages.values():
            for button in page.edit_buttons():
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

    def _editable(self) -> bool:
        from vetdesk.ui.actions import record_edit_rule

        return record_edit_rule(self).enabled

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

    def reload(self, year: int | None = None) -> None:
        """Load (or reload) a period's tables and check in the background."""
        wanted = year if year is not None else self.year
        self.loading = True
        self._update_actions()
        self.statusBar().showMessage(_("正在读取数据…"))

        def op(db: Database, progress: Progress) -> tuple[Database, Snapshot]:
            return db, load_snapshot(db, wanted, progress)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.statusBar().clearMessage()
            self._after_open = None
            self._update_actions()
            if self._db is None:  # the database itself could not be opened
                from vetdesk.db.backup import DatabaseDamaged

                if isinstance(exc, DatabaseDamaged):
                    self._offer_recovery(exc)
                    return
                if self._damage is not None:
                    # Opening read-only or restoring failed: say why, offer the choice again.
                    self._recovery_failed(exc)
                    return
                self.failed = exc
                self.open_failed.emit(exc)
                return
            interaction.show_error(self, exc)

        source: Database | Callable[[], Database] = (
            self._db if self._db is not None else self._opener
        )
        DbOp(self, source, op, label=_("正在读取数据…")).success(self._loaded).failure(failed).run()

    def _loaded(self, result: tuple[Database, Snapshot]) -> None:
        db, snapshot = result
        if self._db is None:
            if not self.read_only:
                self._damage = None  # opened normally: restored, or sound after all
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
        self._show_first_steps(tables)
        if tables is None:
            self.status_line.show_no_period()
        else:
            names = self.school_names()
            schools = [(r.row.school_code, r.row.name) for r in tables.schools]
            search = snapshot.search_texts
            for entity, items in (
                (SCHOOL, tables.schools),
                (CONDITION, tables.conditions),
                (TEACHER, tables.teachers),
                (TRAINING, tables.trainings),
            ):
                self.record_pages[entity].set_records(items, names, schools, search.get(entity))
            self.status_line.show_period(
                tables.period, snapshot.submitted_counties, snapshot.period_state_text
            )
        if snapshot.report is not None:
            self._show_report(snapshot.report)
        self._update_actions()
        # Explanations are period data: the policy decides (a city, a reported period).
        self.checks.set_read_only(self.read_only or not self.allows("explain_warning"))
        if PAGE_INBOX not in self._factories:
            self.inbox.set_read_only(self.read_only)
        self.notices.announce(
            Notice(everything=True, read_only=self.read_only, shown=self.stack.currentWidget())
        )
        then, self._after_open = self._after_open, None
        if then is not None:
            then()
        self.loaded.emit()

    def _show_first_steps(self, tables: records.Tables | None) -> None:
        """Empty pages of a fresh database say what comes first and offer it as a button."""
        writable = not self.read_only and not self.is_city_database()
        for page in self.record_pages.values():
            if tables is None:
                page.set_empty_state(
                    _("还没有统计期。先新建本年度的统计期，再登记学校、填报数据。"),
                    _("新建统计期…") if writable else "",
                    self.new_period,
                )
            elif not tables.schools and not self.is_city_database():
                page.set_empty_state(
                    _(
                        "学校名录为空。请新增本县区的学校，或导入市局的任务包（交换 → 导入任务包）。"
                    ),
                    _("新增学校…") if writable else "",
                    lambda: self.add_record(SCHOOL),
                )
            else:
                page.clear_empty_state()

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
        assert self.year is not None
        from vetdesk.ui.compliance import indicator_name

        indicators = {i.id: indicator_name(i) for i in report.ruleset.indicators.values()}
        self.checks.set_findings(
            self.db, self.year, report.findings, self.school_names(), indicators
        )
        self.compliance.set_report(report)
        self._findings_changed()

    def refresh_check(self) -> None:
        """Re-run the period check in the background (after an edit)."""
        if self.year is None:
            return
        self._check_generation += 1
        generation, year = self._check_generation, self.year

        def op(db: Database, _progress: Progress) -> CheckReport:
            from vetdesk.validation.check import run_check

            return run_check(db, year)

        def done(report: CheckReport) -> None:
            # Only the newest check counts when edits come faster than checks finish.
            if generation == self._check_generation and year == self.year:
                self._show_report(report)
                self.checked.emit()

        DbOp(self, self.db, op).success(done).run()

    def _findings_changed(self) -> None:
        from vetdesk.ui.statusline import record_marks

        findings = self.checks.findings()
        self.status_line.show_counts(findings)
        marks = record_marks(findings)
        for page in self.record_pages.values():
            page.model.set_marks(marks)

    def status_counts(self) -> tuple[int, int]:
        """(errors, unexplained warnings) as shown in the status bar."""
        from vetdesk.ui.statusline import finding_counts

        return finding_counts(self.checks.findings())

    def _show_findings(self, *, severity: str) -> None:
        self.show_page(PAGE_CHECKS)
        self.checks.set_filters(severity=severity)

    # --- editing --------------------------------------------------------------------------------

    def _context(self) -> records.DraftContext:
        assert self.snapshot is not None and self.snapshot.tables is not None
        current = self.snapshot.tables
        from vetdesk.services import records

        tables = records.Tables(
            current.period,
            tuple(self.record_pages[SCHOOL].model.items()),
            tuple(self.record_pages[CONDITION].model.items()),
            tuple(self.record_pages[TEACHER].model.items()),
            tuple(self.record_pages[TRAINING].model.items()),
        )
        return records.DraftContext.build(self.snapshot.ruleset, self.snapshot.unit_codes, tables)

    def _measure_context(self) -> measure_records.MeasureContext:
        assert self.snapshot is not None and self.snapshot.tables is not None
        from vetdesk.services import measure_records

        shown = {e: self.record_pages[e].model.items() for e in MEASURE_ENTITIES}
        return measure_records.MeasureContext.build(self.snapshot.tables.period, shown)

    def _active_schools(self) -> list[tuple[str, str]]:
        return [
            (r.row.school_code, r.row.name)
            for r in self.record_pages[SCHOOL].model.items()
            if r.row.active
        ]

    def add_record(self, entity: str) -> RecordForm | None:
        """Open the form for a new record of an entity."""
        from vetdesk.ui.entityregistry import entry

        if entity == SCHOOL and self.needs_period_first():
            self._create_period(self._add_school_after_period)
            return None
        if not self._editable() or not entry(entity).addable:
            return None
        page = self.record_pages[entity]
        school = page.school_filter.currentData()
        return self._open_form(entity, None, school)

    def edit_record(self, entity: str, record: Record[Any]) -> RecordForm | None:
        """Open the form editing a record."""
        if not self._editable():
            return None
        return self._open_form(entity, record, getattr(record.row, "school_code", None))

    def _open_form(self, entity: str, record: Record[Any] | None, school: str | None) -> RecordForm:
        from vetdesk.ui.entityregistry import entry
        from vetdesk.ui.forms.recordform import RecordForm

        kind = entry(entity)
        setup = kind.form(self, record.row if record is not None else None)
        title = kind.title(editing=record is not None)
        form = RecordForm(
            self,
            title=f"{title} — {setup.subtitle}" if setup.subtitle else title,
            specs=kind.fields,
            values=setup.values,
            drafter=setup.drafter,
            schools=setup.schools,
            school_code=school,
            extras=setup.extras,
        )
        return self._run_form(entity, record, form)

    # The form host (vetdesk.ui.entityregistry.FormHost): what a kind's form needs.

    def draft_context(self) -> records.DraftContext:
        """Checking context of the four core kinds, from the tables shown."""
        return self._context()

    def measure_context(self) -> measure_records.MeasureContext:
        """Checking context of the ten-measure kinds, from the tables shown."""
        return self._measure_context()

    def active_schools(self) -> list[tuple[str, str]]:
        """The schools a new record may belong to: (code, name)."""
        return self._active_schools()

    def school_row(self, code: str) -> Any:
        """The registry row of a school shown."""
        return next(
            r.row for r in self.record_pages[SCHOOL].model.items() if r.row.school_code == code
        )

    def new_school_county(self) -> str | None:
        """A county's new school is in the county; the city chooses."""
        return self.info.unit_code if not self.info.is_city else None

    def _run_form(self, entity: str, record: Record[Any] | None, form: RecordForm) -> RecordForm:
        """Open a record form; its accepted draft becomes an undoable save."""
        self.active_form = form

        def accepted() -> None:
            draft = form.draft
            if draft is not None and draft.row is not None and self.year is not None:
                self.undo_stack.push(SaveRecord(entity, self.year, record, draft.row))

        form.accepted.connect(accepted)
        form.finished.connect(lambda _result: setattr(self, "active_form", None))
        form.open()
        return form

    def delete_record(self, entity: str, record: Record[Any]) -> None:
        """Delete (or, for conditions, clear) a record after confirmation."""
        if not self._editable() or self.year is None:
            return
        if entity == CONDITION and record.id == 0:
            return
        from vetdesk.ui.entityregistry import entry

        label = (
            getattr(record.row, "name", "")
            or getattr(record.row, "certificate", "")
            or self.school_names().get(record.row.school_code, "")
        )
        question = entry(entity).delete_question().format(name=label)
        if interaction.confirm(self, _("确认"), question):
            self.undo_stack.push(DeleteRecord(entity, self.year, record))

    def _apply_change(self, change: Change) -> None:
        if change.entity == SCHOOL:
            # The registry feeds names and filters of every table: reload it all.
            self.reload()
            return
        model = self.record_pages[change.entity].model
        if change.old is not None and change.new is not None:
            model.replace_item(change.old, change.new)
        elif change.new is not None:
            model.add_item(change.new)
        elif change.old is not None:
            model.remove_item(change.old)
        if change.new is not None:
            self.record_pages[change.entity].select_key(change.new.key)
        # The pages computed from these records (targets, charts) refresh themselves.
        self.notices.announce(
            Notice(kinds=frozenset({change.entity}), shown=self.stack.currentWidget())
        )
        self.refresh_check()

    def add_current(self) -> None:
        """Open the form for a new record of the kind shown."""
        entity = self.current_addable_entity()
        if entity is not None:
            self.add_record(entity)

    def current_record_entity(self) -> str | None:
        """The record kind whose table is shown (None: no record table)."""
        page_id = self.current_page_id()
        if page_id == PAGE_MEASURES:
            return self.measures_page.current_entity()
        return page_id if page_id in self.record_pages else None

    def current_addable_entity(self) -> str | None:
        """The record kind shown, if records of it are added (not only filled in)."""
        from vetdesk.ui.entityregistry import entry

        entity = self.current_record_entity()
        return entity if entity is not None and entry(entity).addable else None

    def paste_current(self) -> None:
        """Paste rows copied from Excel/WPS into the table shown."""
        entity = self.current_record_entity()
        if entity is not None:
            self.paste_rows(entity)

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

    def focus_search(self) -> None:
        """Put the cursor in the search box of the table shown."""
        page = self.record_pages.get(self.current_page_id())
        if page is not None:
            page.search.setFocus()
            page.search.selectAll()

    # --- navigation from findings ---------------------------------------------------------------

    def jump_to(self, finding: Finding) -> bool:
        """Show the record and field a finding is about."""
        entity = finding.entity if finding.entity in self.record_pages else SCHOOL
        page = self.record_pages[entity]
        if entity in MEASURE_ENTITIES:
            self.show_page(PAGE_MEASURES)
            self.measures_page.show_kind(entity)
        else:
            self.show_page(entity)
        found = page.select_key(finding.record_key, finding.field)
        if not found and entity != SCHOOL:
            self.show_page(SCHOOL)
            found = self.record_pages[SCHOOL].select_key(f"school:{finding.school_code}")
        return found

    # --- dialogs --------------------------------------------------------------------------------

    def choose_database(self) -> None:
        """Ask for a database file to open."""
        path = interaction.open_file(
            self, _("打开数据库"), self.path.parent, _("VetDesk 数据库 (*.db)")
        )
        if path is not None:
            self.open_database_requested.emit(path)

    def new_period(self) -> None:
        """Ask for a year and open its statistics period."""
        self._create_period(None)

    def _add_school_after_period(self) -> None:
        self.add_record(SCHOOL)

    def _create_period(self, then: Callable[[], None] | None) -> None:
        """Ask for a year, create its period, reload; then run ``then`` (e.g. the school form)."""
        default = (self.year + 1) if self.year else dt.date.today().year - 1
        year, ok = QInputDialog.getInt(
            self,
            pgettext("MainWindow", "新建统计期"),
            pgettext("MainWindow", "统计年度："),
            default,
            2000,
            2100,
        )
        if not ok:
            return

        def op(db: Database, _progress: Progress) -> PeriodInfo:
            from vetdesk.services import records

            return records.open_period(db, year)

        def created(period: PeriodInfo) -> None:
            self._after_open = then
            self.reload(period.year)

        DbOp(self, self.db, op).success(created).run()

    def lock_period(self) -> None:
        """Lock the period shown (the city): no package is merged into it, nothing written."""
        year = self.year
        if year is None or not interaction.confirm(
            self,
            _("锁定本年度"),
            _(
                "锁定 {year} 年度后，不再合并该年度的上报包，任何数据都不能写入。确定锁定吗？"
            ).format(year=year),
        ):
            return

        def op(db: Database, _progress: Progress) -> object:
            from vetdesk.services.period_lock import lock_period

            return lock_period(db, year)

        DbOp(self, self.db, op).success(lambda _status: self.reload(year)).run()

    def reopen_period(self) -> None:
        """Reopen the period shown for changes (they must be reported again)."""
        year = self.year
        if year is None or not interaction.confirm(
            self,
            _("重新打开本年度"),
            _("重新打开 {year} 年度以修改数据吗？改完后需要重新上报。").format(year=year),
        ):
            return

        def op(db: Database, _progress: Progress) -> object:
            from vetdesk.services.period_lock import reopen_period

            return reopen_period(db, year)

        DbOp(self, self.db, op).success(lambda _status: self.reload(year)).run()

    def show_settings(self) -> None:
        """Open the settings dialog."""
        from vetdesk.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.language_changed.connect(self.language_requested)
        dialog.open()

    def show_guide(self) -> QDialog:
        """Open the user guide (F1)."""
        from vetdesk.ui.guide import GuideDialog

        dialog = GuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: it may stay open while working
        return dialog

    def show_about(self) -> None:
        """Open the About box."""
        from vetdesk.ui.about import AboutDialog

        AboutDialog(self.db, self).open()

    # --- exchange -------------------------------------------------------------------------------

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def export_template(self) -> QDialog | None:
        """Open the template export for the period shown."""
        if self._db is None or self.year is None:
            return None
        from vetdesk.ui.exchange import TemplateExportDialog

        schools = [(code, name) for code, name in self._active_schools()]
        return self._open_dialog(TemplateExportDialog(self.db, self.year, schools, self))

    def import_workbook(self, path: Path | None = None) -> ImportDialog | None:
        """Open the import preview (reading ``path`` at once when given); counties only."""
        if self._db is None or self.info.is_city:
            return None
        from vetdesk.ui.exchange import ImportDialog

        dialog = ImportDialog(self.db, self.year, read_only=self.read_only, parent=self)
        dialog.imported.connect(self._imported)
        self._open_dialog(dialog)
        if path is not None:
            dialog.load(path)
        return dialog

    def paste_rows(self, entity: str, text: str | None = None) -> QDialog | None:
        """Preview rows copied from Excel/WPS (the clipboard unless ``text``) for a table."""
        if self._db is None or self.year is None or not self._editable():
            return None
        from vetdesk.services.entities import SHEET_KEYS
        from vetdesk.ui.paste import PasteDialog, clipboard_text, first_record_key

        dialog = PasteDialog(
            self.db, self.year, SHEET_KEYS[entity], read_only=self.read_only, parent=self
        )
        page = self.record_pages.get(entity)

        def pasted(plan: Any) -> None:
            # After the reload, show where the pasted rows went: the first one selected.
            key = first_record_key(dialog.preview.content) if dialog.preview else None
            if page is not None and key is not None and self._after_open is None:
                shown = page

                def select() -> None:
                    shown.select_key(key)

                self._after_open = select
            self._imported(plan)

        dialog.imported.connect(pasted)
        self._open_dialog(dialog)
        dialog.load_text(clipboard_text() if text is None else text)
        return dialog

    def _imported(self, plan: Any) -> None:
        self.statusBar().showMessage(
            _("已导入 {file}，正在重新核验…").format(file=plan.file_name), 10_000
        )
        self.undo_stack.clear()  # the edits before the import no longer apply to the data
        self.reload(plan.year)

    def export_draft(self) -> None:
        """Export the period as an unsigned draft workbook."""
        if self._db is not None and self.year is not None:
            from vetdesk.ui.exchange import export_draft

            export_draft(self, self.db, self.year)

    def export_package(self) -> PackageExportDialog | None:
        """Open the signed package export for the period shown (counties)."""
        if self._db is None or self.year is None or self.info.is_city:
            return None
        from vetdesk.ui.exchange import PackageExportDialog

        dialog = PackageExportDialog(self.db, self.year, self)
        dialog.show_checks_requested.connect(self._show_open_findings)
        dialog.show_keys_requested.connect(lambda: self.show_page(PAGE_KEYS))
        dialog.exported.connect(lambda _result: self.reload())
        self._open_dialog(dialog)
        return dialog

    def _show_open_findings(self) -> None:
        errors, _unexplained = self.status_counts()
        self._show_findings(severity=str(Severity.ERROR) if errors else "unexplained")

    def verify_package(self) -> QDialog | None:
        """Open the package verification."""
        if self._db is None:
            return None
        from vetdesk.ui.exchange import VerifyPackageDialog

        return self._open_dialog(VerifyPackageDialog(self.db, self))

    def import_task(self) -> QDialog | None:
        """Open the city task package import (counties)."""
        if self._db is None or self.info.is_city:
            return None
        from vetdesk.ui.exchange import TaskImportDialog

        dialog = TaskImportDialog(self.db, read_only=self.read_only, parent=self)
        dialog.imported.connect(lambda: self.reload())
        return self._open_dialog(dialog)

    def import_receipt(self, path: Path | None = None) -> None:
        """Import the city's signed receipt (counties); the period may become submitted."""
        if self._db is None or self.info.is_city or self.read_only:
            return
        from vetdesk.ui.exchange import import_receipt

        import_receipt(self, self.db, path, lambda _result: self.reload())

    def inbox_state(self) -> tuple[list[Path], Any]:
        """The packages listed in the inbox and its receipt set-up (empty if never opened)."""
        if PAGE_INBOX in self._factories or self.page_hidden(PAGE_INBOX):
            return [], None
        return [entry.path for entry in self.inbox.entries()], self.inbox.receipts

    def restore_inbox(self, paths: list[Path], receipts: Any) -> None:
        """List packages again (after the window was rebuilt, e.g. for another language)."""
        if not paths or self.page_hidden(PAGE_INBOX):
            return
        inbox = self.inbox
        inbox.receipts = receipts
        inbox.add_paths(paths)

    def export_task(self) -> QDialog | None:
        """Open the signed task package export for the period shown (city)."""
        if self._db is None or self.year is None or not self.info.is_city:
            return None
        from vetdesk.ui.taskexport import TaskExportDialog

        return self._open_dialog(TaskExportDialog(self.db, self.year, self))

    def write_city_workbook(self, target: Path | None = None) -> None:
        """Write the merged city workbook of the period shown (city)."""
        if self._db is None or self.year is None or not self.info.is_city:
            return
        from vetdesk.ui.city import write_workbook

        write_workbook(self, self.db, self.year, target)

    def write_report(self, target: Path | None = None) -> None:
        """Write the PDF report of the period shown."""
        if self._db is None or self.year is None:
            return
        from vetdesk.ui.dashboard import write_report

        write_report(self, self.db, self.year, target)

    # --- backups, restore and the damaged database ----------------------------------------------

    def restore_backup(self, backup: Path) -> None:
        """Replace the database by a backup; the current state is backed up first.

        The database must be closed for the restore: the window waits until no background
        work is left, closes it, restores and opens it again, all without blocking.
        """
        if self.loading or self._db is None:
            return
        self.loading = True
        self._update_actions()
        self.statusBar().showMessage(_("正在恢复备份…"))
        self._when_idle(lambda: self._restore_now(backup))

    def _when_idle(self, then: Callable[[], None]) -> None:
        from vetdesk.ui.background import running_count

        if running_count():
            QTimer.singleShot(50, lambda: self._when_idle(then))
        else:
            then()

    def _restore_now(self, backup: Path) -> None:
        outcome: list[RestoreResult] = []
        old = self._db
        self._db = None
        self.undo_stack.clear()
        if old is not None:
            old.close()
        self.read_only = False
        self._opener = partial(restore_and_open, self.path, backup, outcome)

        def after() -> None:
            if outcome:
                self._restored(outcome[0])

        self._after_open = after
        self.reload()
        # Whatever happens, the next open (a failed restore included) is a normal one.
        self._opener = partial(open_database, self.path)

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
        self.statusBar().showMessage(lines[0], 10_000)
        interaction.inform(self, _("恢复备份"), "\n".join(lines))

    def _recovery_failed(self, exc: BaseException) -> None:
        damage = self._damage
        assert damage is not None
        text = interaction.error_text(exc)
        if self.read_only:
            text = _("数据库损坏严重，无法以只读方式打开：{err}\n请从备份恢复。").format(err=text)
        self.read_only = False
        interaction.warn(self, _("数据库已损坏"), text)
        self._offer_recovery(damage)

    def _offer_recovery(self, damage: DatabaseDamaged) -> None:
        from vetdesk.ui.backups import DamagedDialog

        self._damage = damage
        dialog = DamagedDialog(damage, self)
        self.damaged_dialog = dialog

        def decided(result: int) -> None:
            self.damaged_dialog = None
            if dialog.choice == DamagedDialog.READ_ONLY:
                self.open_read_only()
            elif dialog.choice == DamagedDialog.RESTORE and (chosen := dialog.selected()):
                self.restore_damaged(chosen)
            else:
                self.failed = damage
                self.open_failed.emit(damage)
            dialog.deleteLater()

        dialog.finished.connect(decided)
        dialog.open()

    def open_read_only(self) -> None:
        """Open the (damaged) database read-only: look and export, change nothing."""
        self.read_only = True
        self._opener = partial(open_read_only, self.path)
        self.reload()
        self._opener = partial(open_database, self.path)

    def restore_damaged(self, backup: BackupInfo) -> None:
        """Restore a backup over the damaged database (kept as a raw copy), then open it."""
        self.read_only = False
        outcome: list[RestoreResult] = []
        self._opener = partial(restore_and_open, self.path, backup.path, outcome)
        self._after_open = lambda: self._restored(outcome[0]) if outcome else None
        self.reload()
        self._opener = partial(open_database, self.path)

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
        if PAGE_CHECKS not in self._factories:
            self.checks.save_layout()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout on the way out."""
        self.save_layout()
        super().closeEvent(event)
