"""The county's (or city's) whole period as one readable workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from vetdesk.db.database import Database
from vetdesk.db.period_data import get_period, load_period_data
from vetdesk.domain.rows import PeriodData
from vetdesk.i18n import _
from vetdesk.standards.assess import VERDICT_LABELS, threshold_text
from vetdesk.validation.check import CheckReport, load_explanations, run_check
from vetdesk.workbook.atomic import WriteFailed, temp_space_errors
from vetdesk.workbook.meta import KIND_DRAFT, KIND_EXPORT, WorkbookMeta
from vetdesk.workbook.rows import Record, sheet_records
from vetdesk.workbook.schema import EXPORT_SHEETS, SheetSpec
from vetdesk.workbook.writer import (
    HEADER_FILL,
    HEADER_FONT,
    CoverLine,
    RowWriter,
    add_meta,
    new_write_only_workbook,
    save_workbook,
    shown_rows,
    standard_meta,
    write_cover,
    write_shown_sheet,
)

Progress = Callable[[int, int], None]


@dataclass
class ExportSnapshot:
    """A period's data, read once, with everything an export writes."""

    data: PeriodData
    explanations: dict[tuple[str, str, str], str]
    report: CheckReport
    records: dict[str, list[Record]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows per sheet key."""
        return {key: len(rows) for key, rows in self.records.items()}


def take_snapshot(db: Database, year: int) -> ExportSnapshot:
    """Read a period and turn it into sheet records."""
    with db.session() as session:
        period = get_period(session, year)
        data = load_period_data(session, year)
        explanations = load_explanations(session, period.id)
    report = run_check(db, year)
    # Only explanations of current warnings travel: one whose warning is gone (data fixed
    # since) or that never matched one would show the city more explanations than warnings.
    current = {f.explanation_key for f in report.warnings}
    explanations = {key: text for key, text in explanations.items() if key in current}
    snapshot = ExportSnapshot(data, explanations, report)
    for spec in EXPORT_SHEETS:
        snapshot.records[spec.key] = list(sheet_records(spec, data, explanations))
    return snapshot


def indicator_headers() -> list[str]:
    """The header row of the 核验结果 sheet."""
    return [
        _("学校标识码"),
        _("学校名称"),
        _("达标判定"),
        _("指标"),
        _("数值"),
        _("标准"),
        _("是否符合"),
        _("用途"),
        _("依据"),
    ]


def indicator_rows(report: CheckReport) -> list[list[str]]:
    """The 核验结果 sheet's data rows: every school's indicators, verdicts and sources."""
    rows = []
    for a in report.assessments:
        verdict = _(VERDICT_LABELS.get(a.verdict, a.verdict))
        for r in a.results:
            rule = r.rule
            source = report.ruleset.sources[rule.source] if rule else None
            passed = "" if r.passed is None else (_("符合") if r.passed else _("不符合"))
            purpose = (
                ""
                if rule is None
                else (_("达标指标") if rule.purpose == "compliance" else _("设置标准"))
            )
            basis = f"{source.citation()} {rule.article}" if source and rule else ""
            rows.append(
                [
                    a.school.school_code,
                    a.school.name,
                    verdict,
                    r.indicator.name,
                    r.value_text(),
                    threshold_text(r.indicator, rule) if rule else "",
                    passed,
                    purpose,
                    basis,
                ]
            )
    return rows


def write_indicator_sheet(workbook: Workbook, report: CheckReport) -> None:
    """The computed indicators and verdicts, one row per school and indicator."""
    ws = workbook.create_sheet(_("核验结果"))
    widths = [14, 28, 10, 28, 12, 12, 10, 10, 50]
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    writer = RowWriter(ws)
    header = []
    for text in indicator_headers():
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    writer.append_cells(header)
    unstyled = [""] * len(header)
    for row in indicator_rows(report):
        writer.append(row, unstyled)


def cover_lines(db: Database, snapshot: ExportSnapshot, kind: str) -> list[CoverLine]:
    """The cover sheet of an export."""
    info = db.info()
    s = snapshot.report.summary
    lines = [
        CoverLine(_("填报单位"), f"{info.unit_name}（{info.unit_code}）"),
        CoverLine(_("统计年度"), str(snapshot.data.period.year)),
        CoverLine(_("统计时点"), snapshot.data.period.statistics_date.isoformat()),
        CoverLine(_("操作员"), info.operator),
        CoverLine(_("导出时间"), dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")),
        CoverLine(
            _("规则集"), f"{snapshot.report.ruleset.ruleset_id} {snapshot.report.ruleset.version}"
        ),
        CoverLine(_("达标学校"), f"{s.schools_passing} / {s.schools_assessed}"),
    ]
    for spec in EXPORT_SHEETS:
        lines.append(
            CoverLine(
                _("{sheet}（条）").format(sheet=spec.sheet_title),
                str(len(snapshot.records[spec.key])),
            )
        )
    if kind == KIND_DRAFT:
        lines.insert(
            0,
            CoverLine(
                _("注意"), _("本文件为未签名的草稿导出，仅供备份和内部核对，不能作为正式上报包。")
            ),
        )
    return lines


def cover_title(db: Database, snapshot: ExportSnapshot, kind: str) -> str:
    """The first line of an export's cover sheet."""
    title = {KIND_DRAFT: _("VetDesk 数据导出（草稿，未签名）")}.get(kind, _("VetDesk 职业教育数据"))
    return f"{title} · {db.info().unit_name} {snapshot.data.period.year}"


def build_export_workbook(
    db: Database,
    snapshot: ExportSnapshot,
    kind: str,
    meta_values: dict[str, str],
    extra_cover: list[CoverLine] | None = None,
    progress: Progress | None = None,
    cover: list[CoverLine] | None = None,
) -> tuple[Workbook, WorkbookMeta]:
    """The workbook of an export (not yet saved)."""
    info = db.info()
    # Every value converted and checked once, before anything is written.
    shown = {spec.key: shown_rows(spec, snapshot.records[spec.key]) for spec in EXPORT_SHEETS}
    workbook = new_write_only_workbook()
    write_cover(
        workbook,
        cover_title(db, snapshot, kind),
        [*(cover if cover is not None else cover_lines(db, snapshot, kind)), *(extra_cover or [])],
    )
    specs: list[SheetSpec] = list(EXPORT_SHEETS)
    for done, spec in enumerate(specs, start=1):
        write_shown_sheet(workbook, spec, shown.pop(spec.key))
        if progress:
            progress(done, len(specs) + 1)
    write_indicator_sheet(workbook, snapshot.report)
    meta = standard_meta(
        kind,
        {
            "unit_code": info.unit_code,
            "unit_name": info.unit_name,
            "role": info.role,
            "period": str(snapshot.data.period.year),
            "statistics_date": snapshot.data.period.statistics_date.isoformat(),
            "operator": info.operator,
            **meta_values,
        },
    )
    add_meta(workbook, meta)
    if progress:
        progress(len(specs) + 1, len(specs) + 1)
    return workbook, meta


def check_target(target: Path) -> None:
    """Refuse early a target whose folder does not exist, before any work is done."""
    if not target.parent.is_dir():
        raise WriteFailed(_("保存位置不存在：{folder}").format(folder=target.parent))


def export_period(
    db: Database, year: int, target: Path, *, draft: bool = False, progress: Progress | None = None
) -> ExportSnapshot:
    """Write a period to an .xlsx file (atomically) and return what was written."""
    check_target(target)
    snapshot = take_snapshot(db, year)
    with temp_space_errors(target):
        workbook, _meta = build_export_workbook(
            db, snapshot, KIND_DRAFT if draft else KIND_EXPORT, {}, progress=progress
        )
        save_workbook(workbook, target)
    return snapshot
