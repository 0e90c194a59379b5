"""The 专业与合作 page edited like the other record pages: form, table, targets, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from vetdesk.services import measure_records
from vetdesk.services.entities import ENTERPRISE, MAJOR, MEASURE_ENTITIES


def _fill(form, values):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QComboBox

    for name, value in values.items():
        editor = form.editor(name)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        else:
            editor.setText(value)
    return form.validate_now()


def _show(qtbot, window, page_id: str):  # type: ignore[no-untyped-def]
    from vetdesk.ui.background import running_count

    page = window.show_page(page_id)
    qtbot.waitUntil(lambda: not page._stale and running_count() == 0, timeout=60_000)
    return page


def _agriculture(page) -> str:  # type: ignore[no-untyped-def]
    return next(r.value for r in page.rows if r.target_id == "agriculture_majors")


def test_add_a_major_through_the_form_then_undo(county_window, qtbot):
    """A new major shows in its table and in the targets' count; 撤销 removes it again."""
    from vetdesk.services.targets import target_progress
    from vetdesk.ui.mainwindow import PAGE_MEASURES, PAGE_TARGETS

    window = county_window
    targets = _show(qtbot, window, PAGE_TARGETS)
    before_value = _agriculture(targets)
    page = _show(qtbot, window, PAGE_MEASURES)
    assert set(MEASURE_ENTITIES) <= set(window.record_pages)
    page.show_kind(MAJOR)
    majors = window.record_pages[MAJOR]
    assert page.model is majors.model and majors.add_button.isEnabled()
    before = majors.model.rowCount()

    majors.add_button.click()
    form = window.editor.active_form
    assert form is not None and form.school_code()
    assert not form.ok_enabled()  # the required fields are empty
    # 第八条 counts only the 涉农 majors it names: add one the county does not run yet.
    from vetdesk.standards.targets import load_default_targets

    target = next(t for t in load_default_targets().targets if t.id == "agriculture_majors")
    running = {
        r.row.name for r in measure_records.load_measure_tables(window.db, 2025).records[MAJOR]
    }
    named = next(n for n in target.named if n not in running)
    draft = _fill(form, {"major_code": "61020", "name": named, "status": "new"})
    assert not draft.ok
    assert "6 位数字" in form.message("major_code")
    assert "变动年份" in form.message("status_year")
    draft = _fill(form, {"major_code": "410101", "status_year": "2025", "agriculture": True})
    assert draft.ok and form.ok_enabled(), draft.problems
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)

    assert majors.model.rowCount() == before + 1
    added = majors.current_record()
    assert added is not None and added.id > 0 and added.row.name == named
    stored = measure_records.load_measure_tables(window.db, 2025).records[MAJOR]
    assert any(r.id == added.id and r.row == added.row for r in stored)

    _set, progress = target_progress(window.db, 2025)
    expected = next(p for p in progress if p.target.id == "agriculture_majors").value_text()
    assert expected != before_value
    targets = _show(qtbot, window, PAGE_TARGETS)
    qtbot.waitUntil(lambda: _agriculture(targets) == expected, timeout=10_000)

    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.act_undo.trigger()
    assert majors.model.rowCount() == before
    stored = measure_records.load_measure_tables(window.db, 2025).records[MAJOR]
    assert all(r.id != added.id for r in stored)
    targets = _show(qtbot, window, PAGE_TARGETS)
    qtbot.waitUntil(lambda: _agriculture(targets) == before_value, timeout=10_000)


def test_edit_and_delete_an_enterprise_then_undo(county_window, qtbot, recorder):
    """合作形式 is typed as labels; deleting asks first and undo brings the record back."""
    from vetdesk.ui.mainwindow import PAGE_MEASURES

    window = county_window
    page = _show(qtbot, window, PAGE_MEASURES)
    page.show_kind(ENTERPRISE)
    table = window.record_pages[ENTERPRISE]
    assert table.model.rowCount() > 0
    record = table.model.item(0)
    form = window.editor.edit_record(ENTERPRISE, record)
    assert form is not None and form.ok_enabled()
    draft = _fill(form, {"forms": "订单班、联谊会"})
    assert not draft.ok and "合作形式" in form.message("forms")
    draft = _fill(form, {"forms": "学徒制，产业学院"})
    assert draft.ok
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    edited = next(r for r in table.model.items() if r.id == record.id)
    assert edited.row.forms == "apprenticeship,industry_college"
    forms = table.model.column_of("forms")
    assert "学徒制" in table.model.index(table.model.row_of_key(edited.key), forms).data()

    before = table.model.rowCount()
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.editor.delete_record(ENTERPRISE, edited)
    assert recorder.messages and recorder.messages[-1][0] == "confirm"
    assert table.model.rowCount() == before - 1
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.undo_stack.undo()
    assert table.model.rowCount() == before
    names = [
        r.row.name for r in measure_records.load_measure_tables(window.db, 2025).records[ENTERPRISE]
    ]
    assert record.row.name in names


def test_paste_majors_with_their_header_adds_them(county_window, qtbot, recorder):
    """The 粘贴行 button of a ten-measure table previews and adds the pasted majors."""
    from vetdesk.ui.mainwindow import PAGE_MEASURES
    from vetdesk.ui.paste import clipboard_text

    window = county_window
    page = _show(qtbot, window, PAGE_MEASURES)
    majors = page.pages[MAJOR]
    existing = measure_records.load_measure_tables(window.db, 2025).records[MAJOR]
    school = existing[0].row.school_code

    QGuiApplication.clipboard().setText(
        "学校标识码\t专业代码\t专业名称\t专业状态\t涉农专业（是/否）\n"
        f"{school}\t710199\t粘贴的专业\t新增\t是\n"
    )
    assert "粘贴的专业" in clipboard_text()
    majors.paste_button.click()
    qtbot.waitUntil(lambda: window.dialogs.dialog is not None, timeout=5_000)
    dialog = window.dialogs.dialog
    assert "专业" in dialog.windowTitle()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.preview.plan.ok, [i.describe() for i in dialog.preview.plan.issues]
    assert "按粘贴内容中的表头" in dialog.layout_note.text()
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.commit_button.click()
    after = measure_records.load_measure_tables(window.db, 2025).records[MAJOR]
    assert len(after) == len(existing) + 1
    added = next(m.row for m in after if m.row.name == "粘贴的专业")
    assert added.agriculture is True and added.major_code == "710199"
    dialog.reject()
