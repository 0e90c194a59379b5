"""A fresh office set up from the command line: periods, the school registry, templates."""

from __future__ import annotations

import json

import openpyxl
import pytest

from vetdesk.cli import main

SCHOOL = "3663230001"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fresh_county(tmp_path, capsys):
    db = tmp_path / "county.db"
    assert run(capsys, "init", "--db", str(db), "--role", "county", "--unit", "630223",
               "--operator", "张老师")[0] == 0  # fmt: skip
    return db


def test_period_add_then_list(fresh_county, capsys):
    code, out, _err = run(capsys, "period", "add", "--db", str(fresh_county), "--period", "2025")
    assert code == 0
    assert "2025 年度" in out and "2025-12-31" in out and "school add" in out
    code, out, _err = run(capsys, "period", "list", "--db", str(fresh_county), "--json")
    assert code == 0
    assert json.loads(out) == [
        {"period": 2025, "statistics_date": "2025-12-31", "deadline": None, "state": "open"}
    ]
    code, _out, err = run(capsys, "period", "add", "--db", str(fresh_county), "--period", "2025")
    assert code == 1 and "已经存在" in err


def test_school_add_list_edit(fresh_county, capsys):
    db = str(fresh_county)
    code, out, _err = run(
        capsys, "school", "add", "--db", db, "--code", SCHOOL, "--name", "互助县第二职业学校",
        "--level", "中职",
    )  # fmt: skip
    assert code == 0, out
    assert "已登记学校 互助县第二职业学校（3663230001）" in out and "互助" in out
    code, out, _err = run(capsys, "school", "list", "--db", db, "--json")
    [school] = json.loads(out)
    # The county of a county office and the usual defaults are filled in.
    assert (school["county_code"], school["level"], school["category"], school["ownership"]) == (
        "630223",
        "secondary",
        "general",
        "public",
    )
    code, out, _err = run(capsys, "school", "edit", "--db", db, "--code", SCHOOL,
                          "--ownership", "民办", "--phone", "0972-1234567")  # fmt: skip
    assert code == 0, out
    code, out, _err = run(capsys, "school", "list", "--db", db)
    assert SCHOOL in out and "民办" in out and "private" not in out


def test_school_add_refuses_bad_input_with_the_field_named(fresh_county, capsys):
    db = str(fresh_county)
    code, out, _err = run(
        capsys, "school", "add", "--db", db, "--code", "12345", "--name", "某校", "--level", "中职"
    )
    assert code == 1
    assert "学校未保存" in out and "学校标识码" in out
    code, out, _err = run(capsys, "school", "list", "--db", db, "--json")
    assert json.loads(out) == []
    code, out, _err = run(
        capsys, "school", "add", "--db", db, "--code", SCHOOL, "--name", "某校", "--level", "初中"
    )
    assert code == 1 and "办学层次" in out


def test_school_edit_of_an_unknown_school_is_rejected(fresh_county, capsys):
    code, _out, err = run(
        capsys, "school", "edit", "--db", str(fresh_county), "--code", SCHOOL, "--name", "甲"
    )
    assert code == 1 and "school list" in err


def test_template_for_an_unknown_school_is_rejected_input_saying_how_to_register(
    fresh_county, tmp_path, capsys
):
    db = str(fresh_county)
    run(capsys, "period", "add", "--db", db, "--period", "2025")
    out_file = tmp_path / "t.xlsx"
    code, _out, err = run(capsys, "template", "--db", db, "--period", "2025", "--school", SCHOOL,
                          "--out", str(out_file))  # fmt: skip
    assert code == 1  # rejected input, not a usage error
    assert "vetdesk school add --db" in err and "--code 3663230001" in err and "--new-school" in err
    assert not out_file.exists()


def test_template_with_an_empty_registry_says_what_to_do(fresh_county, tmp_path, capsys):
    db = str(fresh_county)
    run(capsys, "period", "add", "--db", db, "--period", "2025")
    code, _out, err = run(capsys, "template", "--db", db, "--period", "2025",
                          "--out", str(tmp_path / "t.xlsx"))  # fmt: skip
    assert code == 1 and "学校名录为空" in err and "school add" in err


def test_new_school_template_registers_the_school_on_import(fresh_county, tmp_path, capsys):
    db = str(fresh_county)
    run(capsys, "period", "add", "--db", db, "--period", "2025")
    path = tmp_path / "t.xlsx"
    code, out, _err = run(capsys, "template", "--db", db, "--period", "2025", "--new-school",
                          "--out", str(path))  # fmt: skip
    assert code == 0, out
    wb = openpyxl.load_workbook(path)
    ws = wb["学校名录"]
    headers = [c.value for c in ws[1]]
    row = {
        "*学校标识码": SCHOOL,
        "*学校名称": "互助县新建职业学校",
        "*所属县区": "互助土族自治县",
        "*办学层次": "中职",
        "*标准类别": "一般类",
        "*举办性质": "公办",
    }
    for index, header in enumerate(headers, start=1):
        if header in row:
            ws.cell(2, index, row[header])
    wb.save(path)
    code, out, _err = run(capsys, "import", "--db", db, str(path))
    assert code == 0, out
    code, out, _err = run(capsys, "school", "list", "--db", db, "--json")
    assert [s["school_code"] for s in json.loads(out)] == [SCHOOL]


def test_city_without_the_period_is_not_told_to_import_a_task_package(tmp_path, capsys):
    city = tmp_path / "city.db"
    run(capsys, "init", "--db", str(city), "--role", "city", "--operator", "李科长")
    code, _out, err = run(capsys, "check", "--db", str(city), "--period", "2025")
    assert code == 1
    assert "任务包" not in err and f"vetdesk period add --db {city} --period 2025" in err


def test_chinese_help_has_no_argparse_english(capsys):
    code, out, _err = run(capsys, "school", "add", "--help")
    assert code == 0
    for english in ("usage:", "options:", "show this help message", "positional arguments"):
        assert english not in out
    assert "用法：" in out and "显示本帮助并退出" in out
    code, _out, err = run(capsys, "period", "add")
    assert code == 2
    assert "缺少必需的参数" in err and "required" not in err


def test_english_help_stays_english(capsys):
    code, out, _err = run(capsys, "--lang", "en", "period", "--help")
    assert code == 0 and "usage:" in out and "用法" not in out


def test_lang_may_follow_the_sub_command(county_db, capsys: pytest.CaptureFixture[str]) -> None:
    # A new user added `--lang en` after the sub-command, as README's "add --lang en"
    # reads, and argparse refused it (exit 2).
    from vetdesk.i18n import set_language

    try:
        assert main(["period", "list", "--db", str(county_db), "--lang", "en"]) == 0
        assert "statistics date" in capsys.readouterr().out
        assert main(["period", "list", "--lang=en", "--db", str(county_db), "--json"]) == 0
    finally:
        set_language("zh")
