"""Reading the audit log: list, filter and export its entries (Qt-free).

The entries are written by :mod:`vetdesk.db.audit`, already masked (身份证号 show only
their first six and last four characters), so nothing here masks again. Listing is
capped (the GUI shows the newest entries that match); exports stream every matching
entry in the order they were written, so a long log never sits in memory twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from vetdesk.db import models
from vetdesk.db.audit import verify_chain
from vetdesk.db.database import Database
from vetdesk.domain.fields import field_label
from vetdesk.i18n import N_, _
from vetdesk.workbook.atomic import write_atomically
from vetdesk.workbook.schema import ALL_SHEETS

Progress = Callable[[int, int], None]

DEFAULT_LIMIT = 5000
# Exports write this many rows per query, so a long log is never loaded at once.
_BATCH = 2000
# Excel's limit for one cell; longer text is cut with a visible note, never silently.
_MAX_CELL = 32_767
# Text starting with these is a formula to Excel, LibreOffice and WPS (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_TABLE_LABELS = {
    "database_info": N_("数据库信息"),
    "periods": N_("统计期"),
    "schools": N_("学校"),
    "school_conditions": N_("办学条件"),
    "teachers": N_("教师"),
    "enterprise_practices": N_("企业实践"),
    "training_programmes": N_("培训项目"),
    "warning_explanations": N_("警告说明"),
    "rule_sets": N_("标准规则集"),
    "signing_keys": N_("本单位签名密钥"),
    "trusted_keys": N_("已登记的公钥"),
    "package_exports": N_("上报包导出"),
    "package_ledger": N_("上报包接收记录"),
    "package_rejections": N_("退回的上报包"),
    "task_imports": N_("任务包导入"),
    "task_issues": N_("任务包下发"),
    "majors": N_("专业"),
    "cooperating_enterprises": N_("合作企业"),
    "certificate_pilots": N_("1+X 证书试点"),
    "graduate_destinations": N_("毕业生去向"),
    "training_bases": N_("实训基地"),
    "target_progress": N_("目标进展"),
    "*": N_("整个数据库"),
}
# Tables whose fields have labels in vetdesk.domain.fields, by the entity that names them.
_ENTITY_OF_TABLE = {
    "schools": "school",
    "school_conditions": "condition",
    "teachers": "teacher",
    "enterprise_practices": "practice",
    "training_programmes": "training",
}
_SHEET_OF_TABLE = {
    "majors": "majors",
    "cooperating_enterprises": "enterprises",
    "certificate_pilots": "pilots",
    "graduate_destinations": "destinations",
    "training_bases": "bases",
}
_ACTION_LABELS = {
    "insert": N_("新增"),
    "update": N_("修改"),
    "delete": N_("删除"),
    "demo": N_("生成演示数据"),
}


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as plain values."""

    id: int
    at: dt.datetime
    operator: str
    action: str
    table_name: str
    record_key: str
    field: str
    old_value: str | None
    new_value: str | None
    entry_hash: str

    @property
    def action_label(self) -> str:
        """The action in words."""
        return action_label(self.action)

    @property
    def table_label(self) -> str:
        """The table in words."""
        return table_label(self.table_name)

    @property
    def field_label(self) -> str:
        """The field in words (empty for whole-record inserts and deletes)."""
        return audit_field_label(self.table_name, self.field)

    @property
    def old_text(self) -> str:
        """The old value for people (a whole record as 字段：值 pairs)."""
        return readable_value(self.table_name, self.old_value)

    @property
    def new_text(self) -> str:
        """The new value for people (a whole record as 字段：值 pairs)."""
        return readable_value(self.table_name, self.new_value)


def readable_value(table: str, value: str | None) -> str:
    """An audited value as people read it: records stored as JSON become 字段：值 pairs."""
    if not value:
        return ""
    if not value.startswith("{"):
        return _yes_no(value)
    try:
        record = json.loads(value)
    except ValueError:
        return value
    if not isinstance(record, dict):
        return value
    parts = []
    for key, item in record.items():
        if item is None or item == "":
            continue
        parts.append(f"{audit_field_label(table, str(key))}：{_yes_no(str(item))}")
    return "；".join(parts)


