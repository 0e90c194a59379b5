"""The printable report: a multi-page A4 PDF laid out by ReportLab's Platypus (Qt-free).

Pages: cover (unit, period, rule set, signed-package fingerprints), summary tables, the
charts, the non-compliant schools with their failing indicators and sources, the
warnings with the explanations given, and the sign-off block. This module says what the
pages hold; :mod:`vetdesk.reports.typeset` sets up Platypus to lay it out.

Why ReportLab rather than fpdf2: both have tables that repeat their header on every page,
but Platypus is a typesetting engine — flowables in frames, headings kept with the
paragraph that follows, tables split between rows and, for a warning explanation longer
than a page, inside a row — and its paragraph line breaking can be given the Chinese rules
(:mod:`vetdesk.reports.kinsoku`) by overriding one method, where fpdf2's line breaking
has no such hook. Its TrueType subsets carry a ToUnicode map, so the text stays
searchable; fpdf2 would have needed no new package for vector charts (SVG), but its
SVG reader drops the hatch patterns the grey-scale charts depend on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table

from vetdesk import __version__
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.reports import charts
from vetdesk.reports.charts import ProgressItem
from vetdesk.reports.summary import (
    ReportSummary,
    SchoolGaps,
    TrainingTotals,
    UnitRow,
    build_summary,
    category_label,
    group_label,
    percent_text,
    threshold_percent_text,
    unit_name,
)
from vetdesk.reports.typeset import (
    FONT,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    TEXT_W,
    ChartImage,
    Column,
    Row,
    SectionMark,
    build_pdf,
    para,
    style,
    table,
    table_style,
)
from vetdesk.workbook.atomic import WriteFailed

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

Progress = Callable[[int, int], None]
BODY_SIZE = 9.0
NOTE = colors.HexColor("#333333")
# Room for charts on a page below the section heading, in inches.
CHART_ROOM = (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) / inch - 0.6


class Story:
    """The report's flowables in order, with the few kinds of content it uses."""

    def __init__(self) -> None:
        self.flowables: list[Flowable] = []

    def add(self, flowable: Flowable) -> None:
        """Append any flowable."""
        self.flowables.append(flowable)

    def start_section(self, title: str) -> None:
        """A numbered section on a new page, named in the running header from there on."""
        if self.flowables:
            self.add(PageBreak())
        self.add(SectionMark(title))
        self.heading(title, 14)

    def heading(self, text: str, size: float = 11.5) -> None:
        """A heading, kept on the page of what follows it."""
        self.add(
            para(text, style(size, spaceBefore=size * 0.5, spaceAfter=size * 0.4, keepWithNext=1))
        )

    def paragraph(self, text: str, size: float = BODY_SIZE, *, color: Any = colors.black) -> None:
        """Wrapped text across the width of the page."""
        self.add(para(text, style(size, color=color, spaceAfter=size * 0.6)))

    def space(self, inches: float) -> None:
        """Vertical space (dropped at a page break)."""
        self.add(Spacer(1, inches * inch))

    def table(self, columns: Sequence[Column], rows: Sequence[Row], **kw: Any) -> None:
        """A ruled table with a little space after it."""
        self.add(table(columns, rows, **kw))
        self.space(0.12)


# --- the report's sections ---------------------------------------------------------------------


def _count(n: int) -> str:
    return f"{n:,}"


def report_title(summary: ReportSummary) -> str:
    """The title of a report: the city's summary or one county's report."""
    if summary.county_scope:
        return _("{unit}职业教育数据报告").format(unit=summary.scope_name)
    return _("{unit}职业教育数据汇总报告").format(unit=summary.scope_name)


