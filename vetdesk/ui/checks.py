"""The checks panel: every error and warning of the period in one list.

Filters by school, severity and rule; double-clicking a finding asks the window to jump
to its record and field. A warning's explanation is typed into the pane under the list
(several lines, with the whole message above it) or straight into its 说明 cell, and
stored through :func:`vetdesk.services.check.explain_warnings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.domain.enums import Severity
from vetdesk.domain.fields import field_label
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.i18n import _, pgettext
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.compliance import indicator_name
from vetdesk.ui.interaction import show_error
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.settings import Settings
from vetdesk.ui.tablemodels import Column, RowTableModel
from vetdesk.validation.findings import Finding

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.ui.notices import Notice, Notices
    from vetdesk.ui.pagebase import DbSource

AnyIndex = QModelIndex | QPersistentModelIndex

EXPLANATION_COLUMN = "explanation"
ALL_WARNINGS, UNEXPLAINED = "warning", "unexplained"
ERROR_COLOR = QColor("#b3261e")


def _entity_name(entity: str) -> str:
    names = {
        "school": pgettext("ChecksPanel", "学校"),
        "condition": pgettext("ChecksPanel", "办学条件"),
        "teacher": pgettext("ChecksPanel", "教师"),
        "training": pgettext("ChecksPanel", "培训项目"),
    }
    return names.get(entity, entity)


def field_name(finding: Finding, indicator_names: Mapping[str, str]) -> str:
    """The name of the field a finding is about (fields, indicators, enterprise practice)."""
    if not finding.field:
        return ""
    if finding.field in indicator_names:
        return indicator_names[finding.field]
    if finding.field == "practices":
        return _("企业实践")
    return field_label(finding.entity, finding.field)


def finding_columns(
    school_names: Mapping[str, str], indicator_names: Mapping[str, str] | None = None
) -> list[Column[Finding]]:
    """The columns of the findings list."""
    indicators = indicator_names or {}
    return [
        Column(
            "severity", _("级别"), lambda f: str(f.severity), lambda f: f.severity.label, width=60
        ),
        Column(
            "school",
            pgettext("ChecksPanel", "学校"),
            lambda f: school_names.get(f.school_code, f.school_code),
            search=lambda f: school_names.get(f.school_code, f.school_code),
            width=220,
        ),
        Column("entity", _("类别"), lambda f: f.entity, lambda f: _entity_name(f.entity)),
        Column("record", _("记录"), lambda f: f.record_label, search=lambda f: f.record_label),
        Column(
            "field",
            _("字段"),
            lambda f: f.field,
            lambda f: field_name(f, indicators),
            width=160,
        ),
        Column(
            "value",
            _("值"),
            lambda f: f.value,
            # Values of 身份证号 findings are masked by the check; mask again in case.
            lambda f: mask_id_number(f.value) if f.field == "id_number" and f.value else f.value,
        ),
        Column("message", _("问题"), lambda f: f.message, search=lambda f: f.message, width=480),
        Column(
            EXPLANATION_COLUMN,
            _("说明（双击填写）"),
            lambda f: f.explanation or "",
            search=lambda f: f.explanation or "",
        ),
    ]


class FindingsModel(RowTableModel[Finding]):
    """Findings, with the 说明 cell of warnings editable in place."""

    explanation_edited = Signal(object, str)  # Finding, new text

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            finding_columns({}),
            key_of=lambda f: f.record_key,
            school_of=lambda f: f.school_code,
            parent=parent,
        )
        self._severity: str | None = None
        self._rule: str | None = None
        self.read_only = False  # a damaged database opened read-only: no explanations

    def set_filters(self, severity: str | None, rule: str | None) -> None:
        """Show only one severity (or unexplained warnings) and one rule (None: all)."""
        self.beginResetModel()
        try:
            self._severity, self._rule = severity, rule
            self._rebuild_view()
        finally:
            self.endResetModel()

    def _accepts(self, index: int) -> bool:
        finding = self._items[index]
        if self._severity == UNEXPLAINED:
            if not finding.unexplained:
                return False
        elif self._severity is not None and finding.severity != self._severity:
            return False
        if self._rule is not None and finding.rule != self._rule:
            return False
        return super()._accepts(index)

    def _rebuild_view(self, *, resort: bool = True) -> None:
        self._view = [i for i in range(len(self._items)) if self._accepts(i)]
        if resort and self._sort is not None:
            self._sort_view(*self._sort)

    def is_explanation(self, index: AnyIndex) -> bool:
        """Whether a cell is the 说明 cell of a warning."""
        if not index.isValid() or self._columns[index.column()].key != EXPLANATION_COLUMN:
            return False
        return self.item(index.row()).severity == Severity.WARNING

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Warnings' 说明 cells are editable."""
        flags = super().flags(index)
        if self.is_explanation(index) and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base model, plus the edit text and tints per severity."""
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            return self.item(index.row()).explanation or ""
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            finding = self.item(index.row())
            if finding.severity == Severity.ERROR:
                return ERROR_COLOR
            return None
        if role == Qt.ItemDataRole.ToolTipRole and self.is_explanation(index):
            return _("双击或按 F2 填写说明；说明会随数据上报。")
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Ask for an explanation to be stored (the panel saves it in the background)."""
        if role != Qt.ItemDataRole.EditRole or not self.is_explanation(index):
            return False
        finding = self.item(index.row())
        text = str(value or "").strip()
        if text == (finding.explanation or ""):
            return False
        self.explanation_edited.emit(finding, text)
        return True


