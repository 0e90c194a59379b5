"""The dashboard charts, drawn with matplotlib's object API from summary objects (Qt-free).

Every chart reads in grey-scale print: series differ by hatching, fill level, line style
and marker, and every bar or point carries its value as text, so no reader depends on
colour. Labels are Chinese (translated through :func:`vetdesk.i18n._`) in the shipped
font. matplotlib is imported inside the functions: the command line and the GUI start
without it.

Each chart function returns a :class:`matplotlib.figure.Figure` sized for its content, or
draws into a given figure or sub-figure (``into``) so that a PDF page can hold several.
Bars, lines and value labels carry ``gid`` values (``rate:630223``, ``label:rate:630223``…)
so that tests, and SVG readers, can find what a value was drawn from.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vetdesk.domain.enums import TargetGroup, TrainingCategory
from vetdesk.fonts import register_matplotlib_font
from vetdesk.i18n import _
from vetdesk.reports.summary import (
    SchoolDoubleShare,
    SchoolGaps,
    TrendPoint,
    UnitRow,
    category_label,
    group_label,
    percent_text,
    threshold_percent_text,
)
from vetdesk.workbook.atomic import write_atomically

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

# matplotlib's rc settings are process-wide; reports built on a worker thread while the
# GUI draws must not interleave their temporary settings.
RC_LOCK = threading.RLock()

# Grey-scale styles: (fill, hatch). Dark fills carry no hatch (it would not show).
MEETS = ("#4d4d4d", "")
BELOW = ("white", "////")
NO_RULE = ("#d9d9d9", "....")
CATEGORY_STYLES = [
    ("#4d4d4d", ""),
    ("white", "////"),
    ("#bfbfbf", ""),
    ("white", "...."),
    ("#e6e6e6", "xxx"),
    ("white", "\\\\\\\\"),
    ("#8c8c8c", ""),
]
STATUS_STYLES = {"done": ("#4d4d4d", ""), "on_track": ("#d9d9d9", "...."), "behind": BELOW}
STATUSES = ("done", "on_track", "behind")

PAGE_WIDTH = 8.27  # A4 portrait, inches
ROW_HEIGHT = 0.27  # inches per bar row
LABEL_SIZE = 7.5


def style() -> dict[str, Any]:
    """The rc settings VetDesk figures are built and saved with (Chinese font first)."""
    family = register_matplotlib_font()
    return {
        "font.family": [family, "DejaVu Sans"],
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#333333",
        "hatch.linewidth": 0.6,
        "hatch.color": "black",
        "svg.fonttype": "path",  # Chinese shows in any SVG viewer, with or without the font
        "svg.hashsalt": "vetdesk",  # stable SVG ids from run to run
        "savefig.dpi": 150,
    }


@contextmanager
def chart_style(extra: dict[str, Any] | None = None) -> Iterator[None]:
    """Apply VetDesk's chart settings (plus ``extra``) while figures are built or saved."""
    import matplotlib

    settings: Any = {**style(), **(extra or {})}
    with RC_LOCK, matplotlib.rc_context(settings):
        yield