def _cover(doc: Story, summary: ReportSummary, generated: dt.datetime) -> None:
    doc.add(SectionMark(_("封面")))
    doc.space(1.3)
    doc.add(para(report_title(summary), style(22, align="center", leading=32)))
    doc.space(0.1)
    doc.add(para(_("{year} 年度").format(year=summary.year), style(15, align="center")))
    doc.space(0.6)
    unit = f"{summary.unit_name}（{summary.unit_code}）"
    warnings = len(summary.warnings)
    explained = sum(1 for w in summary.warnings if w.explanation)
    lines = [
        (_("填报单位"), unit),
        (_("统计年度"), str(summary.year)),
        (_("统计时点"), summary.statistics_date.isoformat()),
        (
            _("规则集"),
            f"{summary.ruleset_title}（{summary.ruleset_id} {summary.ruleset_version}）"
            if summary.ruleset_title
            else f"{summary.ruleset_id} {summary.ruleset_version}",
        ),
        (
            _("核验结果"),
            _("错误 {errors} 条；警告 {warnings} 条，已说明 {explained} 条").format(
                errors=summary.errors, warnings=warnings, explained=explained
            ),
        ),
        (_("操作员"), summary.operator),
        (_("生成时间"), generated.isoformat(sep=" ")),
    ]
    if summary.is_city and summary.county_scope:
        lines.insert(1, (_("报告范围"), f"{summary.scope_name}（{summary.scope_code}）"))
    doc.table(
        [Column("", 1.6), Column("", 4.6)],
        [Row((label, value)) for label, value in lines],
        size=10,
        header=False,
    )
    doc.space(0.25)
    _packages(doc, summary)


def _packages(doc: Story, summary: ReportSummary) -> None:
    if not summary.is_city:
        doc.heading(_("正式上报包"), 11)
        if not summary.packages:
            doc.paragraph(
                _("本年度尚未导出正式上报包。本报告的数据为生成时数据库中的数据。"), color=NOTE
            )
            return
        record = summary.packages[-1]
        doc.table(
            [Column("", 1.6), Column("", 4.6)],
            [
                Row((_("上报包序号"), str(record.seq))),
                Row((_("导出时间"), record.at.isoformat(sep=" "))),
                Row((_("签名密钥指纹"), record.key_fingerprint or _("（密钥记录缺失）"))),
                Row((_("上报包标识（SHA-256）"), record.manifest_sha256)),
            ],
            size=9,
            header=False,
        )
        doc.paragraph(
            _("上报包为本年度最近一次导出的正式上报包；本报告的数据为生成时数据库中的数据。"),
            size=8,
            color=NOTE,
        )
        return
    doc.heading(_("各县区已接收的上报包"), 11)
    received = {p.unit_code: p for p in summary.packages}
    codes = (
        [summary.scope_code] if summary.county_scope else [c.code for c in load_units().counties]
    )
    rows = []
    for code in codes:
        entry = received.get(code)
        if entry is None:
            rows.append(Row((unit_name(code), "—", _("未接收"), "", "")))
            continue
        rows.append(
            Row(
                (
                    entry.unit_name,
                    str(entry.seq),
                    entry.at.isoformat(sep=" "),
                    entry.key_fingerprint or _("（密钥记录缺失）"),
                    entry.manifest_sha256,
                )
            )
        )
    doc.table(
        [
            Column(_("县区"), 1.25),
            Column(_("序号"), 0.45, "right"),
            Column(_("接收时间"), 1.0),
            Column(_("签名密钥指纹"), 1.75),
            Column(_("上报包标识（SHA-256）"), 2.4),
        ],
        rows,
        size=7.5,
    )
    doc.paragraph(_("每个县区列出本年度最近接收的上报包（市局台账）。"), size=8, color=NOTE)


def _rate_cells(row: UnitRow) -> tuple[str, ...]:
    met = {True: _("是"), False: _("否"), None: "—"}[row.meets_target]
    return (
        row.unit_name,
        _count(row.schools),
        _count(row.assessed),
        _count(row.passing),
        percent_text(row.rate),
        threshold_percent_text(row.target_share),
        met,
        _count(row.full_time_teachers),
        _count(row.specialty_teachers),
        _count(row.double_qualified),
        percent_text(row.double_share),
    )


def _training_cells(label: str, t: TrainingTotals) -> tuple[str, ...]:
    return (
        label,
        _count(t.programmes),
        _count(t.participants),
        _count(t.completed),
        _count(t.certified),
    )


def _training_columns(first: str) -> list[Column]:
    return [
        Column(first, 2.3),
        Column(_("项目数"), 0.9, "right"),
        Column(_("参训人次"), 1.0, "right"),
        Column(_("结业人数"), 1.0, "right"),
        Column(_("取证人数"), 1.0, "right"),
    ]


