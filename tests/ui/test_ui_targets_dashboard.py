"""The ten-measure target page, the new domains' records, the dashboard and the PDF report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_db


@pytest.fixture
def city_window(demo_city_template, tmp_path, window_factory, recorder):  # type: ignore[no-untyped-def]
    """The main window on a private copy of the demo city database."""
    return window_factory(copy_db(demo_city_template, tmp_path, "city.db"))


def _show(qtbot, window, page_id: str):  # type: ignore[no-untyped-def]
    from vetdesk.ui.background import running_count

    page = window.show_page(page_id)
    qtbot.waitUntil(lambda: not page._stale and running_count() == 0, timeout=60_000)
    return page


def test_targets_page_shows_every_target_and_takes_entered_values(qtbot, city_window):
    """Every target with its status as the service computes it; an entered value updates it."""
    from vetdesk.services.targets import target_progress
    from vetdesk.ui.mainwindow import PAGE_TARGETS

    window = city_window
    page = _show(qtbot, window, PAGE_TARGETS)
    _set, progress = target_progress(window.db, 2025)
    assert [r.target_id for r in page.rows] == [p.target.id for p in progress]
    assert [r.status for r in page.rows] == [p.status for p in progress]
    status_col = page.model.column_of("status")
    shown = {page.model.index(r, status_col).data() for r in range(page.model.rowCount())}
    assert shown <= {"已完成", "按期推进", "滞后", "未完成（文件未定期限）", "本年未达到"}
    assert "滞后" in shown and "未完成（文件未定期限）" in shown
    assert "东政办" in page.heading.text() or page.heading.text()
    assert "滞后" in page.counts.text()

    # A computed target cannot be typed in.
    computed = next(p for p in progress if not p.entered)
    page.select(computed.target.id)
    assert not page.save_button.isEnabled()

    entered = next(p for p in progress if p.entered and p.status == "open")
    assert page.select(entered.target.id)
    assert page.save_button.isEnabled()
    wanted = int(entered.target.target)
    page.value.setValue(wanted)
    page.evidence.setText("海东市教育局〔2025〕12号")
    with qtbot.waitSignal(page.saved, timeout=10_000):
        page.save()
    qtbot.waitUntil(
        lambda: next(r for r in page.rows if r.target_id == entered.target.id).status == "done",
        timeout=10_000,
    )
    row = next(r for r in page.rows if r.target_id == entered.target.id)
    assert row.evidence == "海东市教育局〔2025〕12号"
    assert row.value.startswith(str(wanted))

    # No evidence: refused with the service's reason, nothing saved.
    page.evidence.setText(" ")
    page.save()
    qtbot.waitUntil(lambda: "佐证" in page.form_hint.text(), timeout=10_000)


def test_a_county_targets_page_shows_its_contribution_without_the_city_form(
    qtbot, demo_county_template, tmp_path, window_factory, recorder
):  # type: ignore[no-untyped-def]
    """A county sees 本县贡献 and no entry form (the city enters those values)."""
    from vetdesk.ui.mainwindow import PAGE_TARGETS

    window = window_factory(copy_db(demo_county_template, tmp_path, "county.db"))
    page = _show(qtbot, window, PAGE_TARGETS)
    assert page.rows and {r.status for r in page.rows} <= {"contribution", "city_entered"}
    assert not page.form_box.isVisibleTo(page)
    assert "本县贡献" in page.counts.text() and "滞后" not in page.counts.text()


def test_measure_data_page_lists_the_new_domains(qtbot, city_window):
    """Majors, enterprises, pilots, destinations and bases, read-only, with school names."""
    from vetdesk.db.period_data import load_period_data
    from vetdesk.ui.mainwindow import PAGE_MEASURES

    window = city_window
    page = _show(qtbot, window, PAGE_MEASURES)
    with window.db.session() as session:
        data = load_period_data(session, 2025)
    for key, rows in (
        ("majors", data.majors),
        ("enterprises", data.enterprises),
        ("pilots", data.pilots),
        ("destinations", data.destinations),
        ("bases", data.bases),
    ):
        page.show_kind(key)
        assert page.model.rowCount() == len(rows) > 0
        school = page.model.index(0, 0).data()
        assert school and not school.isdigit()
    page.show_kind("enterprises")
    forms = page.model.column_of("forms")
    assert any("订单班" in page.model.index(r, forms).data() for r in range(page.model.rowCount()))


def test_dashboard_draws_every_chart_and_saves_it(qtbot, city_window, tmp_path):
    """Each chart is drawn on the Qt canvas with data; copied and saved as PNG and SVG."""
    from PySide6.QtGui import QGuiApplication

    from vetdesk.ui.dashboard import CHARTS
    from vetdesk.ui.mainwindow import PAGE_DASHBOARD

    window = city_window
    page = _show(qtbot, window, PAGE_DASHBOARD)
    qtbot.waitUntil(lambda: page.data is not None, timeout=60_000)
    assert "2025" in page.status.text()
    for chart in CHARTS:
        page.show_chart(chart)
        canvas = page.canvas
        assert canvas is not None and type(canvas).__name__ == "FigureCanvasQTAgg"
        axes = canvas.figure.axes
        assert axes, chart
        assert any(ax.patches or ax.lines or ax.collections for ax in axes), chart
        canvas.draw()
    page.show_chart("compliance")
    gids = {p.get_gid() for ax in page.canvas.figure.axes for p in ax.patches}
    assert any(g and g.startswith("rate:630223") for g in gids), gids

    png, svg = tmp_path / "达标率.png", tmp_path / "达标率.svg"
    for target in (png, svg):
        page.save_chart(target)
        qtbot.waitUntil(target.exists, timeout=30_000)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]

    QGuiApplication.clipboard().clear()
    page.copy_chart()
    qtbot.waitUntil(lambda: not QGuiApplication.clipboard().image().isNull(), timeout=30_000)
    assert "已复制" in page.status.text()


def test_dashboard_redraws_after_a_change(qtbot, city_window):
    """New data (a reload) redraws the charts from the database."""
    from vetdesk.ui.mainwindow import PAGE_DASHBOARD

    window = city_window
    page = _show(qtbot, window, PAGE_DASHBOARD)
    qtbot.waitUntil(lambda: page.data is not None, timeout=60_000)
    first = page.data
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        window.reload()
    assert page.data is not first


def test_report_action_writes_the_pdf(qtbot, city_window, tmp_path, recorder):
    """数据 → 生成报告… writes the PDF in the background."""
    target = tmp_path / "报告.pdf"
    city_window.dialogs.write_report(target)
    qtbot.waitUntil(lambda: any(m[1] == "生成报告" for m in recorder.messages), timeout=120_000)
    assert recorder.messages[-1][0] == "info", recorder.messages[-1]
    assert target.read_bytes().startswith(b"%PDF")


def test_start_up_does_not_import_matplotlib(demo_city_template, tmp_path):
    """Opening the window on a city database, every page built, loads no matplotlib."""
    db = copy_db(demo_city_template, tmp_path, "city.db")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from vetdesk.ui.mainwindow import MainWindow\n"
        "from vetdesk.ui.settings import Settings\n"
        f"w = MainWindow(Path({str(db)!r}), Settings(Path({str(tmp_path / 's.ini')!r})))\n"
        "w.show()\n"
        "end = time.monotonic() + 60\n"
        "while (w.snapshot is None or w.loading) and time.monotonic() < end:\n"
        "    app.processEvents(); time.sleep(0.01)\n"
        "assert w.snapshot is not None\n"
        "pages = [w.page(p) for p in w.page_ids()]\n"
        "print([m for m in ('matplotlib',) if m in sys.modules])\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "VETDESK_DATA_DIR": str(tmp_path / "data")}
    import os

    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
