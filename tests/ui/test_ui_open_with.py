"""A workbook opened with VetDesk from the desktop lands in the step that handles it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from PySide6.QtWidgets import QApplication

from vetdesk.db.database import open_database
from vetdesk.services.open_workbook import plan_open
from vetdesk.ui.app import AppController
from vetdesk.ui.background import wait_for_all
from vetdesk.ui.openwith import follow_plan, forward_to_running
from vetdesk.ui.settings import Settings
from vetdesk.workbook.meta import KIND_PACKAGE, KIND_TASK, WorkbookMeta, write_meta
from vetdesk.workbook.template import write_template


def _template(county_db: Path, tmp_path: Path) -> Path:
    db = open_database(county_db)
    try:
        path = tmp_path / "学校填报表.xlsx"
        write_template(db, 2025, path)
    finally:
        db.close()
    return path


def _tagged(tmp_path: Path, kind: str, name: str) -> Path:
    workbook = Workbook()
    write_meta(workbook, WorkbookMeta(kind, 1, {"period": "2025"}))
    path = tmp_path / name
    workbook.save(path)
    return path


def test_a_template_opens_the_import_preview(qtbot, county_window, county_db, tmp_path):
    template = _template(county_db, tmp_path)
    dialog = follow_plan(county_window, plan_open(template, is_city=False))
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.preview.plan.ok  # the demo's own template reads back cleanly
    assert county_window.db.path == county_db  # nothing else was opened


def test_a_task_package_opens_the_task_preview(qtbot, county_window, tmp_path):
    task = _tagged(tmp_path, KIND_TASK, "任务包.xlsx")
    dialog = follow_plan(county_window, plan_open(task, is_city=False))
    assert dialog is not None and dialog.objectName() == "TaskImportDialog"
    assert dialog.path.text() == str(task)
    qtbot.waitUntil(lambda: bool(dialog.text.toPlainText()), timeout=30_000)
    assert not dialog.import_button.isEnabled()  # not signed by the city: nothing to import


def test_the_city_refuses_a_template_and_says_what_it_takes(
    qtbot, window_factory, city_db, county_db, tmp_path, recorder
):
    window = window_factory(city_db)
    template = _template(county_db, tmp_path)
    assert follow_plan(window, plan_open(template, is_city=True)) is None
    kind, _title, text = recorder.messages[-1]
    assert kind == "warning" and "上报数据包" in text and template.name in text


def test_the_city_lists_a_package_in_its_inbox(qtbot, window_factory, city_db, tmp_path, recorder):
    window = window_factory(city_db)
    package = _tagged(tmp_path, KIND_PACKAGE, "630222-2025-1.xlsx")
    page = follow_plan(window, plan_open(package, is_city=True))
    assert page is window.inbox
    qtbot.waitUntil(lambda: bool(window.inbox.entries()), timeout=30_000)
    assert [entry.path for entry in window.inbox.entries()] == [package]


def test_a_second_vetdesk_hands_the_workbook_to_the_open_window(
    qtbot, county_db, tmp_path, recorder
):
    template = _template(county_db, tmp_path)
    controller = AppController(QApplication.instance(), Settings(tmp_path / "a.ini"))
    assert not forward_to_running(county_db, template)  # nobody listens yet
    assert controller.open(county_db)
    try:
        qtbot.waitUntil(lambda: controller.db is not None, timeout=30_000)
        window = controller.window
        assert window is not None
        qtbot.waitUntil(lambda: not window.loading, timeout=30_000)
        assert forward_to_running(county_db, template)
        qtbot.waitUntil(lambda: _import_dialog(window) is not None, timeout=30_000)
        dialog = _import_dialog(window)
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
        assert Path(dialog.preview.content.file_name).name == template.name
    finally:
        wait_for_all()
        if controller.window is not None:
            controller.window.close()
        controller.close_database()
    assert not forward_to_running(county_db, template)  # closed with the database


def test_the_workbook_given_at_start_opens_once_the_window_has_loaded(
    qtbot, county_db, tmp_path, recorder
):
    template = _template(county_db, tmp_path)
    controller = AppController(QApplication.instance(), Settings(tmp_path / "b.ini"))
    controller.pending_workbook = template
    assert controller.open(county_db)
    try:
        window = controller.window
        assert window is not None
        qtbot.waitUntil(lambda: _import_dialog(window) is not None, timeout=30_000)
        assert controller.pending_workbook is None
    finally:
        wait_for_all()
        window.close()
        controller.close_database()


def _import_dialog(window):  # type: ignore[no-untyped-def]
    from vetdesk.ui.exchange import ImportDialog

    found = window.findChildren(ImportDialog)
    return found[0] if found else None
