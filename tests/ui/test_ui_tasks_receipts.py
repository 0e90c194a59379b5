"""Starting from a city task package in the wizard; importing the city's receipt."""

from __future__ import annotations

from pathlib import Path

from vetdesk.db.database import Database, open_database
from vetdesk.packages.county import export_package
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import issue_receipt
from vetdesk.packages.task import export_task
from vetdesk.packages.verify import verify_package
from vetdesk.services.records import list_periods
from vetdesk.signing.keystore import active_key, create_key, public_key_file_text
from vetdesk.signing.trust import add_trusted_key, read_key_file
from vetdesk.ui.wizard import SetupWizard

PASSPHRASE = "市县往返 口令 2025"


def _keyed(db: Database) -> str:
    create_key(db, PASSPHRASE)
    return active_key(db).public_key


def test_wizard_starts_from_a_city_task_package(qtbot, tmp_path, city_db, recorder):
    """After registering the city's key, the task package sets up the county's schools."""
    city = open_database(city_db)
    try:
        _keyed(city)
        key_file = tmp_path / "city.pub"
        key_file.write_text(public_key_file_text(city), encoding="utf-8")
        fingerprint = active_key(city).fingerprint
        task = tmp_path / "任务包.xlsx"
        export_task(city, 2025, task, PASSPHRASE, unit_code="630222")
    finally:
        city.close()

    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.role_page.unit.setCurrentIndex(wizard.role_page.unit.findData("630222"))
    wizard.next()
    wizard.operator_page.operator.setText("马老师")
    wizard.operator_page.year.setValue(2025)
    wizard.operator_page.path.setText(str(tmp_path / "minhe.db"))
    wizard.next()
    wizard.currentPage().skip.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=30_000)
    wizard.next()
    keys = wizard.currentPage().keys
    dialog = keys.open_register_dialog()
    dialog.load_file(key_file)
    qtbot.waitUntil(lambda: dialog.candidate is not None, timeout=10_000)
    dialog.typed.setText(fingerprint)
    with qtbot.waitSignal(dialog.registered, timeout=10_000):
        dialog.ok_button.click()
    wizard.next()
    page = wizard.currentPage()
    assert page.objectName() == "task_package_page" and page.import_button.isVisible()
    recorder.paths.append(task)
    page.choose_and_import()
    qtbot.waitUntil(lambda: bool(page.result.text()), timeout=30_000)
    assert "已导入任务包" in page.result.text(), page.result.text()
    wizard.accept()
    db = wizard.database
    assert db is not None
    try:
        assert [p.year for p in list_periods(db)] == [2025]
        from vetdesk.services.records import load_tables

        assert load_tables(db, 2025).schools  # the registry came from the city
    finally:
        db.close()


def test_city_task_page_is_skipped_for_the_city(qtbot, tmp_path, recorder):
    """A city database has no task page: the keys page is the last one."""
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.role_page.city.setChecked(True)
    wizard.show()
    wizard.next()
    wizard.operator_page.operator.setText("李科长")
    wizard.operator_page.path.setText(str(tmp_path / "city.db"))
    wizard.next()
    wizard.currentPage().skip.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=30_000)
    wizard.next()
    assert wizard.currentPage().objectName() == "trusted_keys_page"
    assert "各县区" in wizard.currentPage().title()
    assert wizard.nextId() == -1
    wizard.reject()


def test_receipt_import_marks_the_period_submitted(
    county_window, qtbot, recorder, city_db, tmp_path
):
    """The city's signed receipt for package 1: the county is told, the period is submitted."""
    window = county_window
    county = window.db
    city = open_database(city_db)
    try:
        add_trusted_key(city, "630223", read_key_file(_keyed(county)))
        add_trusted_key(county, "630200", read_key_file(_keyed(city)))
        package = tmp_path / "pkg.xlsx"
        export_package(county, 2025, package, PASSPHRASE)
        preview = apply_merge(city, verify_package(city, package), file_name=package.name)
        folder = tmp_path / "receipts"
        folder.mkdir()
        receipt = issue_receipt(city, preview, folder, PASSPHRASE)
    finally:
        city.close()
    assert window.act_receipt.isVisible() or not window.isVisible()
    recorder.paths.append(Path(receipt))
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        window.act_receipt.trigger()
    kind, _title, text = next(m for m in recorder.messages if m[1] == "市局回执")
    assert kind == "info" and "已接收 2025 年度第 1 号" in text and "已上报" in text
    assert "已上报" in window.period_label.text()
    assert not window.record_pages["teacher"].add_button.isEnabled()
