"""Template export and the import preview: rejected rows, the annotated workbook, commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.services import records
from vetdesk.workbook.schema import TEACHERS

SCHOOL = "3663230000"
NEW_ID = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")
BAD_ID = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")


def _export_template(window, qtbot, recorder, target: Path, school: str | None = None) -> None:
    dialog = window.dialogs.export_template()
    assert dialog is not None
    if school is not None:
        dialog.school.setCurrentIndex(dialog.school.findData(school))
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.ok_button.click()
    assert recorder.messages[-1][0] == "info" and str(target) in recorder.messages[-1][2]


def _add_teacher(path: Path, id_number: str) -> None:
    """Append a new 专业课 teacher to the returned template, as a school would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[TEACHERS.sheet_title]
    headers = [c.value for c in ws[1]]
    values = {
        "学校标识码": SCHOOL,
        "姓名": "韩雪莲",
        "身份证号": id_number,
        "岗位类别": "专任教师（专业课）",
        "最高学历": "本科",
        "专业技术职称": "中级",
        "“双师型”等级": "无",
        "入职日期": "2012-09-01",
    }
    row = [values.get(str(h).lstrip("*")) if h else None for h in headers]
    ws.append(row)
    wb.save(path)


def _fix_id(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[TEACHERS.sheet_title]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == BAD_ID:
                cell.value = NEW_ID
    wb.save(path)


def test_template_export_writes_a_file(county_window, qtbot, recorder, tmp_path):
    """The exchange menu's template export writes a VetDesk template for one school."""
    target = tmp_path / "互助职校-2025.xlsx"
    _export_template(county_window, qtbot, recorder, target, school=SCHOOL)
    wb = openpyxl.load_workbook(target)
    assert TEACHERS.sheet_title in wb.sheetnames
    assert wb[TEACHERS.sheet_title].max_row > 100


def test_import_with_an_error_then_fixed_then_committed(county_window, qtbot, recorder, tmp_path):
    """A bad 身份证号 is refused with its reason; the annotated copy is written; the fix imports."""
    window = county_window
    assert window.status_counts() == (0, 0)
    template = tmp_path / "returned.xlsx"
    _export_template(window, qtbot, recorder, template, school=SCHOOL)
    _add_teacher(template, BAD_ID)

    dialog = window.dialogs.import_workbook()
    assert dialog is not None
    recorder.paths.append(template)
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    plan = dialog.preview.plan
    assert not plan.ok and not dialog.commit_button.isEnabled()
    assert "不能导入" in dialog.status.text()
    assert dialog.tabs.currentIndex() == 1
    issue = dialog.issues_model.item(0)
    assert issue.sheet == TEACHERS.sheet_title and issue.header == "身份证号"
    assert "校验位" in issue.message
    teachers = next(
        dialog.summary_model.item(r)
        for r in range(dialog.summary_model.rowCount())
        if dialog.summary_model.item(r).sheet == TEACHERS.sheet_title
    )
    assert teachers.rejected == 1 and teachers.unchanged > 100

    annotated = tmp_path / "退回.xlsx"
    assert dialog.annotate_button.isEnabled()
    recorder.paths.append(annotated)
    dialog.save_annotated()
    qtbot.waitUntil(lambda: annotated.exists(), timeout=30_000)
    marked = openpyxl.load_workbook(annotated)
    assert marked.sheetnames[0] == "导入问题清单"
    cell = marked[TEACHERS.sheet_title][issue.cell]
    assert cell.comment is not None and "校验位" in cell.comment.text

    # The school corrects the number in Excel; the county reads the file again.
    _fix_id(template)
    dialog.reread()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.preview.plan.ok
    assert "新增 1 条" in dialog.status.text()
    assert [(c.action, "韩雪莲" in c.record) for c in dialog.preview.changes] == [("add", True)]
    assert dialog.commit_button.isEnabled()
    with (
        qtbot.waitSignal(window.loaded, timeout=60_000),
        qtbot.waitSignal(dialog.imported, timeout=30_000),
    ):
        dialog.commit_button.click()
    assert any(kind == "confirm" for kind, _t, _x in recorder.messages)
    assert "已导入" in dialog.status.text() and not dialog.commit_button.isEnabled()
    names = [t.row.name for t in records.load_tables(window.db, 2025).teachers]
    assert "韩雪莲" in names
    # The new 专业课 teacher has no enterprise practice: one more warning to explain.
    assert window.status_counts() == (0, 1)
    assert window.warnings_button.text() == "待说明警告 1 条"
    dialog.reject()


def test_a_workbook_of_another_unit_is_refused(county_window, qtbot, recorder, tmp_path):
    """Something that is not a workbook is refused with a message, nothing imported."""
    fake = tmp_path / "not-really.xlsx"
    fake.write_text("姓名,身份证号\n", encoding="utf-8")
    dialog = county_window.dialogs.import_workbook(fake)
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert dialog.preview is None
    assert dialog.status.text() and not dialog.commit_button.isEnabled()
