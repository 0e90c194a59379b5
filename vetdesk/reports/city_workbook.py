"""The merged city workbook: every county's data, a summary sheet per county and a city total.

The data sheets, cover, indicator sheet and hidden metadata are the exchange export's own
(:func:`vetdesk.workbook.export.build_export_workbook`), so they read and re-import like
any export. This module adds, right after the cover, the city total sheet and one summary
sheet per county (schools, 达标 count and rate against the target, teachers, 双师型
share, training by target group and category), with the summary charts as PNG images.
Numbers are written as numbers (shares as fractions formatted as percentages), text
through the exchange writer's safe cells. The file is written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from vetdesk.db.database import Database
from vetdesk.domain.enums import SchoolLevel
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError
from vetdesk.i18n import N_, _
from vetdesk.packages.merge import status_board
from vetdesk.reports import charts
from vetdesk.reports.summary import (
    PackageRecord,
    ReportSummary,
    SchoolLine,
    TrainingTotals,
    UnitRow,
    category_label,
    group_label,
    summary_from_check,
    unit_name,
)
from vetdesk.standards.assess import VERDICT_LABELS
from vetdesk.workbook.export import build_export_workbook, check_target, take_snapshot
from vetdesk.workbook.meta import KIND_EXPORT
from vetdesk.workbook.schema import Column, Kind
from vetdesk.workbook.writer import (
    HEADER_FILL,
    CoverLine,
    discard_workbook,
    make_cell,
    save_workbook,
)

Progress = Callable[[int, int], None]

PERCENT_FORMAT = "0.0%"
IMAGE_DPI = 96  # one image pixel per screen pixel in Excel at 100 %
ROW_PIXELS = 20  # default row height (15 pt) in pixels
TOTAL_SHEET = N_("全市汇总")


@dataclass(frozen=True)
class CityWorkbookResult:
    """What was written: the file, the figures it shows, its summary sheets and images."""

    path: Path
    summary: ReportSummary
    summary_sheets: tuple[str, ...]
    images: int


class _SheetWriter:
    """Appends labelled blocks to a write-only sheet and remembers where images go."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.styles import Font

        self.ws = ws
        self.row = 0
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.images: list[tuple[bytes, str]] = []

    def _text(self, value: str, where: str, *, bold: bool = False) -> Any:

        # The exchange writer's cell: text stays text (no formulas), refused if unsafe.
        cell = make_cell(self.ws, Column("text", "", Kind.TEXT), value, where)
        if bold:
            cell.font = self.bold
        return cell

    def _number(self, value: int | Fraction | None, *, percent: bool = False) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if value is None:
            return WriteOnlyCell(self.ws, value=None)
        cell = WriteOnlyCell(self.ws, value=float(value) if percent else int(value))
        cell.number_format = PERCENT_FORMAT if percent else "#,##0"
        return cell

    def append(self, cells: Sequence[Any]) -> None:
        """Append one row of prepared cells."""
        self.ws.append(list(cells))
        self.row += 1

    def blank(self) -> None:
        """An empty row."""
        self.append([])

    def title(self, text: str) -> None:
        """The sheet's title line."""
        cell = self._text(text, text)
        cell.font = self.title_font
        self.append([cell])
        self.blank()

    def heading(self, text: str) -> None:
        """A block heading."""
        self.append([self._text(text, text, bold=True)])

    def header(self, texts: Sequence[str]) -> None:
        """A table header row."""
        cells = []
        for text in texts:
            cell = self._text(text, text, bold=True)
            cell.fill = HEADER_FILL
            cells.append(cell)
        self.append(cells)

    def values(self, values: Sequence[Any], where: str, *, bold: bool = False) -> None:
        """A row of text, whole numbers and shares (Fractions, shown as percentages)."""
        cells = []
        for value in values:
            if isinstance(value, str):
                cells.append(self._text(value, where, bold=bold))
            elif isinstance(value, Fraction):
                cells.append(self._number(value, percent=True))
            else:
                cells.append(self._number(value))
                if bold:
                    cells[-1].font = self.bold
        self.append(cells)

    def image(self, png: bytes, anchor: str) -> None:
        """Queue a PNG image for a cell anchor (added when the sheet is complete)."""
        self.images.append((png, anchor))

    def place_images(self) -> int:
        """Add the queued images to the sheet; return how many."""
        from openpyxl.drawing.image import Image

        for png, anchor in self.images:
            self.ws.add_image(Image(io.BytesIO(png)), anchor)
        return len(self.images)


def _png(fig: Any) -> tuple[bytes, int]:
    """PNG bytes of a chart and its height in rows of the sheet."""
    png = charts.figure_png_bytes(fig, dpi=IMAGE_DPI)
    rows = int(fig.get_figheight() * IMAGE_DPI / ROW_PIXELS) + 2
    fig.clear()
    return png, rows


