"""The two new-user journeys of README, through the command line only (issue 19).

County: init → period → school → template → import (refused, annotated) → fix → import →
check → explain → signed package. City: init → keys → task package → verify → merge →
receipts → status → reports. Every step is a ``vetdesk`` command; nothing calls a service
behind the command line's back, and each step is followed as its own output says.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from vetdesk.cli import main
from vetdesk.domain.identifiers import generate_id_number

PASS = "correct horse battery"
SCHOOL = "3663230001"
SCHOOL_NAME = "互助县职业技术学校"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ok(capsys, *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 0, f"vetdesk {' '.join(args)} → {code}\n{out}\n{err}"
    return out


def run_json(capsys, *args: str):
    return json.loads(ok(capsys, *args, "--json"))


def _fill(path: Path, sheet: str, rows: list[dict[str, object]]) -> None:
    """Type rows into a template sheet by header text, as a school would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    columns = {str(c.value).lstrip("*"): c.column for c in ws[1] if c.value}
    for offset, row in enumerate(rows):
        for header, value in row.items():
            ws.cell(2 + offset, columns[header], value)
    wb.save(path)


def _teacher(number: int, role: str) -> dict[str, object]:
    return {
        "学校标识码": SCHOOL,
        "姓名": f"教师{number}",
        "身份证号": generate_id_number("630223", dt.date(1985, 3, number + 1), number, "男"),
        "岗位类别": role,
        "最高学历": "本科",
        "专业技术职称": "中级",
    }


@pytest.fixture
def offices(tmp_path, capsys, monkeypatch):
    """The working folder of both offices, data folders apart, keys not yet made."""
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_county_and_city_journeys_from_the_readme(offices, capsys, monkeypatch):
    county, city = "county.db", "city.db"
    # --- both offices start: databases and keys, public keys exchanged -----------------------
    ok(capsys, "init", "--db", city, "--role", "city", "--operator", "李科长")
    ok(
        capsys,
        "init",
        "--db",
        county,
        "--role",
        "county",
        "--unit",
        "630223",
        "--operator",
        "张老师",
    )
    ok(capsys, "key", "init", "--db", city)
    ok(capsys, "key", "init", "--db", county)
    ok(capsys, "key", "export", "--db", city, "--out", "市局.pub")
    ok(capsys, "key", "export", "--db", county, "--out", "互助县.pub")
    city_fp = run_json(capsys, "key", "show", "--db", city)["fingerprint"]
    county_fp = run_json(capsys, "key", "show", "--db", county)["fingerprint"]
    # Typed from the paper form, with the hyphens people write.
    ok(capsys, "trust", "add", "--db", city, "--unit", "630223", "互助县.pub",
       "--fingerprint", county_fp.replace(" ", "-"))  # fmt: skip
    ok(capsys, "trust", "add", "--db", county, "--unit", "630200", "市局.pub",
       "--fingerprint", city_fp)  # fmt: skip

    # --- county: period, school, template -----------------------------------------------------
    out = ok(capsys, "period", "add", "--db", county, "--period", "2025")
    assert "school add" in out  # the next step is named
    ok(capsys, "school", "add", "--db", county, "--code", SCHOOL, "--name", SCHOOL_NAME,
       "--level", "中职")  # fmt: skip
    ok(capsys, "template", "--db", county, "--period", "2025", "--school", SCHOOL,
       "--out", "模板.xlsx")  # fmt: skip

    # --- the school fills it in, with one wrong 身份证号 --------------------------------------
    _fill(
        Path("模板.xlsx"),
        "办学条件",
        [
            {
                "全日制在校生数（人）": 1500,
                "校园占地面积（平方米）": 60000,
                "校舍建筑面积（平方米）": 36000,
                "教学仪器设备总值（万元）": 450,
                "纸质图书（册）": 50000,
                "200米以上环形跑道（是/否）": "是",
            }
        ],
    )
    teachers = [_teacher(n, "专任教师（公共基础课）") for n in range(1, 4)]
    teachers.append(_teacher(4, "专任教师（专业课）"))
    good_id = teachers[0]["身份证号"]
    wrong = str(good_id)[:-1] + ("0" if str(good_id)[-1] != "0" else "1")
    teachers[0] = {**teachers[0], "身份证号": wrong}
    _fill(Path("模板.xlsx"), "教师名册", teachers)

    code, out, _err = run(capsys, "import", "--db", county, "模板.xlsx", "--annotate", "退回.xlsx")
    assert code == 1
    assert "发现 1 个问题" in out and "教师名册" in out and "全部 18 位" in out
    assert Path("退回.xlsx").exists()
    # --- fixed and imported --------------------------------------------------------------------
    _fill(Path("模板.xlsx"), "教师名册", [{**teachers[0], "身份证号": good_id}])
    out = ok(capsys, "import", "--db", county, "模板.xlsx", "--dry-run")
    assert "教师名册：新增 4" in out
    ok(capsys, "import", "--db", county, "模板.xlsx")

    # --- check and explain, as check prints it ---------------------------------------------
    code, out, _err = run(capsys, "check", "--db", county, "--period", "2025")
    assert code == 0, out
    report = run_json(capsys, "check", "--db", county, "--period", "2025")
    assert report["counts"]["errors"] == 0
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    assert warnings, "a four-teacher school has warnings to explain"
    for warning in warnings:
        assert f"--finding {warning['id']}" in out
        ok(capsys, "explain", "--db", county, "--period", "2025", "--finding", warning["id"],
           "--text", "学校新建，正在补充。")  # fmt: skip
    code, out, _err = run(capsys, "check", "--db", county, "--period", "2025")
    assert code == 0 and "可以导出正式上报包" in out

    # --- city: period, registry, task package; the county takes it ------------------------
    ok(capsys, "period", "add", "--db", city, "--period", "2025")
    ok(capsys, "school", "add", "--db", city, "--code", SCHOOL, "--name", SCHOOL_NAME,
       "--county", "互助县", "--level", "中职")  # fmt: skip
    ok(capsys, "task", "export", "--db", city, "--period", "2025", "--unit", "630223",
       "--deadline", (dt.date.today() + dt.timedelta(days=30)).isoformat(), "--out", "任务.xlsx")  # fmt: skip
    ok(capsys, "task", "import", "--db", county, "任务.xlsx")

    # --- county: the signed package, onto the USB stick ---------------------------------------
    Path("U盘").mkdir()
    ok(capsys, "export", "--db", county, "--period", "2025", "--out", "U盘/互助县-2025.xlsx")

    # --- city: verify, merge with receipts, status, reports -----------------------------------
    verdict = run_json(capsys, "verify", "--db", city, "U盘/互助县-2025.xlsx")
    assert verdict["verdict"] == "valid"
    ok(capsys, "merge", "--db", city, "U盘", "--dry-run")
    ok(capsys, "merge", "--db", city, "U盘", "--receipts", "回执")
    [receipt] = sorted(Path("回执").iterdir())
    status = ok(capsys, "status", "--db", city, "--period", "2025")
    assert "互助" in status
    ok(capsys, "report", "--db", city, "--period", "2025", "--out", "海东市-2025.xlsx")
    city_check = run_json(capsys, "check", "--db", city, "--period", "2025")
    # The explanations that travelled are exactly those of the county's warnings.
    explained = [f for f in city_check["findings"] if f["explanation"]]
    assert len(explained) == len(warnings)

    # --- county: the receipt closes the loop ----------------------------------------------
    out = ok(capsys, "receipt", "import", "--db", county, str(receipt))
    periods = run_json(capsys, "period", "list", "--db", county)
    assert periods[0]["state"] == "submitted"
