"""The checks panel: filters, jumping to the record, explanations typed in place."""

from __future__ import annotations

from pathlib import Path

from vetdesk.db.database import open_database
from vetdesk.services.check import explain_warnings
from vetdesk.services.records import TEACHER
from vetdesk.validation.check import run_check


def _clear_one_explanation(path: Path) -> tuple[str, str, str]:
    db = open_database(path)
    try:
        warning = run_check(db, 2025).warnings[0]
        explain_warnings(db, 2025, [(*warning.explanation_key, "")])
        return warning.explanation_key
    finally:
        db.close()


def test_filters_by_severity_rule_and_school(county_window):
    """Each filter narrows the list; 全部 shows everything again."""
    panel = county_window.checks
    total = panel.model.rowCount()
    assert total > 0
    panel.set_filters(severity="error")
    assert panel.model.rowCount() == 0
    rule = panel.model.items()[0].rule
    panel.set_filters(severity="warning", rule=rule)
    assert 0 < panel.model.rowCount() <= total
    assert all(panel.model.item(i).rule == rule for i in range(panel.model.rowCount()))
    school = panel.model.items()[0].school_code
    panel.set_filters(school=school)
    assert all(panel.model.item(i).school_code == school for i in range(panel.model.rowCount()))
    panel.set_filters()
    assert panel.model.rowCount() == total


def test_double_click_jumps_to_the_record_and_field(county_window):
    """A teacher's finding selects that teacher's row on the 教师 page."""
    window = county_window
    finding = next(f for f in window.checks.findings() if f.entity == TEACHER)
    assert window.editor.jump_to(finding)
    assert window.current_page_id() == TEACHER
    record = window.record_pages[TEACHER].current_record()
    assert record is not None and record.key == finding.record_key


def test_explaining_a_warning_in_place_updates_the_status_bar(
    qtbot, county_db, window_factory, recorder
):
    """Typing an explanation into the 说明 cell stores it and the count drops to zero."""
    from vetdesk.ui.background import running_count, wait_for_all
    from vetdesk.ui.checks import EXPLANATION_COLUMN, UNEXPLAINED

    key = _clear_one_explanation(county_db)
    window = window_factory(county_db)
    assert window.warnings_button.text() == "待说明警告 1 条"
    panel = window.checks
    panel.set_filters(severity=UNEXPLAINED)
    assert panel.model.rowCount() == 1
    index = panel.model.index(0, panel.model.column_of(EXPLANATION_COLUMN))
    assert panel.model.flags(index) & panel.model.flags(index).ItemIsEditable
    assert panel.model.setData(index, "该教师本学期在企业顶岗，下学期补足。")
    assert window.warnings_button.text() == "待说明警告 0 条"
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    wait_for_all()
    report = run_check(window.db, 2025)
    stored = {f.explanation_key: f.explanation for f in report.warnings}
    assert stored[key] == "该教师本学期在企业顶岗，下学期补足。"
    assert not report.unexplained_warnings


def test_explaining_in_the_pane_empties_the_unexplained_list(
    qtbot, county_db, window_factory, recorder
):
    """Select the warning, write several lines under it, save: it leaves the to-do filter."""
    from vetdesk.ui.background import running_count, wait_for_all
    from vetdesk.ui.checks import UNEXPLAINED

    key = _clear_one_explanation(county_db)
    window = window_factory(county_db)
    panel = window.checks
    panel.set_filters(severity=UNEXPLAINED)
    assert panel.model.rowCount() == 1
    assert not panel.save_button.isEnabled() and not panel.explanation.isEnabled()
    panel.view.selectRow(0)
    finding = panel.current_finding()
    assert finding is not None and finding.message in panel.detail_text.text()
    assert panel.explanation.isEnabled() and not panel.save_button.isEnabled()
    text = "该教师本学期在企业顶岗。\n下学期补足企业实践。"
    panel.explanation.setPlainText(text)
    assert panel.save_button.isEnabled()
    panel.save_button.click()
    assert panel.model.rowCount() == 0, "the explained warning left the unexplained list"
    assert window.warnings_button.text() == "待说明警告 0 条"
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    wait_for_all()
    stored = {f.explanation_key: f.explanation for f in run_check(window.db, 2025).warnings}
    assert stored[key] == text


def test_an_error_cannot_be_explained_in_the_pane(county_window):
    from dataclasses import replace

    from vetdesk.domain.enums import Severity

    window = county_window
    panel = window.checks
    error = replace(panel.findings()[0], severity=Severity.ERROR, explanation=None)
    panel.set_findings(window.db, 2025, [error], window.school_names())
    panel.set_filters(severity=str(Severity.ERROR))
    panel.view.selectRow(0)
    assert panel.current_finding() == error
    assert not panel.explanation.isEnabled() and not panel.save_button.isEnabled()
    assert "不能用说明代替" in panel.detail_text.text()
    assert panel.jump_button.isEnabled()


def test_text_typed_in_the_pane_is_kept_when_another_problem_is_chosen(
    qtbot, county_db, window_factory, recorder
):
    """No 保存说明 pressed, another row clicked: the explanation is saved, not lost."""
    from vetdesk.domain.enums import Severity
    from vetdesk.ui.background import running_count, wait_for_all

    key = _clear_one_explanation(county_db)
    window = window_factory(county_db)
    panel = window.checks
    panel.set_filters(severity=str(Severity.WARNING))
    row = next(
        r for r in range(panel.model.rowCount()) if panel.model.item(r).explanation_key == key
    )
    panel.view.selectRow(row)
    panel.explanation.setPlainText("该教师下学期补足企业实践。")
    panel.view.selectRow(0 if row else 1)
    assert panel.current_finding().explanation_key != key
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    wait_for_all()
    stored = {f.explanation_key: f.explanation for f in run_check(window.db, 2025).warnings}
    assert stored[key] == "该教师下学期补足企业实践。"
    assert window.warnings_button.text() == "待说明警告 0 条"
