"""A fresh database's pages say what comes first and offer it (issue 19)."""

from __future__ import annotations

import subprocess
import sys

from vetdesk.services.entities import SCHOOL, TEACHER
from vetdesk.standards.installed import create_database


def _fresh_county(tmp_path, *, period: bool):
    path = tmp_path / "fresh.db"
    db = create_database(path, role="county", unit_code="630223", operator="张老师")
    if period:
        from vetdesk.services.records import open_period

        open_period(db, 2025)
    db.close()
    return path


def test_without_a_period_the_pages_offer_to_create_one(
    qtbot, tmp_path, window_factory, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    window = window_factory(_fresh_county(tmp_path, period=False))
    window.show_page(SCHOOL)
    page = window.record_pages[SCHOOL]
    assert page.empty_state.isVisibleTo(window) and not page.view.isVisibleTo(window)
    assert "统计期" in page.empty_message.text()
    assert page.empty_button.isVisibleTo(window) and page.empty_button.text() == "新建统计期…"
    # 新增 on 学校 is not greyed out: it creates the period first, then opens the school form.
    assert page.add_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (2025, True))
    page.empty_button.click()
    qtbot.waitUntil(lambda: window.year == 2025 and not window.loading, timeout=30_000)
    assert "学校名录为空" in page.empty_message.text()
    assert page.empty_button.text() == "新增学校…"


def test_school_add_without_a_period_creates_it_then_opens_the_form(
    qtbot, tmp_path, window_factory, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    window = window_factory(_fresh_county(tmp_path, period=False))
    window.show_page(SCHOOL)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (2025, True))
    window.record_pages[SCHOOL].add_button.click()
    qtbot.waitUntil(lambda: window.editor.active_form is not None, timeout=30_000)
    assert window.year == 2025
    window.editor.active_form.reject()


def test_with_a_period_but_no_school_the_pages_offer_to_add_one(tmp_path, window_factory):
    window = window_factory(_fresh_county(tmp_path, period=True))
    page = window.record_pages[TEACHER]
    window.show_page(TEACHER)
    assert page.empty_state.isVisibleTo(window)
    assert page.empty_button.text() == "新增学校…"
    page.empty_button.click()
    assert window.editor.active_form is not None
    window.editor.active_form.reject()


def test_pages_with_records_show_the_table(county_window):
    page = county_window.record_pages[SCHOOL]
    county_window.show_page(SCHOOL)
    assert page.view.isVisibleTo(county_window) and not page.empty_state.isVisibleTo(county_window)


def test_english_navigation_has_no_horizontal_scrollbar(qtbot, city_db, tmp_path):
    from PySide6.QtCore import Qt

    from vetdesk.ui.i18n import install_translators

    install_translators("en")
    try:
        from vetdesk.db.database import open_database
        from vetdesk.ui.background import wait_for_all
        from vetdesk.ui.mainwindow import MainWindow
        from vetdesk.ui.settings import Settings

        db = open_database(city_db)
        window = MainWindow(db, Settings(tmp_path / "settings.ini"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.snapshot is not None and not window.loading, timeout=30_000)
        nav = window.nav
        assert nav.item(0).text() != "学校"  # English is installed
        assert nav.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        metrics = nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(nav.item(r).text()) for r in range(nav.count()))
        assert nav.viewport().width() >= widest + 24
        wait_for_all()
        db.close()
    finally:
        install_translators("zh")


def test_screenshots_of_a_database_held_elsewhere_say_so_instead_of_waiting(
    qtbot, county_db, tmp_path, monkeypatch, capsys
):
    from PySide6.QtWidgets import QMessageBox

    from vetdesk.ui import interaction
    from vetdesk.ui.app import run_app

    def modal(*_args, **_kwargs):
        raise AssertionError("a modal box offscreen would wait forever")

    for name in ("warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, modal)
    script = (
        "import sys\n"
        "from vetdesk.db.lock import DatabaseLock\n"
        f"lock = DatabaseLock({str(county_db)!r}).acquire('test')\n"
        "print('locked', flush=True); sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    previous = interaction.set_interaction(interaction.Interaction())
    try:
        assert run_app(db=str(county_db), screenshot_dir=str(tmp_path / "shots")) == 1
    finally:
        interaction.set_interaction(previous)
        holder.communicate("\n")
    assert county_db.name in capsys.readouterr().err
