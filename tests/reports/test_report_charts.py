"""Each dashboard chart from demo data: its plotted values read back from the figure's artists."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from matplotlib.colors import to_rgba
from report_helpers import copy_period, no_missing_glyphs, training_by, unit_totals

from vetdesk.db.database import open_database
from vetdesk.i18n import set_language
from vetdesk.reports import charts
from vetdesk.reports.summary import build_summary, percent_text

YEAR = 2025


@pytest.fixture
def summary(city_db: Path):
    db = open_database(city_db)
    try:
        yield build_summary(db, YEAR)
    finally:
        db.close()


def by_gid(fig, prefix: str) -> dict[str, object]:
    """Artists of a figure whose gid starts with ``prefix``, keyed by gid."""
    found = {}
    for artist in fig.findobj(lambda a: (a.get_gid() or "").startswith(prefix)):
        found[artist.get_gid()] = artist
    return found


def texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]


def test_compliance_bars_labels_and_target_line(city_db: Path, summary) -> None:
    expected = unit_totals(city_db, YEAR)
    with no_missing_glyphs() as problems:
        fig = charts.compliance_by_county(summary.units, summary.total)
        charts.figure_png_bytes(fig)
    assert not problems
    bars = by_gid(fig, "rate:")
    assert set(bars) == {f"rate:{r.unit_code}" for r in summary.units} | {"rate:total"}
    for row in summary.units:
        t = expected[row.unit_code]
        assert bars[f"rate:{row.unit_code}"].get_width() == pytest.approx(
            100 * t.passing / t.assessed
        )
        label = by_gid(fig, f"label:rate:{row.unit_code}")[f"label:rate:{row.unit_code}"]
        assert (
            label.get_text()
            == f"{percent_text(Fraction(t.passing, t.assessed))}（{t.passing}/{t.assessed}）"
        )
    total = expected["*"]
    assert bars["rate:total"].get_width() == pytest.approx(100 * total.passing / total.assessed)
    (target,) = by_gid(fig, "target").values()
    assert list(target.get_xdata()) == [90.0, 90.0]
    assert "达标率" in "".join(texts(fig))


def test_gap_bars_are_the_relative_shortfalls(summary) -> None:
    with no_missing_glyphs() as problems:
        fig = charts.failing_indicators(summary.gaps)
        charts.figure_png_bytes(fig)
    assert not problems
    bars = by_gid(fig, "gap:")
    expected = {f"gap:{s.school_code}:{g.indicator_id}": g for s in summary.gaps for g in s.gaps}
    assert set(bars) == set(expected) and bars
    for gid, gap in expected.items():
        assert bars[gid].get_width() == pytest.approx(float(gap.shortfall * 100))
        label = by_gid(fig, f"label:{gid}")[f"label:{gid}"].get_text()
        assert gap.value_text in label and gap.threshold_text in label
        assert percent_text(gap.shortfall) in label
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    for school in summary.gaps:
        assert any(school.school_name in t for t in ticks)


def test_double_teacher_bars_threshold_and_greyscale_styles(summary) -> None:
    with no_missing_glyphs() as problems:
        fig = charts.double_teacher_share(summary.double_shares, summary.double_threshold)
        charts.figure_png_bytes(fig)
    assert not problems
    bars = by_gid(fig, "double:")
    for share in summary.double_shares:
        bar = bars[f"double:{share.school_code}"]
        assert bar.get_width() == pytest.approx(float(share.share * 100))
        # Below the line is told by hatching, not by colour alone.
        if share.meets_threshold is False:
            assert bar.get_hatch() == charts.BELOW[1]
        elif share.meets_threshold:
            assert bar.get_hatch() in ("", None)
        label = by_gid(fig, f"label:double:{share.school_code}")
        assert (
            f"（{share.double_qualified}/{share.specialty_teachers}）"
            in next(iter(label.values())).get_text()
        )
    (line,) = by_gid(fig, "threshold").values()
    assert list(line.get_xdata()) == [30.0, 30.0]


def test_training_segments_add_up_to_sql(city_db: Path, summary) -> None:
    with no_missing_glyphs() as problems:
        fig = charts.training_participants(summary.total)
        charts.figure_png_bytes(fig)
    assert not problems
    segments = by_gid(fig, "training:")
    per_group: dict[str, float] = {}
    for gid, bar in segments.items():
        _kind, group, _category = gid.split(":")
        per_group[group] = per_group.get(group, 0) + bar.get_width()
    assert per_group == pytest.approx(
        {g: float(n) for g, n in training_by(city_db, YEAR, "target_group").items()}
    )
    by_category = training_by(city_db, YEAR, "category")
    for category, n in by_category.items():
        width = sum(b.get_width() for gid, b in segments.items() if gid.endswith(f":{category}"))
        assert width == n
    labels = by_gid(fig, "label:training:")
    for group, n in training_by(city_db, YEAR, "target_group").items():
        assert labels[f"label:training:{group}"].get_text() == f"{n} 人次"


def test_trend_lines_and_bars(city_db: Path) -> None:
    before = unit_totals(city_db, YEAR)["*"]
    copy_period(city_db, YEAR, 2023)
    db = open_database(city_db)
    try:
        summary = build_summary(db, YEAR)
    finally:
        db.close()
    with no_missing_glyphs() as problems:
        fig = charts.trend(summary.trend, summary.double_threshold)
        charts.figure_png_bytes(fig)
    assert not problems
    lines = by_gid(fig, "trend:")
    rate = 100 * before.passing / before.assessed
    assert list(lines["trend:rate"].get_xdata()) == [2023, 2025]
    assert list(lines["trend:rate"].get_ydata()) == pytest.approx([rate, rate])
    share = 100 * before.double / before.specialty
    assert list(lines["trend:double"].get_ydata()) == pytest.approx([share, share])
    # Targets in force on each statistics date: 80 % by 2023, 90 % by 2025.
    assert list(lines["trend:target"].get_ydata()) == pytest.approx([80.0, 90.0])
    assert lines["trend:participants:2023"].get_height() == 2 * before.participants
    assert lines["trend:participants:2025"].get_height() == before.participants
    label = by_gid(fig, "label:trend:rate:2025")["label:trend:rate:2025"]
    assert label.get_text() == percent_text(Fraction(before.passing, before.assessed))


def test_ten_measure_progress_from_generic_items() -> None:
    items = [
        ("措施一", "达标学校比例", 90, 80, dt.date(2025, 12, 31), "behind"),
        (
            "措施三",
            "双师型教师占比",
            Fraction(1, 2),
            Fraction(2, 5),
            dt.date(2026, 12, 31),
            "on_track",
        ),
        charts.ProgressItem("措施六", "培训人次", 3000, 3300, dt.date(2025, 12, 31), "done"),
    ]
    with no_missing_glyphs() as problems:
        fig = charts.ten_measure_progress(items)
        charts.figure_png_bytes(fig)
    assert not problems
    bars = by_gid(fig, "progress:")
    assert [bars[f"progress:{i}"].get_width() for i in range(3)] == pytest.approx(
        [100 * 80 / 90, 80.0, 110.0]
    )
    styles = {bars[f"progress:{i}"].get_hatch() or "" for i in range(3)}
    assert len(styles) == 3  # done, on track and behind differ without colour
    labels = [
        by_gid(fig, f"label:progress:{i}")[f"label:progress:{i}"].get_text() for i in range(3)
    ]
    assert "滞后" in labels[0] and "2025-12-31" in labels[0]
    assert "按期推进" in labels[1] and "已完成" in labels[2]
    with pytest.raises(ValueError):
        charts.ten_measure_progress([("x", "y", 1, 1, dt.date(2025, 1, 1), "late")])


def test_legends_differ_in_grey_not_only_in_colour(summary) -> None:
    for fig in (
        charts.compliance_by_county(summary.units, summary.total),
        charts.double_teacher_share(summary.double_shares, summary.double_threshold),
        charts.training_participants(summary.total),
    ):
        from matplotlib.patches import Patch

        legend = fig.legends[0] if fig.legends else fig.axes[0].get_legend()
        styles = []
        for handle in legend.legend_handles:
            if isinstance(handle, Patch):
                r, g, b, _a = to_rgba(handle.get_facecolor())
                grey = round(0.299 * r + 0.587 * g + 0.114 * b, 2)
                styles.append((grey, handle.get_hatch() or ""))
        assert len(styles) == len(set(styles)), styles


def test_empty_data_still_draws_a_readable_chart() -> None:
    fig = charts.failing_indicators([])
    assert "所有参评学校均已达标" in texts(fig)
    fig = charts.ten_measure_progress([])
    assert "尚未设定目标" in texts(fig)
    fig = charts.trend([])
    assert "没有统计期数据" in texts(fig)


def test_save_png_svg_and_bytes(tmp_path: Path, summary) -> None:
    fig = charts.compliance_by_county(summary.units, summary.total)
    with no_missing_glyphs() as problems:
        charts.save_figure(fig, tmp_path / "c.png")
        charts.save_figure(fig, tmp_path / "c.SVG")
    assert not problems
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "c.SVG").read_text(encoding="utf-8")
    assert "<svg" in svg and 'id="rate:630202"' in svg
    assert charts.figure_png_bytes(fig)[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        charts.save_figure(fig, tmp_path / "c.jpg")
    assert not list(tmp_path.glob(".*tmp"))


def test_english_labels(city_db: Path) -> None:
    set_language("en")  # names are taken in the language current when the summary is built
    db = open_database(city_db)
    try:
        summary = build_summary(db, YEAR)
    finally:
        db.close()
    fig = charts.compliance_by_county(summary.units, summary.total)
    assert "School-condition compliance rate by unit" in texts(fig)
    assert "Ledu District" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_reports_import_without_qt_or_matplotlib() -> None:
    # Start-up time: the command line and the GUI must not pay for matplotlib until a
    # chart is drawn; and nothing here may pull in Qt.
    script = textwrap.dedent(
        """
        import sys
        import vetdesk.reports.summary, vetdesk.reports.charts, vetdesk.reports.pdf
        import vetdesk.reports.city_workbook, vetdesk.cli.report_commands
        leaked = [n for n in sys.modules if n.startswith(("PySide6", "matplotlib"))]
        assert not leaked, leaked
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
