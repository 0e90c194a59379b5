"""One domain's page: search, school filter, 新增/修改/删除/粘贴 and the table of records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, ngettext, pgettext
from vetdesk.services.entities import CONDITION, SCHOOL, TEACHER, TRAINING
from vetdesk.ui.settings import Settings
from vetdesk.ui.tablemodels import Column, ColumnsFor, RowTableModel, columns_for, record_model

if TYPE_CHECKING:
    from vetdesk.services.records import Record, Tables
    from vetdesk.ui.notices import Notice, Notices

# The kinds whose rows come with the window's load (Snapshot.tables); the other kinds'
# pages are filled by the page that holds them (the ten-measure records' page).
SNAPSHOT_KINDS = (SCHOOL, CONDITION, TEACHER, TRAINING)

# Pause after typing before filtering: 100 000 rows filter in tens of milliseconds,
# but doing it on every keystroke of a Chinese input method would still stutter.
SEARCH_DELAY_MS = 200


def configure_table(view: QTableView) -> None:
    """Settings every large table gets: fixed row height, no word wrap, row selection."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSortingEnabled(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    vertical = view.verticalHeader()
    # A fixed height lets Qt skip measuring rows: essential for 100 000 of them.
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    vertical.setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(120)
    header.setStretchLastSection(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)


def apply_widths(view: QTableView, columns: Sequence[Column[Any]]) -> None:
    """Give columns their declared initial widths (before any saved layout is restored)."""
    header = view.horizontalHeader()
    for index, column in enumerate(columns):
        if column.width:
            header.resizeSection(index, column.width)