def _summary_tables(doc: Story, summary: ReportSummary) -> None:
    doc.start_section(_("一、汇总情况"))
    total = summary.total
    target = (
        _("目标：{date} 前达标学校比例达到 {share}。").format(
            date=total.target_date.isoformat(), share=threshold_percent_text(total.target_share)
        )
        if total.target_date and total.target_share is not None
        else ""
    )
    doc.paragraph(
        _(
            "参评学校 {assessed} 所，达标 {passing} 所，达标率 {rate}。{target}"
            "专任教师 {teachers} 人，其中专业课教师（含实习指导教师）{specialty} 人，"
            "“双师型”教师 {dq} 人，占 {share}。全年培训项目 {programmes} 个，参训 {participants} 人次。"
        ).format(
            assessed=total.assessed,
            passing=total.passing,
            rate=percent_text(total.rate),
            target=target,
            teachers=total.full_time_teachers,
            specialty=total.specialty_teachers,
            dq=total.double_qualified,
            share=percent_text(total.double_share),
            programmes=total.training_total.programmes,
            participants=total.training_total.participants,
        )
    )
    doc.heading(_("表 1  办学条件达标与师资"))
    rows = [Row(_rate_cells(r)) for r in summary.units]
    if len(summary.units) != 1:
        rows.append(Row(_rate_cells(total), total=True))
    doc.table(
        [
            Column(_("单位"), 1.2),
            Column(_("学校数"), 0.5, "right"),
            Column(_("参评"), 0.54, "right"),
            Column(_("达标"), 0.54, "right"),
            Column(_("达标率"), 0.72, "right"),
            Column(_("目标"), 0.45, "right"),
            Column(_("达到目标"), 0.55, "center"),
            Column(_("专任教师"), 0.6, "right"),
            Column(_("专业课教师"), 0.62, "right"),
            Column(_("双师型教师"), 0.6, "right"),
            Column(_("双师型占比"), 0.6, "right"),
        ],
        rows,
        header_size=7,
    )
    doc.heading(_("表 2  培训（按培训对象）"))
    doc.table(
        _training_columns(_("培训对象")),
        [
            *(Row(_training_cells(group_label(g), t)) for g, t in total.training_by_group.items()),
            Row(_training_cells(_("合计"), total.training_total), total=True),
        ],
    )
    doc.heading(_("表 3  培训（按类别）"))
    doc.table(
        _training_columns(_("培训类别")),
        [
            *(
                Row(_training_cells(category_label(c), t))
                for c, t in total.training_by_category.items()
            ),
            Row(_training_cells(_("合计"), total.training_total), total=True),
        ],
    )
    if len(summary.units) > 1:
        doc.heading(_("表 4  培训（按单位）"))
        doc.table(
            _training_columns(_("单位")),
            [
                *(Row(_training_cells(r.unit_name, r.training_total)) for r in summary.units),
                Row(_training_cells(total.unit_name, total.training_total), total=True),
            ],
        )


def _chunks_by_height(
    items: Sequence[Any], height: Callable[[Sequence[Any]], float], limit: float
) -> list[list[Any]]:
    """Split items into consecutive runs whose chart fits in ``limit`` inches."""
    runs: list[list[Any]] = []
    current: list[Any] = []
    for item in items:
        if current and height([*current, item]) > limit:
            runs.append(current)
            current = []
        current.append(item)
    if current or not runs:
        runs.append(current)
    return runs


# A chart of a page: its natural height and how to draw it into a (sub)figure.
Block = tuple[float, Callable[..., Any]]


