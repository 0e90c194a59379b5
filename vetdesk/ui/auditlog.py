"""The audit log page: who changed what and when, filtered, exported, its chain checked.

Queries run in the background through :mod:`vetdesk.services.audit_log`; the page shows
the newest matching entries (up to :data:`~vetdesk.services.audit_log.DEFAULT_LIMIT`) and
exports every matching one. 身份证号 are masked in the log itself, before they are stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, pgettext
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import DataPage, DbSource, documents_folder
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.services.audit_log import AuditFacets, AuditFilter, AuditListing, AuditRow

SEARCH_DELAY_MS = 300
# The earliest date offered; the date edits show it as "不限" (no limit).
NO_DATE = QDate(2000, 1, 1)


def audit_columns() -> list[Column[AuditRow]]:
    """The columns of the audit table."""
    return [
        Column(
            "at",
            _("时间"),
            lambda r: r.at,
            lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"),
            width=150,
        ),
        Column("operator", _("操作员"), lambda r: r.operator, width=90),
        Column(
            "action",
            pgettext("AuditPage", "操作"),
            lambda r: r.action,
            lambda r: r.action_label,
            width=70,
        ),
        Column("table", _("数据表"), lambda r: r.table_name, lambda r: r.table_label, width=100),
        Column("record", _("记录"), lambda r: r.record_key, width=260),
        Column("field", _("字段"), lambda r: r.field, lambda r: r.field_label, width=120),
        Column("old", _("原值"), lambda r: r.old_value or "", lambda r: r.old_text, width=160),
        Column("new", _("新值"), lambda r: r.new_value or "", lambda r: r.new_text, width=260),
    ]


class AuditPage(DataPage):
    """Every change to the data, newest first, with filters and export."""

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_audit")
        self.facets: AuditFacets | None = None
        self.listing: AuditListing | None = None
        self._generation = 0
        self.table_filter = QComboBox()
        self.table_filter.setObjectName("table_filter")
        self.operator_filter = QComboBox()
        self.operator_filter.setObjectName("operator_filter")
        self.action_filter = QComboBox()
        self.action_filter.setObjectName("action_filter")
        self.since = self._date_edit("since")
        self.until = self._date_edit("until")
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("搜索记录、字段或值"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.table_filter, self.operator_filter, self.action_filter):
            combo.activated.connect(lambda _i: self.apply_filters())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        filters = QHBoxLayout()
        for label, widget in (
            (_("数据表："), self.table_filter),
            (_("操作员："), self.operator_filter),
            (_("操作："), self.action_filter),
            (_("从："), self.since),
            (_("到："), self.until),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        self.model: RowTableModel[AuditRow] = RowTableModel(audit_columns(), parent=self)
        self.view = QTableView()
        self.view.setObjectName("audit")
        configure_table(self.view)
        self.view.setModel(self.model)
        apply_widths(self.view, self.model.columns())
        self.view.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.export_button = QPushButton(_("导出…"))
        self.export_button.setToolTip(_("导出符合筛选条件的全部条目（CSV 或 Excel）"))
        self.export_button.clicked.connect(lambda: self.export())
        self.verify_button = QPushButton(_("校验日志完整性"))
        self.verify_button.setToolTip(_("每条日志都与前一条以哈希相连；事后改动任何一条都会被发现"))
        self.verify_button.clicked.connect(self.verify_chain)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self._fill_combos(None)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(_("不限"))
        edit.setDate(NO_DATE)
        return edit

    # --- filters --------------------------------------------------------------------------------

    def _fill_combos(self, facets: AuditFacets | None) -> None:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.services.audit_log import action_label, table_label

        keep = (
            self.table_filter.currentData(),
            self.operator_filter.currentData(),
            self.action_filter.currentData(),
        )
        combos = (self.table_filter, self.operator_filter, self.action_filter)
        for combo in combos:
            combo.clear()
            combo.addItem(_("全部"), None)
        if facets is not None:
            for table in facets.tables:
                self.table_filter.addItem(table_label(table), table)
            for operator in facets.operators:
                self.operator_filter.addItem(operator or _("（未记录）"), operator)
            for action in facets.actions:
                self.action_filter.addItem(action_label(action), action)
        for combo, value in zip(combos, keep, strict=True):
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))

    def set_filters(
        self,
        *,
        table: str | None = None,
        operator: str | None = None,
        action: str | None = None,
        text: str = "",
    ) -> DbOp[AuditListing] | None:
        """Choose filters (as a person would) and query."""
        for combo, value in (
            (self.table_filter, table),
            (self.operator_filter, operator),
            (self.action_filter, action),
        ):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        return self.apply_filters()

    def current_filter(self) -> AuditFilter:
        """The filter the widgets describe."""
        # Local: the core loads on first use, not at start-up.
        from vetdesk.services.audit_log import AuditFilter

        def day(edit: QDateEdit) -> dt.date | None:
            value = edit.date()
            return None if value == NO_DATE else dt.date(value.year(), value.month(), value.day())

        return AuditFilter(
            table=self.table_filter.currentData(),
            operator=self.operator_filter.currentData(),
            action=self.action_filter.currentData(),
            text=self.search.text(),
            since=day(self.since),
            until=day(self.until),
        )

    # --- loading --------------------------------------------------------------------------------

    def load(self, db: Database) -> None:
        """Read the filter choices, then the entries."""

        def op(database: Database, _progress: Progress) -> AuditFacets:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.audit_log import audit_facets

            return audit_facets(database)

        def done(facets: AuditFacets) -> None:
            self.facets = facets
            self._fill_combos(facets)
            self.apply_filters()

        DbOp(self, db, op).success(done).run()

    def apply_filters(self) -> DbOp[AuditListing] | None:
        """Query the entries matching the filters in the background."""
        db = self.db
        if db is None:
            return None
        self._search_timer.stop()
        flt = self.current_filter()
        self._generation += 1
        generation = self._generation

        def op(database: Database, _progress: Progress) -> AuditListing:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.audit_log import list_audit_entries

            return list_audit_entries(database, flt)

        def done(listing: AuditListing) -> None:
            # Only the answer to the newest filter counts when filters change quickly.
            if generation != self._generation:
                return
            self.listing = listing
            self.model.set_items(listing.rows)
            total = self.facets.total if self.facets else listing.matching
            text = _("共 {total} 条，符合条件 {matching} 条").format(
                total=total, matching=listing.matching
            )
            if listing.truncated:
                text += _("，显示最新的 {shown} 条（导出包含全部）").format(shown=len(listing.rows))
            self.count_label.setText(text)
            self.refreshed.emit()

        return DbOp(self, db, op).success(done).run()

    # --- export and verification ----------------------------------------------------------------

    def export(self, target: Path | None = None) -> DbOp[int] | None:
        """Export the matching entries; .csv or .xlsx by the file name chosen."""
        db = self.db
        if db is None:
            return None
        if target is None:
            start = documents_folder() / _("审计日志-{date}.xlsx").format(
                date=dt.date.today().isoformat()
            )
            target = interaction.save_file(
                self,
                _("导出审计日志"),
                start,
                _("Excel 工作簿 (*.xlsx);;CSV 文本 (*.csv)"),
            )
            if target is None:
                return None
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_suffix(".xlsx")
        chosen, flt = target, self.current_filter()

        def op(database: Database, progress: Progress) -> int:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.audit_log import export_audit_csv, export_audit_xlsx

            def report(done: int, total: int) -> None:
                progress.update(done, total)
                progress.check()  # the file is written atomically: cancelling leaves none

            writer = export_audit_csv if chosen.suffix.lower() == ".csv" else export_audit_xlsx
            return writer(database, flt, chosen, progress=report)

        def done(count: int) -> None:
            interaction.inform(
                self,
                _("导出审计日志"),
                _("已导出 {n} 条审计日志到\n{path}").format(n=count, path=chosen),
            )

        return (
            DbOp(self, db, op, label=_("正在导出审计日志…"), cancellable=True).success(done).run()
        )

    def verify_chain(self) -> DbOp[int | None] | None:
        """Check the hash chain of the whole log and say whether it is intact."""
        db = self.db
        if db is None:
            return None

        def op(database: Database, _progress: Progress) -> int | None:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.audit_log import verify_audit_chain

            return verify_audit_chain(database)

        def done(broken: int | None) -> None:
            if broken is None:
                interaction.inform(self, _("审计日志"), _("审计日志完整：所有条目的哈希链都吻合。"))
            else:
                interaction.warn(
                    self,
                    _("审计日志"),
                    _(
                        "审计日志第 {id} 条与哈希链不符：该条或其之前的记录在写入后被改动过。"
                        "请保留数据库文件并报告。"
                    ).format(id=broken),
                )

        return DbOp(self, db, op, label=_("正在校验审计日志…")).success(done).run()