def _met(value: bool | None) -> str:
    return {True: _("是"), False: _("否"), None: "—"}[value]


def _unit_block(w: _SheetWriter, row: UnitRow) -> None:
    where = _("汇总表“{unit}”").format(unit=row.unit_name)
    target_date = row.target_date.isoformat() if row.target_date else "—"
    lines: list[tuple[str, Any]] = [
        (_("学校数"), row.schools),
        (_("参评学校"), row.assessed),
        (_("达标学校"), row.passing),
        (_("不达标学校"), row.failing),
        (_("数据不全学校"), row.incomplete),
        (_("达标率"), row.rate),
        (_("达标目标"), row.target_share),
        (_("目标期限"), target_date),
        (_("达到目标"), _met(row.meets_target)),
        (_("专任教师"), row.full_time_teachers),
        (_("专业课教师（含实习指导教师）"), row.specialty_teachers),
        (_("“双师型”教师"), row.double_qualified),
        (_("“双师型”教师占专业课教师比例"), row.double_share),
    ]
    w.heading(_("办学条件达标与师资"))
    for label, value in lines:
        w.values([label, value], where)
    w.blank()


def _training_block(
    w: _SheetWriter, title: str, first: str, items: dict[str, TrainingTotals], total: TrainingTotals
) -> None:
    w.heading(title)
    w.header([first, _("项目数"), _("参训人次"), _("结业人数"), _("取证人数")])
    for label, t in items.items():
        w.values([label, t.programmes, t.participants, t.completed, t.certified], title)
    w.values(
        [_("合计"), total.programmes, total.participants, total.completed, total.certified],
        title,
        bold=True,
    )
    w.blank()


def _trainings(w: _SheetWriter, row: UnitRow) -> None:
    total = row.training_total
    _training_block(
        w,
        _("培训（按培训对象）"),
        _("培训对象"),
        {group_label(g): t for g, t in row.training_by_group.items()},
        total,
    )
    _training_block(
        w,
        _("培训（按类别）"),
        _("培训类别"),
        {category_label(c): t for c, t in row.training_by_category.items()},
        total,
    )


def _level_label(value: str) -> str:
    member = SchoolLevel.from_text(value)
    return member.label if member else value


def _schools_block(w: _SheetWriter, schools: Sequence[SchoolLine]) -> None:
    w.heading(_("学校"))
    w.header(
        [
            _("学校名称"),
            _("学校标识码"),
            _("办学层次"),
            _("达标判定"),
            _("专任教师"),
            _("专业课教师"),
            _("“双师型”教师"),
            _("“双师型”占比"),
            _("未达标指标"),
        ]
    )
    for s in schools:
        w.values(
            [
                s.school_name,
                s.school_code,
                _level_label(s.level),
                _(VERDICT_LABELS.get(s.verdict, s.verdict)),
                s.full_time_teachers,
                s.specialty_teachers,
                s.double_qualified,
                s.double_share,
                "、".join(s.failing),
            ],
            _("学校“{name}”").format(name=s.school_name),
        )
    w.blank()


