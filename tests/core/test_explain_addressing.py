"""Explanations are addressed the way ``check`` prints findings, and never orphaned."""

from __future__ import annotations

import json

import openpyxl

from vetdesk.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def warnings_of(capsys, db) -> list[dict]:
    _code, out, _err = run(capsys, "check", "--db", str(db), "--period", "2025", "--json")
    return [f for f in json.loads(out)["findings"] if f["severity"] == "warning"]


def test_check_prints_the_identifier_that_explain_takes(county_db, capsys):
    db = str(county_db)
    first = warnings_of(capsys, db)[0]
    code, _out, _err = run(capsys, "explain", "--db", db, "--period", "2025",
                           "--finding", first["id"], "--text", "")  # fmt: skip
    assert code == 0
    code, out, _err = run(capsys, "check", "--db", db, "--period", "2025")
    assert f"--finding {first['id']}" in out
    code, out, _err = run(capsys, "explain", "--db", db, "--period", "2025",
                          "--finding", first["id"], "--text", "已核实")  # fmt: skip
    assert code == 0 and "说明已保存" in out
    again = {w["id"]: w for w in warnings_of(capsys, db)}
    assert again[first["id"]]["explanation"] == "已核实"


def test_explain_without_field_attaches_to_the_one_warning_of_that_rule_and_record(
    county_db, capsys
):
    db = str(county_db)
    target = warnings_of(capsys, db)[0]
    run(capsys, "explain", "--db", db, "--period", "2025", "--finding", target["id"], "--text", "")
    others = [
        w
        for w in warnings_of(capsys, db)
        if w["rule"] == target["rule"] and w["record_key"] == target["record_key"]
    ]
    assert len(others) == 1 and target["field"]  # the field is needed to store it
    code, _out, _err = run(capsys, "explain", "--db", db, "--period", "2025", "--rule",
                           target["rule"], "--record", target["record_key"], "--text", "说明")  # fmt: skip
    assert code == 0
    after = {w["id"]: w for w in warnings_of(capsys, db)}
    assert after[target["id"]]["explanation"] == "说明"


def test_explain_refuses_what_matches_no_current_warning(county_db, capsys):
    db = str(county_db)
    before = warnings_of(capsys, db)
    code, _out, err = run(capsys, "explain", "--db", db, "--period", "2025",
                          "--finding", "W00000000", "--text", "说明")  # fmt: skip
    assert code == 1 and "W00000000" in err
    code, _out, err = run(capsys, "explain", "--db", db, "--period", "2025", "--rule",
                          "made.up", "--record", "school:1", "--field", "x", "--text", "说明")  # fmt: skip
    assert code == 1 and "made.up" in err and "school:1" in err
    assert warnings_of(capsys, db) == before


def test_orphan_explanations_are_not_exported(county_db, tmp_path, capsys):
    from vetdesk.db.database import open_database
    from vetdesk.services.check import explain_warnings

    db = open_database(county_db)
    # As stored by older versions, which accepted any key.
    explain_warnings(db, 2025, [("made.up", "school:3663230000", "", "孤立的说明")])
    db.close()
    n_warnings = len(warnings_of(capsys, county_db))
    out = tmp_path / "draft.xlsx"
    code, _o, _e = run(capsys, "export", "--db", str(county_db), "--period", "2025", "--draft",
                       "--out", str(out))  # fmt: skip
    assert code == 0
    ws = openpyxl.load_workbook(out)["警告说明"]
    texts = [row[3] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert "孤立的说明" not in texts
    assert len(texts) == n_warnings
