"""The main window driven like a person would: pages, search, forms, undo, 达标."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from vetdesk.services import records
from vetdesk.services.records import CONDITION, SCHOOL, TEACHER, TRAINING


def _fill(form, values):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QComboBox

    for name, value in values.items():
        editor = form.editor(name)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        else:
            editor.setText(value)
    return form.validate_now()


def test_pages_switch_and_show_the_demo(county_window):
    """Every domain page has its rows; the status bar shows the period and the counts."""
    window = county_window
    for page_id in window.page_ids():
        window.show_page(page_id)
        assert window.current_page_id() == page_id
    assert window.record_pages[SCHOOL].model.rowCount() == 1
    assert window.record_pages[TEACHER].model.rowCount() > 100
    assert window.record_pages[TRAINING].model.rowCount() > 0
    assert "2025 年度" in window.period_label.text()
    assert "填报中" in window.period_label.text()
    assert window.errors_button.text() == "错误 0 条"
    assert window.warnings_button.text() == "待说明警告 0 条"


def test_search_and_school_filter_narrow_the_teacher_table(county_window, qtbot):
    """Typing in the search box filters the rows (after the short pause)."""
    page = county_window.record_pages[TEACHER]
    total = page.model.rowCount()
    name = page.model.item(0).row.name
    page.search.setFocus()
    page.search.insert(name)  # what an input method commits (keyClicks cannot type hanzi)
    qtbot.waitUntil(lambda: page.model.rowCount() < total, timeout=3000)
    assert all(name in page.model.item(i).row.name for i in range(page.model.rowCount()))
    assert "显示" in page.count_label.text()
    page.search.clear()
    page.apply_search()
    assert page.model.rowCount() == total
    code = page.model.item(0).row.school_code
    page.school_filter.setCurrentIndex(page.school_filter.findData(code))
    assert page.model.rowCount() == total  # the demo county has one school


def test_id_numbers_are_masked_in_the_list(county_window):
    """The teacher table never shows a whole 身份证号."""
    page = county_window.record_pages[TEACHER]
    column = page.model.column_of("id_number")
    shown = page.model.index(0, column).data()
    full = page.model.item(0).row.id_number
    assert shown != full and "*" in shown and shown[-4:] == full[-4:]


def test_sorting_by_a_column(county_window):
    """Clicking a header sorts by that column."""
    page = county_window.record_pages[TEACHER]
    column = page.model.column_of("hired_date")
    page.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    dates = [page.model.item(i).row.hired_date for i in range(page.model.rowCount())]
    known = [d for d in dates if d is not None]
    assert known == sorted(known)


def test_form_validates_as_you_type_in_chinese(county_window, qtbot):
    """A bad 身份证号 is explained under the field and 确定 is disabled until fixed."""
    window = county_window
    page = window.record_pages[TEACHER]
    form = window.editor.edit_record(TEACHER, page.model.item(0))
    assert form is not None and form.ok_enabled()
    editor = form.editor("id_number")
    good = editor.text()
    editor.setText(good[:-1] + ("0" if good[-1] != "0" else "1"))
    qtbot.waitUntil(lambda: not form.ok_enabled(), timeout=2000)
    assert "校验位" in form.message("id_number")
    editor.setText(good)
    qtbot.waitUntil(form.ok_enabled, timeout=2000)
    assert form.message("id_number") == ""
    form.reject()


def test_a_new_record_opens_without_a_wall_of_errors(county_window, qtbot):
    """Empty required fields wait until touched; the summary says what is still needed."""
    window = county_window
    form = window.editor.add_record(SCHOOL)
    assert form is not None and not form.ok_enabled()
    assert form.message("school_code") == "" and form.message("name") == ""
    assert "还需填写" in form.summary() and "学校名称" in form.summary()
    form.editor("school_code").setText("3663239999")
    form.validate_now()
    assert form.message("name") == "" and "学校名称" in form.summary()
    form.editor("name").setText("某")
    form.editor("name").setText("")  # touched and emptied again: now it says so
    form.validate_now()
    assert "必填" in form.message("name")
    assert "学校名称" not in form.summary()
    form.reject()


def test_edit_a_teacher_then_undo(county_window, qtbot):
    """Editing through the form stores the change; 撤销 puts the old value back."""
    window = county_window
    page = window.record_pages[TEACHER]
    record = page.model.item(0)
    form = window.editor.edit_record(TEACHER, record)
    assert form is not None
    draft = _fill(form, {"name": "改名测试"})
    assert draft.ok
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    edited = records.load_tables(window.db, 2025).teachers
    assert any(t.id == record.id and t.row.name == "改名测试" for t in edited)
    assert any(r.row.name == "改名测试" for r in page.model.items())
    assert window.act_undo.isEnabled()
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.act_undo.trigger()
    restored = {t.id: t.row for t in records.load_tables(window.db, 2025).teachers}
    assert restored[record.id] == record.row
    assert any(r.row == record.row for r in page.model.items())
    assert window.act_redo.isEnabled()


def test_delete_a_training_then_undo(county_window, qtbot, recorder):
    """Deleting asks first; undo brings the programme back."""
    window = county_window
    page = window.record_pages[TRAINING]
    before = page.model.rowCount()
    record = page.model.item(0)
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.editor.delete_record(TRAINING, record)
    assert recorder.messages and recorder.messages[-1][0] == "confirm"
    assert page.model.rowCount() == before - 1
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.undo_stack.undo()
    assert page.model.rowCount() == before
    names = [t.row.name for t in records.load_tables(window.db, 2025).trainings]
    assert record.row.name in names


def test_add_a_school_and_its_conditions_then_see_the_verdict(county_window, qtbot):
    """A new school, then its figures, appear in the 达标 view with a verdict."""
    window = county_window
    form = window.editor.add_record(SCHOOL)
    assert form is not None
    draft = _fill(
        form,
        {
            "school_code": "3663239999",
            "name": "互助县测试职业学校",
            "county_code": "630223",
            "level": "secondary",
            "category": "general",
            "ownership": "public",
        },
    )
    assert draft.ok, draft.problems
    with qtbot.waitSignal(window.loaded, timeout=15_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    conditions = window.record_pages[CONDITION]
    row = conditions.model.row_of_key("condition:3663239999")
    assert row >= 0
    form = window.editor.edit_record(CONDITION, conditions.model.item(row))
    assert form is not None
    draft = _fill(
        form,
        {
            "full_time_students": "1200",
            "land_area_m2": "40000",
            "building_area_m2": "24000",
            "equipment_value_yuan": "300",  # 万元, as in the templates
            "books": "36000",
        },
    )
    assert draft.ok, draft.problems
    with qtbot.waitSignal(window.checked, timeout=15_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    window.show_page("compliance")
    # No teachers yet: 专任教师数 fails, so the new school does not reach the standard.
    assert window.compliance.verdict_of("3663239999") == "fail"
    assert window.compliance.select_school("3663239999")
    shown = [
        window.compliance.indicators_model.index(i, 0).data()
        for i in range(window.compliance.indicators_model.rowCount())
    ]
    assert "专任教师数" in shown
    assert "未达标" in window.compliance.school_title.text()


def test_layout_is_remembered(county_window, tmp_path):
    """Column widths survive closing and reopening the window."""
    from vetdesk.ui.settings import Settings

    window = county_window
    header = window.record_pages[TEACHER].view.horizontalHeader()
    header.resizeSection(0, 333)
    window.save_layout()
    state = Settings(tmp_path / "settings.ini").header_state(TEACHER)
    assert not state.isEmpty()


def test_the_school_form_offers_the_categories_of_the_chosen_level(county_window):
    """办学层次 narrows 标准类别: a 中职 school cannot be given a 高职 category."""
    from PySide6.QtWidgets import QComboBox

    form = county_window.editor.add_record(SCHOOL)
    level, category = form.editor("level"), form.editor("category")
    assert isinstance(level, QComboBox) and isinstance(category, QComboBox)

    def offered() -> set[str]:
        return {category.itemData(i) for i in range(category.count())} - {""}

    everything = offered()
    assert {"general", "higher_engineering"} <= everything
    level.setCurrentIndex(level.findData("higher"))
    assert offered() == {"higher_comprehensive", "higher_engineering"}
    level.setCurrentIndex(level.findData("secondary"))
    assert "higher_engineering" not in offered() and "general" in offered()
    category.setCurrentIndex(category.findData("general"))
    level.setCurrentIndex(level.findData("technician"))
    assert category.currentData() == "general", "a choice still allowed is kept"
    form.reject()


def test_a_wrong_id_number_is_explained_before_the_other_fields_are_filled(county_window):
    """The check digit is checked as it is typed, not only once the form is complete."""
    from vetdesk.domain.identifiers import generate_id_number

    window = county_window
    window.show_page(TEACHER)
    form = window.editor.add_record(TEACHER)
    good = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")
    form.editor("id_number").setText(good[:-1] + ("0" if good[-1] != "0" else "1"))
    form.validate_now()
    assert "校验位" in form.message("id_number")
    assert form.message("name") == "", "untouched required fields still wait"
    form.editor("id_number").setText(good)
    form.validate_now()
    assert form.message("id_number") == ""
    form.reject()


def test_enterprise_practice_is_recorded_in_the_teacher_form(county_window, qtbot):
    """The warning "请补录实践记录" can be fixed where it is shown: the teacher form."""
    window = county_window
    page = window.record_pages[TEACHER]
    record = next(
        page.model.item(r)
        for r in range(page.model.rowCount())
        if page.model.item(r).row.role == "specialty_course" and page.model.item(r).row.practices
    )
    form = window.editor.edit_record(TEACHER, record)
    editor = form.extra("practices")
    assert len(editor.value()) == len(record.row.practices)
    editor.add_row(("青海某汽车维修公司", "2025-07-01", "2025-07-32"), edit=False)
    form.validate_now()
    assert not form.ok_enabled()
    assert "企业实践第" in form.message("practices") and "结束日期" in form.message("practices")
    table = editor.table
    table.item(table.rowCount() - 1, 2).setText("2025-08-31")
    form.validate_now()
    assert form.ok_enabled(), form.summary()
    with qtbot.waitSignal(window.undo_stack.applied, timeout=15_000):
        form.ok_button().click()
    saved = next(t.row for t in records.load_tables(window.db, 2025).teachers if t.id == record.id)
    assert len(saved.practices) == len(record.row.practices) + 1
    assert any(p.enterprise == "青海某汽车维修公司" for p in saved.practices)
    # 撤销 takes the new practice away again.
    with qtbot.waitSignal(window.undo_stack.applied, timeout=15_000):
        window.act_undo.trigger()
    restored = next(
        t.row for t in records.load_tables(window.db, 2025).teachers if t.id == record.id
    )
    assert restored.practices == record.row.practices


def test_undo_refuses_to_revert_another_operators_change(county_window, qtbot, recorder):
    """An undone school edit would put back the whole old row: refused, their change kept."""
    from dataclasses import replace

    from vetdesk.db.database import open_database

    window = county_window
    record = window.record_pages[SCHOOL].model.item(0)
    form = window.editor.edit_record(SCHOOL, record)
    assert form is not None
    assert _fill(form, {"name": "改名测试"}).ok
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    # Another officer (another process) changes the same school's address meanwhile.
    other = open_database(window.db.path)
    try:
        stored = records.load_tables(other, 2025).schools[0].row
        theirs = replace(stored, address="另一处地址")
        records.save_school(other, theirs, original_code=stored.school_code)
    finally:
        other.close()
    warnings = len([m for m in recorder.messages if m[0] == "warning"])
    window.act_undo.trigger()
    qtbot.waitUntil(
        lambda: len([m for m in recorder.messages if m[0] == "warning"]) > warnings,
        timeout=10_000,
    )
    assert "已被其他操作员或导入更改" in recorder.messages[-1][2]
    assert "撤销与重做记录已清空" in recorder.messages[-1][2]
    assert records.load_tables(window.db, 2025).schools[0].row == theirs
    assert not window.undo_stack.busy
    assert not window.undo_stack.can_undo() and not window.undo_stack.can_redo()