def _prepare(ws: Any, widths: Sequence[float]) -> None:
    """Column widths and a print set-up that keeps tables and charts on A4 (one page wide)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed


def _county_sheet(
    workbook: Any, summary: ReportSummary, row: UnitRow, index: int
) -> tuple[str, int]:
    title = _("汇总-{unit}").format(unit=row.unit_name)[:31]
    ws = workbook.create_sheet(title, index)
    _prepare(ws, [34, 14, 10, 10, 10, 11, 12, 12, 44])
    w = _SheetWriter(ws)
    w.title(_("{unit} {year} 年度汇总").format(unit=row.unit_name, year=summary.year))
    _unit_block(w, row)
    _trainings(w, row)
    schools = [s for s in summary.schools if s.county_code == row.unit_code]
    _schools_block(w, schools)
    # Charts of this unit's schools, under the tables (one page wide in print).
    anchor_row = w.row + 1
    shares = [s for s in summary.double_shares if s.county_code == row.unit_code]
    png, rows = _png(charts.double_teacher_share(shares, summary.double_threshold))
    w.image(png, f"A{anchor_row}")
    anchor_row += rows
    gaps = [g for g in summary.gaps if g.county_code == row.unit_code]
    if gaps:
        png, rows = _png(charts.failing_indicators(gaps))
        w.image(png, f"A{anchor_row}")
    return title, w.place_images()


def _total_sheet(
    workbook: Any, summary: ReportSummary, index: int, sources: dict[str, str]
) -> tuple[str, int]:
    title = _(TOTAL_SHEET)
    ws = workbook.create_sheet(title, index)
    _prepare(ws, [22, 8, 8, 8, 9, 8, 9, 9, 11, 11, 11, 9, 10, 10, 10, 30])
    w = _SheetWriter(ws)
    w.title(
        _("{unit} {year} 年度汇总（全市合计）").format(unit=summary.unit_name, year=summary.year)
    )
    w.heading(_("各单位汇总"))
    w.header(
        [
            _("单位"),
            _("学校数"),
            _("参评学校"),
            _("达标学校"),
            _("达标率"),
            _("达标目标"),
            _("达到目标"),
            _("专任教师"),
            _("专业课教师"),
            _("“双师型”教师"),
            _("“双师型”占比"),
            _("培训项目"),
            _("参训人次"),
            _("结业人数"),
            _("取证人数"),
            _("数据来源"),
        ]
    )
    for row in [*summary.units, summary.total]:
        t = row.training_total
        w.values(
            [
                row.unit_name,
                row.schools,
                row.assessed,
                row.passing,
                row.rate,
                row.target_share,
                _met(row.meets_target),
                row.full_time_teachers,
                row.specialty_teachers,
                row.double_qualified,
                row.double_share,
                t.programmes,
                t.participants,
                t.completed,
                t.certified,
                sources.get(row.unit_code, ""),
            ],
            _("汇总表“{unit}”").format(unit=row.unit_name),
            bold=row.is_total,
        )
    w.blank()
    _trainings(w, summary.total)
    w.blank()
    anchor_row = w.row + 1
    for fig in (
        charts.compliance_by_county(summary.units, summary.total),
        charts.training_participants(summary.total),
        charts.trend(summary.trend, summary.double_threshold),
    ):
        png, rows = _png(fig)
        w.image(png, f"A{anchor_row}")
        anchor_row += rows
    return title, w.place_images()


def data_sources(db: Database, year: int) -> dict[str, str]:
    """Where each county's figures come from: its accepted package, or that none was."""
    sources: dict[str, str] = {}
    board = status_board(db, year)
    for status in board:
        if status.submitted:
            text = _("第 {seq} 号上报包").format(seq=status.seq)
        else:
            text = _("未接收上报包：为市局库中原有数据，未经县区上报")
        if status.rejected_at is not None:
            text += _("；第 {seq} 号包已退回（{reason}）").format(
                seq=status.rejected_seq or "?", reason=status.rejected_reason
            )
        sources[status.unit_code] = text
    missing = sum(not s.submitted for s in board)
    sources[load_units().city.code] = (
        _("含 {n} 个未接收上报包的县区").format(n=missing) if missing else _("全部县区已上报")
    )
    return sources


def _package_lines(packages: Sequence[PackageRecord]) -> list[Any]:

    received = {p.unit_code: p for p in packages}
    lines = []
    for county in load_units().counties:
        record = received.get(county.code)
        label = _("{unit}上报包").format(unit=unit_name(county.code))
        if record is None:
            lines.append(CoverLine(label, _("未接收")))
            continue
        lines.append(
            CoverLine(
                label,
                _("第 {seq} 号 · 接收于 {at} · 密钥指纹 {fp} · SHA-256 {sha}").format(
                    seq=record.seq,
                    at=record.at.isoformat(sep=" "),
                    fp=record.key_fingerprint or "—",
                    sha=record.manifest_sha256,
                ),
            )
        )
    return lines


def write_city_workbook(
    db: Database, year: int, target: Path, *, progress: Progress | None = None
) -> CityWorkbookResult:
    """Write the merged city workbook of a period (city databases only), atomically."""
    if not db.info().is_city:
        raise UsageError(
            _("合并工作簿只能由市级数据库生成；县区请用 vetdesk export 导出本单位数据。")
        )
    check_target(target)
    snapshot = take_snapshot(db, year)
    # The snapshot's own check: the summary and the data sheets describe the same reading.
    summary = summary_from_check(db, snapshot.report, snapshot.data)
    workbook, _meta = build_export_workbook(
        db,
        snapshot,
        KIND_EXPORT,
        {"content": "city_workbook"},
        extra_cover=_package_lines(summary.packages),
        progress=progress,
    )
    try:
        sheets = []
        images = 0
        # Summary sheets go right after the cover (index 0), the city total first.
        name, count = _total_sheet(workbook, summary, 1, data_sources(db, year))
        sheets.append(name)
        images += count
        for row in summary.units:
            name, count = _county_sheet(workbook, summary, row, len(sheets) + 1)
            sheets.append(name)
            images += count
    except BaseException:
        discard_workbook(workbook)
        raise
    save_workbook(workbook, target)
    return CityWorkbookResult(target, summary, tuple(sheets), images)
