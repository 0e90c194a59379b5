"""Rows copied from Excel/WPS pasted into a table: preview, refusal with places, then commit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.services import records
from vetdesk.services.entities import TEACHER
from vetdesk.workbook.schema import TEACHERS

SCHOOL = "3663230000"
NEW_ID = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")
BAD_ID = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")


def excel_copy(id_number: str) -> str:
    """Two teacher rows as Excel puts them on the clipboard: tabs, CRLF, template order."""
    values = {
        "school_code": SCHOOL,
        "school_name": "互助县职业技术学校",
        "name": "韩雪莲",
        "id_number": id_number,
        "role": "专任教师（专业课）",
        "education": "本科",
        "title": "中级",
        "double_teacher_level": "无",
        "hired_date": "2012/9/1",
    }
    second = dict(
        values, name="马文博", id_number=generate_id_number("632126", dt.date(1990, 1, 2), 7, "男")
    )
    return "".join(
        "\t".join(row.get(c.key, "") for c in TEACHERS.columns) + "\r\n" for row in (values, second)
    )


def test_ctrl_v_in_the_teacher_table_previews_refuses_then_adds(county_window, qtbot, recorder):
    window = county_window
    window.show_page(TEACHER)
    page = window.record_pages[TEACHER]
    before = {t.row.id_number for t in records.load_tables(window.db, 2025).teachers}

    QGuiApplication.clipboard().setText(excel_copy(BAD_ID))
    window.show()
    qtbot.waitExposed(window)
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus)
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.dialogs.dialog is not None, timeout=5_000)
    dialog = window.dialogs.dialog
    assert dialog.objectName() == "PasteDialog"
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert not dialog.preview.plan.ok and not dialog.commit_button.isEnabled()
    assert "不能粘贴" in dialog.status.text()
    assert "没有表头" in dialog.layout_note.text()
    issue = dialog.issues_model.item(0)
    # Row 1 of the pasted block, the fourth template column (身份证号).
    assert (issue.sheet, issue.row, issue.column, issue.header) == ("剪贴板", 1, "D", "身份证号")
    assert "校验位" in issue.message
    assert not dialog.annotate_button.isVisible()

    # The clerk fixes the number in Excel, copies again and pastes again.
    QGuiApplication.clipboard().setText(excel_copy(NEW_ID))
    dialog.repaste_button.click()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.preview.plan.ok, [i.describe() for i in dialog.preview.plan.issues]
    assert "新增 2 条" in dialog.status.text() and "不删除" in dialog.status.text()
    with (
        qtbot.waitSignal(window.loaded, timeout=60_000),
        qtbot.waitSignal(dialog.imported, timeout=30_000),
    ):
        dialog.commit_button.click()
    kind, title, question = next(m for m in recorder.messages if m[0] == "confirm")
    assert "2 行" in question and "不删除" in question and title == "确认粘贴"
    assert "粘贴的行已写入" in dialog.status.text() and "导入" not in dialog.status.text()
    # The table shows where the rows went: the first pasted teacher is selected.
    current = page.current_record()
    assert current is not None and current.row.id_number == NEW_ID
    after = {t.row.id_number for t in records.load_tables(window.db, 2025).teachers}
    assert after - before == {NEW_ID, generate_id_number("632126", dt.date(1990, 1, 2), 7, "男")}
    assert before <= after, "a paste removes nothing"
    dialog.reject()


def test_paste_is_not_offered_on_a_read_only_database(county_window, qtbot):
    window = county_window
    window.show_page(TEACHER)
    page = window.record_pages[TEACHER]
    assert page.paste_button.isEnabled()
    window.read_only = True
    window.update_actions()
    assert not page.paste_button.isEnabled()
    assert window.dialogs.paste_rows(TEACHER, excel_copy(NEW_ID)) is None


def test_the_edit_menu_pastes_into_the_page_shown(county_window, qtbot, recorder):
    from vetdesk.services.entities import CONDITION
    from vetdesk.ui.mainwindow import PAGE_CHECKS

    window = county_window
    window.show_page(PAGE_CHECKS)
    assert not window.act_paste.isEnabled()
    window.show_page(CONDITION)
    assert window.act_paste.isEnabled()
    QGuiApplication.clipboard().setText("学校标识码\t全日制在校生数（人）\r\n")
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: window.dialogs.dialog is not None, timeout=5_000)
    dialog = window.dialogs.dialog
    assert "办学条件" in dialog.windowTitle()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    # A header alone: the required figures' columns are named as missing.
    missing = {i.header for i in dialog.preview.plan.issues if i.code == "missing_column"}
    assert "校园占地面积（平方米）" in missing
    assert not dialog.commit_button.isEnabled()
    dialog.reject()
