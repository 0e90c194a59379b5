"""VetDesk's settings for ReportLab's Platypus: fonts, styles, tables, charts, page furniture.

The report (:mod:`vetdesk.reports.pdf`) and the enrolment form
(:mod:`vetdesk.reports.enrolment`) say what their pages hold; Platypus lays it out:
paragraphs in frames, tables that continue on the next page under their header row
(``repeatRows``) and split a row taller than a page (``splitInRow``), headings kept with
what follows. This module only configures it the same way for both documents:

- the shipped font's TrueType copy (made once by ``scripts/make_font_subset.py``) is
  registered as a ReportLab ``TTFont``, which embeds a subset of it with a ToUnicode map:
  real, searchable text in every reader and printer;
- :class:`CJKParagraph` breaks lines by the Chinese rules of :mod:`vetdesk.reports.kinsoku`;
- :class:`ChartImage` embeds a matplotlib chart (see its docstring for why as an image).

ReportLab is imported with this module, which only the reports import, on first use.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

from vetdesk.fonts import pdf_font_path
from vetdesk.reports import kinsoku
from vetdesk.workbook.atomic import write_atomically

PAGE_W, PAGE_H = A4
MARGIN_X = 0.7 * inch
MARGIN_TOP = 0.95 * inch
MARGIN_BOTTOM = 0.85 * inch
TEXT_W = PAGE_W - 2 * MARGIN_X
FONT = "VetDeskPDF"
MONO = "VetDeskMono"
MONO_BOLD = "VetDeskMono-Bold"
LEADING = 1.38  # line height / font size
GRID = colors.HexColor("#8c8c8c")
HEADER_FILL = colors.HexColor("#e0e0e0")
TOTAL_FILL = colors.HexColor("#f0f0f0")
GREY = colors.HexColor("#404040")
CELL_PAD = 3.6  # points, each side of a cell's text


@cache
def register_fonts() -> str:
    """Register the shipped font (and DejaVu Sans Mono for digits) with ReportLab once."""
    import matplotlib

    pdfmetrics.registerFont(TTFont(FONT, str(pdf_font_path())))
    # DejaVu Sans Mono ships with matplotlib: digits in columns, for comparing fingerprints.
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(MONO, str(fonts / "DejaVuSansMono.ttf")))
    pdfmetrics.registerFont(TTFont(MONO_BOLD, str(fonts / "DejaVuSansMono-Bold.ttf")))
    return FONT


def style(
    size: float, *, align: str = "left", color: Any = colors.black, **kw: Any
) -> ParagraphStyle:
    """A paragraph style in the shipped font, wrapped by the Chinese rules."""
    register_fonts()
    return ParagraphStyle(
        f"vetdesk-{size}-{align}",
        fontName=kw.pop("fontName", FONT),
        fontSize=size,
        leading=kw.pop("leading", size * LEADING),
        alignment={"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}[align],
        textColor=color,
        wordWrap="CJK",
        **kw,
    )


def markup(text: str) -> str:
    """Plain text as Platypus paragraph markup: escaped, line breaks and runs of spaces kept."""
    # Markup collapses white space; "年    月    日" leaves room to write the date in.
    spaced = re.sub(" {2,}", lambda run: "\u00a0" * len(run.group()), escape(text))
    return spaced.replace("\n", "<br/>")


class CJKParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph whose lines break by :func:`vetdesk.reports.kinsoku.wrap`."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        """Break the paragraph's characters into lines of at most ``maxWidths``."""
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara  # the rest of a paragraph split over two frames
        style = self.style
        if not self.frags:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        glyphs: list[Any] = []
        for frag in self.frags:
            text = frag.text if isinstance(frag.text, str) else ""
            glyphs.extend(cjkU(c, frag, "utf8") for c in text or [""])
        chars = [kinsoku.LINE_BREAK if hasattr(g.frag, "lineBreak") else str(g) for g in glyphs]
        widths = [float(g.width) for g in glyphs]
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        lines = []
        for number, (start, end, forced) in enumerate(kinsoku.wrap(chars, widths, maxWidths)):
            width = maxWidths[min(number, len(maxWidths) - 1)]
            used = sum(widths[start:end])
            lines.append(
                makeCJKParaLine(
                    glyphs[start:end], width, used, width - used, forced, auto not in ("", "off")
                )
            )
        return ParaLines(kind=1, lines=lines)


def para(text: str, paragraph_style: ParagraphStyle) -> CJKParagraph:
    """A paragraph of plain text (escaped here) in a style of :func:`style`."""
    return CJKParagraph(markup(text), paragraph_style)


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: header, relative width and alignment."""

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


class DataTable(Table):  # type: ignore[misc]
    """A table whose continuation on a new page names the group it continues."""

    repeat_labels: Sequence[CJKParagraph | None] = ()

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split as Platypus does, then label the first row of the continuation."""
        parts: list[Any] = super().split(availWidth, availHeight)
        if len(parts) == 2 and self.repeat_labels:
            head, rest = parts
            header = self.repeatRows if isinstance(self.repeatRows, int) else 0
            tail = len(rest._cellvalues) - header
            labels = list(self.repeat_labels)[len(self.repeat_labels) - tail :]
            first = header
            if (
                labels
                and labels[0] is not None
                and first < len(rest._cellvalues)
                and not _has_text(rest._cellvalues[first][0])
            ):
                rest._cellvalues[first][0] = labels[0]
            rest.repeat_labels = labels
            head.repeat_labels = ()
        return parts


def table_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A table style whose plain-text cells, even empty ones, use the shipped font."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def _has_text(cell: Any) -> bool:
    if isinstance(cell, str):
        return bool(cell.strip())
    if isinstance(cell, Paragraph):
        return bool(cell.getPlainText().strip())
    if isinstance(cell, list | tuple):
        return any(_has_text(c) for c in cell)
    return cell is not None


