"""Rows pasted from Excel/WPS: read like an import, added and updated, never removing."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.db.period_data import load_period_data
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.workbook.importer import apply_import, plan_from_content
from vetdesk.workbook.paste import read_pasted_rows, split_clipboard_text
from vetdesk.workbook.schema import CONDITIONS, TEACHERS, TRAININGS

SCHOOL = "3663230000"
NEW_ID = generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")


@pytest.fixture
def db(county_db):
    database = open_database(county_db)
    yield database
    database.close()


def tsv(rows):
    return "".join("\t".join(row) + "\r\n" for row in rows)


def template_row(**values):
    """A row in the template's column order, as Excel copies it."""
    return [values.get(c.key, "") for c in TEACHERS.columns]


def new_teacher(**kw):
    row = {
        "school_code": SCHOOL,
        "school_name": "某某学校",
        "name": "韩雪莲",
        "id_number": NEW_ID,
        "role": "专任教师（专业课）",
        "education": "本科",
        "title": "中级",
        "double_teacher_level": "无",
        "hired_date": "2012/9/1",
    }
    row.update(kw)
    return template_row(**row)


def teachers_of(db, school=SCHOOL):
    with db.session() as session:
        data = load_period_data(session, 2025)
    return {t.id_number: t for t in data.teachers if t.school_code == school}