def _yes_no(text: str) -> str:
    return {"True": _("是"), "False": _("否")}.get(text, text)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show; every criterion left empty matches everything."""

    table: str | None = None
    operator: str | None = None
    action: str | None = None
    text: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions of this filter."""
        entry = models.AuditEntry
        found: list[ColumnElement[bool]] = []
        if self.table:
            found.append(entry.table_name == self.table)
        if self.operator is not None:
            found.append(entry.operator == self.operator)
        if self.action:
            found.append(entry.action == self.action)
        text = self.text.strip()
        if text:
            # LIKE with an escape, so that % and _ typed by a person are taken literally.
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            found.append(
                or_(
                    entry.record_key.like(pattern, escape="\\"),
                    entry.old_value.like(pattern, escape="\\"),
                    entry.new_value.like(pattern, escape="\\"),
                    entry.field.like(pattern, escape="\\"),
                )
            )
        if self.since is not None:
            found.append(entry.at >= dt.datetime.combine(self.since, dt.time.min))
        if self.until is not None:
            found.append(
                entry.at < dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min)
            )
        return found


@dataclass(frozen=True)
class AuditFacets:
    """What the filters can choose from: the tables and operators that occur in the log."""

    tables: tuple[str, ...]
    operators: tuple[str, ...]
    actions: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class AuditListing:
    """The newest entries matching a filter, and how many match in all."""

    rows: tuple[AuditRow, ...]
    matching: int

    @property
    def truncated(self) -> bool:
        """Whether more entries match than are listed."""
        return self.matching > len(self.rows)


def table_label(table: str) -> str:
    """A table name in words (unknown tables are shown as they are)."""
    label = _TABLE_LABELS.get(table)
    return _(label) if label else table


def action_label(action: str) -> str:
    """An action code in words."""
    label = _ACTION_LABELS.get(action)
    return _(label) if label else action


def audit_field_label(table: str, field: str) -> str:
    """A field of an audited table in words, where VetDesk has a label for it."""
    entity = _ENTITY_OF_TABLE.get(table)
    if field and entity is None and table in _SHEET_OF_TABLE:
        # The ten-measure tables are named by their exchange sheet's column headers.

        spec = ALL_SHEETS[_SHEET_OF_TABLE[table]]
        column = next((c for c in spec.columns if c.key == field), None)
        return _(column.header) if column is not None else field
    if not field or entity is None:
        return field
    return field_label(entity, field)


def _row(entry: models.AuditEntry) -> AuditRow:
    return AuditRow(
        entry.id,
        entry.at,
        entry.operator,
        entry.action,
        entry.table_name,
        entry.record_key,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.entry_hash,
    )


def _filtered(flt: AuditFilter) -> Select[models.AuditEntry]:
    conditions = flt.conditions()
    stmt = select(models.AuditEntry)
    return stmt.where(and_(*conditions)) if conditions else stmt


def audit_facets(db: Database) -> AuditFacets:
    """The tables, operators and actions present in the log, and its size."""
    entry = models.AuditEntry
    with db.session() as session:
        tables = tuple(
            session.scalars(select(entry.table_name).distinct().order_by(entry.table_name))
        )
        operators = tuple(
            session.scalars(select(entry.operator).distinct().order_by(entry.operator))
        )
        actions = tuple(session.scalars(select(entry.action).distinct().order_by(entry.action)))
        total = session.scalar(select(func.count()).select_from(entry)) or 0
    return AuditFacets(tables, operators, actions, total)


