"""Templates a school can fill in, annotated error workbooks, and refused files."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from xlsx_helpers import fill_sheet, needs_libreoffice, resave_with_libreoffice

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.workbook.annotate import ERROR_FILL, annotate_workbook
from vetdesk.workbook.filesafety import UnsafeFileError
from vetdesk.workbook.importer import plan_from_content
from vetdesk.workbook.meta import read_meta
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import TEACHERS, TEMPLATE_SHEETS
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"


@pytest.fixture
def template(county_db, tmp_path) -> Path:
    db = open_database(county_db)
    path = tmp_path / "template.xlsx"
    write_template(db, 2025, path, school_code=SCHOOL)
    db.close()
    return path


def test_template_structure(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[0] == "填表说明"
    assert {"办学条件", "教师名册", "企业实践", "培训项目"} <= set(wb.sheetnames)
    assert wb["_vetdesk"].sheet_state == "veryHidden"
    meta = read_meta(wb)
    assert (meta.kind, meta.period, meta.get("unit_code"), meta.get("school")) == (
        "template",
        2025,
        "630223",
        SCHOOL,
    )
    ws = wb["教师名册"]
    assert ws.freeze_panes == "A2"
    assert ws["D1"].value == "*身份证号" and ws["D1"].comment is not None
    assert ws["D2"].number_format == "@" and isinstance(ws["D2"].value, str)  # 身份证号 as text
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1.startswith("'_lists'!") for dv in lists)
    assert ws.max_row > 100  # prefilled with this year's roster
    conditions = wb["办学条件"]
    assert conditions["A2"].value == SCHOOL and conditions["B2"].value == "青海省互助县职业技术学校"
    assert "教师名册须是本校完整名册" in "".join(str(c.value) for c in wb["填表说明"]["A"])


def test_one_school_template_prefills_its_school_on_every_sheet(county_db, template):
    wb = openpyxl.load_workbook(template)
    school_name = wb["办学条件"]["B2"].value
    for spec in TEMPLATE_SHEETS:
        ws = wb[spec.sheet_title]
        keys = [c.key for c in spec.columns]
        code_col = keys.index("school_code") + 1
        data_col = next(i for i, k in enumerate(keys, 1) if k not in ("school_code", "school_name"))
        # The first row after the carried-forward data, and the last blank row.
        first_blank = next(
            row for row in range(2, ws.max_row + 1) if ws.cell(row, data_col).value is None
        )
        # A sheet holding one row per school has that row, and no blank rows prefilled.
        one_per_school = spec.natural_key == ("school_code",)
        for row in (first_blank, ws.max_row) if not one_per_school else (2,):
            assert ws.cell(row, code_col).value == SCHOOL, (spec.key, row)
            if "school_name" in keys:
                assert ws.cell(row, keys.index("school_name") + 1).value == school_name
    # Untouched, the prefilled rows are no records; a row the school fills in is one.
    db = open_database(county_db)
    untouched = plan_from_content(db, read_workbook(template))
    assert not untouched.issues and untouched.summary["trainings"].added == 0
    ws = wb["培训项目"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value is None)
    for col, value in enumerate(
        ["新培训", "岗位培训", "企业职工", "2025-05-01", "2025-05-03", 24, 30, 30, 20], start=3
    ):
        ws.cell(row, col, value)
    wb.save(template)
    filled = plan_from_content(db, read_workbook(template))
    db.close()
    assert not filled.issues and filled.summary["trainings"].added == 1


@needs_libreoffice
def test_template_kind_survives_a_libreoffice_save(template, tmp_path):
    resaved = resave_with_libreoffice(template, tmp_path)
    content = read_workbook(resaved)
    assert (
        content.meta is not None and content.meta.kind == "template" and content.meta.period == 2025
    )
    assert not content.issues
    assert len(content.sheets["teachers"].rows) > 100


def test_annotated_workbook_marks_each_bad_cell(county_db, template, tmp_path):
    bad_id = "630223198001010013"
    good = generate_id_number("632126", dt.date(1984, 5, 6), 8, "男")
    fill_sheet(
        template,
        TEACHERS,
        [
            {
                "school_code": SCHOOL,
                "name": "甲",
                "id_number": bad_id,
                "role": "专任教师（专业课）",
                "education": "本科",
                "title": "中级",
            },
            {
                "school_code": SCHOOL,
                "name": "乙",
                "id_number": good,
                "role": "校长",
                "education": "本科",
                "title": "中级",
                "hired_date": "2020-13-01",
            },
        ],
        keep_existing=True,
    )
    db = open_database(county_db)
    plan = plan_from_content(db, read_workbook(template))
    db.close()
    out = tmp_path / "annotated.xlsx"
    marked = annotate_workbook(template, plan.issues, out)
    assert marked == len(plan.issues) == 3
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "导入问题清单"
    summary = list(wb["导入问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(summary) == 3
    ws = wb["教师名册"]
    flagged = {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    }
    expected = {i.cell for i in plan.issues}
    assert flagged == expected
    for issue in plan.issues:
        cell = ws[issue.cell]
        assert cell.comment is not None and issue.message in cell.comment.text
    assert bad_id not in json.dumps(summary, ensure_ascii=False, default=str)  # masked in the list


def _db_bytes(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def _zip_with(entries: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


BAD_FILES = {
    "legacy_xls": lambda p: p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600),
    "csv_or_text": lambda p: p.write_text("学校标识码,姓名\n3663230000,张三\n", encoding="utf-8"),
    "html": lambda p: p.write_text("<html><body><table><tr><td>x</td></tr></table></body></html>"),
    "damaged": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 50),
    "xml_dtd": lambda p: _zip_with(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="x"/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><workbook>&a;</workbook>',
        },
        p,
    ),
}


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_bad_files_are_refused_and_the_database_is_untouched(county_db, tmp_path, code, capsys):
    path = tmp_path / "bad.xlsx"
    BAD_FILES[code](path)
    before = _db_bytes(county_db)
    with pytest.raises(UnsafeFileError) as info:
        read_workbook(path)
    assert info.value.code == code
    assert main(["import", "--db", str(county_db), str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["code"] == code and "bad.xlsx" in out["error"]["message"]
    assert _db_bytes(county_db) == before


def test_truncated_template_is_refused(county_db, template, tmp_path, capsys):
    data = template.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert main(["import", "--db", str(county_db), str(cut)]) == 1
    assert "cut.xlsx" in capsys.readouterr().err


def test_cli_template_import_export_cycle(county_db, tmp_path, capsys):
    template = tmp_path / "t.xlsx"
    assert (
        main(["template", "--db", str(county_db), "--period", "2025", "--out", str(template)]) == 0
    )
    fill_sheet(
        template,
        TEACHERS,
        [
            {
                "school_code": SCHOOL,
                "name": "新教师",
                "id_number": "12345",
                "role": "专任教师（专业课）",
                "education": "本科",
                "title": "中级",
            }
        ],
        keep_existing=True,
    )
    annotated = tmp_path / "back-to-school.xlsx"
    capsys.readouterr()
    assert (
        main(["import", "--db", str(county_db), str(template), "--annotate", str(annotated)]) == 1
    )
    out = capsys.readouterr().out
    assert "文件未导入" in out and "教师名册" in out and annotated.exists()
    wb = openpyxl.load_workbook(template)
    ws = wb["教师名册"]
    ws.cell(ws.max_row, 4).value = generate_id_number("632126", dt.date(1991, 2, 3), 4, "女")
    wb.save(template)
    assert main(["import", "--db", str(county_db), str(template), "--dry-run", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["applied"] is False and preview["summary"]["teachers"]["added"] == 1
    assert main(["import", "--db", str(county_db), str(template)]) == 0
    assert "导入完成" in capsys.readouterr().out
    out_file = tmp_path / "export.xlsx"
    assert (
        main(
            [
                "export",
                "--db",
                str(county_db),
                "--period",
                "2025",
                "--out",
                str(out_file),
                "--draft",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["counts"]["teachers"] >= 200


def test_untouched_prefilled_school_row_of_destinations_is_no_record(template):
    """毕业生去向's prefilled row, left with nothing but the school, imports as nothing."""
    wb = openpyxl.load_workbook(template)
    for spec in TEMPLATE_SHEETS:
        if spec.key not in ("destinations", "conditions"):
            continue
        ws = wb[spec.sheet_title]
        assert ws.cell(2, 1).value == SCHOOL
        for col, column in enumerate(spec.columns, start=1):
            if column.key not in ("school_code", "school_name"):
                ws.cell(2, col).value = None  # as a new county's template has it
    wb.save(template)
    content = read_workbook(template)
    destinations = content.sheets["destinations"]
    assert destinations.rows == []
    assert not [i for i in content.issues if i.sheet == "毕业生去向"]
    # 办学条件's school row is still a record each school is asked to fill in.
    conditions = content.sheets["conditions"]
    assert [r.values["school_code"] for r in conditions.rows] == [SCHOOL], [
        (i.sheet, i.row, i.header, i.message) for i in content.issues
    ]