class RecordPage(QWidget):
    """The table of one entity's records with its search box and buttons."""

    add_requested = Signal()
    edit_requested = Signal(object)
    delete_requested = Signal(object)
    paste_requested = Signal()

    def __init__(
        self,
        entity: str,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        columns: ColumnsFor | None = None,
    ) -> None:
        super().__init__(parent)
        self.entity = entity
        self.setObjectName(f"page_{entity}")
        self._settings = settings
        self._columns = columns
        self.model: RowTableModel[Record[Any]] = record_model(entity, {}, self, columns)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            _("搜索姓名、身份证号或学校…") if entity == TEACHER else _("搜索名称、代码或学校…")
        )
        self.search.setClearButtonEnabled(True)
        self.school_filter = QComboBox()
        self.school_filter.setObjectName("school_filter")
        self.school_filter.setMinimumContentsLength(16)
        self.school_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.add_button = QPushButton(_("新增(&N)…"))
        self.edit_button = QPushButton(_("修改(&E)…"))
        self.delete_button = QPushButton(pgettext("RecordPage", "删除"))
        self.paste_button = QPushButton(_("粘贴行(&V)…"))
        self.paste_button.setObjectName("paste")
        self.paste_button.setToolTip(
            _(
                "在 Excel 或 WPS 中选中行并复制，再点这里（或在表格中按 Ctrl+V）："
                "先预览、检查，确认后新增或修改记录，不删除记录"
            )
        )
        if entity == CONDITION:
            # One row per school: figures are filled in or cleared, never added as rows.
            self.add_button.setVisible(False)
            self.edit_button.setText(_("填写/修改(&E)…"))
            self.delete_button.setText(_("清空"))
        self.count_label = QLabel()
        self.count_label.setObjectName("count")

        bar = QHBoxLayout()
        search_label = QLabel(_("查找(&F)："))
        search_label.setBuddy(self.search)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 2)
        school_label = QLabel(_("学校："))
        school_label.setBuddy(self.school_filter)
        bar.addWidget(school_label)
        bar.addWidget(self.school_filter, 1)
        bar.addWidget(self.count_label)
        bar.addStretch()
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.paste_button)

        self.view = QTableView()
        self.view.setObjectName(f"table_{entity}")
        self.view.setModel(self.model)
        configure_table(self.view)
        self.view.doubleClicked.connect(self._double_clicked)

        # Where an empty table would leave a new user guessing, the page says what the
        # first step is and offers it as a button (a fresh database has no period, no school).
        self.empty_state = QWidget()
        self.empty_state.setObjectName("empty_state")
        self.empty_message = QLabel()
        self.empty_message.setObjectName("empty_message")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("empty_button")
        self.empty_button.clicked.connect(self._empty_action_clicked)
        self._empty_action: Callable[[], object] | None = None
        empty_layout = QVBoxLayout(self.empty_state)
        empty_layout.addStretch()
        empty_layout.addWidget(self.empty_message)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.empty_state.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.empty_state, 1)
        layout.addWidget(self.view, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_search)
        self.school_filter.currentIndexChanged.connect(self._school_changed)
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit_current)
        self.delete_button.clicked.connect(self._delete_current)
        self.paste_button.clicked.connect(self._paste)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.view, self._delete_current)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view, self._edit_current)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.view, self._paste)
        paste.setContext(Qt.ShortcutContext.WidgetShortcut)  # the search box pastes its own
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        self._layout_restored = False
        self.setTabOrder(self.search, self.school_filter)
        self.setTabOrder(self.school_filter, self.view)

    # --- change notices -------------------------------------------------------------------------

    def subscribe(self, notices: Notices) -> None:
        """Follow the window's change notices (see :mod:`vetdesk.ui.notices`)."""
        notices.operation_did_execute.connect(self._on_notice)

    def _on_notice(self, notice: Notice) -> None:
        """Take this kind's rows from a load, an edit's change, the check's row marks."""
        snapshot = notice.snapshot
        if snapshot is not None and snapshot.tables is not None and self.entity in SNAPSHOT_KINDS:
            tables = snapshot.tables
            names = {r.row.school_code: r.row.name for r in tables.schools}
            schools = [(r.row.school_code, r.row.name) for r in tables.schools]
            self.set_records(
                snapshot_records(tables, self.entity),
                names,
                schools,
                snapshot.search_texts.get(self.entity),
            )
        change = notice.change
        if change is not None and change.entity == self.entity:
            if change.old is not None and change.new is not None:
                self.model.replace_item(change.old, change.new)
            elif change.new is not None:
                self.model.add_item(change.new)
            elif change.old is not None:
                self.model.remove_item(change.old)
            if change.new is not None:
                self.select_key(change.new.key)
        if notice.marks is not None:
            self.model.set_marks(notice.marks)

    # --- content --------------------------------------------------------------------------------

    def set_records(
        self,
        items: Sequence[Record[Any]],
        school_names: Mapping[str, str],
        schools: Sequence[tuple[str, str]],
        search_texts: list[str] | None = None,
    ) -> None:
        """Show a period's records; keeps the search, school filter and sort.

        ``search_texts``: the records'
        :func:`~vetdesk.ui.tablemodels.record_search_texts`, built by the worker
        that loaded them, so that the first search is as quick as the next ones.
        """
        current = self.school_filter.currentData()
        self.school_filter.blockSignals(True)
        self.school_filter.clear()
        self.school_filter.addItem(_("全部学校"), None)
        for code, name in schools:
            self.school_filter.addItem(name, code)
        self.school_filter.setCurrentIndex(max(0, self.school_filter.findData(current)))
        self.school_filter.blockSignals(False)
        columns = (
            self._columns(school_names)
            if self._columns is not None
            else columns_for(self.entity, school_names)
        )
        self.model.set_items(items, columns, haystack=search_texts)
        if not self._layout_restored:
            self._layout_restored = True
            apply_widths(self.view, self.model.columns())
            state = self._settings.header_state(self.entity)
            if not state.isEmpty():
                self.view.horizontalHeader().restoreState(state)
        self._update_count()

    def set_empty_state(
        self, message: str, button_text: str = "", action: Callable[[], object] | None = None
    ) -> None:
        """Show a message (and a button doing the first step) instead of the empty table."""
        self.empty_message.setText(message)
        self.empty_button.setText(button_text)
        self.empty_button.setVisible(bool(button_text) and action is not None)
        self._empty_action = action
        self.empty_state.setVisible(True)
        self.view.setVisible(False)

    def clear_empty_state(self) -> None:
        """Show the table again."""
        self._empty_action = None
        self.empty_state.setVisible(False)
        self.view.setVisible(True)

    def _empty_action_clicked(self) -> None:
        if self._empty_action is not None:
            self._empty_action()

    def edit_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons that change data (disabled when the database cannot be edited)."""
        return (self.add_button, self.edit_button, self.delete_button, self.paste_button)

    def save_layout(self) -> None:
        """Remember column widths and order."""
        self._settings.set_header_state(self.entity, self.view.horizontalHeader().saveState())

    def current_record(self) -> Record[Any] | None:
        """The selected record, if any."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.item(index.row())

    def select_key(self, key: str, field: str = "") -> bool:
        """Select the record with a finding key (clearing filters if it is hidden)."""
        row = self.model.row_of_key(key)
        if row < 0 and (self.search.text() or self.school_filter.currentIndex() > 0):
            self.search.clear()
            self.school_filter.setCurrentIndex(0)
            self.apply_search()
            row = self.model.row_of_key(key)
        if row < 0:
            return False
        column = max(0, self.model.column_of(field)) if field else 0
        index = self.model.index(row, column)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.setFocus()
        return True

    # --- slots ----------------------------------------------------------------------------------

    def apply_search(self) -> None:
        """Filter by the search text now."""
        self._search_timer.stop()
        self.model.set_search(self.search.text())

    def _school_changed(self) -> None:
        self.model.set_school(self.school_filter.currentData())

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.items())
        if shown == total:
            self.count_label.setText(ngettext("共 {n} 条", "共 {n} 条", total).format(n=total))
        else:
            self.count_label.setText(
                _("显示 {shown} / 共 {total} 条").format(shown=shown, total=total)
            )

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_requested.emit(self.model.item(index.row()))

    def _edit_current(self) -> None:
        record = self.current_record()
        if record is not None:
            self.edit_requested.emit(record)

    def _paste(self) -> None:
        if self.paste_button.isEnabled():
            self.paste_requested.emit()

    def _delete_current(self) -> None:
        record = self.current_record()
        if record is not None:
            self.delete_requested.emit(record)


def snapshot_records(tables: Tables, entity: str) -> tuple[Record[Any], ...]:
    """One of the four loaded kinds' records (see :data:`SNAPSHOT_KINDS`)."""
    by_kind: dict[str, tuple[Record[Any], ...]] = {
        SCHOOL: tables.schools,
        CONDITION: tables.conditions,
        TEACHER: tables.teachers,
        TRAINING: tables.trainings,
    }
    return by_kind[entity]
