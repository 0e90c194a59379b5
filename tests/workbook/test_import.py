"""Import: forgiving where people are sloppy, strict where data would be wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from xlsx_helpers import fill_sheet

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.workbook.importer import apply_import, plan_from_content
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import CONDITIONS, PRACTICES, TEACHERS, TRAININGS
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"
NEW_ID = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")


@pytest.fixture
def db(county_db):
    database = open_database(county_db)
    yield database
    database.close()


@pytest.fixture
def template(db, tmp_path) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(db, 2025, path, school_code=SCHOOL)
    return path


def teacher_row(**kw):
    row = {
        "school_code": SCHOOL,
        "name": "韩雪莲",
        "id_number": NEW_ID,
        "role": "专任教师（专业课）",
        "education": "本科",
        "title": "中级",
        "double_teacher_level": "无",
        "hired_date": "2012-09-01",
    }
    row.update(kw)
    return row


def plan_for(db, path, year=None):
    content = read_workbook(path)
    return plan_from_content(db, content, year), content


def issues_at(plan):
    return {(i.sheet, i.cell): i for i in plan.issues}


def db_digest(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


# --- forgiving -------------------------------------------------------------------------------


def test_unchanged_template_imports_as_no_change(db, template):
    plan, _ = plan_for(db, template)
    assert plan.ok, [i.describe() for i in plan.issues]
    assert plan.year == 2025
    assert plan.changes == []
    assert plan.summary["teachers"].unchanged > 100


def test_sloppy_but_unambiguous_values_are_accepted(db, template):
    wb = openpyxl.load_workbook(template)
    ws = wb[CONDITIONS.sheet_title]
    ws["C2"] = "２８９２"  # full-width digits in a count
    ws["E2"] = " 166079\u00a0"  # stray and non-breaking spaces
    ws["I2"] = "1623.4567"  # 万元 stored as text
    wb.save(template)
    sloppy_id = NEW_ID[:-1] + NEW_ID[-1].lower() if NEW_ID.endswith("X") else NEW_ID
    fill_sheet(
        template,
        TEACHERS,
        [
            teacher_row(
                id_number=" " + sloppy_id.replace("6", "６", 1) + " ",
                hired_date="2012年9月1日",
                role=" 专任教师（专业课） ",
                double_teacher_level="初级",
                double_teacher_date="2023.7.18",
                double_teacher_body="青海省教育厅",
            ),
            {},  # a blank row in the middle
        ],
        keep_existing=True,
    )
    plan, content = plan_for(db, template)
    assert plan.ok, [i.describe() for i in plan.issues]
    added = [c for c in plan.changes if c.action == "add"]
    assert len(added) == 1 and "韩雪莲" in added[0].record
    teacher = next(r for r in content.sheets["teachers"].rows if r.values["name"] == "韩雪莲")
    assert teacher.values["id_number"] == NEW_ID
    assert teacher.values["hired_date"] == dt.date(2012, 9, 1)
    assert teacher.values["double_teacher_date"] == dt.date(2023, 7, 18)
    cond = content.sheets["conditions"].rows[0].values
    assert cond["full_time_students"] == 2892
    assert cond["land_area_m2"] == 166079
    assert cond["equipment_value_yuan"] == 16234567


@pytest.mark.parametrize(
    "text", ["2024-07-18", "2024/7/18", "2024.7.18", "2024年7月18日", "２０２４－０７－１８"]
)
def test_date_forms(db, template, text):
    fill_sheet(
        template,
        TRAININGS,
        [
            {
                "school_code": SCHOOL,
                "name": "电工培训",
                "category": "补贴性培训",
                "target_group": "退役军人",
                "start_date": text,
                "end_date": "2024-07-30",
                "hours": 40,
                "enrolled": 30,
                "completed": 30,
                "certified": 20,
            }
        ],
    )
    plan, content = plan_for(db, template)
    assert not [i for i in plan.issues if i.sheet == TRAININGS.sheet_title]
    assert content.sheets["trainings"].rows[0].values["start_date"] == dt.date(2024, 7, 18)


def test_excel_serial_dates_are_read(db, template):
    fill_sheet(
        template,
        TRAININGS,
        [
            {
                "school_code": SCHOOL,
                "name": "电工培训",
                "category": "补贴性培训",
                "target_group": "退役军人",
                "start_date": 45491,
                "end_date": 45503,
                "hours": 40,
                "enrolled": 30,
                "completed": 30,
                "certified": 20,
            }
        ],
    )
    _, content = plan_for(db, template)
    assert content.sheets["trainings"].rows[0].values["start_date"] == dt.date(2024, 7, 18)


def test_a_date_cell_out_of_range_is_shown_as_a_day(db, template):
    """A small number in a date-formatted cell (Excel shows 1900-03-20) is refused as such."""
    fill_sheet(
        template,
        TEACHERS,
        [teacher_row(hired_date=dt.datetime(1900, 3, 20))],
    )
    plan, _ = plan_for(db, template)
    (issue,) = [i for i in plan.issues if i.header == "入职日期"]
    assert issue.value == "1900-03-20"
    assert "00:00" not in issue.describe()


def test_columns_in_another_order_and_header_variations(db, template):
    spec = TRAININGS
    header = [
        "培训对象",
        "学时 ",
        "培训项目名称",
        "学校标识码",
        "培训类别",
        "开始日期",
        "结束日期",
        "参训人数",
        "结业人数",
        "取证人数（人）",
    ]
    wb = openpyxl.load_workbook(template)
    ws = wb[spec.sheet_title]
    ws.delete_rows(1, ws.max_row)
    ws.append(header)
    ws.append(
        ["企业职工", 16, "安全生产培训", SCHOOL, "岗位培训", "2025-05-01", "2025-05-03", 40, 38, 30]
    )
    wb.save(template)
    plan, content = plan_for(db, template)
    assert not [i for i in plan.issues if i.sheet == spec.sheet_title], [
        i.describe() for i in plan.issues
    ]
    values = content.sheets["trainings"].rows[0].values
    assert (
        values["target_group"] == "enterprise_staff"
        and values["hours"] == 16
        and values["certified"] == 30
    )


# --- strict ----------------------------------------------------------------------------------

STRICT = [
    ("id_number", 630223198001010013, "被存成了数字"),
    ("id_number", "630223198001010013", "校验"),
    ("role", "班主任", "不是可选值"),
    ("hired_date", "2023-02-30", "日期不存在"),
    ("hired_date", "明年", "无法识别的日期"),
    ("education", '="本科"', "公式"),
]


@pytest.mark.parametrize(("key", "value", "phrase"), STRICT)
def test_wrong_teacher_values_are_refused_with_sheet_row_column(db, template, key, value, phrase):
    row = teacher_row(**{key: value})
    fill_sheet(template, TEACHERS, [row], keep_existing=True)
    plan, _ = plan_for(db, template)
    assert not plan.ok
    col = TEACHERS.columns.index(TEACHERS.column(key)) + 1
    letter = openpyxl.utils.get_column_letter(col)
    wb = openpyxl.load_workbook(template)
    last = wb[TEACHERS.sheet_title].max_row
    issue = issues_at(plan)[(TEACHERS.sheet_title, f"{letter}{last}")]
    assert phrase in issue.message
    assert issue.row == last and issue.column == letter
    assert NEW_ID not in issue.describe()  # 身份证号 never appears in full


@pytest.mark.parametrize(
    ("key", "value", "phrase"),
    [
        ("full_time_students", -5, "负数"),
        ("books", "很多", "整数"),
        ("land_area_m2", 12.5, "小数"),
        ("equipment_value_yuan", "12.345678", "4 位小数"),
        ("has_running_track", "也许", "是"),
    ],
)
def test_wrong_condition_values(db, template, key, value, phrase):
    wb = openpyxl.load_workbook(template)
    ws = wb[CONDITIONS.sheet_title]
    col = CONDITIONS.columns.index(CONDITIONS.column(key)) + 1
    ws.cell(2, col).value = value
    wb.save(template)
    plan, _ = plan_for(db, template)
    letter = openpyxl.utils.get_column_letter(col)
    assert phrase in issues_at(plan)[(CONDITIONS.sheet_title, f"{letter}2")].message


def test_duplicate_unknown_school_and_missing_column(db, template):
    fill_sheet(
        template,
        TEACHERS,
        [teacher_row(), teacher_row(), teacher_row(school_code="3663239999")],
        keep_existing=True,
    )
    wb = openpyxl.load_workbook(template)
    ws = wb[TRAININGS.sheet_title]
    ws.delete_rows(1, ws.max_row)
    ws.append(["学校标识码", "培训项目名称", "培训类别"])  # the other required columns are missing
    wb.save(template)
    plan, _ = plan_for(db, template)
    codes = {i.code for i in plan.issues}
    assert {"duplicate", "unknown_school", "missing_column"} <= codes
    missing = [i for i in plan.issues if i.code == "missing_column"]
    assert {i.header for i in missing} >= {"培训对象", "学时", "开始日期"}


def test_practice_for_unknown_teacher_is_refused(db, template):
    other = generate_id_number("630223", dt.date(1990, 1, 1), 3, "男")
    fill_sheet(
        template,
        PRACTICES,
        [
            {
                "school_code": SCHOOL,
                "id_number": other,
                "enterprise": "某公司",
                "start_date": "2024-01-01",
                "end_date": "2024-07-01",
            }
        ],
        keep_existing=True,
    )
    plan, _ = plan_for(db, template)
    assert [i.code for i in plan.issues] == ["unknown_teacher"]


def test_merged_school_code_cells_get_a_hint(db, template):
    fill_sheet(
        template,
        TEACHERS,
        [
            teacher_row(),
            teacher_row(
                school_code=None,
                id_number=generate_id_number("632126", dt.date(1986, 4, 1), 3, "男"),
            ),
        ],
        keep_existing=True,
    )
    plan, _ = plan_for(db, template)
    assert any("合并单元格" in i.message for i in plan.issues)


# --- applying --------------------------------------------------------------------------------


def test_preview_then_apply_adds_changes_and_removes(db, template, county_db):
    wb = openpyxl.load_workbook(template)
    ws = wb[TEACHERS.sheet_title]
    id_column = TEACHERS.columns.index(TEACHERS.column("id_number")) + 1
    removed_id = ws.cell(2, id_column).value
    ws.delete_rows(2)  # one teacher leaves
    ws.cell(
        2, TEACHERS.columns.index(TEACHERS.column("title")) + 1
    ).value = "正高级"  # one promoted
    wb.save(template)
    fill_sheet(template, TEACHERS, [teacher_row()], keep_existing=True)  # one joins
    before = db_digest(county_db)
    plan, content = plan_for(db, template)
    assert plan.ok
    s = plan.summary["teachers"]
    assert (s.added, s.removed) == (1, 1) and s.changed >= 1
    change = next(c for c in plan.changes if c.action == "change" and c.sheet == "教师名册")
    assert any(f.new == "正高级" for f in change.fields)
    assert db_digest(county_db) == before, "a preview must not write"
    applied = apply_import(db, content)
    assert applied.applied
    with db.session() as session:
        ids = set(session.scalars(select(models.Teacher.id_number)))
        new = session.scalar(select(models.Teacher).where(models.Teacher.id_number == NEW_ID))
        assert new.name == "韩雪莲"
        assert new.role == "specialty_course" and new.hired_date == dt.date(2012, 9, 1)
    assert NEW_ID in ids and removed_id not in ids
    again, _ = plan_for(db, template)
    assert again.changes == []


def test_a_file_with_errors_changes_nothing(db, template, county_db):
    fill_sheet(
        template,
        TEACHERS,
        [teacher_row(), teacher_row(id_number="630223198001010013", name="错号")],
        keep_existing=True,
    )
    before = db_digest(county_db)
    plan = apply_import(db, read_workbook(template))
    assert not plan.applied and not plan.ok
    assert db_digest(county_db) == before


def test_failure_half_way_rolls_everything_back(db, template, county_db, monkeypatch):
    import vetdesk.workbook.importer as importer

    fill_sheet(template, TEACHERS, [teacher_row()], keep_existing=True)
    before = db_digest(county_db)

    def boom(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(importer, "_apply_per_school", boom)
    with pytest.raises(OSError):
        apply_import(db, read_workbook(template))
    assert db_digest(county_db) == before


def test_template_for_another_year_needs_matching_period(db, template):
    from vetdesk.errors import UsageError

    with pytest.raises(UsageError):
        plan_for(db, template, year=2024)


def _only_sheets(path: Path, keep: set[str]) -> None:
    wb = openpyxl.load_workbook(path)
    for title in list(wb.sheetnames):
        if title not in keep and wb[title].sheet_state == "visible":
            del wb[title]
    wb.save(path)


def test_a_roster_without_practice_sheet_keeps_every_practice(db, template):
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(models.EnterprisePractice))
    assert before, "the demo school has enterprise practices"
    _only_sheets(template, {TEACHERS.sheet_title})
    plan, content = plan_for(db, template)
    assert plan.ok and not plan.changes
    assert apply_import(db, content).applied
    with db.session() as session:
        after = session.scalar(select(func.count()).select_from(models.EnterprisePractice))
    assert after == before


def test_a_column_missing_from_the_file_keeps_the_stored_values(db, template):
    wb = openpyxl.load_workbook(template)
    ws = wb[TEACHERS.sheet_title]
    hired = TEACHERS.columns.index(TEACHERS.column("hired_date")) + 1
    title = TEACHERS.columns.index(TEACHERS.column("title")) + 1
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "*学校标识码")
    promoted = ws.cell(header_row + 1, title)
    promoted.value = "初级" if promoted.value == "正高级" else "正高级"
    ws.delete_cols(hired)
    wb.save(template)
    with db.session() as session:
        dates = dict(
            session.execute(select(models.Teacher.id_number, models.Teacher.hired_date)).all()
        )
    assert any(dates.values())
    plan, content = plan_for(db, template)
    assert plan.ok, [i.describe() for i in plan.issues]
    assert {f.field for c in plan.changes for f in c.fields} == {"专业技术职称"}
    assert apply_import(db, content).applied
    with db.session() as session:
        after = dict(
            session.execute(select(models.Teacher.id_number, models.Teacher.hired_date)).all()
        )
    assert after == dates
