"""The 达标 view: each school's verdict, and the selected school's indicators.

For every indicator: its value, the threshold with the document and article it comes
from, and pass or fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from vetdesk.domain import enums
from vetdesk.domain.units import load_units
from vetdesk.i18n import _, pgettext
from vetdesk.standards.ruleset import Indicator, RuleSet
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.settings import Settings
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from vetdesk.standards.assess import IndicatorResult, SchoolAssessment, UnitSummary
    from vetdesk.ui.notices import Notice, Notices
    from vetdesk.validation.check import CheckReport

AnyIndex = QModelIndex | QPersistentModelIndex

# The verdicts of vetdesk.standards.assess, repeated so this module loads without it
# (it pulls in SQLAlchemy, which the first paint must not wait for).
PASS, FAIL, INCOMPLETE, NOT_APPLICABLE = "pass", "fail", "incomplete", "not_applicable"
EXCLUDED = "excluded"

PASS_COLOR = QColor("#1b6e20")
FAIL_COLOR = QColor("#b3261e")
OTHER_COLOR = QColor("#8a5300")


def verdict_text(verdict: str) -> str:
    """The Chinese word for a verdict."""
    return {
        PASS: pgettext("CompliancePage", "达标"),
        FAIL: _("未达标"),
        INCOMPLETE: pgettext("CompliancePage", "数据不全"),
        NOT_APPLICABLE: _("不适用"),
        EXCLUDED: pgettext("CompliancePage", "不计入达标率"),
    }.get(verdict, verdict)


def indicator_name(indicator: Indicator) -> str:
    """An indicator's name in the interface language (rule sets carry both)."""
    return indicator.label


def with_unit(text: str, indicator: Indicator) -> str:
    """A value or threshold followed by the indicator's unit ("≥ 40000 平方米", "14.61:1")."""
    unit = indicator.unit_label
    if not unit or text.endswith(unit) or indicator.boolean or text in ("", "—"):
        return text
    return f"{text}{unit}" if unit.startswith(":") else f"{text} {unit}"


def _threshold(result: IndicatorResult) -> str:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.standards.assess import threshold_text

    return threshold_text(result.indicator, result.rule) if result.rule else ""


def _result_text(result: IndicatorResult) -> str:
    if result.passed is None:
        return _("缺数据")
    if result.rule is not None and result.rule.purpose == "warning":
        return pgettext("CompliancePage", "符合") if result.passed else _("不符合（警告）")
    return pgettext("CompliancePage", "达标") if result.passed else _("未达标")


def _label(enum_type: type[enums.LabelledEnum], value: str) -> str:
    member = enum_type.from_text(value)
    return member.label if member is not None else value


def school_columns() -> list[Column[SchoolAssessment]]:
    """Columns of the school list."""
    units = load_units()
    return [
        Column(
            "name",
            pgettext("CompliancePage", "学校"),
            lambda a: a.school.name,
            search=lambda a: a.school.name,
            width=300,
        ),
        Column(
            "county",
            _("县区"),
            lambda a: a.school.county_code,
            lambda a: u.name if (u := units.get(a.school.county_code)) else a.school.county_code,
        ),
        Column(
            "level",
            _("层次"),
            lambda a: a.school.level,
            lambda a: _label(enums.SchoolLevel, a.school.level),
        ),
        Column(
            "category",
            _("标准类别"),
            lambda a: a.school.category,
            lambda a: _label(enums.SchoolCategory, a.school.category),
        ),
        Column("verdict", _("判定"), lambda a: a.verdict, lambda a: verdict_text(a.verdict)),
        Column(
            "failing",
            pgettext("CompliancePage", "未达标指标"),
            lambda a: len(a.failing),
            lambda a: "、".join(indicator_name(r.indicator) for r in a.failing),
            width=400,
        ),
    ]


def indicator_columns(ruleset: RuleSet) -> list[Column[IndicatorResult]]:
    """Columns of one school's indicator table."""

    def source(r: IndicatorResult) -> str:
        if r.rule is None:
            return ""
        src = ruleset.sources.get(r.rule.source)
        citation = src.citation() if src is not None else r.rule.source
        return f"{citation}{r.rule.article}"

    return [
        Column("indicator", _("指标"), lambda r: indicator_name(r.indicator), width=230),
        Column(
            "value",
            _("数值"),
            lambda r: r.value,
            lambda r: with_unit(r.value_text(), r.indicator),
            numeric=True,
            width=130,
        ),
        Column(
            "threshold",
            pgettext("CompliancePage", "标准"),
            lambda r: r.rule.threshold if r.rule else None,
            lambda r: with_unit(_threshold(r), r.indicator) if r.rule else "",
            width=130,
        ),
        Column(
            "purpose",
            _("用途"),
            lambda r: r.rule.purpose if r.rule else "",
            lambda r: (
                _("达标指标")
                if r.rule is not None and r.rule.purpose == "compliance"
                else _("设置标准（警告）")
            ),
        ),
        Column("result", _("结果"), lambda r: r.passed, _result_text, width=110),
        Column("source", pgettext("CompliancePage", "依据"), source),
    ]