def _chart_blocks(
    summary: ReportSummary, progress_items: Sequence[ProgressItem] | None
) -> list[Block]:
    limit = CHART_ROOM
    units = summary.units
    blocks: list[Block] = [
        (
            charts.compliance_height(len(units) + (len(units) > 1)),
            partial(charts.compliance_by_county, summary.units, summary.total),
        ),
        (charts.training_height(), partial(charts.training_participants, summary.total)),
    ]
    # Without non-compliant schools the section's sentence says so; no empty chart.
    failing = [s for s in summary.gaps if s.gaps or s.missing]
    for run in _chunks_by_height(failing, charts.gaps_height, limit) if failing else []:
        blocks.append((charts.gaps_height(run), partial(charts.failing_indicators, run)))
    for shares in _chunks_by_height(
        summary.double_shares, lambda xs: charts.double_height(len(xs)), limit
    ):
        blocks.append(
            (
                charts.double_height(len(shares)),
                partial(charts.double_teacher_share, shares, summary.double_threshold),
            )
        )
    if progress_items:
        items = list(progress_items)
        blocks.append(
            (charts.progress_height(len(items)), partial(charts.ten_measure_progress, items))
        )
    blocks.append(
        (charts.TREND_HEIGHT, partial(charts.trend, summary.trend, summary.double_threshold))
    )
    return blocks


def _chart_pages(doc: Story, blocks: Sequence[Block]) -> None:
    doc.start_section(_("二、图表"))
    for height, draw in blocks:
        doc.add(ChartImage(TEXT_W, min(height, CHART_ROOM) * inch, draw, bleed=0.15 * inch))


def _gap_rows(gaps: Sequence[SchoolGaps]) -> list[Row]:
    rows = []
    for school in gaps:
        label = f"{school.school_name}\n{school.county_name} · {school.school_code}"
        first = True
        for gap in school.gaps:
            unit = "" if gap.measure_unit.startswith(":") else f" {gap.measure_unit}"
            rows.append(
                Row(
                    (
                        label if first else "",
                        gap.indicator_name,
                        f"{gap.value_text}{unit}",
                        gap.threshold_text,
                        percent_text(gap.shortfall),
                        f"{gap.source} {gap.article}".strip(),
                    ),
                    new_group=first,
                    repeat=_("{school}（续）").format(school=school.school_name),
                )
            )
            first = False
        for name in school.missing:
            rows.append(
                Row(
                    (label if first else "", name, _("数据缺失"), "", "", ""),
                    new_group=first,
                    repeat=_("{school}（续）").format(school=school.school_name),
                )
            )
            first = False
    return rows


def _non_compliant(doc: Story, summary: ReportSummary) -> None:
    doc.start_section(_("三、未达标学校"))
    failing = [s for s in summary.gaps if s.gaps]
    incomplete = [s for s in summary.gaps if not s.gaps]
    doc.paragraph(
        _(
            "参评学校 {assessed} 所中，{failing} 所有指标未达到办学条件标准，"
            "{incomplete} 所数据不全无法判定。下表列出每所学校未达标的指标、实际值、标准值、"
            "差距（占标准值的比例）和标准依据。"
        ).format(assessed=summary.total.assessed, failing=len(failing), incomplete=len(incomplete))
    )
    if not summary.gaps:
        doc.paragraph(_("所有参评学校均已达标。"))
        return
    doc.table(
        [
            Column(_("学校"), 1.6),
            Column(_("未达标指标"), 1.1),
            Column(_("实际值"), 1.1, "right"),
            Column(_("标准"), 0.72),
            Column(_("差距"), 0.52, "right"),
            Column(_("依据"), 1.8),
        ],
        _gap_rows(summary.gaps),
    )


def _explanations(doc: Story, summary: ReportSummary) -> None:
    doc.start_section(_("四、警告及说明"))
    explained = sum(1 for w in summary.warnings if w.explanation)
    doc.paragraph(
        _(
            "核验发现警告 {n} 条（不影响达标判定，但须说明原因），已填写说明 {explained} 条。"
        ).format(n=len(summary.warnings), explained=explained)
    )
    if not summary.warnings:
        return
    rows = []
    previous = None
    for w in sorted(summary.warnings, key=lambda w: (w.school_code, w.rule, w.record_label)):
        first = w.school_code != previous
        previous = w.school_code
        rows.append(
            Row(
                (
                    w.school_name if first else "",
                    w.record_label,
                    w.message,
                    w.explanation or _("（未填写说明）"),
                ),
                new_group=first,
                repeat=_("{school}（续）").format(school=w.school_name),
            )
        )
    doc.table(
        [
            Column(_("学校"), 1.35),
            Column(_("记录"), 0.95),
            Column(_("警告"), 2.45),
            Column(_("说明"), 2.15),
        ],
        rows,
        size=7.5,
    )


