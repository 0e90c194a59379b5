"""Dead ends of the second new-user run-through from README (issue 19, last item)."""

from __future__ import annotations

import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.errors import InputRejected
from vetdesk.workbook.schema import EXPORT_SHEETS
from vetdesk.workbook.template import write_template

PASS = "correct horse battery"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fresh_county(tmp_path, monkeypatch, capsys):
    """A county database with a period and one school, no key, nothing reported."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VETDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VETDESK_PASSPHRASE", raising=False)
    for args in (
        ["init", "--db", "county.db", "--role", "county", "--unit", "630223",
         "--operator", "张老师"],
        ["period", "add", "--db", "county.db", "--period", "2025"],
        ["school", "add", "--db", "county.db", "--code", "3663230001",
         "--name", "互助县职业技术学校", "--level", "中职"],
    ):  # fmt: skip
        assert run(capsys, *args)[0] == 0
    return tmp_path / "county.db"


def test_signed_export_without_a_key_says_so_before_asking_a_passphrase(fresh_county, capsys):
    # Without a terminal or passphrase file, asking for the passphrase first made the
    # missing key look like a usage error (exit 2) about a passphrase.
    code, _out, err = run(capsys, "export", "--db", str(fresh_county), "--period", "2025",
                          "--out", "p.xlsx")  # fmt: skip
    assert code == 1
    assert "vetdesk key init" in err
    assert "口令" not in err


def test_signed_export_of_unready_data_says_why_before_asking_a_passphrase(
    fresh_county, capsys, monkeypatch, tmp_path
):
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text(PASS, encoding="utf-8")
    assert run(capsys, "key", "init", "--db", str(fresh_county),
               "--passphrase-file", str(passphrase))[0] == 0  # fmt: skip
    # The only school has no data: the package is refused for that, not for a passphrase.
    code, _out, err = run(capsys, "export", "--db", str(fresh_county), "--period", "2025",
                          "--out", "p.xlsx")  # fmt: skip
    assert code == 1
    assert "不能导出正式上报包" in err
    assert "口令" not in err


def test_the_draft_export_names_sheets_as_the_workbook_does(county_db, capsys):
    code, out, _err = run(capsys, "export", "--db", str(county_db), "--period", "2025",
                          "--out", str(county_db.parent / "draft.xlsx"), "--draft")  # fmt: skip
    assert code == 0
    summary = out.split("：", 1)[1]
    for spec in EXPORT_SHEETS:
        assert spec.title in summary
    for key in ("schools", "conditions", "teachers", "practices", "explanations"):
        assert key not in summary


def test_the_explain_command_check_prints_runs_as_printed(county_db, capsys, monkeypatch):
    db = str(county_db)
    # Make one warning unexplained, then copy the command check prints under it.
    import json

    code, out, _err = run(capsys, "check", "--db", db, "--period", "2025", "--json")
    finding = next(f for f in json.loads(out)["findings"] if f["severity"] == "warning")
    assert run(capsys, "explain", "--db", db, "--period", "2025", "--finding", finding["id"],
               "--text", "")[0] == 0  # fmt: skip
    code, out, _err = run(capsys, "check", "--db", db, "--period", "2025")
    line = next(line for line in out.splitlines() if finding["id"] in line and "explain" in line)
    command = line.split("vetdesk ", 1)[1].replace("在此填写说明", "已核实")
    args = command.split()
    assert args[:3] == ["explain", "--db", db]
    assert run(capsys, *args)[0] == 0
    code, out, _err = run(capsys, "check", "--db", db, "--period", "2025", "--json")
    explained = next(f for f in json.loads(out)["findings"] if f["id"] == finding["id"])
    assert explained["explanation"] == "已核实"


def test_period_help_names_every_period_command(capsys):
    top = run(capsys, "--help")[1]
    period_line = next(line for line in top.splitlines() if line.strip().startswith("period"))
    description = run(capsys, "period", "--help")[1].split("\n\n")[1]
    for word in ("锁定", "重新打开"):
        assert word in period_line
        assert word in description


def test_a_template_for_an_inactive_school_says_it_is_inactive(fresh_county, capsys, tmp_path):
    assert run(capsys, "school", "edit", "--db", str(fresh_county), "--code", "3663230001",
               "--inactive")[0] == 0  # fmt: skip
    code, _out, err = run(capsys, "template", "--db", str(fresh_county), "--period", "2025",
                          "--school", "3663230001", "--out", "t.xlsx")  # fmt: skip
    assert code == 1
    assert "已停用" in err and "--active" in err
    assert "请先登记" not in err
    db = open_database(fresh_county)
    try:
        with pytest.raises(InputRejected) as refused:
            write_template(db, 2025, tmp_path / "t2.xlsx", school_code="3663230001")
    finally:
        db.close()
    assert refused.value.code == "inactive_school"


def test_county_targets_say_city_entered_once(county_db, capsys):
    code, out, _err = run(capsys, "targets", "show", "--db", str(county_db), "--period", "2025")
    assert code == 0
    entered = [line for line in out.splitlines() if "由市局填报" in line]
    assert entered
    assert not any("（填报）" in line for line in entered)
