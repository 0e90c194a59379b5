"""The ten-measure screens: every target with its progress, and the new domains' records.

:class:`TargetsPage` lists the targets of 东政办〔2024〕74号 with where each stands
(:func:`vetdesk.services.targets.target_progress`); for the targets measured by hand the
city enters a value with its evidence (:func:`~vetdesk.services.targets.enter_progress`).
:class:`MeasureDataPage` shows the records the computed targets are drawn from (majors,
cooperating enterprises, 1+X pilots, graduate destinations, practice bases), one
:class:`~vetdesk.ui.recordpage.RecordPage` per kind: the window adds, edits and deletes
them through the record form and the undo stack
(:mod:`vetdesk.services.measure_records`), as it does schools, teachers and trainings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.domain import enums
from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import BASE, DESTINATION, ENTERPRISE, MAJOR, MEASURE_ENTITIES, PILOT
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import ERROR_STYLE, OK_STYLE, DataPage, DbSource
from vetdesk.ui.recordpage import RecordPage, apply_widths, configure_table
from vetdesk.ui.settings import Settings
from vetdesk.ui.tablemodels import Column, RowTableModel, record_search_texts

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.domain.rows import PeriodData
    from vetdesk.services.measure_records import MeasureTables
    from vetdesk.services.records import Record
    from vetdesk.ui.notices import Notices

YearSource = Callable[[], "int | None"]


def status_label(status: str) -> str:
    """A target's status in words."""
    return {
        "done": _("已完成"),
        "on_track": _("按期推进"),
        "behind": _("滞后"),
        "open": pgettext("Targets", "未完成（文件未定期限）"),
        "missed_this_year": pgettext("Targets", "本年未达到"),
        "contribution": pgettext("Targets", "本县贡献"),
        "city_entered": pgettext("Targets", "由市局填报"),
    }.get(status, status)


STATUS_BRUSHES = {
    "done": QBrush(QColor("#e3f1e4")),
    "behind": QBrush(QColor("#fde2e1")),
    "missed_this_year": QBrush(QColor("#fde2e1")),
}


@dataclass(frozen=True)
class TargetRow:
    """One target as the table shows it."""

    target_id: str
    measure: int
    articles: str
    indicator: str
    target: str
    value: str
    status: str
    deadline: str
    lead: str
    entered: bool
    evidence: str
    entered_value: int | None
    responsible: str = ""
    alternative: str = ""
    reading: str = ""
    quote: str = ""