def table(
    columns: Sequence[Column],
    rows: Sequence[Row],
    *,
    size: float = 8.0,
    header: bool = True,
    header_size: float | None = None,
    min_row: float = 0.0,
) -> DataTable:
    """A ruled table across the text width, wrapping its cells, its header repeated.

    Column widths are in inches, scaled down together when they add up to more than the
    text width; ``min_row`` (inches) is the height of every body row when given.
    """
    total = sum(c.width for c in columns)
    widths = [
        c.width / total * TEXT_W if total > TEXT_W / inch else c.width * inch for c in columns
    ]
    cell_styles = [style(size, align=c.align) for c in columns]
    header_styles = [style(header_size or size, align=c.align) for c in columns]
    data: list[list[Any]] = []
    if header:
        data.append([para(c.header, s) for c, s in zip(columns, header_styles, strict=True)])
    first_row = len(data)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("INNERGRID", (0, 0), (-1, -1), 0.3, GRID),
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    labels: list[CJKParagraph | None] = []
    for number, row in enumerate(rows, start=first_row):
        data.append([para(text, s) for text, s in zip(row.cells, cell_styles, strict=True)])
        labels.append(para(row.repeat, cell_styles[0]) if row.repeat else None)
        if row.new_group:
            commands.append(("LINEABOVE", (0, number), (-1, number), 0.6, colors.black))
        if row.total:
            commands.append(("BACKGROUND", (0, number), (-1, number), TOTAL_FILL))
    result = DataTable(
        data,
        colWidths=widths,
        rowHeights=[None] * first_row + [min_row * inch or None] * len(rows),
        repeatRows=first_row,
        splitInRow=3 * size,
        style=TableStyle(commands),
        hAlign="LEFT",
    )
    result.repeat_labels = labels
    return result


# --- charts ---------------------------------------------------------------------------------


CHART_DPI = 200


class ChartImage(Flowable):  # type: ignore[misc]
    """A matplotlib chart drawn into a figure of the flowable's size, embedded at 200 dpi.

    As an image rather than vectors: ReportLab can place another PDF's page only through
    svglib (lxml and three more packages, and no hatch patterns, which the grey-scale
    charts depend on) or pdfrw (unmaintained since 2017); matplotlib's Agg raster at
    200 dpi keeps the hatching and prints sharply on A4.
    """

    def __init__(
        self, width: float, height: float, draw: Callable[..., Any], *, bleed: float = 0.0
    ) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.bleed = bleed  # into the margins on both sides, for the tick labels
        self._draw = draw

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The chart's fixed size."""
        return self.width, self.height

    def png(self) -> bytes:
        """The chart rendered as PNG bytes."""
        from vetdesk.reports import charts

        with charts.chart_style():
            figure = charts.new_figure((self.width + 2 * self.bleed) / inch, self.height / inch)
            self._draw(into=figure)
            return charts.figure_png_bytes(figure, dpi=CHART_DPI)

    def draw(self) -> None:
        """Place the rendered chart."""
        image = ImageReader(io.BytesIO(self.png()))
        self.canv.drawImage(image, -self.bleed, 0, self.width + 2 * self.bleed, self.height)


# --- page furniture ---------------------------------------------------------------------------


class SectionMark(Flowable):  # type: ignore[misc]
    """Takes no room; tells the page furniture which section the pages from here belong to."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """No size."""
        return 0, 0

    def draw(self) -> None:
        """Record the section on the canvas."""
        self.canv.section = self.title


Furniture = Callable[[Canvas, int, int, str], None]


def _canvas_class(furniture: Furniture) -> type[Canvas]:
    """A canvas that draws ``furniture(canvas, page, pages, section)`` once the page count is known."""

    class FurnishedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.section = ""
            self._pages: list[tuple[dict[str, Any], str]] = []

        def showPage(self) -> None:
            self._pages.append((dict(self.__dict__), self.section))
            self._startPage()

        def save(self) -> None:
            for number, (state, section) in enumerate(self._pages, 1):
                self.__dict__.update(state)
                furniture(self, number, len(self._pages), section)
                super().showPage()
            super().save()

    return FurnishedCanvas


def _blank(_canvas: Canvas, _page: int, _pages: int, _section: str) -> None:
    """No page furniture."""


def build_pdf(
    target: Path | io.BytesIO,
    story: list[Any],
    *,
    metadata: dict[str, str],
    furniture: Furniture = _blank,
    make_template: Callable[[SimpleDocTemplate], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    margins: tuple[float, float, float] = (MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM),
) -> None:
    """Lay the story out on A4 pages into a buffer, or a file written atomically.

    ``margins`` are the side, top and bottom margins in points.
    """
    register_fonts()
    side, top, bottom = margins

    def write(output: Path | io.BytesIO) -> None:
        doc = SimpleDocTemplate(
            str(output) if isinstance(output, Path) else output,
            pagesize=A4,
            leftMargin=side,
            rightMargin=side,
            topMargin=top,
            bottomMargin=bottom,
            title=metadata.get("Title", ""),
            author=metadata.get("Author", ""),
            subject=metadata.get("Subject", ""),
            creator=metadata.get("Creator", ""),
            # The shipped font from the first operator on: no page names an unembedded
            # standard font (Helvetica).
            initialFontName=FONT,
        )
        if make_template is not None:
            make_template(doc)
        if progress is not None:
            steps = len(story)

            def report(kind: str, value: int) -> None:
                if kind == "PROGRESS":
                    progress(value, steps)

            doc.setProgressCallBack(report)
        doc.build(story, canvasmaker=_canvas_class(furniture))

    if isinstance(target, Path):
        write_atomically(target, write)
    else:
        write(target)