def _sign_off(doc: Story, summary: ReportSummary) -> None:
    doc.start_section(_("五、审核签字"))
    doc.paragraph(
        _(
            "本报告由 VetDesk 根据 {unit} {year} 年度数据生成。填报人、审核人和单位负责人"
            "核对无误后签字，并加盖单位公章。"
        ).format(unit=summary.scope_name, year=summary.year)
    )
    doc.space(0.2)
    doc.table(
        [Column(_("职责"), 1.5), Column(_("签字"), 3.27), Column(_("日期"), 2.1, "right")],
        [
            Row((_("填报人"), "", _("年    月    日"))),
            Row((_("审核人"), "", _("年    月    日"))),
            Row((_("单位负责人"), "", _("年    月    日"))),
        ],
        size=10,
        min_row=0.6,
    )
    doc.space(0.35)
    seal = Table(
        [
            [
                para(_("单位（盖章）：{unit}").format(unit=summary.unit_name), style(10)),
                para(_("盖章"), style(10)),
            ],
            ["", ""],
            ["", para(_("年    月    日"), style(10, align="center"))],
        ],
        colWidths=[TEXT_W - 2.6 * inch, 2.6 * inch],
        rowHeights=[None, 1.7 * inch, None],
        style=table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOX", (1, 1), (1, 1), 0.6, colors.HexColor("#606060"), None, (3, 2)),
        ),
        hAlign="LEFT",
    )
    doc.add(KeepTogether([seal]))


def _furniture(title: str, stamp: str) -> Callable[[Canvas, int, int, str], None]:
    """Running header (title, section) on every page but the cover; page number and stamp."""

    def draw(canvas: Canvas, page: int, pages: int, section: str) -> None:
        canvas.saveState()
        canvas.setFillColor(GREY)
        if page > 1:
            top = PAGE_H - 0.55 * inch
            canvas.setFont(FONT, 8)
            canvas.drawString(MARGIN_X, top, title)
            canvas.drawRightString(PAGE_W - MARGIN_X, top, section)
            canvas.setLineWidth(0.4)
            canvas.line(MARGIN_X, top - 0.08 * inch, PAGE_W - MARGIN_X, top - 0.08 * inch)
        canvas.setFont(FONT, 8)
        number = _("第 {n} 页，共 {total} 页").format(n=page, total=pages)
        canvas.drawCentredString(PAGE_W / 2, 0.45 * inch, number)
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN_X, 0.45 * inch, stamp)
        canvas.restoreState()

    return draw


def write_report_pdf(
    db: Database,
    year: int,
    target: Path,
    *,
    unit: str | None = None,
    progress_items: Sequence[ProgressItem] | None = None,
    progress: Progress | None = None,
    generated: dt.datetime | None = None,
) -> ReportSummary:
    """Write the PDF report of a county, the city, or (city) one county; return its figures."""
    if not target.parent.is_dir():
        # Refused before the work, not after it (write_atomically would refuse too).
        raise WriteFailed(_("保存位置不存在：{folder}").format(folder=target.parent))
    summary = build_summary(db, year, unit=unit)
    generated = generated or dt.datetime.now().replace(microsecond=0)
    doc = Story()
    _cover(doc, summary, generated)
    _summary_tables(doc, summary)
    _chart_pages(doc, _chart_blocks(summary, progress_items))
    _non_compliant(doc, summary)
    _explanations(doc, summary)
    _sign_off(doc, summary)
    stamp = _("VetDesk {version} · 生成于 {time}").format(
        version=__version__, time=generated.isoformat(sep=" ", timespec="minutes")
    )
    metadata = {
        "Title": f"{report_title(summary)} {summary.year}",
        "Author": summary.unit_name,
        "Subject": _("职业教育数据报告"),
        "Creator": f"VetDesk {__version__}",
    }
    build_pdf(
        target,
        doc.flowables,
        metadata=metadata,
        furniture=_furniture(f"{report_title(summary)} · {summary.year}", stamp),
        progress=progress,
    )
    return summary