def list_audit_entries(
    db: Database, flt: AuditFilter | None = None, *, limit: int | None = DEFAULT_LIMIT
) -> AuditListing:
    """The newest entries matching a filter (at most ``limit``), newest first."""
    flt = flt or AuditFilter()
    stmt = _filtered(flt).order_by(models.AuditEntry.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as session:
        rows = tuple(_row(e) for e in session.scalars(stmt))
        matching = session.scalar(_count(flt)) or 0
    return AuditListing(rows, matching)


def _count(flt: AuditFilter) -> Select[int]:
    conditions = flt.conditions()
    count = select(func.count()).select_from(models.AuditEntry)
    return count.where(and_(*conditions)) if conditions else count


def count_audit_entries(db: Database, flt: AuditFilter | None = None) -> int:
    """How many entries match a filter."""
    with db.session() as session:
        return session.scalar(_count(flt or AuditFilter())) or 0


def iter_audit_entries(db: Database, flt: AuditFilter | None = None) -> Iterator[AuditRow]:
    """Every entry matching a filter, oldest first, read in batches."""
    flt = flt or AuditFilter()
    last_id = 0
    while True:
        stmt = (
            _filtered(flt)
            .where(models.AuditEntry.id > last_id)
            .order_by(models.AuditEntry.id)
            .limit(_BATCH)
        )
        with db.session() as session:
            batch = [_row(e) for e in session.scalars(stmt)]
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def verify_audit_chain(db: Database) -> int | None:
    """The id of the first entry whose hash does not match, or None if the chain is intact."""
    with db.session() as session:
        return verify_chain(session)


def export_headers() -> list[str]:
    """The column titles of an audit export, in the current language."""
    return [
        _("序号"),
        _("时间"),
        _("操作员"),
        _("操作类型"),
        _("数据表"),
        _("记录"),
        _("字段"),
        _("原值"),
        _("新值"),
        _("条目哈希"),
    ]


def _cells(row: AuditRow) -> list[str | int]:
    return [
        row.id,
        row.at.isoformat(sep=" "),
        row.operator,
        row.action_label,
        row.table_label,
        row.record_key,
        row.field_label,
        row.old_value or "",
        row.new_value or "",
        row.entry_hash,
    ]


def _fit(text: str) -> str:
    if len(text) <= _MAX_CELL:
        return text
    note = _("…（已截断，共 {n} 个字符）").format(n=len(text))
    return text[: _MAX_CELL - len(note)] + note


def _csv_safe(value: str | int) -> str | int:
    # A quote in front keeps Excel from running text as a formula (OWASP "CSV injection").
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_audit_csv(
    db: Database, flt: AuditFilter | None, target: Path, *, progress: Progress | None = None
) -> int:
    """Write the matching entries to a CSV file (UTF-8 with BOM, for Excel); return how many."""
    total = count_audit_entries(db, flt)
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        # The BOM tells Excel the file is UTF-8; without it Chinese opens as mojibake.
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(export_headers())
            for row in iter_audit_entries(db, flt):
                out.writerow([_csv_safe(v) for v in _cells(row)])
                written += 1
                if progress is not None and written % 500 == 0:
                    progress(written, total)

    write_atomically(target, write)
    if progress is not None:
        progress(written, max(total, written))
    return written


def export_audit_xlsx(
    db: Database, flt: AuditFilter | None, target: Path, *, progress: Progress | None = None
) -> int:
    """Write the matching entries to an .xlsx workbook; return how many."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    total = count_audit_entries(db, flt)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("审计日志"))
    for letter, width in zip("ABCDEFGHIJ", (8, 20, 12, 8, 14, 40, 20, 40, 40, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for title in export_headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in iter_audit_entries(db, flt):
        cells = []
        for value in _cells(row):
            if isinstance(value, str):
                # Stored as text, never as a formula; control characters cannot go into
                # an .xlsx cell at all, so they are shown as U+FFFD.
                cell = WriteOnlyCell(sheet, value=_fit(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)))
                cell.data_type = "s"
                if value.startswith(_FORMULA_START):
                    cell.quotePrefix = True
            else:
                cell = WriteOnlyCell(sheet, value=value)
            cells.append(cell)
        sheet.append(cells)
        written += 1
        if progress is not None and written % 500 == 0:
            progress(written, total)
    write_atomically(target, lambda tmp: workbook.save(tmp))
    if progress is not None:
        progress(written, max(total, written))
    return written
