"""The first-run wizard creates a county database with its first period."""

from __future__ import annotations

from vetdesk.db.database import open_database
from vetdesk.services.records import list_periods
from vetdesk.ui.wizard import SetupWizard


def test_wizard_creates_a_county_database(qtbot, tmp_path, recorder):
    """County 化隆县, operator and year typed in: the database exists with its period."""
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.role_page
    assert page.county.isChecked()
    page.unit.setCurrentIndex(page.unit.findData("630224"))
    wizard.next()
    operator = wizard.operator_page
    assert not operator.isComplete()
    operator.operator.setText("马老师")
    operator.year.setValue(2025)
    target = tmp_path / "hualong.db"
    operator.path.setText(str(target))
    assert operator.isComplete()
    wizard.next()
    assert wizard.currentPage().objectName() == "signing_key_page"
    key_page = wizard.currentPage()
    assert not key_page.isComplete()  # a passphrase, or the choice to skip the key
    key_page.skip.setChecked(True)
    wizard.next()  # creates the database in the background, then moves on
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=30_000)
    assert wizard.key is None and wizard.currentPage().fingerprint.text() == "未创建"
    wizard.next()
    assert wizard.currentPage().objectName() == "trusted_keys_page"
    wizard.next()
    assert wizard.currentPage().objectName() == "task_package_page"
    wizard.accept()
    assert wizard.database is not None, recorder.messages
    wizard.database.close()
    db = open_database(target)
    try:
        info = db.info()
        assert (info.role, info.unit_code, info.operator) == ("county", "630224", "马老师")
        assert [p.year for p in list_periods(db)] == [2025]
    finally:
        db.close()


def test_wizard_city_mode_uses_the_city_code(qtbot):
    """Choosing the city disables the county list and uses 630200."""
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.role_page.city.setChecked(True)
    assert not wizard.role_page.unit.isEnabled()
    assert wizard.role_page.unit_code() == "630200"
    assert wizard.role_page.role() == "city"
