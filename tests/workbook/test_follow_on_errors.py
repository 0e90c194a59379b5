"""One bad school code in a workbook gives one error naming it, not one per referring row."""

from __future__ import annotations

import datetime as dt

import pytest
from xlsx_helpers import fill_sheet

from vetdesk.db.database import open_database
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.workbook.importer import plan_from_content
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import TEACHERS, TRAININGS
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"
BAD = "3663239999"


@pytest.fixture
def db(county_db):
    database = open_database(county_db)
    yield database
    database.close()


def _teacher(n: int, code: str) -> dict[str, object]:
    return {
        "school_code": code,
        "name": f"教师{n}",
        "id_number": generate_id_number("630223", dt.date(1980, 1, 1 + n), n, "男"),
        "role": "专任教师（公共基础课）",
        "education": "本科",
        "title": "中级",
        "double_teacher_level": "无",
        "hired_date": "2012-09-01",
    }


def test_one_unknown_school_code_is_one_error_listing_its_rows(db, tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(db, 2025, path, school_code=SCHOOL)
    fill_sheet(path, TEACHERS, [_teacher(n, BAD) for n in range(12)], keep_existing=True)
    training = {
        "school_code": BAD,
        "name": "焊工培训",
        "category": "补贴性培训",
        "target_group": "农村转移劳动力",
        "start_date": "2025-03-01",
        "end_date": "2025-03-20",
        "hours": 40,
        "enrolled": 30,
        "completed": 28,
        "certified": 20,
    }
    fill_sheet(path, TRAININGS, [training], keep_existing=True)
    plan = plan_from_content(db, read_workbook(path), 2025)
    unknown = [i for i in plan.issues if i.code == "unknown_school"]
    assert len(unknown) == 1
    issue = unknown[0]
    assert issue.value == BAD and issue.sheet == TEACHERS.sheet_title
    assert "共 13 行" in issue.message and TRAININGS.sheet_title in issue.message
    assert "等" in issue.message  # twelve teacher rows: the first eight listed


def test_an_issue_reads_as_english_in_english() -> None:
    # The separator before the reason was a full-width colon in English too.
    from vetdesk.i18n import set_language
    from vetdesk.workbook.reader import ImportIssue

    issue = ImportIssue("教师名册", 7, "D", "身份证号", "12O0", "坏值")
    assert issue.describe() == "工作表“教师名册” 第 7 行 D 列（身份证号），值“12O0”：坏值"
    set_language("en")
    try:
        described = issue.describe()
    finally:
        set_language("zh")
    assert '"12O0": ' in described and "：" not in described