def target_rows(db: Database, year: int) -> tuple[str, list[TargetRow]]:
    """The title of the target set and one row per target (runs in the worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services.targets import target_progress

    target_set, progress = target_progress(db, year)
    rows = [
        TargetRow(
            p.target.id,
            p.target.measure,
            p.target.articles_text,
            p.target.label,
            p.target_text(),
            p.value_text(),
            p.status,
            p.target.deadline_text,
            "、".join(p.target.lead),
            p.entered,
            p.evidence or "",
            int(p.value) if p.entered and p.value is not None else None,
            "、".join(p.target.responsible),
            p.alternative_text(),
            p.target.reading,
            "……".join(p.target.quote),
        )
        for p in progress
    ]
    return target_set.label, rows


def target_columns() -> list[Column[TargetRow]]:
    """Columns of the target table."""
    return [
        Column(
            "measure",
            _("措施"),
            lambda r: r.measure,
            lambda r: r.articles,
            width=90,
        ),
        Column("indicator", _("指标"), lambda r: r.indicator, width=300),
        Column("target", _("目标"), lambda r: r.target, width=90),
        Column("value", _("当前值"), lambda r: r.value, width=110),
        Column("alternative", _("另一读法"), lambda r: r.alternative, width=150),
        Column("status", _("状态"), lambda r: r.status, lambda r: status_label(r.status), width=80),
        Column("deadline", pgettext("Targets", "期限"), lambda r: r.deadline, width=90),
        Column(
            "source",
            _("来源"),
            lambda r: r.entered,
            lambda r: _("手工填报") if r.entered else _("数据计算"),
            width=80,
        ),
        Column("lead", _("牵头单位"), lambda r: r.lead, width=200),
        Column("responsible", _("责任单位"), lambda r: r.responsible, width=260),
        Column("evidence", _("佐证材料"), lambda r: r.evidence, width=200),
    ]


def counts_text(rows: list[TargetRow], is_city: bool) -> str:
    """The line above the table: how many targets stand where (a county: its contribution)."""
    if not is_city:
        return _(
            "共 {n} 项。县区数据库显示本县对全市目标的贡献（本县贡献），"
            "是否完成由市局按全市数据判定；手工填报的目标由市局填报。"
        ).format(n=len(rows))
    parts = []
    for status in ("done", "on_track", "behind", "missed_this_year", "open"):
        count = sum(1 for r in rows if r.status == status)
        if count:
            parts.append(_("{status} {n} 项").format(status=status_label(status), n=count))
    return _("共 {n} 项：{parts}").format(n=len(rows), parts="，".join(parts))


class _TargetModel(RowTableModel[TargetRow]):
    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and index.isValid()
            and self.columns()[index.column()].key == "status"
        ):
            return STATUS_BRUSHES.get(self.item(index.row()).status)
        return super().data(index, role)


class TargetsPage(DataPage):
    """Every ten-measure target, its value and status; hand-entered values for the city."""

    saved = Signal(str)  # target id
    NOTICE_KINDS = frozenset(MEASURE_ENTITIES)  # the targets are computed from these records

    def __init__(self, db: DbSource, year: YearSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_targets")
        self._year = year
        self.is_city = False
        self.rows: list[TargetRow] = []
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.model = _TargetModel(target_columns(), parent=self)
        self.view = QTableView()
        self.view.setObjectName("targets")
        configure_table(self.view)
        self.view.setModel(self.model)
        apply_widths(self.view, self.model.columns())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_selected())

        self.form_box = QGroupBox(_("填报进度（手工填报的目标）"))
        self.form_box.setObjectName("entry")
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.value = QSpinBox()
        self.value.setObjectName("value")
        self.value.setRange(0, 1_000_000_000)
        self.value.setGroupSeparatorShown(True)
        self.evidence = QLineEdit()
        self.evidence.setObjectName("evidence")
        self.evidence.setPlaceholderText(_("文件名称、文号或说明，例如：海东市教育局〔2025〕12号"))
        self.save_button = QPushButton(_("保存"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(lambda: self.save())
        self.form_hint = QLabel()
        self.form_hint.setWordWrap(True)
        form = QFormLayout(self.form_box)
        form.addRow(_("目标："), self.target_label)
        form.addRow(_("数值："), self.value)
        form.addRow(_("佐证材料："), self.evidence)
        row = QHBoxLayout()
        row.addWidget(self.form_hint, 1)
        row.addWidget(self.save_button)
        form.addRow(row)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.form_box)
        self._show_selected()

    def load(self, db: Database) -> None:
        """Read the targets and their progress for the period shown."""
        year = self._year()
        self.is_city = db.info().is_city
        self.form_box.setVisible(self.is_city)
        if year is None:
            self.model.set_items([])
            self.heading.setText(_("尚无统计期。"))
            self.refreshed.emit()
            return

        def op(database: Database, _progress: Progress) -> tuple[str, list[TargetRow]]:
            return target_rows(database, year)

        def done(result: tuple[str, list[TargetRow]]) -> None:
            title, rows = result
            keep = self.selected()
            self.rows = rows
            self.model.set_items(rows)
            self.heading.setText(_("{title}（{year} 年度）").format(title=title, year=year))
            self.counts.setText(counts_text(rows, self.is_city))
            self.form_box.setVisible(self.is_city)
            if keep is not None:
                self.select(keep.target_id)
            self._show_selected()
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()

    def selected(self) -> TargetRow | None:
        """The target selected."""
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select(self, target_id: str) -> bool:
        """Select a target by id."""
        for row in range(self.model.rowCount()):
            if self.model.item(row).target_id == target_id:
                self.view.selectRow(row)
                self._show_selected()
                return True
        return False

    def _show_selected(self) -> None:
        row = self.selected()
        editable = row is not None and row.entered and self.is_city and not self.read_only
        for widget in (self.value, self.evidence, self.save_button):
            widget.setEnabled(editable)
        self.form_hint.setStyleSheet("")
        if row is None:
            self.target_label.setText(_("选择一项目标。"))
            self.form_hint.setText("")
            return
        self.target_label.setText(
            _("{articles} {indicator}（目标 {target}）").format(
                articles=row.articles, indicator=row.indicator, target=row.target
            )
            + (f"\n{row.reading}" if row.reading else "")
        )
        if not row.entered:
            self.form_hint.setText(_("此项由上报数据自动计算，无需填写。"))
        elif not self.is_city:
            self.form_hint.setText(_("此项由市局填报。"))
        else:
            self.form_hint.setText(_("填写当前完成数及佐证材料。"))
        self.value.setValue(row.entered_value or 0)
        self.evidence.setText(row.evidence)

    def save(self) -> DbOp[None] | None:
        """Record the value and evidence typed for the selected target."""
        row = self.selected()
        db = self.db
        year = self._year()
        if row is None or not row.entered or db is None or year is None or self.read_only:
            return None
        value, evidence, target_id = self.value.value(), self.evidence.text(), row.target_id

        def op(database: Database, _progress: Progress) -> None:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.targets import enter_progress

            enter_progress(database, year, target_id, value, evidence)

        def done(_result: None) -> None:
            self.form_hint.setStyleSheet(OK_STYLE)
            self.form_hint.setText(_("已保存。"))
            self.saved.emit(target_id)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.form_hint.setStyleSheet(ERROR_STYLE)
            self.form_hint.setText(interaction.error_text(exc))

        return DbOp(self, db, op).success(done).failure(failed).run()


# --- the new domains' records -------------------------------------------------------------------


def _label(enum_type: type[enums.LabelledEnum], value: str) -> str:
    member = enum_type.from_text(value) if value else None
    return member.label if member is not None else value


def _yes(value: bool) -> str:
    return "✓" if value else ""


@dataclass(frozen=True)
class Domain:
    """One of the new record kinds: its title, rows and columns."""

    key: str
    title: str
    rows: Callable[[PeriodData], tuple[Any, ...]]
    columns: Callable[[Mapping[str, str]], list[Column[Any]]]
    entity: str = ""  # the record kind edited (see vetdesk.services.entities)


def _school(names: Mapping[str, str]) -> Column[Any]:
    return Column(
        "school",
        pgettext("Targets", "学校"),
        lambda r: names.get(r.school_code, r.school_code),
        width=240,
    )


def _year(key: str, title: str) -> Column[Any]:
    """A year column, shown without a thousands separator."""

    def value(row: Any) -> object:
        return getattr(row, key)

    return Column(
        key,
        title,
        value,
        lambda r: "" if value(r) is None else str(value(r)),
        numeric=True,
        width=70,
    )


def _forms_text(value: str) -> str:
    return "、".join(_label(enums.CooperationForm, part) for part in value.split(",") if part)


def domains() -> list[Domain]:
    """The new domains, in the order of the ten measures."""
    return [
        Domain(
            "majors",
            _("专业"),
            lambda d: d.majors,
            lambda n: [
                _school(n),
                Column("major_code", _("专业代码"), lambda r: r.major_code, width=90),
                Column("name", pgettext("Targets", "专业名称"), lambda r: r.name, width=200),
                Column(
                    "status",
                    _("状态"),
                    lambda r: r.status,
                    lambda r: _label(enums.MajorStatus, r.status),
                ),
                _year("status_year", _("年份")),
                Column(
                    "brand", _("品牌专业"), lambda r: r.brand, lambda r: _yes(r.brand), width=70
                ),
                Column(
                    "double_excellent",
                    _("双优专业"),
                    lambda r: r.double_excellent,
                    lambda r: _yes(r.double_excellent),
                    width=70,
                ),
                Column(
                    "agriculture",
                    _("涉农专业"),
                    lambda r: r.agriculture,
                    lambda r: _yes(r.agriculture),
                    width=70,
                ),
                Column("enrolment", _("在校生"), lambda r: r.enrolment, numeric=True, width=70),
            ],
            MAJOR,
        ),
        Domain(
            "enterprises",
            pgettext("Targets", "合作企业"),
            lambda d: d.enterprises,
            lambda n: [
                _school(n),
                Column("name", pgettext("Targets", "企业名称"), lambda r: r.name, width=240),
                Column("credit_code", _("统一社会信用代码"), lambda r: r.credit_code, width=170),
                Column("industry", _("行业"), lambda r: r.industry, width=120),
                Column(
                    "forms",
                    _("合作形式"),
                    lambda r: r.forms,
                    lambda r: _forms_text(r.forms),
                    width=200,
                ),
                _year("since_year", _("合作起始年")),
            ],
            ENTERPRISE,
        ),
        Domain(
            "pilots",
            _("1+X 证书试点"),
            lambda d: d.pilots,
            lambda n: [
                _school(n),
                Column("certificate", _("证书名称"), lambda r: r.certificate, width=260),
                Column(
                    "level",
                    _("等级"),
                    lambda r: r.level,
                    lambda r: _label(enums.CertificateLevel, r.level),
                    width=70,
                ),
                Column("candidates", _("考核人数"), lambda r: r.candidates, numeric=True, width=80),
                Column("certified", _("取证人数"), lambda r: r.certified, numeric=True, width=80),
            ],
            PILOT,
        ),
        Domain(
            "destinations",
            _("毕业去向"),
            lambda d: d.destinations,
            lambda n: [
                _school(n),
                Column("graduates", _("毕业生"), lambda r: r.graduates, numeric=True, width=80),
                Column("employed", _("就业"), lambda r: r.employed, numeric=True, width=80),
                Column(
                    "further_study", _("升学"), lambda r: r.further_study, numeric=True, width=80
                ),
            ],
            DESTINATION,
        ),
        Domain(
            "bases",
            _("实训基地与工作室"),
            lambda d: d.bases,
            lambda n: [
                _school(n),
                Column("name", _("名称"), lambda r: r.name, width=260),
                Column(
                    "kind",
                    _("类型"),
                    lambda r: r.kind,
                    lambda r: _label(enums.BaseKind, r.kind),
                    width=150,
                ),
                Column(
                    "status",
                    _("状态"),
                    lambda r: r.status,
                    lambda r: _label(enums.BaseStatus, r.status),
                    width=90,
                ),
                _year("year", _("年份")),
            ],
            BASE,
        ),
    ]


class MeasureDataPage(DataPage):
    """The records behind the computed targets, one kind at a time, added and edited here.

    Each kind is a :class:`RecordPage` (search, school filter, 新增/修改/删除); the page
    only forwards their requests with the kind, and the window runs the form and the
    undoable command, as for schools, teachers and trainings.
    """

    add_requested = Signal(str)  # entity
    edit_requested = Signal(str, object)  # entity, Record
    delete_requested = Signal(str, object)  # entity, Record
    paste_requested = Signal(str)  # entity

    def __init__(
        self,
        db: DbSource,
        year: YearSource,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_measure_data")
        self._year = year
        self._domains = domains()
        self.tables: MeasureTables | None = None
        self.names: dict[str, str] = {}
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.stack = QStackedWidget()
        self.pages: dict[str, RecordPage] = {}
        for domain in self._domains:
            self.kind.addItem(domain.title, domain.key)
            page = RecordPage(domain.entity, settings, columns=domain.columns)
            page.add_requested.connect(partial(self.add_requested.emit, domain.entity))
            page.edit_requested.connect(partial(self.edit_requested.emit, domain.entity))
            page.delete_requested.connect(partial(self.delete_requested.emit, domain.entity))
            page.paste_requested.connect(partial(self.paste_requested.emit, domain.entity))
            self.pages[domain.entity] = page
            self.stack.addWidget(page)
        self.kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        top = QHBoxLayout()
        label = QLabel(_("数据类别(&K)："))
        label.setBuddy(self.kind)
        top.addWidget(label)
        top.addWidget(self.kind)
        top.addStretch(1)
        note = QLabel(
            _(
                "这些数据可在此逐条新增、修改和删除，也可随学校填报表导入（专业、合作企业、"
                "1+X 证书试点、毕业去向、实训基地工作表）；目标任务页的计算值来自这里。"
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(note)

    @property
    def current_page(self) -> RecordPage:
        """The record page of the kind shown."""
        return self.pages[self._domains[max(0, self.kind.currentIndex())].entity]

    @property
    def model(self) -> RowTableModel[Record[Any]]:
        """The table model of the kind shown."""
        return self.current_page.model

    def current_entity(self) -> str:
        """The kind shown (see :mod:`vetdesk.services.entities`)."""
        return self.current_page.entity

    def subscribe(self, notices: Notices) -> None:
        """Follow change notices, and let each kind's table follow them (edits, row marks)."""
        super().subscribe(notices)
        for page in self.pages.values():
            page.subscribe(notices)

    def load(self, db: Database) -> None:
        """Read the period's records with their ids."""
        year = self._year()
        if year is None:
            self.tables = None
            for page in self.pages.values():
                page.set_records((), {}, ())
            self.refreshed.emit()
            return

        columns = {domain.entity: domain.columns for domain in self._domains}

        def op(
            database: Database, _progress: Progress
        ) -> tuple[MeasureTables, dict[str, list[str]]]:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.measure_records import load_measure_tables

            tables = load_measure_tables(database, year)
            names = tables.names()
            search = {
                entity: record_search_texts(
                    entity, tables.records.get(entity, ()), names, columns[entity]
                )
                for entity in columns
            }
            return tables, search

        def done(result: tuple[MeasureTables, dict[str, list[str]]]) -> None:
            tables, search = result
            self.tables = tables
            self.names = tables.names()
            schools = [(code, name) for code, name, active in tables.schools if active]
            for entity, page in self.pages.items():
                page.set_records(
                    tables.records.get(entity, ()), self.names, schools, search.get(entity)
                )
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()

    def show_kind(self, key: str) -> None:
        """Show one kind of record (by its key, e.g. "majors", or its entity, "major")."""
        for index, domain in enumerate(self._domains):
            if key in (domain.key, domain.entity):
                self.kind.setCurrentIndex(index)
                return
