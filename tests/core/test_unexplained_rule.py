"""The "unexplained warning" rule is stated once, on the finding, and every front follows it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vetdesk import cli
from vetdesk.domain.enums import Severity
from vetdesk.validation.findings import Finding, finding_id


def _finding(severity: Severity, explanation: str | None) -> Finding:
    return Finding(
        severity, "rule.x", "teacher", "teacher:1:abc", "1", "某", "f", "v", "m", explanation
    )


@pytest.mark.parametrize(
    ("severity", "explanation", "unexplained"),
    [
        (Severity.WARNING, None, True),
        (Severity.WARNING, "", True),
        (Severity.WARNING, " \u3000\n", True),
        (Severity.WARNING, "已核实", False),
        (Severity.ERROR, None, False),
    ],
)
def test_a_warning_with_a_blank_explanation_is_unexplained(
    severity: Severity, explanation: str | None, unexplained: bool
) -> None:
    assert _finding(severity, explanation).unexplained is unexplained


def test_check_lists_a_warning_whose_stored_explanation_is_blank(
    county_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line lists every warning it counts as waiting for an explanation."""
    con = sqlite3.connect(county_db)
    try:
        rule, key, field = con.execute(
            "SELECT rule_id, record_key, field FROM warning_explanations ORDER BY id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE warning_explanations SET text = '   ' WHERE rule_id = ?", (rule,))
        con.commit()
    finally:
        con.close()
    capsys.readouterr()

    code = cli.main(["check", "--db", str(county_db), "--period", "2025"])

    out = capsys.readouterr().out
    assert code == 0  # warnings alone never fail the check
    assert "待说明 0 条" not in out
    # The command line names a warning by the identifier `vetdesk explain --finding` takes.
    assert f"编号 {finding_id(rule, key, field or '')}" in out
