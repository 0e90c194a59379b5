"""The printable report: a multi-page A4 PDF drawn with matplotlib's PdfPages (Qt-free).

Pages: cover (unit, period, rule set, signed-package fingerprints), summary tables, the
charts, the non-compliant schools with their failing indicators and sources, the
warnings with the explanations given, and the sign-off block.

Tables are laid out here, not with ``Axes.table``: text is measured with the font's own
advances and wrapped to the column, and a table continues on the next page with its
header repeated, so nothing is clipped however long a name or an explanation is.

Fonts: the shipped Chinese font is an OpenType/CFF font, which matplotlib can embed as
Type 42 only by putting CFF data where PDF expects TrueType — Ghostscript then prints no
text at all and poppler warns. ``scripts/make_font_subset.py`` therefore ships a copy with
TrueType outlines, made once with the subset (``vetdesk.fonts.register_pdf_font``); the
report embeds a subset of it as Type 42: real, searchable, printable text in every reader.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetdesk import __version__
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.fonts import font_path, register_pdf_font
from vetdesk.i18n import _
from vetdesk.reports import charts
from vetdesk.reports.charts import ProgressItem, chart_style
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
from vetdesk.workbook.atomic import WriteFailed, write_atomically

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Progress = Callable[[int, int], None]

PAGE_W, PAGE_H = 8.27, 11.69  # A4 portrait, inches
MARGIN_X = 0.7
CONTENT_TOP = 0.95  # inches from the top edge
CONTENT_BOTTOM = PAGE_H - 0.85
TEXT_W = PAGE_W - 2 * MARGIN_X
BODY_SIZE = 9.0
TABLE_SIZE = 8.0
LINE_FACTOR = 1.38  # line height / font size
CELL_PAD_X = 0.05
CELL_PAD_Y = 0.045
ASCENT = 0.88  # of the font size: baseline below the top of a line
GRID = "#8c8c8c"
HEADER_FILL = "#e0e0e0"
TOTAL_FILL = "#f0f0f0"
# Chinese line-breaking rules (GB/T 15834 punctuation, as word processors apply them): closing
# punctuation never starts a line, opening brackets and quotes never end one.
_NO_LINE_START = set("，。、；：！？）》」』】〕”’,.;:!?)%")
_NO_LINE_END = set("（《「『【〔“‘(")


# --- measuring and wrapping text ----------------------------------------------------------


@cache
def _font_advances() -> Any:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(font_path()))
    font.set_size(100, 72)
    return font


@cache
def _em(char: str) -> float:
    from matplotlib.ft2font import LoadFlags

    if unicodedata.category(char) == "Cc":
        return 0.0
    glyph = _font_advances().load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return float(glyph.linearHoriAdvance) / 65536 / 100


def text_width(text: str, size: float) -> float:
    """Width in inches of one line of text at a font size (points)."""
    return sum(_em(c) for c in text) * size / 72


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_./:@")


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Break text into lines no wider than ``width`` inches (CJK anywhere, Latin at spaces)."""
    limit = width * 72 / size  # in em
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for char in paragraph:
            advance = _em(char)
            if current and used + advance > limit:
                # Latin words break at a space (dropped) or after a hyphen (kept).
                space = current.rfind(" ")
                hyphen = current.rfind("-", 1) + 1
                cut = len(current) - 1
                while cut > 0 and current[cut] in _NO_LINE_START:
                    cut -= 1  # "」，": both closing marks go down with the character before
                if char in _NO_LINE_START and cut > 0:
                    # Closing punctuation never starts a line: it takes the character
                    # before it along to the next line instead.
                    head, current = current[:cut], current[cut:]
                elif _is_word_char(char) and _is_word_char(current[-1]) and hyphen > space + 1:
                    head, current = current[:hyphen], current[hyphen:]
                elif _is_word_char(char) and _is_word_char(current[-1]) and space > 0:
                    head, current = current[:space], current[space + 1 :]
                else:
                    head, current = current.rstrip(), ""
                # An opening bracket goes down with what it opens.
                while len(head) > 1 and head[-1] in _NO_LINE_END:
                    head, current = head[:-1], head[-1] + current
                lines.append(head)
                used = sum(_em(c) for c in current)
                if not current and char == " ":
                    continue
            current += char
            used += advance
        lines.append(current)
    return lines