def new_figure(width: float, height: float) -> Figure:
    """An empty figure with constrained layout and an Agg canvas (never pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def compliance_height(units: int) -> float:
    """Natural height (inches) of :func:`compliance_by_county` for this many bars."""
    return 1.5 + ROW_HEIGHT * 1.4 * max(units, 1)


def gaps_height(gaps: Sequence[SchoolGaps]) -> float:
    """Natural height (inches) of :func:`failing_indicators` for these schools."""
    return 1.2 + ROW_HEIGHT * max(gap_rows(gaps), 2)


def double_height(schools: int) -> float:
    """Natural height (inches) of :func:`double_teacher_share` for this many schools."""
    return 1.6 + ROW_HEIGHT * max(schools, 2)


def training_height() -> float:
    """Natural height (inches) of :func:`training_participants`."""
    return 2.0 + ROW_HEIGHT * 1.3 * len(TargetGroup)


def progress_height(items: int) -> float:
    """Natural height (inches) of :func:`ten_measure_progress` for this many targets."""
    return 1.6 + ROW_HEIGHT * 1.6 * max(items, 2)


TREND_HEIGHT = 5.6


def gap_rows(gaps: Sequence[SchoolGaps]) -> int:
    """How many rows :func:`failing_indicators` draws for these schools (for paging)."""
    return sum(1 + max(len(s.gaps), 1 if s.missing else 0) for s in gaps)


def _target(into: FigureBase | None, height: float) -> FigureBase:
    return new_figure(PAGE_WIDTH, height) if into is None else into


def _root(fig: FigureBase) -> Figure:
    root = fig.get_figure(root=True)
    assert root is not None
    return root


def _finish(fig: FigureBase) -> Figure:
    # Tick labels are made lazily; making them now, inside chart_style, gives them the
    # Chinese font even when the figure is drawn later elsewhere (GUI, save).
    from matplotlib.axes import Axes

    for ax in fig.get_children():
        if not isinstance(ax, Axes):
            continue
        ax.xaxis.get_major_ticks()
        ax.yaxis.get_major_ticks()
    return _root(fig)


def _no_data(ax: Axes, title: str, text: str) -> None:
    ax.set_title(title)
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10, transform=ax.transAxes)


def _label(ax: Axes, x: float, y: float, text: str, gid: str, *, dx: float = 3) -> None:
    """A value label just right of a bar end (or a point)."""
    label = ax.annotate(
        text,
        xy=(x, y),
        xytext=(dx, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=LABEL_SIZE,
        # A white box keeps the text readable where it crosses a target line.
        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "lw": 0},
        zorder=5,
    )
    label.set_gid(gid)


def _pct(value: Fraction | None) -> float:
    return 0.0 if value is None else float(value * 100)


def _wrap(text: str, width: int) -> str:
    # CJK text has no spaces; textwrap breaks it by characters, which is what we want.
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _legend_handles(entries: Sequence[tuple[str, str, str]]) -> list[Any]:
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=fill, edgecolor="black", hatch=hatch, linewidth=0.6, label=label)
        for label, fill, hatch in entries
    ]


def _legend_below(ax: Axes, handles: list[Any], columns: int) -> None:
    # Outside, under the axes: it never covers a bar or a value label, and constrained
    # layout makes room for it however tall the chart is.
    fig = ax.get_figure(root=False)
    assert fig is not None
    fig.legend(handles=handles, loc="outside lower center", ncols=columns, frameon=False)


def _target_text(share_: Fraction | None, date: dt.date | None) -> str:
    if share_ is None:
        return ""
    if date is None:
        return _("目标 {share}").format(share=threshold_percent_text(share_))
    return _("目标 {share}（{date} 前）").format(
        share=threshold_percent_text(share_), date=date.isoformat()
    )


# --- 达标 rate by county ----------------------------------------------------------------


def compliance_by_county(
    rows: Sequence[UnitRow], total: UnitRow | None = None, *, into: FigureBase | None = None
) -> Figure:
    """达标 rate of each unit (and the total) against the target line, e.g. 90 %."""
    with chart_style():
        items = [r for r in rows if not r.is_total]
        if total is not None and (len(items) != 1 or items[0].unit_code != total.unit_code):
            items.append(total)
        fig = _target(into, compliance_height(len(items)))
        ax = fig.add_subplot()
        title = _("各单位办学条件达标率")
        if not items:
            _no_data(ax, title, _("没有可统计的学校"))
            return _finish(fig)
        positions = list(range(len(items)))
        target = next((r for r in items if r.target_share is not None), None)
        for y, row in zip(positions, items, strict=True):
            fill, hatch = MEETS if row.meets_target else BELOW
            rate = _pct(row.rate)
            (bar,) = ax.barh(
                [y],
                [rate],
                height=0.6,
                color=fill,
                hatch=hatch,
                edgecolor="black",
                linewidth=0.6,
            )
            key = "total" if row.is_total else row.unit_code
            bar.set_gid(f"rate:{key}")
            text = (
                _("{rate}（{passing}/{assessed}）").format(
                    rate=percent_text(row.rate), passing=row.passing, assessed=row.assessed
                )
                if row.assessed
                else _("无数据")
            )
            _label(ax, rate, y, text, f"label:rate:{key}")
        if target is not None and target.target_share is not None:
            line = ax.axvline(
                _pct(target.target_share), color="black", linestyle="--", linewidth=1.2
            )
            line.set_gid("target")
        ax.set_yticks(positions, [r.unit_name for r in items])
        ax.invert_yaxis()
        ax.set_xlim(0, 135)
        ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20%", "40%", "60%", "80%", "100%"])
        ax.set_xlabel(_("达标学校占参评学校的比例"))
        ax.set_title(title)
        if any(r.is_total for r in items) and len(items) > 1:
            ax.axhline(len(items) - 1.5, color="#808080", linewidth=0.6)
        handles = _legend_handles([(_("达到目标"), *MEETS), (_("未达目标"), *BELOW)])
        if target is not None:
            from matplotlib.lines import Line2D

            handles.append(
                Line2D(
                    [],
                    [],
                    color="black",
                    linestyle="--",
                    label=_target_text(target.target_share, target.target_date),
                )
            )
        _legend_below(ax, handles, len(handles))
        return _finish(fig)


# --- failing indicators per school --------------------------------------------------------


def failing_indicators(gaps: Sequence[SchoolGaps], *, into: FigureBase | None = None) -> Figure:
    """Per non-compliant school, each failing indicator and how far it misses the standard."""
    with chart_style():
        fig = _target(into, gaps_height(gaps))
        ax = fig.add_subplot()
        title = _("不达标学校的未达标指标及差距")
        if not gaps:
            _no_data(ax, title, _("所有参评学校均已达标"))
            return _finish(fig)
        labels: list[str] = []
        header_rows: list[int] = []
        widest = max((float(g.shortfall * 100) for s in gaps for g in s.gaps), default=10.0)
        for school in gaps:
            header_rows.append(len(labels))
            labels.append(f"{school.school_name}（{school.county_name}）")
            for gap in school.gaps:
                y = len(labels)
                labels.append(gap.indicator_name)
                width = float(gap.shortfall * 100)
                (bar,) = ax.barh(
                    [y],
                    [width],
                    height=0.6,
                    color=BELOW[0],
                    hatch=BELOW[1],
                    edgecolor="black",
                    linewidth=0.6,
                )
                gid = f"gap:{school.school_code}:{gap.indicator_id}"
                bar.set_gid(gid)
                word = _("超出") if gap.comparator in ("<=", "<") else _("差")
                unit = "" if gap.measure_unit.startswith(":") else f" {gap.measure_unit}"
                text = _("{value} / 标准 {threshold}{unit}（{word} {gap}）").format(
                    value=gap.value_text,
                    threshold=gap.threshold_text,
                    unit=unit,
                    word=word,
                    gap=percent_text(gap.shortfall),
                )
                _label(ax, width, y, text, f"label:{gid}")
            if not school.gaps and school.missing:
                y = len(labels)
                labels.append(_("数据缺失"))
                _label(ax, 0, y, "、".join(school.missing), f"label:missing:{school.school_code}")
        ax.set_yticks(range(len(labels)), labels)
        for index, (tick, label) in enumerate(
            zip(ax.yaxis.get_major_ticks(), ax.get_yticklabels(), strict=True)
        ):
            if index in header_rows:
                label.set_fontsize(8.5)
                tick.tick1line.set_visible(False)
            else:
                label.set_color("#333333")
        for y in header_rows[1:]:
            ax.axhline(y - 0.5, color="#b3b3b3", linewidth=0.5)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(0, widest * 2.1)
        ax.xaxis.set_major_formatter(_percent_formatter())
        ax.set_xlabel(_("与标准的差距（占标准值的比例）"))
        ax.set_title(title)
        return _finish(fig)


def _percent_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value:g}%")


# --- 双师型 share per school ------------------------------------------------------------


def double_teacher_share(
    shares: Sequence[SchoolDoubleShare],
    threshold: Fraction | None,
    *,
    into: FigureBase | None = None,
) -> Figure:
    """Each school's 双师型 share of its 专业课 teachers against the threshold (30 %)."""
    with chart_style():
        fig = _target(into, double_height(len(shares)))
        ax = fig.add_subplot()
        title = _("各校“双师型”教师占专业课教师比例")
        if not shares:
            _no_data(ax, title, _("没有专业课教师数据"))
            return _finish(fig)
        for y, school in enumerate(shares):
            if school.threshold is None:
                fill, hatch = NO_RULE
            else:
                fill, hatch = MEETS if school.meets_threshold else BELOW
            value = _pct(school.share)
            (bar,) = ax.barh(
                [y], [value], height=0.6, color=fill, hatch=hatch, edgecolor="black", linewidth=0.6
            )
            bar.set_gid(f"double:{school.school_code}")
            text = _("{share}（{dq}/{specialty}）").format(
                share=percent_text(school.share),
                dq=school.double_qualified,
                specialty=school.specialty_teachers,
            )
            _label(ax, value, y, text, f"label:double:{school.school_code}")
        ax.set_yticks(range(len(shares)), [s.school_name for s in shares])
        ax.set_ylim(len(shares) - 0.5, -0.5)
        ax.set_xlim(0, 125)
        ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20%", "40%", "60%", "80%", "100%"])
        ax.set_xlabel(_("“双师型”教师 / 专业课教师（含实习指导教师）"))
        ax.set_title(title)
        entries = [(_("达到标准"), *MEETS), (_("低于标准"), *BELOW)]
        if any(s.threshold is None for s in shares):
            entries.append((_("该类学校未设此标准"), *NO_RULE))
        handles = _legend_handles(entries)
        if threshold is not None:
            from matplotlib.lines import Line2D

            line = ax.axvline(_pct(threshold), color="black", linestyle="--", linewidth=1.2)
            line.set_gid("threshold")
            handles.append(
                Line2D(
                    [],
                    [],
                    color="black",
                    linestyle="--",
                    label=_("标准 {share}").format(share=threshold_percent_text(threshold)),
                )
            )
        _legend_below(ax, handles, len(handles))
        return _finish(fig)


