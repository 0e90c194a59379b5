"""The GUI asks the write policy: actions disabled with the reason, lock and reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import copy_db
from tests.core.reported_world import build_reported
from vetdesk.services.entities import SCHOOL, TEACHER


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_reported(tmp_path_factory.mktemp("reported"))


def test_a_reported_period_is_read_only_until_the_county_reopens_it(
    window_factory, reported, tmp_path, recorder, qtbot
):
    window = window_factory(copy_db(reported[0], tmp_path, "county.db"))
    page = window.record_pages[TEACHER]
    assert page.model.rowCount() > 0
    assert not any(button.isEnabled() for button in page.edit_buttons())
    assert "2025 年度已上报" in page.add_button.toolTip()
    assert not window.act_import.isEnabled() and "已上报" in window.act_import.toolTip()
    assert not window.act_package.isEnabled()
    assert "已上报" in window.period_label.text()
    assert not window.act_lock_period.isVisible()
    assert window.checks.model.read_only  # no explanation typed into a reported period
    assert window.act_reopen_period.isEnabled()
    window.act_reopen_period.trigger()
    qtbot.waitUntil(lambda: page.add_button.isEnabled(), timeout=30_000)
    # Open again, and the state says the city still holds the reported figures.
    assert "需重新上报" in window.period_label.text()
    assert "第 1 号" in window.period_label.text()
    assert window.act_import.isEnabled()
    assert not window.checks.model.read_only
    assert not window.act_reopen_period.isEnabled()
    assert "本来就在填报中" in window.act_reopen_period.toolTip()


def test_the_city_locks_and_reopens_a_period(window_factory, city_db, recorder, qtbot):
    window = window_factory(city_db)
    assert window.act_lock_period.isVisible() and window.act_lock_period.isEnabled()
    assert not window.act_reopen_period.isEnabled()
    window.act_lock_period.trigger()
    qtbot.waitUntil(lambda: window.act_reopen_period.isEnabled(), timeout=30_000)
    assert not window.act_lock_period.isEnabled()
    assert "已经锁定" in window.act_lock_period.toolTip()
    window.act_reopen_period.trigger()
    qtbot.waitUntil(lambda: window.act_lock_period.isEnabled(), timeout=30_000)


def test_the_city_edits_its_school_registry_and_no_period_record(
    window_factory, city_db, recorder, qtbot
):
    # The registry is the write policy's EDIT_REGISTRY (as `vetdesk school edit` on the
    # city database); the period's records stay read-only, and nothing is pasted.
    window = window_factory(city_db)
    schools, teachers = window.record_pages[SCHOOL], window.record_pages[TEACHER]
    assert schools.model.rowCount() > 0
    assert schools.add_button.isEnabled() and schools.edit_button.isEnabled()
    assert schools.delete_button.isEnabled()
    assert not schools.paste_button.isEnabled()
    assert not any(button.isEnabled() for button in teachers.edit_buttons())
    window.show_page(SCHOOL)
    assert window.act_add.isEnabled() and not window.act_paste.isEnabled()
    window.show_page(TEACHER)
    assert not window.act_add.isEnabled()
    assert window.editor.edit_record(TEACHER, teachers.model.item(0)) is None

    record = schools.model.item(0)
    form = window.editor.edit_record(SCHOOL, record)
    assert form is not None
    form.editor("contact_phone").setText("0972-1234567")
    assert form.validate_now().ok
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    row = schools.model.row_of_key(record.key)
    assert schools.model.item(row).row.contact_phone == "0972-1234567"