def digest(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def test_split_keeps_quoted_tabs_and_line_breaks_in_one_cell():
    text = 'a\t"two\nlines"\t"tab\there"\t"say ""hi"""\r\nb\t\t\t\r\n\r\n'
    assert split_clipboard_text(text) == [
        ["a", "two\nlines", "tab\there", 'say "hi"'],
        ["b", "", "", ""],
    ]


def test_rows_without_header_are_read_in_template_order_and_only_added(db, county_db):
    before = teachers_of(db)
    pasted = read_pasted_rows(tsv([new_teacher()]), TEACHERS)
    assert not pasted.has_header and pasted.row_count == 1
    plan = plan_from_content(db, pasted.content, 2025)
    assert plan.ok, [i.describe() for i in plan.issues]
    summary = plan.summary["teachers"]
    # The school's other teachers are not in the paste, and yet none is removed.
    assert (summary.added, summary.changed, summary.removed) == (1, 0, 0)
    assert apply_import(db, pasted.content, year=2025).applied
    after = teachers_of(db)
    assert set(after) == set(before) | {NEW_ID}
    assert after[NEW_ID].hired_date == dt.date(2012, 9, 1)
    assert after[NEW_ID].role == "specialty_course"


def test_header_row_with_some_columns_changes_only_those_columns(db):
    teacher = next(t for t in teachers_of(db).values() if t.hired_date and t.honours)
    new_title = "正高级" if teacher.title != "senior_full" else "初级"
    labels = {"role": {}, "education": {}}
    for key in labels:
        enum = TEACHERS.column(key).enum
        labels[key] = {m.value: m.label for m in enum}
    text = tsv(
        [
            ["学校标识码", "姓名", "身份证号", "岗位类别", "最高学历", "专业技术职称"],
            [
                SCHOOL,
                teacher.name,
                teacher.id_number,
                labels["role"][teacher.role],
                labels["education"][teacher.education],
                new_title,
            ],
        ]
    )
    pasted = read_pasted_rows(text, TEACHERS)
    assert pasted.has_header
    plan = plan_from_content(db, pasted.content, 2025)
    assert plan.ok, [i.describe() for i in plan.issues]
    (change,) = plan.changes
    assert change.action == "change"
    assert [f.field for f in change.fields] == ["专业技术职称"]
    assert apply_import(db, pasted.content, year=2025).applied
    after = teachers_of(db)[teacher.id_number]
    assert after.title != teacher.title
    # The columns that were not pasted keep their values.
    assert (after.hired_date, after.honours, after.double_teacher_level) == (
        teacher.hired_date,
        teacher.honours,
        teacher.double_teacher_level,
    )
    assert after.practices == teacher.practices


def test_a_required_column_missing_from_the_header_is_named():
    text = tsv([["学校标识码", "身份证号", "专业技术职称"], [SCHOOL, NEW_ID, "中级"]])
    issues = read_pasted_rows(text, TEACHERS).content.issues
    assert {i.header for i in issues if i.code == "missing_column"} == {
        "姓名",
        "岗位类别",
        "最高学历",
    }


def test_header_after_a_title_row_is_found():
    text = tsv(
        [
            ["某某学校教师名册"],
            [c.header_text for c in TEACHERS.columns],
            new_teacher(),
        ]
    )
    pasted = read_pasted_rows(text, TEACHERS)
    assert pasted.has_header and pasted.row_count == 1
    assert not pasted.content.issues


def test_refused_cells_name_clipboard_row_and_column_and_change_nothing(db, county_db):
    before = digest(county_db)
    text = tsv([new_teacher(), new_teacher(id_number="123", name="张三"), new_teacher()])
    pasted = read_pasted_rows(text, TEACHERS)
    plan = plan_from_content(db, pasted.content, 2025)
    assert not plan.ok
    by_cell = {(i.sheet, i.cell): i for i in plan.issues}
    id_letter = "D"  # the fourth template column
    assert ("剪贴板", f"{id_letter}2") in by_cell
    assert "身份证号" in by_cell[("剪贴板", f"{id_letter}2")].describe()
    # The third row repeats the first: the duplicate is named too.
    assert any(i.row == 3 and i.code == "duplicate" for i in plan.issues)
    assert not apply_import(db, pasted.content, year=2025).applied
    assert digest(county_db) == before


def test_unknown_school_is_refused(db):
    pasted = read_pasted_rows(tsv([new_teacher(school_code="9999999999")]), TEACHERS)
    plan = plan_from_content(db, pasted.content, 2025)
    assert [i.code for i in plan.issues] == ["unknown_school"]
    assert plan.issues[0].row == 1


def test_text_that_is_not_a_table_gets_one_clear_message():
    pasted = read_pasted_rows("韩雪莲\n", TEACHERS)
    (issue,) = pasted.content.issues
    assert issue.code == "no_table" and "Excel" in issue.message
    assert read_pasted_rows("\r\n", TEACHERS).content.issues[0].code == "no_rows"


def test_more_columns_than_the_template_without_header_is_refused():
    row = [*new_teacher(), "多余"]
    pasted = read_pasted_rows(tsv([row]), TEACHERS)
    (issue,) = pasted.content.issues
    assert issue.code == "too_many_columns" and "表头" in issue.message
    assert pasted.content.sheets == {}


def test_pasted_training_rows_do_not_remove_the_schools_other_programmes(db):
    with db.session() as session:
        data = load_period_data(session, 2025)
    school = data.trainings[0].school_code
    others = [t for t in data.trainings if t.school_code == school]
    header = ["学校标识码", "培训项目名称", "培训类别", "培训对象", "开始日期", "结束日期"]
    header += ["学时", "参训人数", "结业人数", "取证人数"]
    row = [school, "粘贴的新项目", "岗位培训", "农村转移劳动力", "2025-03-01", "2025-03-20"]
    row += ["40", "40", "38", "30"]
    pasted = read_pasted_rows(tsv([header, row]), TRAININGS)
    plan = plan_from_content(db, pasted.content, 2025)
    assert plan.ok, [i.describe() for i in plan.issues]
    assert plan.summary["trainings"].removed == 0
    assert apply_import(db, pasted.content, year=2025).applied
    with db.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(models.TrainingProgramme)
            .join(models.School)
            .where(models.School.school_code == school)
        )
    assert count == len(others) + 1


def test_pasted_condition_figures_update_only_the_pasted_columns(db):
    with db.session() as session:
        data = load_period_data(session, 2025)
    condition = data.conditions[SCHOOL]
    header = ["学校标识码", "全日制在校生数（人）", "校园占地面积（平方米）"]
    header += ["校舍建筑面积（平方米）", "教学仪器设备总值（万元）", "纸质图书（册）"]
    row = [SCHOOL, "1,234", str(condition.land_area_m2), str(condition.building_area_m2)]
    row += [str(condition.equipment_value_yuan / 10000), str(condition.books)]
    text = tsv([header, row])
    pasted = read_pasted_rows(text, CONDITIONS)
    plan = plan_from_content(db, pasted.content, 2025)
    assert plan.ok, [i.describe() for i in plan.issues]
    assert apply_import(db, pasted.content, year=2025).applied
    with db.session() as session:
        after = load_period_data(session, 2025).conditions[SCHOOL]
    assert after.full_time_students == 1234
    # Figures not pasted keep their values.
    assert condition.dormitory_area_m2 is not None
    assert after.dormitory_area_m2 == condition.dormitory_area_m2
    assert after.teaching_computers == condition.teaching_computers