# --- training participants ----------------------------------------------------------------


def training_participants(row: UnitRow, *, into: FigureBase | None = None) -> Figure:
    """Training participants (人次) by target group, stacked by training category."""
    with chart_style():
        groups = [str(g) for g in TargetGroup]
        categories = [str(c) for c in TrainingCategory]
        fig = _target(into, training_height())
        ax = fig.add_subplot()
        title = _("培训参训人次（按培训对象和类别）")
        totals = row.training_by_group
        if not any(t.participants for t in totals.values()):
            _no_data(ax, title, _("本年度没有培训项目"))
            return _finish(fig)
        widest = max(t.participants for t in totals.values())
        left = dict.fromkeys(groups, 0)
        for index, category in enumerate(categories):
            fill, hatch = CATEGORY_STYLES[index % len(CATEGORY_STYLES)]
            for y, group in enumerate(groups):
                value = row.training.get((group, category))
                if value is None or value.participants == 0:
                    continue
                (bar,) = ax.barh(
                    [y],
                    [value.participants],
                    left=[left[group]],
                    height=0.6,
                    color=fill,
                    hatch=hatch,
                    edgecolor="black",
                    linewidth=0.6,
                )
                bar.set_gid(f"training:{group}:{category}")
                # Inside labels only where the segment is wide enough to hold the number.
                if value.participants >= widest * 0.07:
                    dark = fill == "#4d4d4d" or fill == "#8c8c8c"
                    text = ax.text(
                        left[group] + value.participants / 2,
                        y,
                        str(value.participants),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if dark else "black",
                        bbox=None
                        if dark
                        else {"boxstyle": "square,pad=0.1", "fc": "white", "lw": 0},
                    )
                    text.set_gid(f"label:training:{group}:{category}")
                left[group] += value.participants
        for y, group in enumerate(groups):
            t = totals[group]
            _label(
                ax,
                t.participants,
                y,
                _("{n} 人次").format(n=t.participants) if t.participants else _("无"),
                f"label:training:{group}",
            )
        ax.set_yticks(range(len(groups)), [group_label(g) for g in groups])
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(0, widest * 1.25)
        ax.set_xlabel(_("参训人次"))
        ax.set_title(title)
        used = [
            c for c in categories if any(row.training.get((g, c)) for g in groups)
        ] or categories
        entries = [
            (category_label(c), *CATEGORY_STYLES[categories.index(c) % len(CATEGORY_STYLES)])
            for c in used
        ]
        _legend_below(ax, _legend_handles(entries), 4)
        return _finish(fig)


