"""Backups page and restore; a damaged database at start-up: read-only or restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.backup import REASON_RESTORE, create_backup, list_backups, quick_check
from vetdesk.ui.background import wait_for_all
from vetdesk.ui.mainwindow import MainWindow
from vetdesk.ui.settings import Settings


def corrupt(path: Path, *, at: float = 0.5, pages: int = 3) -> None:
    """Overwrite whole pages in the middle of a database file with garbage."""
    assert not Path(f"{path}-wal").exists()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    first = int(len(data) // page_size * at)
    data[first * page_size : (first + pages) * page_size] = b"\xa5" * (pages * page_size)
    path.write_bytes(bytes(data))


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the root page of one table with garbage: the rest stays readable."""
    con = sqlite3.connect(path)
    try:
        (root,) = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


def corrupt_every_table(path: Path) -> None:
    """Overwrite the root page of every table: the schema survives, no row can be read."""
    con = sqlite3.connect(path)
    try:
        tables = [
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
    finally:
        con.close()
    for table in tables:
        corrupt_table(path, table)


def school_name(window: MainWindow) -> str:
    with window.db.session() as session:
        name = session.scalar(select(models.School.name).order_by(models.School.id))
    assert name is not None
    return name


def rename_school(window: MainWindow, name: str) -> None:
    with window.db.transaction() as session:
        school = session.scalars(select(models.School).order_by(models.School.id)).first()
        assert school is not None
        school.name = name


def test_backups_page_lists_and_restores_a_backup(county_window, qtbot, recorder):
    """The chosen backup replaces the data; the state it replaced is kept as a backup."""
    window = county_window
    original = school_name(window)
    backup = create_backup(window.db.path, "manual")
    rename_school(window, "改过名的学校")
    page = window.show_page("backups")
    assert page is window.backups_page
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=10_000)
    assert "共" in page.count_label.text()
    assert page.select(backup.path)
    shown = page.model.item(page.view.selectionModel().selectedRows()[0].row())
    assert shown.reason_label == "手动" and 2025 in shown.periods
    assert page.restore_button.isEnabled()
    old_db = window.db
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        page.restore_button.click()
    assert recorder.messages[-2][0] == "confirm"
    assert window.db is not old_db
    assert school_name(window) == original
    reasons = [b.reason for b in list_backups(window.db.path)]
    assert REASON_RESTORE in reasons
    kind, _title, text = recorder.messages[-1]
    assert kind == "info" and "已用" in text and "另存为备份" in text
    # The page lists the safety backup taken before the restore.
    qtbot.waitUntil(
        lambda: any(
            page.model.item(r).reason == REASON_RESTORE for r in range(page.model.rowCount())
        ),
        timeout=10_000,
    )


def _damaged_window(
    qtbot, county_db: Path, tmp_path: Path, *, schema_lost: bool = False
) -> MainWindow:
    create_backup(county_db, "manual")
    if schema_lost:
        # Every table, not pages picked by position: where a position falls moves with
        # every schema change.
        corrupt_every_table(county_db)
    else:
        corrupt_table(county_db, "audit_log")
    assert quick_check(county_db)
    window = MainWindow(county_db, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.recovery.damaged_dialog is not None, timeout=30_000)
    return window


def test_damaged_database_opens_read_only(qtbot, county_db, tmp_path, recorder):
    """The start-up check finds the damage; read-only shows the data and allows no edit."""
    window = _damaged_window(qtbot, county_db, tmp_path)
    dialog = window.recovery.damaged_dialog
    assert dialog is not None
    assert dialog.damage.problems
    assert dialog.model.rowCount() == 1 and dialog.restore_button.isEnabled()
    try:
        dialog.read_only_button.click()
        qtbot.waitUntil(lambda: window.snapshot is not None and not window.loading, timeout=30_000)
        assert window.read_only and window.failed is None
        assert "只读" in window.windowTitle()
        assert not window.read_only_label.isHidden()
        assert not window.act_import.isEnabled() and not window.act_package.isEnabled()
        assert not window.act_new_period.isEnabled()
        assert not window.record_pages["teacher"].add_button.isEnabled()
        assert window.record_pages["school"].model.rowCount() == 1
    finally:
        wait_for_all()
        window.db.close()


def test_damaged_database_restored_from_the_offered_backup(qtbot, county_db, tmp_path, recorder):
    """Restoring replaces the damaged file (kept as a raw copy) and opens it normally."""
    window = _damaged_window(qtbot, county_db, tmp_path)
    dialog = window.recovery.damaged_dialog
    assert dialog is not None
    try:
        with qtbot.waitSignal(window.loaded, timeout=30_000):
            dialog.restore_button.click()
        assert not window.read_only
        assert quick_check(county_db) == []
        assert any(b.raw and b.reason == REASON_RESTORE for b in list_backups(county_db))
        assert window.record_pages["teacher"].add_button.isEnabled()
        assert recorder.messages[-1][0] == "info" and "已用" in recorder.messages[-1][2]
    finally:
        wait_for_all()
        window.db.close()


def test_too_damaged_to_read_offers_the_restore_again(qtbot, county_db, tmp_path, recorder):
    """When even reading fails, the person is told and can still restore."""
    window = _damaged_window(qtbot, county_db, tmp_path, schema_lost=True)
    dialog = window.recovery.damaged_dialog
    assert dialog is not None
    dialog.read_only_button.click()
    qtbot.waitUntil(
        lambda: (
            window.recovery.damaged_dialog is not None
            and window.recovery.damaged_dialog is not dialog
        ),
        timeout=30_000,
    )
    kind, _title, text = recorder.messages[-1]
    assert kind == "warning" and "只读" in text
    assert not window.read_only and window.failed is None
    again = window.recovery.damaged_dialog
    try:
        with qtbot.waitSignal(window.loaded, timeout=30_000):
            again.restore_button.click()
        assert quick_check(county_db) == []
    finally:
        wait_for_all()
        window.db.close()


def test_quitting_from_the_damage_dialog_reports_the_failure(qtbot, county_db, tmp_path, recorder):
    """Choosing 退出 leaves the database untouched and tells the controller."""
    window = _damaged_window(qtbot, county_db, tmp_path)
    dialog = window.recovery.damaged_dialog
    assert dialog is not None
    with qtbot.waitSignal(window.open_failed, timeout=5_000):
        dialog.reject()
    assert window.failed is not None and window._db is None
