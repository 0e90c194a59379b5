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

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    QToolButton,
    QWidget,
)

from vetdesk.domain.enums import PeriodState, Role, Severity
from vetdesk.services.entities import (
    BASE,
    CONDITION,
    DESTINATION,
    ENTERPRISE,
    MAJOR,
    MEASURE_ENTITIES,
    PILOT,
    SCHOOL,
    TEACHER,
    TRAINING,
)
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.commands import Change, DeleteRecord, SaveRecord, UndoStack
from vetdesk.ui.exchangemenu import (
    SECTION_CITY,
    SECTION_EXCEL,
    SECTION_KEYS,
    SECTION_PACKAGES,
    ExchangeMenu,
)
from vetdesk.ui.pagebase import DataPage
from vetdesk.ui.recordpage import RecordPage
from vetdesk.ui.settings import Settings
from vetdesk.ui.tablemodels import record_search_texts

if TYPE_CHECKING:
    from vetdesk.db.backup import BackupInfo, DatabaseDamaged, RestoreResult
    from vetdesk.db.database import Database, DatabaseInfo
    from vetdesk.domain.rows import PeriodInfo
    from vetdesk.services import measure_records, records
    from vetdesk.services.records import Record, Tables
    from vetdesk.standards.ruleset import RuleSet
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

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Snapshot:
    """What one background load returns."""

    periods: list[PeriodInfo]
    tables: Tables | None
    report: CheckReport | None
    ruleset: RuleSet
    unit_codes: frozenset[str]
    # Each record table's search texts, built in the worker (see RecordPage.set_records).
    search_texts: Mapping[str, list[str]] = field(default_factory=dict)
    # City: how many counties' packages for the period have been accepted.
    submitted_counties: int | None = None


def _open_database(path: Path) -> Database:
    """Check and open a database (runs in a worker); take the day's backup if due."""
    from vetdesk.db.backup import BackupFailed, backup_if_due
    from vetdesk.db.database import open_for_use

    db = open_for_use(path)  # raises DatabaseDamaged when the quick check finds damage
    try:
        backup_if_due(path)
    except (BackupFailed, OSError):  # a missed daily backup must not keep anyone from working
        log.warning("daily backup of %s failed", path, exc_info=True)
    return db


def _open_read_only(path: Path) -> Database:
    """Open a (damaged) database read-only: nothing can be written to it (runs in a worker)."""
    from vetdesk.db.database import Database
    from vetdesk.db.engine import make_engine

    db = Database(path, make_engine(path, read_only=True))
    try:
        db.info()
    except BaseException:
        db.close()
        raise
    return db


def _restore_and_open(path: Path, backup: Path, outcome: list[RestoreResult]) -> Database:
    """Restore a backup over a closed database, then open it (runs in a worker)."""
    from vetdesk.db.backup import restore_backup

    outcome.append(restore_backup(path, backup))
    return _open_database(path)


def load_snapshot(db: Database, year: int | None, progress: Progress) -> Snapshot:
    """Read the periods, a period's tables and its check (runs in a worker)."""
    from vetdesk.services import records
    from vetdesk.standards.installed import ruleset_in_force
    from vetdesk.validation.check import run_check

    periods = records.list_periods(db)
    ruleset = ruleset_in_force(db)
    codes = frozenset(db.unit_codes())
    if year is None or year not in {p.year for p in periods}:
        year = periods[0].year if periods else None
    if year is None:
        return Snapshot(periods, None, None, ruleset, codes)
    tables = records.load_tables(db, year, lambda d, t: progress.update(d, t + 1))
    progress.check()
    report = run_check(db, year)
    names = {r.row.school_code: r.row.name for r in tables.schools}
    search = {
        entity: record_search_texts(entity, items, names)
        for entity, items in (
            (SCHOOL, tables.schools),
            (CONDITION, tables.conditions),
            (TEACHER, tables.teachers),
            (TRAINING, tables.trainings),
        )
    }
    submitted = None
    if db.info().is_city:
        from vetdesk.packages.ledger import counties_submitted

        submitted = counties_submitted(db, year)
    progress.update(1, 1)
    return Snapshot(periods, tables, report, ruleset, codes, search, submitted)


