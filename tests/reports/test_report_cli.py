"""``vetdesk report`` and ``vetdesk chart``: outputs, messages and exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from vetdesk.cli import report_commands
from vetdesk.cli.common import run_command
from vetdesk.i18n import set_language

YEAR = "2025"


def cli(*argv: str) -> int:
    """Run a report sub-command as ``vetdesk`` would (its own parser: registration is the lead's)."""
    parser = argparse.ArgumentParser(prog="vetdesk")
    sub = parser.add_subparsers(dest="command")
    report_commands.register(sub)
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    return run_command(args.func, args)


def test_pdf_for_a_county(county_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "互助县-2025.pdf"
    assert cli("report", "--db", str(county_db), "--period", YEAR, "--out", str(out)) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    message = capsys.readouterr().out
    assert "互助土族自治县" in message and "达标 1 所" in message


def test_xlsx_for_the_city_and_pdf_for_one_county(city_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "city.xlsx"
    assert cli("report", "--db", str(city_db), "--period", YEAR, "--out", str(out)) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert "8 个汇总表" in capsys.readouterr().out
    out = tmp_path / "pingan.pdf"
    args = ("report", "--db", str(city_db), "--period", YEAR, "--out", str(out))
    assert cli(*args, "--unit", "630203") == 0
    assert "平安区" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "out_name", "code", "words"),
    [
        ((), "x.doc", 2, ".pdf"),
        (("--unit", "630203"), "x.xlsx", 2, "--unit"),
        (("--unit", "999999"), "x.pdf", 2, "999999"),
    ],
)
def test_usage_errors(city_db: Path, tmp_path: Path, capsys, extra, out_name, code, words) -> None:
    out = tmp_path / out_name
    args = ("report", "--db", str(city_db), "--period", YEAR, "--out", str(out), *extra)
    assert cli(*args) == code
    assert words in capsys.readouterr().err
    assert not out.exists()


def test_county_cannot_write_the_merged_workbook(county_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.xlsx"
    assert cli("report", "--db", str(county_db), "--period", YEAR, "--out", str(out)) == 2
    assert "市级" in capsys.readouterr().err


def test_missing_period_is_rejected(county_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.pdf"
    assert cli("report", "--db", str(county_db), "--period", "2019", "--out", str(out)) == 1
    assert "2019" in capsys.readouterr().err


@pytest.mark.parametrize("kind", report_commands.CHART_KINDS)
def test_every_chart_kind(city_db: Path, tmp_path: Path, kind: str) -> None:
    for suffix in (".png", ".svg"):
        out = tmp_path / f"{kind}{suffix}"
        args = ("chart", "--db", str(city_db), "--period", YEAR, "--kind", kind)
        assert cli(*args, "--out", str(out)) == 0
        assert out.stat().st_size > 1000


def test_chart_usage_errors(city_db: Path, tmp_path: Path) -> None:
    base = ("chart", "--db", str(city_db), "--period", YEAR)
    assert cli(*base, "--kind", "gaps", "--out", str(tmp_path / "g.pdf")) == 2
    assert cli(*base, "--kind", "pie", "--out", str(tmp_path / "g.png")) == 2
    assert cli(*base, "--kind", "gaps", "--out", str(tmp_path / "no" / "g.png")) == 2


def test_english_messages(county_db: Path, tmp_path: Path, capsys) -> None:
    set_language("en")
    out = tmp_path / "r.pdf"
    assert cli("report", "--db", str(county_db), "--period", YEAR, "--out", str(out)) == 0
    assert "Report written to" in capsys.readouterr().out
    assert cli("report", "--db", str(county_db), "--period", YEAR, "--out", "x.doc") == 2
    assert "The output file must be" in capsys.readouterr().err


def test_help_is_available(capsys) -> None:
    assert cli("report", "--help") == 0
    assert "--unit" in capsys.readouterr().out
    assert cli("chart", "--help") == 0
    assert "double_teacher" in capsys.readouterr().out


def test_registered_in_the_main_command_when_the_lead_adds_it(tmp_path: Path) -> None:
    from vetdesk.cli import COMMAND_MODULES

    if report_commands not in COMMAND_MODULES:
        pytest.skip("vetdesk.cli.report_commands is not yet in COMMAND_MODULES")
    from vetdesk.cli import main

    assert main(["report", "--help"]) == 0