# --- ten-measure targets ------------------------------------------------------------------


class ProgressItem(NamedTuple):
    """One target of the ten measures: what, how much, how far, by when, and its status."""

    measure: str
    indicator: str
    target: float | int | Fraction
    actual: float | int | Fraction
    deadline: dt.date
    status: str  # "done", "on_track" or "behind"


def _status_label(status: str) -> str:
    return {"done": _("已完成"), "on_track": _("按期推进"), "behind": _("滞后")}[status]


def _number_text(value: float | int | Fraction) -> str:
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{float(value):.4g}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(int(value))


def ten_measure_progress(
    items: Sequence[ProgressItem | tuple[Any, ...]], *, into: FigureBase | None = None
) -> Figure:
    """Progress of each ten-measure target (actual / target) with its status and deadline."""
    entries = [ProgressItem(*item) for item in items]
    for entry in entries:
        if entry.status not in STATUSES:
            raise ValueError(f"unknown status {entry.status!r} (expected one of {STATUSES})")
    with chart_style():
        fig = _target(into, progress_height(len(entries)))
        ax = fig.add_subplot()
        title = _("“十条措施”目标进度")
        if not entries:
            _no_data(ax, title, _("尚未设定目标"))
            return _finish(fig)
        shown_max = 100.0
        for y, entry in enumerate(entries):
            target = Fraction(entry.target)
            progress = Fraction(entry.actual) / target if target else None
            value = min(_pct(progress), 150.0)
            shown_max = max(shown_max, value)
            fill, hatch = STATUS_STYLES[entry.status]
            (bar,) = ax.barh(
                [y], [value], height=0.6, color=fill, hatch=hatch, edgecolor="black", linewidth=0.6
            )
            bar.set_gid(f"progress:{y}")
            text = _("{actual} / {target}（{share}）· {status} · 期限 {deadline}").format(
                actual=_number_text(entry.actual),
                target=_number_text(entry.target),
                share=percent_text(progress, 0),
                status=_status_label(entry.status),
                deadline=entry.deadline.isoformat(),
            )
            _label(ax, value, y, text, f"label:progress:{y}")
        ax.axvline(100, color="black", linestyle="--", linewidth=1.2).set_gid("goal")
        ax.set_yticks(
            range(len(entries)), [_wrap(f"{e.measure}：{e.indicator}", 16) for e in entries]
        )
        ax.set_ylim(len(entries) - 0.5, -0.5)
        ax.set_xlim(0, shown_max * 1.9)
        ax.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
        ax.set_xlabel(_("完成值 / 目标值"))
        ax.set_title(title)
        _legend_below(
            ax, _legend_handles([(_status_label(s), *STATUS_STYLES[s]) for s in STATUSES]), 3
        )
        return _finish(fig)