class MainWindow(QMainWindow):
    """The desk: one page per domain, the checks and the 达标 view."""

    loaded = Signal()
    checked = Signal()
    open_database_requested = Signal(object)  # Path
    new_database_requested = Signal()
    language_requested = Signal(str)
    opened = Signal(object)  # Database
    open_failed = Signal(object)  # exception

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
        self._opener: Callable[[], Database] = partial(_open_database, self.path)
        self._after_open: Callable[[], None] | None = None
        self.loading = True
        self._started = False
        self._check_generation = 0
        self.undo_stack = UndoStack(self._db, self)
        self.undo_stack.applied.connect(self._apply_change)
        self.undo_stack.changed.connect(self._update_actions)
        self.menus: dict[str, QMenu] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(200)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 7px 12px; }")
        self.stack = QStackedWidget()
        self._page_ids: list[str] = []
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self.record_pages: dict[str, RecordPage] = {}
        for entity, title in (
            (SCHOOL, self.tr("学校")),
            (CONDITION, self.tr("办学条件")),
            (TEACHER, self.tr("教师")),
            (TRAINING, self.tr("培训项目")),
        ):
            # Every page but the one shown is built after the first paint: their
            # modules and widgets are not needed to show the window.
            self.add_page(entity, title, partial(self._build_record_page, entity))
        self.add_page(PAGE_CHECKS, self.tr("核验"), self._build_checks)
        self.add_page(PAGE_COMPLIANCE, self.tr("达标情况"), self._build_compliance)
        self.add_page(PAGE_KEYS, self.tr("签名密钥"), self._build_keys)
        self.add_page(PAGE_BACKUPS, self.tr("备份与恢复"), self._build_backups)
        self.add_page(PAGE_AUDIT, self.tr("审计日志"), self._build_audit)
        self.add_page(PAGE_TARGETS, self.tr("目标任务"), self._build_targets)
        self.add_page(PAGE_MEASURES, self.tr("专业与合作"), self._build_measures)
        self.add_page(PAGE_DASHBOARD, self.tr("图表"), self._build_dashboard)
        self.add_page(PAGE_INBOX, self.tr("上报包收件箱"), self._build_inbox)
        self.add_page(PAGE_STATUS, self.tr("上报情况"), self._build_status)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.currentRowChanged.connect(lambda _row: self._update_actions())

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([150, 1000])
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
        self.unit_label.setText(f"{info.unit_name} · {role.label if role else info.role}")
        self.read_only_label.setVisible(self.read_only)
        self.setWindowTitle(self._title())
        self._show_city_pages(info.is_city)
        self._update_exchange_actions()

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

    def add_page(self, page_id: str, title: str, widget: QWidget | Callable[[], QWidget]) -> None:
        """Add a page to the navigation (later features register theirs here).

        ``widget`` may be a factory: the page is then built when first needed.
        """
        self._page_ids.append(page_id)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, page_id)
        self.nav.addItem(item)
        if isinstance(widget, QWidget):
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
            self.tr("已合并 {file}，正在重新核验…").format(file=entry.path.name), 10_000
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

    def _data_pages(self) -> list[DataPage]:
        built = [self.stack.widget(i) for i in range(self.stack.count())]
        return [w for w in built if isinstance(w, DataPage)]

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
        self.act_new_db = self._action(self.tr("新建数据库(&N)…"), self.new_database_requested.emit)
        self.act_open_db = self._action(
            self.tr("打开数据库(&O)…"), self._choose_database, QKeySequence.StandardKey.Open
        )
        self.act_new_period = self._action(self.tr("新建统计期(&P)…"), self._new_period)
        self.act_settings = self._action(self.tr("设置(&S)…"), self._show_settings)
        self.act_quit = self._action(self.tr("退出(&X)"), self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = self._action(
            self.tr("撤销"), self.undo_stack.undo, QKeySequence.StandardKey.Undo
        )
        self.act_redo = self._action(
            self.tr("重做"), self.undo_stack.redo, QKeySequence.StandardKey.Redo
        )
        self.act_add = self._action(self.tr("新增记录(&A)…"), self._add_current, "Ctrl+N")
        self.act_find = self._action(
            self.tr("查找(&F)"), self._focus_search, QKeySequence.StandardKey.Find
        )
        # No shortcut here: Ctrl+V belongs to the table that has the focus (and the
        # search box keeps pasting text).
        self.act_paste = self._action(self.tr("从 Excel/WPS 粘贴行(&P)…"), self._paste_current)
        self.act_check = self._action(self.tr("重新核验(&C)"), self.reload, "F5")
        self.act_about = self._action(self.tr("关于 VetDesk(&A)"), self._show_about)
        self.act_guide = self._action(
            self.tr("使用说明(&H)"), self.show_guide, QKeySequence.StandardKey.HelpContents
        )

        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        for action in (self.act_new_db, self.act_open_db, self.act_new_period):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        for action in (self.act_undo, self.act_redo):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_add)
        edit_menu.addAction(self.act_paste)
        edit_menu.addAction(self.act_find)
        data_menu = bar.addMenu(self.tr("数据(&D)"))
        data_menu.addAction(self.act_check)
        self.act_report = self._action(self.tr("生成报告(&R)…"), self.write_report)
        data_menu.addAction(self.act_report)
        exchange_menu = bar.addMenu(self.tr("交换(&X)"))
        self.exchange = ExchangeMenu(exchange_menu)
        self._build_exchange_actions()
        view_menu = bar.addMenu(self.tr("查看(&V)"))
        self.view_actions: dict[str, QAction] = {}
        for number, page_id in enumerate(self._page_ids, start=1):
            item = self.nav.item(number - 1)
            title = item.text() if item is not None else page_id
            shortcut = f"Ctrl+{number}" if number <= 9 else None
            action = self._action(title, lambda p=page_id: self.show_page(p), shortcut)
            view_menu.addAction(action)
            self.view_actions[page_id] = action
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.act_guide)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        self.menus = {
            "file": file_menu,
            "edit": edit_menu,
            "data": data_menu,
            "exchange": exchange_menu,
            "view": view_menu,
            "help": help_menu,
        }

        toolbar = QToolBar(self.tr("工具栏"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period")
        self.period_combo.setMinimumContentsLength(12)
        self.period_combo.activated.connect(self._period_chosen)
        period_label = QLabel(self.tr("统计期(&Y)："))
        period_label.setBuddy(self.period_combo)
        toolbar.addWidget(period_label)
        toolbar.addWidget(self.period_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.act_undo)
        toolbar.addAction(self.act_redo)
        toolbar.addSeparator()
        toolbar.addAction(self.act_check)
        self.addToolBar(toolbar)

    def _build_exchange_actions(self) -> None:
        self.act_template = self._action(self.tr("导出学校填报模板(&T)…"), self.export_template)
        self.act_import = self._action(
            self.tr("导入学校填报表(&I)…"), self.import_workbook, "Ctrl+I"
        )
        self.act_draft = self._action(self.tr("导出全年数据（草稿，不签名）…"), self._export_draft)
        self.act_package = self._action(
            self.tr("导出正式上报包（签名）(&P)…"), self.export_package, "Ctrl+E"
        )
        self.act_verify = self._action(self.tr("核验上报包(&V)…"), self.verify_package)
        self.act_task = self._action(self.tr("导入市局任务包…"), self.import_task)
        self.act_receipt = self._action(self.tr("导入市局回执…"), self.import_receipt)
        self.act_keys = self._action(
            self.tr("签名密钥与公钥登记…"), lambda: self.show_page(PAGE_KEYS)
        )
        for action in (self.act_template, self.act_import, self.act_draft):
            self.exchange.add(SECTION_EXCEL, action)
        self.exchange.add(SECTION_PACKAGES, self.act_package)
        self.exchange.add(SECTION_PACKAGES, self.act_task)
        self.exchange.add(SECTION_PACKAGES, self.act_receipt)
        self.exchange.add(SECTION_PACKAGES, self.act_verify)
        self.exchange.add(SECTION_KEYS, self.act_keys)
        self.act_inbox = self._action(
            self.tr("上报包收件箱（核验、合并、回执）…"), lambda: self.show_page(PAGE_INBOX)
        )
        self.act_status = self._action(self.tr("上报情况"), lambda: self.show_page(PAGE_STATUS))
        self.act_city_workbook = self._action(self.tr("合并工作簿…"), self.write_city_workbook)
        self.act_task_export = self._action(self.tr("下发任务包（签名）…"), self.export_task)
        for action in (
            self.act_inbox,
            self.act_status,
            self.act_city_workbook,
            self.act_task_export,
        ):
            self.exchange.add(SECTION_CITY, action)

    def _update_exchange_actions(self) -> None:
        """Show the actions that fit the role; disable writing ones when read-only."""
        if self._db is None:
            for action in self.exchange.menu.actions():
                if not action.isSeparator():
                    action.setEnabled(False)
            return
        is_city = self.info.is_city
        has_period = self.year is not None
        writable = not self.read_only
        self.act_package.setVisible(not is_city)
        for action in (
            self.act_inbox,
            self.act_status,
            self.act_city_workbook,
            self.act_task_export,
        ):
            action.setVisible(is_city)
        self.act_task_export.setEnabled(has_period)
        self.act_inbox.setEnabled(True)
        self.act_status.setEnabled(has_period)
        self.act_city_workbook.setEnabled(has_period)
        self.act_report.setEnabled(has_period)
        self.act_task.setVisible(not is_city)
        self.act_receipt.setVisible(not is_city)
        # The city's data comes from verified packages only: a school's workbook imported
        # there would bypass its county and be replaced by the county's next package.
        self.act_template.setVisible(not is_city)
        self.act_import.setVisible(not is_city)
        self.act_receipt.setEnabled(writable)
        self.act_template.setEnabled(has_period)
        self.act_import.setEnabled(writable)
        self.act_draft.setEnabled(has_period)
        self.act_package.setEnabled(has_period and writable)
        self.act_task.setEnabled(writable)
        self.act_verify.setEnabled(True)
        self.act_keys.setEnabled(True)
        self.act_new_period.setEnabled(writable)
        self.exchange.tidy()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.unit_label = QLabel()
        self.read_only_label = QLabel(self.tr("只读：数据库已损坏"))
        self.read_only_label.setObjectName("read_only")
        self.read_only_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.read_only_label.setVisible(False)
        self.period_label = QLabel()
        self.period_label.setObjectName("period_state")
        self.errors_button = QToolButton()
        self.errors_button.setObjectName("errors")
        self.errors_button.setAutoRaise(True)
        self.errors_button.clicked.connect(
            lambda: self._show_findings(severity=str(Severity.ERROR))
        )
        self.warnings_button = QToolButton()
        self.warnings_button.setObjectName("unexplained")
        self.warnings_button.setAutoRaise(True)
        self.warnings_button.clicked.connect(lambda: self._show_findings(severity="unexplained"))
        status.addWidget(self.unit_label)
        status.addWidget(self.read_only_label)
        status.addWidget(self.period_label)
        status.addPermanentWidget(self.errors_button)
        status.addPermanentWidget(self.warnings_button)

    def _title(self) -> str:
        if self._db is None:
            return f"VetDesk — {self.path.name}"
        title = self.tr("VetDesk 职教数据台 — {unit}（{file}）").format(
            unit=self.info.unit_name, file=self.path.name
        )
        return title + self.tr("【只读】") if self.read_only else title

    def _update_actions(self) -> None:
        stack = self.undo_stack
        self.act_undo.setEnabled(stack.can_undo())
        self.act_redo.setEnabled(stack.can_redo())
        self.act_undo.setText(
            self.tr("撤销") + (f"：{stack.undo_text()}" if stack.can_undo() else "")
        )
        self.act_redo.setText(
            self.tr("重做") + (f"：{stack.redo_text()}" if stack.can_redo() else "")
        )
        editable = self._editable()
        hint = self._edit_hint()
        for page in self.record_pages.values():
            for button in page.edit_buttons():
                button.setEnabled(editable)
                button.setToolTip(hint or button.toolTip())
        self.act_add.setEnabled(
            editable and self.current_page_id() in (SCHOOL, TEACHER, TRAINING, PAGE_MEASURES)
        )
        self.act_paste.setEnabled(editable and self._current_record_entity() is not None)

    def _editable(self) -> bool:
        tables = self.snapshot.tables if self.snapshot else None
        return (
            tables is not None
            and tables.period.state == PeriodState.OPEN
            and not self.undo_stack.busy
            and not self.loading
            and not self.read_only
            and not self._is_city()
        )

    def _is_city(self) -> bool:
        # The city's records come from the counties' signed packages: an edit made here
        # would not be the county's data and would vanish with its next package.
        return self._db is not None and self.info.is_city

    def _edit_hint(self) -> str:
        if self._is_city():
            return self.tr("市级数据库的数据来自各县区的上报包：请由县区修改后重新上报。")
        return ""

    # --- loading --------------------------------------------------------------------------------

    def reload(self, year: int | None = None) -> None:
        """Load (or reload) a period's tables and check in the background."""
        wanted = year if year is not None else self.year
        self.loading = True
        self._update_actions()
        self.statusBar().showMessage(self.tr("正在读取数据…"))

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
        DbOp(self, source, op, label=self.tr("正在读取数据…")).success(self._loaded).failure(
            failed
        ).run()

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
            self.period_combo.addItem(self.tr("{year} 年度").format(year=period.year), period.year)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(self.year)))
        if tables is None:
            self.period_label.setText(self.tr("尚无统计期：请用“文件 → 新建统计期”创建"))
            self.errors_button.setText("")
            self.warnings_button.setText("")
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
            self._update_period_label(tables.period)
        if snapshot.report is not None:
            self._show_report(snapshot.report)
        self._update_actions()
        self._update_exchange_actions()
        self.checks.set_read_only(self.read_only)
        if PAGE_INBOX not in self._factories:
            self.inbox.set_read_only(self.read_only)
        for page in self._data_pages():
            page.set_read_only(self.read_only)
            page.invalidate()
        current = self.stack.currentWidget()
        if isinstance(current, DataPage):
            current.ensure_fresh()
        then, self._after_open = self._after_open, None
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

    def _update_period_label(self, period: PeriodInfo) -> None:
        state = PeriodState.from_text(period.state)
        state_text = state.label if state else period.state
        submitted = self.snapshot.submitted_counties if self.snapshot else None
        if submitted is not None:
            # The city collects rather than fills in: say how far the collection is.
            from vetdesk.domain.units import load_units

            state_text = self.tr("已收到 {n}/{total} 个县区的上报包").format(
                n=submitted, total=len(load_units().counties)
            )
        self.period_label.setText(
            self.tr("{year} 年度 · {state} · 统计时点 {date}").format(
                year=period.year, state=state_text, date=period.statistics_date.isoformat()
            )
        )

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
        findings = self.checks.findings()
        errors = sum(1 for f in findings if f.severity == Severity.ERROR)
        unexplained = sum(
            1
            for f in findings
            if f.severity == Severity.WARNING and not (f.explanation or "").strip()
        )
        self.errors_button.setText(self.tr("错误 {n} 条").format(n=errors))
        self.warnings_button.setText(self.tr("待说明警告 {n} 条").format(n=unexplained))
        self.errors_button.setStyleSheet("color: #b3261e; font-weight: bold;" if errors else "")
        self.warnings_button.setStyleSheet(
            "color: #8a5300; font-weight: bold;" if unexplained else ""
        )
        marks: dict[str, str] = {}
        for f in findings:
            if f.severity == Severity.ERROR:
                marks[f.record_key] = "error"
            elif not (f.explanation or "").strip():
                marks.setdefault(f.record_key, "warning")
        for page in self.record_pages.values():
            page.model.set_marks(marks)

    def status_counts(self) -> tuple[int, int]:
        """(errors, unexplained warnings) as shown in the status bar."""
        findings = self.checks.findings()
        return (
            sum(1 for f in findings if f.severity == Severity.ERROR),
            sum(
                1
                for f in findings
                if f.severity == Severity.WARNING and not (f.explanation or "").strip()
            ),
        )

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
        if not self._editable() or entity == CONDITION:
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
        original = record.row if record is not None else None
        schools: list[tuple[str, str]] | None = None
        titles = {
            SCHOOL: (self.tr("新增学校"), self.tr("修改学校")),
            CONDITION: (self.tr("填写办学条件"), self.tr("填写办学条件")),
            TEACHER: (self.tr("新增教师"), self.tr("修改教师")),
            TRAINING: (self.tr("新增培训项目"), self.tr("修改培训项目")),
            MAJOR: (self.tr("新增专业"), self.tr("修改专业")),
            ENTERPRISE: (self.tr("新增合作企业"), self.tr("修改合作企业")),
            PILOT: (self.tr("新增 1+X 证书试点"), self.tr("修改 1+X 证书试点")),
            DESTINATION: (self.tr("填写毕业生去向"), self.tr("修改毕业生去向")),
            BASE: (self.tr("新增实践中心或工作室"), self.tr("修改实践中心或工作室")),
        }
        title = titles[entity][0 if record is None else 1]
        from vetdesk.services import measure_records, records
        from vetdesk.ui.forms.recordform import RecordForm

        if entity in MEASURE_ENTITIES:
            values = measure_records.form_values(original) if original is not None else {}
            return self._run_form(
                entity,
                record,
                RecordForm(
                    self,
                    title=title,
                    specs=measure_records.MEASURE_FIELDS[entity],
                    values=values,
                    drafter=measure_records.draft_for(self._measure_context(), entity, original),
                    schools=self._active_schools(),
                    school_code=school,
                ),
            )
        ctx = self._context()
        values = records.form_values(original) if original is not None else {}
        if entity == SCHOOL:
            if original is None:
                values = {"county_code": self.info.unit_code if not self.info.is_city else None}

            def drafter(raw: Any, _school: str | None) -> records.Draft[Any]:
                return records.draft_school(
                    ctx, raw, original_code=original.school_code if original else None
                )

        elif entity == CONDITION:
            assert original is not None
            school_row = next(
                r.row
                for r in self.record_pages[SCHOOL].model.items()
                if r.row.school_code == original.school_code
            )
            title = f"{title} — {school_row.name}"

            def drafter(raw: Any, _school: str | None) -> records.Draft[Any]:
                return records.draft_condition(ctx, school_row, raw)

        else:
            schools = self._active_schools()
            if original is None:
                values = {"double_teacher_level": "none"} if entity == TEACHER else {}
            draft_fn = records.draft_teacher if entity == TEACHER else records.draft_training

            def drafter(raw: Any, _school: str | None) -> records.Draft[Any]:
                return draft_fn(ctx, _school or "", raw, original=original)

        extras = None
        if entity == TEACHER:
            from vetdesk.ui.forms.practices import PracticeEditor

            typed = values.get(records.PRACTICES)
            editor = PracticeEditor(typed if isinstance(typed, list) else [])
            extras = {records.PRACTICES: (self.tr("企业实践"), editor)}
        form = RecordForm(
            self,
            title=title,
            specs=records.FORM_FIELDS[entity],
            values=values,
            drafter=drafter,
            schools=schools,
            school_code=school,
            extras=extras,
        )
        return self._run_form(entity, record, form)

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
        label = (
            getattr(record.row, "name", "")
            or getattr(record.row, "certificate", "")
            or self.school_names().get(record.row.school_code, "")
        )
        question = (
            self.tr("清空“{name}”本年度的办学条件数据？可用“撤销”恢复。")
            if entity == CONDITION
            else self.tr("删除“{name}”？可用“撤销”恢复。")
        ).format(name=label)
        if interaction.confirm(self, self.tr("确认"), question):
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
        if change.entity in MEASURE_ENTITIES:
            # The targets and charts are computed from these records.
            for page_id in (PAGE_TARGETS, PAGE_DASHBOARD):
                if page_id not in self._factories:
                    page = self.page(page_id)
                    if isinstance(page, DataPage):
                        page.invalidate()
                        if page is self.stack.currentWidget():
                            page.ensure_fresh()
        self.refresh_check()

    def _add_current(self) -> None:
        page_id = self.current_page_id()
        if page_id in (SCHOOL, TEACHER, TRAINING):
            self.add_record(page_id)
        elif page_id == PAGE_MEASURES:
            self.add_record(self.measures_page.current_entity())

    def _current_record_entity(self) -> str | None:
        page_id = self.current_page_id()
        if page_id == PAGE_MEASURES:
            return self.measures_page.current_entity()
        return page_id if page_id in self.record_pages else None

    def _paste_current(self) -> None:
        entity = self._current_record_entity()
        if entity is not None:
            self.paste_rows(entity)

    def _focus_search(self) -> None:
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

    def _choose_database(self) -> None:
        path = interaction.open_file(
            self, self.tr("打开数据库"), self.path.parent, self.tr("VetDesk 数据库 (*.db)")
        )
        if path is not None:
            self.open_database_requested.emit(path)

    def _new_period(self) -> None:
        default = (self.year + 1) if self.year else 2025
        year, ok = QInputDialog.getInt(
            self, self.tr("新建统计期"), self.tr("统计年度："), default, 2000, 2100
        )
        if not ok:
            return

        def op(db: Database, _progress: Progress) -> PeriodInfo:
            from vetdesk.services import records

            return records.open_period(db, year)

        DbOp(self, self.db, op).success(lambda period: self.reload(period.year)).run()

    def _show_settings(self) -> None:
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

    def _show_about(self) -> None:
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
            self.tr("已导入 {file}，正在重新核验…").format(file=plan.file_name), 10_000
        )
        self.undo_stack.clear()  # the edits before the import no longer apply to the data
        self.reload(plan.year)

    def _export_draft(self) -> None:
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
        self.statusBar().showMessage(self.tr("正在恢复备份…"))
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
        self._opener = partial(_restore_and_open, self.path, backup, outcome)

        def after() -> None:
            if outcome:
                self._restored(outcome[0])

        self._after_open = after
        self.reload()
        # Whatever happens, the next open (a failed restore included) is a normal one.
        self._opener = partial(_open_database, self.path)

    def _restored(self, result: RestoreResult) -> None:
        lines = [
            self.tr("已用 {time} 的备份恢复数据库。").format(
                time=result.restored.created.strftime("%Y-%m-%d %H:%M:%S")
            )
        ]
        if result.safety_backup is not None:
            lines.append(
                self.tr("恢复前的状态已另存为备份 {name}。").format(
                    name=result.safety_backup.path.name
                )
            )
        self.statusBar().showMessage(lines[0], 10_000)
        interaction.inform(self, self.tr("恢复备份"), "\n".join(lines))

    def _recovery_failed(self, exc: BaseException) -> None:
        damage = self._damage
        assert damage is not None
        text = interaction.error_text(exc)
        if self.read_only:
            text = self.tr("数据库损坏严重，无法以只读方式打开：{err}\n请从备份恢复。").format(
                err=text
            )
        self.read_only = False
        interaction.warn(self, self.tr("数据库已损坏"), text)
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
        self._opener = partial(_open_read_only, self.path)
        self.reload()
        self._opener = partial(_open_database, self.path)

    def restore_damaged(self, backup: BackupInfo) -> None:
        """Restore a backup over the damaged database (kept as a raw copy), then open it."""
        self.read_only = False
        outcome: list[RestoreResult] = []
        self._opener = partial(_restore_and_open, self.path, backup.path, outcome)
        self._after_open = lambda: self._restored(outcome[0]) if outcome else None
        self.reload()
        self._opener = partial(_open_database, self.path)

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
