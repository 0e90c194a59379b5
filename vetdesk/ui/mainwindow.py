"""The main window: domain navigation, the period selector, edits with undo, the status bar.

Everything the window shows comes from one background load (tables and the period
check) and is refreshed in place after each edit; the GUI thread only ever holds plain
rows. Later features plug in through :meth:`MainWindow.add_page` and :attr:`menus`
(the exchange, signing and merge dialogs add their entries there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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
from vetdesk.services.entities import CONDITION, SCHOOL, TEACHER, TRAINING
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.commands import Change, DeleteRecord, SaveRecord, UndoStack
from vetdesk.ui.recordpage import RecordPage
from vetdesk.ui.settings import Settings

if TYPE_CHECKING:
    from vetdesk.services import records
    from vetdesk.services.check import CheckReport
    from vetdesk.services.database import Database, DatabaseInfo
    from vetdesk.services.period_data import PeriodInfo
    from vetdesk.services.records import Record, Tables
    from vetdesk.standards.ruleset import RuleSet
    from vetdesk.ui.checks import ChecksPanel
    from vetdesk.ui.compliance import CompliancePage
    from vetdesk.ui.forms.recordform import RecordForm
    from vetdesk.validation.findings import Finding

log = logging.getLogger(__name__)

PAGE_CHECKS = "checks"
PAGE_COMPLIANCE = "compliance"


@dataclass(frozen=True)
class Snapshot:
    """What one background load returns."""

    periods: list[PeriodInfo]
    tables: Tables | None
    report: CheckReport | None
    ruleset: RuleSet
    unit_codes: frozenset[str]


def _open_database(path: Path) -> Database:
    from vetdesk.services.database import open_database

    return open_database(path)


def load_snapshot(db: Database, year: int | None, progress: Progress) -> Snapshot:
    """Read the periods, a period's tables and its check (runs in a worker)."""
    from vetdesk.services import records
    from vetdesk.services.check import run_check

    periods = records.list_periods(db)
    ruleset = db.ruleset()
    codes = frozenset(db.unit_codes())
    if year is None or year not in {p.year for p in periods}:
        year = periods[0].year if periods else None
    if year is None:
        return Snapshot(periods, None, None, ruleset, codes)
    tables = records.load_tables(db, year, lambda d, t: progress.update(d, t + 1))
    progress.check()
    report = run_check(db, year)
    progress.update(1, 1)
    return Snapshot(periods, tables, report, ruleset, codes)


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
        self, source: Database | Path, settings: Settings, parent: QWidget | None = None
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
        self.setWindowTitle(self._title())

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
        self.record_pages[entity] = page
        editable = self._editable()
        for button in (page.add_button, page.edit_button, page.delete_button):
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

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(self._page_ids):
            self.page(self._page_ids[row])
            self.stack.setCurrentIndex(row)

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
        self.act_check = self._action(self.tr("重新核验(&C)"), self.reload, "F5")
        self.act_about = self._action(self.tr("关于 VetDesk(&A)"), self._show_about)

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
        edit_menu.addAction(self.act_find)
        data_menu = bar.addMenu(self.tr("数据(&D)"))
        data_menu.addAction(self.act_check)
        view_menu = bar.addMenu(self.tr("查看(&V)"))
        for number, page_id in enumerate(self._page_ids, start=1):
            item = self.nav.item(number - 1)
            title = item.text() if item is not None else page_id
            view_menu.addAction(
                self._action(title, lambda p=page_id: self.show_page(p), f"Ctrl+{number}")
            )
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.act_about)
        self.menus = {
            "file": file_menu,
            "edit": edit_menu,
            "data": data_menu,
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

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.unit_label = QLabel()
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
        status.addWidget(self.period_label)
        status.addPermanentWidget(self.errors_button)
        status.addPermanentWidget(self.warnings_button)

    def _title(self) -> str:
        if self._db is None:
            return f"VetDesk — {self.path.name}"
        return self.tr("VetDesk 职教数据台 — {unit}（{file}）").format(
            unit=self.info.unit_name, file=self.path.name
        )

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
        for page in self.record_pages.values():
            for button in (page.add_button, page.edit_button, page.delete_button):
                button.setEnabled(editable)
        self.act_add.setEnabled(editable and self.current_page_id() in (SCHOOL, TEACHER, TRAINING))

    def _editable(self) -> bool:
        tables = self.snapshot.tables if self.snapshot else None
        return (
            tables is not None
            and tables.period.state == PeriodState.OPEN
            and not self.undo_stack.busy
            and not self.loading
        )

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
            self._update_actions()
            if self._db is None:  # the database itself could not be opened
                self.failed = exc
                self.open_failed.emit(exc)
                return
            interaction.show_error(self, exc)

        source: Database | Callable[[], Database] = (
            self._db if self._db is not None else partial(_open_database, self.path)
        )
        DbOp(self, source, op, label=self.tr("正在读取数据…")).success(self._loaded).failure(
            failed
        ).run()

    def _loaded(self, result: tuple[Database, Snapshot]) -> None:
        db, snapshot = result
        if self._db is None:
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
            self.record_pages[SCHOOL].set_records(tables.schools, names, schools)
            self.record_pages[CONDITION].set_records(tables.conditions, names, schools)
            self.record_pages[TEACHER].set_records(tables.teachers, names, schools)
            self.record_pages[TRAINING].set_records(tables.trainings, names, schools)
            self._update_period_label(tables.period)
        if snapshot.report is not None:
            self._show_report(snapshot.report)
        self._update_actions()
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
        self.period_label.setText(
            self.tr("{year} 年度 · {state} · 统计时点 {date}").format(
                year=period.year,
                state=state.label if state else period.state,
                date=period.statistics_date.isoformat(),
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
            from vetdesk.services.check import run_check

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
        ctx = self._context()
        original = record.row if record is not None else None
        schools: list[tuple[str, str]] | None = None
        titles = {
            SCHOOL: (self.tr("新增学校"), self.tr("修改学校")),
            CONDITION: (self.tr("填写办学条件"), self.tr("填写办学条件")),
            TEACHER: (self.tr("新增教师"), self.tr("修改教师")),
            TRAINING: (self.tr("新增培训项目"), self.tr("修改培训项目")),
        }
        title = titles[entity][0 if record is None else 1]
        from vetdesk.services import records
        from vetdesk.ui.forms.recordform import RecordForm

        values: dict[str, object] = records.form_values(original) if original is not None else {}
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

        form = RecordForm(
            self,
            title=title,
            specs=records.FORM_FIELDS[entity],
            values=values,
            drafter=drafter,
            schools=schools,
            school_code=school,
        )
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
        label = getattr(record.row, "name", "") or self.school_names().get(
            record.row.school_code, ""
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
        self.refresh_check()

    def _add_current(self) -> None:
        page_id = self.current_page_id()
        if page_id in (SCHOOL, TEACHER, TRAINING):
            self.add_record(page_id)

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
        self.show_page(entity)
        found = page.select_key(finding.record_key, finding.field)
        if not found and entity != SCHOOL:
            self.show_page(SCHOOL)
            found = self.record_pages[SCHOOL].select_key(f"school:{finding.school_code}")
        return found

    # --- dialogs --------------------------------------------------------------------------------

    def _choose_database(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("打开数据库"), str(self.path.parent), self.tr("VetDesk 数据库 (*.db)")
        )
        if path:
            self.open_database_requested.emit(Path(path))

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

    def _show_about(self) -> None:
        from vetdesk.ui.about import AboutDialog

        AboutDialog(self.db, self).open()

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