# --- a page-by-page document ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: header, width in inches and alignment."""

    header: str
    width: float
    align: str = "left"


@dataclass(frozen=True)
class Row:
    """A table row; ``new_group`` draws a full rule above it, ``total`` shades it.

    ``repeat`` replaces an empty first cell when the row opens a page, so a group that
    runs over a page break still says whose rows these are.
    """

    cells: tuple[str, ...]
    new_group: bool = True
    total: bool = False
    repeat: str = ""


class Document:
    """A list of A4 page figures with a cursor, headings, paragraphs and paged tables."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.pages: list[Figure] = []
        self.sections: list[str] = []
        self.section = ""
        self.y = PAGE_H  # forces a new page on first use
        self.page: Figure | None = None
        self.page_index = -1
        # Rules are gathered per page and drawn as one collection per style: a table of a
        # thousand rows would otherwise be ten thousand separate line artists.
        self._rules: dict[int, dict[tuple[str, float], list[Any]]] = {}
        self.chart_pages: set[int] = set()

    # pages

    def new_page(self) -> Figure:
        """Start a text page."""
        page = charts.new_figure(PAGE_W, PAGE_H)
        page.set_layout_engine("none")
        self.pages.append(page)
        self.sections.append(self.section)
        self.use_page(len(self.pages) - 1)
        self.y = CONTENT_TOP
        return page

    def use_page(self, index: int) -> None:
        """Draw on an existing page from now on (headers, titles of chart pages)."""
        self.page = self.pages[index]
        self.page_index = index

    def ensure(self, height: float) -> Figure:
        """The current page if ``height`` inches still fit on it, else a new one."""
        if self.page is None or self.y + height > CONTENT_BOTTOM:
            return self.new_page()
        return self.page

    def add_figure_page(self, page: Figure) -> None:
        """Add a page drawn elsewhere (charts); text continues on a new page after it."""
        self.chart_pages.add(len(self.pages))
        self.pages.append(page)
        self.sections.append(self.section)
        self.page = None
        self.y = PAGE_H

    # drawing primitives (inches from the top-left corner)

    def text(
        self, x: float, y: float, text: str, size: float, *, align: str = "left", **kw: Any
    ) -> None:
        """Text whose baseline is at ``y``."""
        assert self.page is not None
        anchor = {"left": x, "right": x, "center": x}[align]
        self.page.text(
            anchor / PAGE_W,
            1 - y / PAGE_H,
            text,
            fontsize=size,
            ha=align,
            va="baseline",
            **kw,
        )

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        *,
        color: str = "black",
        linewidth: float = 0.6,
    ) -> None:
        """A straight rule on the current page."""
        assert self.page is not None
        rules = self._rules.setdefault(self.page_index, {})
        rules.setdefault((color, linewidth), []).append(
            [(x0 / PAGE_W, 1 - y0 / PAGE_H), (x1 / PAGE_W, 1 - y1 / PAGE_H)]
        )

    def _draw_rules(self) -> None:
        from matplotlib.collections import LineCollection

        for index, styles in self._rules.items():
            page = self.pages[index]
            for (color, width), segments in styles.items():
                page.add_artist(
                    LineCollection(
                        segments,
                        colors=color,
                        linewidths=width,
                        transform=page.transFigure,
                        capstyle="projecting",
                    )
                )
        self._rules.clear()

    def box(self, x: float, y: float, w: float, h: float, **kw: Any) -> None:
        """A rectangle with its top-left corner at (x, y)."""
        from matplotlib.patches import Rectangle

        assert self.page is not None
        self.page.add_artist(
            Rectangle(
                (x / PAGE_W, 1 - (y + h) / PAGE_H),
                w / PAGE_W,
                h / PAGE_H,
                transform=self.page.transFigure,
                **{"facecolor": "none", "edgecolor": "black", "linewidth": 0.6, **kw},
            )
        )

    # flowing content

    def start_section(self, title: str) -> None:
        """A numbered section: new page, heading."""
        self.section = title
        self.new_page()
        self.heading(title, 14)

    def heading(self, text: str, size: float = 11.5) -> None:
        """A heading, kept with at least a few lines of what follows."""
        self.ensure(size / 72 * 1.6 + 0.8)
        self.y += size / 72 * 1.2
        self.text(MARGIN_X, self.y, text, size)
        self.y += size / 72 * 0.75

    def paragraph(self, text: str, size: float = BODY_SIZE, *, color: str = "black") -> None:
        """Wrapped text across the width of the page."""
        height = size * LINE_FACTOR / 72
        for line in wrap_text(text, TEXT_W, size):
            self.ensure(height)
            self.y += height
            self.text(MARGIN_X, self.y - height * 0.25, line, size, color=color)
        self.y += height * 0.4

    def space(self, inches: float) -> None:
        """Vertical space (dropped at a page break)."""
        self.y = min(self.y + inches, CONTENT_BOTTOM)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Row],
        *,
        size: float = TABLE_SIZE,
        min_row: float = 0.0,
        header: bool = True,
        header_size: float | None = None,
    ) -> None:
        """A table that wraps its cells and continues on the next page under a repeated header."""
        total_w = sum(c.width for c in columns)
        scale = min(1.0, TEXT_W / total_w)
        widths = [c.width * scale for c in columns]
        line_h = size * LINE_FACTOR / 72

        def wrapped(cells: Sequence[str]) -> list[list[str]]:
            return [
                wrap_text(cell, w - 2 * CELL_PAD_X, size) if cell else [""]
                for cell, w in zip(cells, widths, strict=True)
            ]

        h_size = header_size or size
        h_line = h_size * LINE_FACTOR / 72
        header_cells = [
            wrap_text(c.header, w - 2 * CELL_PAD_X, h_size)
            for c, w in zip(columns, widths, strict=True)
        ]
        header_h = (max(len(c) for c in header_cells) * h_line + 2 * CELL_PAD_Y) if header else 0

        def draw_header() -> None:
            if header:
                self._row(header_cells, widths, columns, header_h, h_line, h_size, fill=HEADER_FILL)
                self.y += header_h

        def close() -> None:
            # The rule under the last row on a page (rows draw only the rule above them).
            self.line(MARGIN_X, self.y, MARGIN_X + sum(widths), self.y)

        def next_page() -> None:
            close()
            self.new_page()
            draw_header()

        self.ensure(header_h + line_h + 2 * CELL_PAD_Y)
        draw_header()
        first_on_page = True
        for row in rows:
            cells = wrapped(row.cells)
            lines = max(len(c) for c in cells)
            height = max(lines * line_h + 2 * CELL_PAD_Y, min_row)
            room = CONTENT_BOTTOM - self.y
            full_page = CONTENT_BOTTOM - CONTENT_TOP - header_h
            if height > room and (height <= full_page or room < 3 * line_h + 2 * CELL_PAD_Y):
                next_page()
                first_on_page = True
            if first_on_page and row.repeat and not row.cells[0]:
                cells = wrapped((row.repeat, *row.cells[1:]))
                lines = max(len(c) for c in cells)
            # A row taller than a whole page is split by lines across pages.
            start = 0
            while start < lines:
                room = CONTENT_BOTTOM - self.y
                fit = max(1, int((room - 2 * CELL_PAD_Y) / line_h))
                part = [cell[start : start + fit] for cell in cells]
                if start and row.repeat and not any(part[0]):
                    # The continuation of a split row says whose row it is.
                    part[0] = wrap_text(row.repeat, widths[0] - 2 * CELL_PAD_X, size)[:fit]
                part_lines = max(len(c) for c in part)
                part_h = max(part_lines * line_h + 2 * CELL_PAD_Y, min_row)
                self._row(
                    part,
                    widths,
                    columns,
                    part_h,
                    line_h,
                    size,
                    fill=TOTAL_FILL if row.total else None,
                    strong_top=row.new_group or first_on_page,
                )
                self.y += part_h
                start += fit
                first_on_page = False
                if start < lines:
                    next_page()
                    first_on_page = True
        close()
        self.y += 0.12

    def _row(
        self,
        cells: Sequence[Sequence[str]],
        widths: Sequence[float],
        columns: Sequence[Column],
        height: float,
        line_h: float,
        size: float,
        *,
        fill: str | None = None,
        strong_top: bool = True,
    ) -> None:
        x = MARGIN_X
        top = self.y
        total_w = sum(widths)
        if fill:
            self.box(x, top, total_w, height, facecolor=fill, linewidth=0)
        self.line(
            x,
            top,
            x + total_w,
            top,
            color="black" if strong_top else GRID,
            linewidth=0.6 if strong_top else 0.3,
        )
        for lines, w, column in zip(cells, widths, columns, strict=True):
            self.line(x, top, x, top + height, color=GRID, linewidth=0.3)
            anchor = {
                "left": x + CELL_PAD_X,
                "right": x + w - CELL_PAD_X,
                "center": x + w / 2,
            }[column.align]
            for i, line in enumerate(lines):
                if line:
                    baseline = top + CELL_PAD_Y + i * line_h + size / 72 * ASCENT
                    self.text(anchor, baseline, line, size, align=column.align)
            x += w
        self.line(x, top, x, top + height, color=GRID, linewidth=0.3)

    # headers, footers, numbering

    def finish(self, stamp: str) -> list[Figure]:
        """Add running headers and page numbers to every page but the cover."""
        total = len(self.pages)
        for number, section in enumerate(self.sections, 1):
            self.use_page(number - 1)
            if number > 1:
                self.text(MARGIN_X, 0.55, self.title, 8, color="#404040")
                self.text(PAGE_W - MARGIN_X, 0.55, section, 8, align="right", color="#404040")
                self.line(MARGIN_X, 0.63, PAGE_W - MARGIN_X, 0.63, linewidth=0.4)
            self.text(
                PAGE_W / 2,
                PAGE_H - 0.45,
                _("第 {n} 页，共 {total} 页").format(n=number, total=total),
                8,
                align="center",
                color="#404040",
            )
            self.text(MARGIN_X, PAGE_H - 0.45, stamp, 7, color="#606060")
        self.page = None
        self._draw_rules()
        return self.pages


# --- the report's sections ---------------------------------------------------------------------


def _count(n: int) -> str:
    return f"{n:,}"


def report_title(summary: ReportSummary) -> str:
    """The title of a report: the city's summary or one county's report."""
    if summary.county_scope:
        return _("{unit}职业教育数据报告").format(unit=summary.scope_name)
    return _("{unit}职业教育数据汇总报告").format(unit=summary.scope_name)


def _cover(doc: Document, summary: ReportSummary, generated: dt.datetime) -> None:
    doc.new_page()
    doc.section = _("封面")
    doc.sections[-1] = doc.section
    doc.y = 2.3
    for line in wrap_text(report_title(summary), TEXT_W, 22):
        doc.text(PAGE_W / 2, doc.y, line, 22, align="center")
        doc.y += 0.45
    doc.y += 0.1
    doc.text(PAGE_W / 2, doc.y, _("{year} 年度").format(year=summary.year), 15, align="center")
    doc.y += 0.9
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


def _packages(doc: Document, summary: ReportSummary) -> None:
    if not summary.is_city:
        doc.heading(_("正式上报包"), 11)
        if not summary.packages:
            doc.paragraph(
                _("本年度尚未导出正式上报包。本报告的数据为生成时数据库中的数据。"),
                color="#333333",
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
            color="#333333",
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
    doc.paragraph(_("每个县区列出本年度最近接收的上报包（市局台账）。"), size=8, color="#333333")


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


def _summary_tables(doc: Document, summary: ReportSummary) -> None:
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
    limit = CONTENT_BOTTOM - CONTENT_TOP - 0.2
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


def _chart_pages(doc: Document, blocks: Sequence[Block]) -> None:
    doc.section = _("二、图表")
    available = CONTENT_BOTTOM - CONTENT_TOP - 0.45
    pages: list[list[Block]] = []
    used = 0.0
    for block in blocks:
        if pages and pages[-1] and used + block[0] <= available:
            pages[-1].append(block)
            used += block[0]
        else:
            pages.append([block])
            used = block[0]
    for number, page_blocks in enumerate(pages):
        with chart_style():
            page = charts.new_figure(PAGE_W, PAGE_H)
            heights = [min(h, available) for h, _draw in page_blocks]
            top = CONTENT_TOP + (0.45 if number == 0 else 0.05)
            filler = max(PAGE_H - top - (PAGE_H - CONTENT_BOTTOM) - sum(heights), 0.01)
            ratios = [top, *heights, filler, PAGE_H - CONTENT_BOTTOM]
            # Side columns keep the charts inside the text margins (tick labels included).
            side = MARGIN_X - 0.15
            subfigures = page.subfigures(
                len(ratios),
                3,
                height_ratios=ratios,
                width_ratios=[side, PAGE_W - 2 * side, side],
            )
            grid: Any = subfigures
            for row, (_h, draw) in enumerate(page_blocks, start=1):
                draw(into=grid[row][1])
        doc.add_figure_page(page)
        if number == 0:
            doc.use_page(len(doc.pages) - 1)
            doc.text(MARGIN_X, CONTENT_TOP + 14 / 72 * 1.2, doc.section, 14)
            doc.page = None


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


def _non_compliant(doc: Document, summary: ReportSummary) -> None:
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


def _explanations(doc: Document, summary: ReportSummary) -> None:
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


def _sign_off(doc: Document, summary: ReportSummary) -> None:
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
    doc.ensure(2.4)
    left = PAGE_W - MARGIN_X - 2.6
    doc.text(left, doc.y + 0.2, _("盖章"), 10)
    doc.box(left, doc.y + 0.35, 2.6, 1.7, linestyle="--", edgecolor="#606060")
    doc.text(left + 1.3, doc.y + 2.35, _("年    月    日"), 10, align="center")
    doc.text(MARGIN_X, doc.y + 0.2, _("单位（盖章）：{unit}").format(unit=summary.unit_name), 10)
    doc.y += 2.5


def save_pages(
    pages: Sequence[Figure],
    target: Path,
    metadata: dict[str, str],
    progress: Progress | None = None,
    *,
    chart_pages: Iterable[int] | None = None,
) -> None:
    """Write page figures to one PDF (fonts embedded as TrueType), atomically.

    ``chart_pages`` lists the pages with axes (all pages when not given).
    """
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.text import Text

    fonts = [register_pdf_font()]
    with chart_style():
        for index in range(len(pages)) if chart_pages is None else chart_pages:
            # Tick labels of charts exist only once the figure has been laid out.
            pages[index].draw_without_rendering()
        for page in pages:
            for text in page.findobj(Text):
                text.set_fontfamily(fonts)

    def write(tmp: Path) -> None:
        with (
            chart_style({"pdf.fonttype": 42, "font.family": fonts}),
            PdfPages(tmp, metadata=metadata) as pdf,
        ):
            for number, page in enumerate(pages, 1):
                pdf.savefig(page)
                if progress:
                    progress(number, len(pages))

    write_atomically(target, write)


@dataclass
class ReportPages:
    """The page figures of a report and which of them hold charts."""

    figures: list[Figure]
    chart_pages: set[int]


def build_pages(
    summary: ReportSummary,
    progress_items: Sequence[ProgressItem] | None = None,
    *,
    generated: dt.datetime | None = None,
) -> ReportPages:
    """Every page of the report, as figures (not yet saved)."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    with chart_style():
        doc = Document(f"{report_title(summary)} · {summary.year}")
        _cover(doc, summary, generated)
        _summary_tables(doc, summary)
        _chart_pages(doc, _chart_blocks(summary, progress_items))
        _non_compliant(doc, summary)
        _explanations(doc, summary)
        _sign_off(doc, summary)
        stamp = _("VetDesk {version} · 生成于 {time}").format(
            version=__version__, time=generated.isoformat(sep=" ", timespec="minutes")
        )
        return ReportPages(doc.finish(stamp), set(doc.chart_pages))


def write_report_pdf(
    db: Database,
    year: int,
    target: Path,
    *,
    unit: str | None = None,
    progress_items: Sequence[ProgressItem] | None = None,
    progress: Progress | None = None,
) -> ReportSummary:
    """Write the PDF report of a county, the city, or (city) one county; return its figures."""
    if not target.parent.is_dir():
        # Refused before the work, not after it (write_atomically would refuse too).
        raise WriteFailed(_("保存位置不存在：{folder}").format(folder=target.parent))
    summary = build_summary(db, year, unit=unit)
    pages = build_pages(summary, progress_items)
    metadata = {
        "Title": f"{report_title(summary)} {summary.year}",
        "Author": summary.unit_name,
        "Subject": _("职业教育数据报告"),
        "Creator": f"VetDesk {__version__}",
    }
    try:
        save_pages(pages.figures, target, metadata, progress, chart_pages=pages.chart_pages)
    finally:
        for page in pages.figures:
            page.clear()
    return summary