class _VerdictModel(RowTableModel[Any]):
    """Colours the verdict / result column."""

    def __init__(self, columns: Sequence[Column[Any]], key: str, parent: Any = None) -> None:
        super().__init__(columns, parent=parent)
        self._key = key

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Verdicts in green, red or amber."""
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and self._columns[index.column()].key == self._key
        ):
            item = self.item(index.row())
            is_school = hasattr(item, "verdict")
            ok = item.verdict == PASS if is_school else item.passed
            if ok is True:
                return PASS_COLOR
            if ok is False and not (
                not is_school and item.rule is not None and item.rule.purpose == "warning"
            ):
                return FAIL_COLOR
            return OTHER_COLOR
        return super().data(index, role)


def summary_text(summary: UnitSummary) -> str:
    """One line: the 达标 rate against the target in force."""
    if summary.rate is None:
        return _("尚无可判定的学校。")
    text = _("达标 {passing} 所 / 参评 {assessed} 所，达标率 {rate:.1f}%").format(
        passing=summary.schools_passing,
        assessed=summary.schools_assessed,
        rate=float(summary.rate) * 100,
    )
    if summary.target_share is not None and summary.target_date is not None:
        reached = _("已达到") if summary.meets_target else _("尚未达到")
        text += _("；目标：{date} 前达到 {share:.0f}%（{reached}）").format(
            date=summary.target_date.isoformat(),
            share=float(summary.target_share) * 100,
            reached=reached,
        )
    if summary.schools_incomplete:
        text += _("；{n} 所数据不全").format(n=summary.schools_incomplete)
    if summary.schools_excluded:
        text += _("；另有 {n} 所按规定不计入达标率").format(n=summary.schools_excluded)
    return text


class CompliancePage(QWidget):
    """Schools with their verdict; the selected school's indicators below."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_compliance")
        self._settings = settings
        self._ruleset: RuleSet | None = None
        self._widths_set = False
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.summary.setFont(font)
        self.schools_model = _VerdictModel(school_columns(), "verdict", self)
        self.schools_view = QTableView()
        self.schools_view.setObjectName("table_compliance_schools")
        self.schools_view.setModel(self.schools_model)
        configure_table(self.schools_view)
        self.indicators_model = _VerdictModel([], "result", self)
        self.indicators_view = QTableView()
        self.indicators_view.setObjectName("table_compliance_indicators")
        self.indicators_view.setModel(self.indicators_model)
        configure_table(self.indicators_view)
        self.indicators_view.setSortingEnabled(False)
        self.school_title = QLabel()
        self.school_title.setObjectName("school_title")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("category_note")

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.school_title)
        lower_layout.addWidget(self.indicators_view, 1)
        lower_layout.addWidget(self.note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.schools_view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.schools_view.selectionModel().selectionChanged.connect(self._selected)

    def subscribe(self, notices: Notices) -> None:
        """Follow the window's change notices: each new check is shown."""
        notices.operation_did_execute.connect(self._on_notice)

    def _on_notice(self, notice: Notice) -> None:
        if notice.report is not None:
            self.set_report(notice.report)

    def set_report(self, report: CheckReport) -> None:
        """Show a period's assessments; keeps the selected school if it is still there."""
        current = self.current_school()
        self._ruleset = report.ruleset
        self.summary.setText(summary_text(report.summary))
        self.schools_model.set_items(report.assessments)
        self.indicators_model.set_items([], indicator_columns(report.ruleset))
        if not self._widths_set:
            self._widths_set = True
            apply_widths(self.schools_view, self.schools_model.columns())
            apply_widths(self.indicators_view, self.indicators_model.columns())
        codes = [a.school.school_code for a in report.assessments]
        if current in codes:
            self.select_school(current)
        elif codes:
            self.select_school(codes[0])
        else:
            self._show(None)

    def current_school(self) -> str | None:
        """The code of the school whose indicators are shown."""
        index = self.schools_view.currentIndex()
        if not index.isValid():
            return None
        return str(self.schools_model.item(index.row()).school.school_code)

    def select_school(self, code: str) -> bool:
        """Show one school's indicators."""
        for row in range(self.schools_model.rowCount()):
            if self.schools_model.item(row).school.school_code == code:
                self.schools_view.selectRow(row)
                self.schools_view.scrollTo(self.schools_model.index(row, 0))
                self._show(self.schools_model.item(row))
                return True
        return False

    def verdict_of(self, code: str) -> str | None:
        """The verdict of a school (tests, status)."""
        for item in self.schools_model.items():
            if item.school.school_code == code:
                return str(item.verdict)
        return None

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._show(self.schools_model.item(indexes[0].row()))

    def _show(self, assessment: SchoolAssessment | None) -> None:
        if assessment is None or self._ruleset is None:
            self.school_title.setText("")
            self.indicators_model.set_items([])
            self.note.setText("")
            return
        self.school_title.setText(
            _("{name}（{code}）：{verdict}").format(
                name=assessment.school.name,
                code=assessment.school.school_code,
                verdict=verdict_text(assessment.verdict),
            )
        )
        self.indicators_model.set_items(list(assessment.results))
        notes = [
            text
            for text in (
                assessment.excluded_reason,
                self._ruleset.category_notes.get(assessment.school.category),
            )
            if text
        ]
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