class ChecksPanel(QWidget):
    """Every finding of the period, filterable, with explanations edited in place."""

    jump_requested = Signal(object)  # Finding
    findings_changed = Signal()

    def __init__(
        self, settings: Settings, db: DbSource | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_checks")
        self._settings = settings
        self._db_source = db  # where a check announced by a change notice was made
        self._db: Database | None = None
        self._year = 0
        self._indicators: dict[str, str] = {}
        self.model = FindingsModel(self)
        self.model.explanation_edited.connect(self._save_explanation)

        self.school_filter = QComboBox()
        self.school_filter.setObjectName("school_filter")
        self.severity_filter = QComboBox()
        self.severity_filter.setObjectName("severity_filter")
        self.severity_filter.addItem(_("全部"), None)
        self.severity_filter.addItem(_("错误"), str(Severity.ERROR))
        self.severity_filter.addItem(_("警告"), ALL_WARNINGS)
        self.severity_filter.addItem(_("未说明的警告"), UNEXPLAINED)
        self.rule_filter = QComboBox()
        self.rule_filter.setObjectName("rule_filter")
        self.rule_filter.setMinimumContentsLength(20)
        self.count_label = QLabel()
        bar = QHBoxLayout()
        for text, widget in (
            (_("学校："), self.school_filter),
            (_("级别："), self.severity_filter),
            (_("规则："), self.rule_filter),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget, 1)
        bar.addWidget(self.count_label)

        self.view = QTableView()
        self.view.setObjectName("table_checks")
        self.view.setModel(self.model)
        configure_table(self.view)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.doubleClicked.connect(self._double_clicked)
        hint = QLabel(
            _(
                "双击一条问题可跳转到对应记录和字段改正数据；"
                "警告如属实际情况，在下方填写说明（说明随数据上报）。"
            )
        )
        hint.setWordWrap(True)

        self.detail = QGroupBox(_("选中的问题"))
        self.detail.setObjectName("detail")
        self.detail_text = QLabel()
        self.detail_text.setObjectName("detail_text")
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("explanation")
        self.explanation.setPlaceholderText(
            _("说明为什么这是实际情况，例如：该校 2025 年秋季新建校区，图书正在采购。")
        )
        self.explanation.setTabChangesFocus(True)
        self.save_button = QPushButton(_("保存说明(&S)"))
        self.save_button.setObjectName("save_explanation")
        self.save_button.clicked.connect(lambda: self.save_current_explanation())
        self.jump_button = QPushButton(_("转到记录(&G)"))
        self.jump_button.clicked.connect(lambda: self._jump_current())
        buttons = QHBoxLayout()
        buttons.addWidget(self.jump_button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addWidget(self.detail_text)
        detail_layout.addWidget(self.explanation, 1)
        detail_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("checks_splitter")
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(hint)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self._shown: Finding | None = None  # the finding whose text the pane holds
        self.explanation.textChanged.connect(self._update_detail_buttons)
        self._show_detail()

        self.school_filter.currentIndexChanged.connect(self._filters_changed)
        self.severity_filter.currentIndexChanged.connect(self._filters_changed)
        self.rule_filter.currentIndexChanged.connect(self._filters_changed)
        self.model.modelReset.connect(self._update_count)
        self._restored = False

    def set_read_only(self, read_only: bool) -> None:
        """Stop (or allow) typing explanations: a read-only database cannot store them."""
        self.model.read_only = read_only
        self._show_detail()

    def subscribe(self, notices: Notices) -> None:
        """Follow the window's change notices: each new check, each load's write policy."""
        notices.operation_did_execute.connect(self._on_notice)

    def _on_notice(self, notice: Notice) -> None:
        if notice.snapshot is not None:
            # Explanations are period data: the write policy decides (a city, a reported period).
            decision = notice.snapshot.write_decisions.get("explain_warning")
            self.set_read_only(notice.read_only or decision is None or not decision.allowed)
        report = notice.report
        db = self._db_source() if self._db_source is not None else None
        if report is not None and db is not None:
            indicators = {i.id: indicator_name(i) for i in report.ruleset.indicators.values()}
            self.set_findings(db, report.year, report.findings, notice.school_names, indicators)

    # --- the detail pane --------------------------------------------------------------------

    def current_finding(self) -> Finding | None:
        """The finding selected in the list, if any."""
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        # Text typed for one warning is kept when another row is chosen: saved, not lost.
        self._save_pending()
        self._show_detail()

    def _save_pending(self) -> None:
        shown = self._shown
        if shown is None or not self._explainable(shown):
            return
        text = self.explanation.toPlainText().strip()
        if text != (shown.explanation or "") and shown in self.model.items():
            self._save_explanation(shown, text, keep_selection=True)

    def _show_detail(self) -> None:
        finding = self.current_finding()
        self._shown = finding
        self.explanation.blockSignals(True)
        if finding is None:
            self.detail_text.setText(_("在上面的列表中选择一条问题。"))
            self.explanation.setPlainText("")
        else:
            where = " · ".join(
                part
                for part in (
                    self.model.columns()[1].text(finding),
                    finding.record_label,
                    field_name(finding, self._indicators),
                )
                if part
            )
            text = f"<b>{finding.severity.label}</b>　{escape(where)}<br>{escape(finding.message)}"
            if finding.severity == Severity.ERROR:
                text += "<br>" + escape(_("错误必须改正数据，不能用说明代替。"))
            self.detail_text.setText(text)
            self.explanation.setPlainText(finding.explanation or "")
        self.explanation.blockSignals(False)
        self._update_detail_buttons()

    def _explainable(self, finding: Finding | None) -> bool:
        return (
            finding is not None
            and finding.severity == Severity.WARNING
            and not self.model.read_only
            and self._db is not None
        )

    def _update_detail_buttons(self) -> None:
        finding = self.current_finding()
        explainable = self._explainable(finding)
        self.explanation.setEnabled(explainable)
        changed = finding is not None and self.explanation.toPlainText().strip() != (
            finding.explanation or ""
        )
        self.save_button.setEnabled(explainable and changed)
        self.jump_button.setEnabled(finding is not None)

    def save_current_explanation(self) -> None:
        """Store the text of the pane as the selected warning's explanation."""
        finding = self.current_finding()
        if self._explainable(finding):
            assert finding is not None
            self._save_explanation(finding, self.explanation.toPlainText().strip())

    def _jump_current(self) -> None:
        finding = self.current_finding()
        if finding is not None:
            self.jump_requested.emit(finding)

    def set_findings(
        self,
        db: Database,
        year: int,
        findings: Sequence[Finding],
        school_names: Mapping[str, str],
        indicator_names: Mapping[str, str] | None = None,
    ) -> None:
        """Show a period's findings (keeps the filters where they still apply)."""
        self._db, self._year = db, year
        self._indicators = dict(indicator_names or {})
        school, rule = self.school_filter.currentData(), self.rule_filter.currentData()
        for box in (self.school_filter, self.rule_filter):
            box.blockSignals(True)
            box.clear()
        self.school_filter.addItem(_("全部学校"), None)
        for code in sorted({f.school_code for f in findings}):
            self.school_filter.addItem(school_names.get(code, code), code)
        self.rule_filter.addItem(_("全部规则"), None)
        for rule_id in sorted({f.rule for f in findings}):
            self.rule_filter.addItem(rule_id, rule_id)
        self.school_filter.setCurrentIndex(max(0, self.school_filter.findData(school)))
        self.rule_filter.setCurrentIndex(max(0, self.rule_filter.findData(rule)))
        for box in (self.school_filter, self.rule_filter):
            box.blockSignals(False)
        self.model.set_items(findings, finding_columns(school_names, indicator_names))
        self._filters_changed()
        if not self._restored:
            self._restored = True
            apply_widths(self.view, self.model.columns())
            state = self._settings.header_state("checks")
            if not state.isEmpty():
                self.view.horizontalHeader().restoreState(state)

    def findings(self) -> list[Finding]:
        """Every finding of the period (shown or filtered out)."""
        return self.model.items()

    def save_layout(self) -> None:
        """Remember column widths."""
        self._settings.set_header_state("checks", self.view.horizontalHeader().saveState())

    def set_filters(
        self, *, school: str | None = None, severity: str | None = None, rule: str | None = None
    ) -> None:
        """Set the filters programmatically (tests, and links from other screens)."""
        self.school_filter.setCurrentIndex(max(0, self.school_filter.findData(school)))
        self.severity_filter.setCurrentIndex(max(0, self.severity_filter.findData(severity)))
        self.rule_filter.setCurrentIndex(max(0, self.rule_filter.findData(rule)))

    def _filters_changed(self) -> None:
        self.model.set_school(self.school_filter.currentData())
        severity = self.severity_filter.currentData()
        if severity == ALL_WARNINGS:
            severity = str(Severity.WARNING)
        self.model.set_filters(severity, self.rule_filter.currentData())

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.items())
        self.count_label.setText(_("显示 {shown} / 共 {total} 条").format(shown=shown, total=total))

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and not self.model.is_explanation(index):
            self.jump_requested.emit(self.model.item(index.row()))

    def _save_explanation(
        self, finding: Finding, text: str, *, keep_selection: bool = False
    ) -> None:
        if self._db is None:
            return
        year = self._year
        explained = finding.with_explanation(text or None)
        # Shown at once; put back if storing fails.
        row = self.view.currentIndex().row()
        self.model.replace_item(finding, explained)
        if self._shown is finding:
            self._shown = explained
        if self.severity_filter.currentData() == UNEXPLAINED and not keep_selection:
            # The to-do list drops what was just explained; the next one takes its place.
            self._filters_changed()
            if self.model.rowCount():
                self.view.selectRow(min(max(row, 0), self.model.rowCount() - 1))
        self._show_detail()
        self.findings_changed.emit()

        def op(db: Database, _progress: Progress) -> int:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.check import explain_warnings

            return explain_warnings(db, year, [(*finding.explanation_key, text)])

        def failed(exc: BaseException) -> None:
            self.model.replace_item(explained, finding)
            self._filters_changed()
            self._show_detail()
            self.findings_changed.emit()
            show_error(self, exc)

        DbOp(self, self._db, op).failure(failed).run()
