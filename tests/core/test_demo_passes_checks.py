"""The demo data passes every check the product makes, the inner GB 11714 check digit included."""

from __future__ import annotations

import json

import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.db.period_data import load_schools
from vetdesk.domain.identifiers import organisation_code_check_char, validate_credit_code
from vetdesk.domain.units import load_units

COUNTIES = [c.code for c in load_units().counties]


@pytest.mark.parametrize("unit", ["city", *COUNTIES])
def test_every_demo_database_passes_every_check(unit, tmp_path, capsys):
    db = tmp_path / "demo.db"
    role = ["--role", "city"] if unit == "city" else ["--unit", unit]
    assert main(["demo", "--db", str(db), *role, "--period", "2025"]) == 0
    capsys.readouterr()
    main(["check", "--db", str(db), "--period", "2025", "--json"])
    report = json.loads(capsys.readouterr().out)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    assert report["counts"]["warnings_unexplained"] == 0
    database = open_database(db)
    try:
        with database.session() as session:
            codes = [s.credit_code for s in load_schools(session) if s.credit_code]
    finally:
        database.close()
    assert codes
    for code in codes:
        assert validate_credit_code(code, organisation_check=True) == code
        assert code[16] == organisation_code_check_char(code[8:16])


def test_the_check_names_a_credit_code_whose_organisation_code_is_wrong():
    from tests.core.builders import condition, period_data, roster, school
    from vetdesk.domain.identifiers import credit_code_check_char
    from vetdesk.standards.assess import assess_period
    from vetdesk.standards.ruleset import load_default_ruleset
    from vetdesk.validation.checks import validate_period

    body = "12630223" + "12345678"
    wrong = body + ("0" if organisation_code_check_char("12345678") != "0" else "1")
    code = wrong + credit_code_check_char(wrong)  # the outer check character is right
    ruleset = load_default_ruleset()
    data = period_data([school(credit_code=code)], [condition()], roster())
    found = validate_period(ruleset, data, assess_period(ruleset, data), {"630223"})
    named = [f for f in found if f.rule == "school.credit_code.invalid"]
    assert len(named) == 1 and "组织机构代码" in named[0].message