# --- across periods -------------------------------------------------------------------------


def trend(
    points: Sequence[TrendPoint],
    double_threshold: Fraction | None = None,
    *,
    into: FigureBase | None = None,
) -> Figure:
    """达标 rate, 双师型 share and training participants in every period, with their targets."""
    with chart_style():
        fig = _target(into, TREND_HEIGHT)
        title = _("历年变化")
        if not points:
            ax = fig.add_subplot()
            _no_data(ax, title, _("没有统计期数据"))
            return _finish(fig)
        top, bottom = fig.subplots(2, 1, height_ratios=[2, 1], sharex=True)
        years = [p.year for p in points]
        rates = [_pct(p.rate) if p.rate is not None else float("nan") for p in points]
        doubles = [
            _pct(p.double_share) if p.double_share is not None else float("nan") for p in points
        ]
        (rate_line,) = top.plot(
            years,
            rates,
            color="black",
            linestyle="-",
            marker="o",
            linewidth=1.6,
            label=_("达标率"),
        )
        rate_line.set_gid("trend:rate")
        (double_line,) = top.plot(
            years,
            doubles,
            color="#595959",
            linestyle="--",
            marker="s",
            markerfacecolor="white",
            linewidth=1.4,
            label=_("“双师型”教师占比"),
        )
        double_line.set_gid("trend:double")
        targets = [
            _pct(p.target_share) if p.target_share is not None else float("nan") for p in points
        ]
        if any(p.target_share is not None for p in points):
            (target_line,) = top.plot(
                years,
                targets,
                color="black",
                linestyle=":",
                marker="^",
                markersize=5,
                linewidth=1.2,
                label=_("达标率目标"),
            )
            target_line.set_gid("trend:target")
        if double_threshold is not None:
            line = top.axhline(
                _pct(double_threshold),
                color="#595959",
                linestyle="-.",
                linewidth=1.0,
                label=_("“双师型”标准 {share}").format(
                    share=threshold_percent_text(double_threshold)
                ),
            )
            line.set_gid("trend:double_threshold")
        for p, rate, dbl in zip(points, rates, doubles, strict=True):
            if p.rate is not None:
                label = top.annotate(
                    percent_text(p.rate),
                    xy=(p.year, rate),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=LABEL_SIZE,
                )
                label.set_gid(f"label:trend:rate:{p.year}")
            if p.double_share is not None:
                label = top.annotate(
                    percent_text(p.double_share),
                    xy=(p.year, dbl),
                    xytext=(0, -12),
                    textcoords="offset points",
                    ha="center",
                    fontsize=LABEL_SIZE,
                )
                label.set_gid(f"label:trend:double:{p.year}")
        top.set_ylim(0, 115)
        top.set_yticks([0, 20, 40, 60, 80, 100], ["0", "20%", "40%", "60%", "80%", "100%"])
        top.set_title(title)
        top.legend(loc="lower left", ncols=2, frameon=True, framealpha=1)
        bars = bottom.bar(
            years,
            [p.participants for p in points],
            width=0.5,
            color="white",
            hatch="////",
            edgecolor="black",
            linewidth=0.6,
        )
        for p, bar in zip(points, bars, strict=True):
            bar.set_gid(f"trend:participants:{p.year}")
            text = bottom.annotate(
                str(p.participants),
                xy=(p.year, p.participants),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=LABEL_SIZE,
            )
            text.set_gid(f"label:trend:participants:{p.year}")
        bottom.set_ylim(0, max(max(p.participants for p in points) * 1.3, 1))
        bottom.set_ylabel(_("培训参训人次"))
        bottom.set_xticks(years, [str(y) for y in years])
        bottom.set_xlim(min(years) - 0.6, max(years) + 0.6)
        bottom.set_xlabel(_("统计年度"))
        return _finish(fig)


# --- output -------------------------------------------------------------------------------


def save_figure(fig: Figure, path: Path) -> None:
    """Save a chart as .png or .svg (by suffix), atomically."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise ValueError(f"unsupported chart format {path.suffix!r} (use .png or .svg)")
    with chart_style():
        write_atomically(path, lambda tmp: fig.savefig(tmp, format=kind))


def figure_png_bytes(fig: Figure, dpi: float = 150) -> bytes:
    """The chart as PNG bytes, for the clipboard or a workbook."""
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
