"""Dead ends of the third new-user run-through from README (findings 3, 5, 7, 8, 14, 15)."""

from __future__ import annotations

import json
import shlex
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_db
from tests.core.reported_world import build_reported
from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def suggested(text: str, command: str) -> list[str]:
    """The arguments of the command a message suggests (``command``: its first words)."""
    start = text.index("vetdesk " + command)
    end = min(i for i in (text.find("（", start), text.find("）", start), text.find("；", start),
                         text.find("\n", start), len(text)) if i != -1)  # fmt: skip
    return shlex.split(text[start:end].rstrip("。"))[1:]


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A county whose 2025 package the city accepted and whose receipt it imported (已上报)."""
    return build_reported(tmp_path_factory.mktemp("reported"))


@pytest.fixture
def submitted(reported: tuple[Path, Path], tmp_path: Path) -> Path:
    return copy_db(reported[0], tmp_path, "county.db")


@pytest.fixture
def school_template(submitted: Path, tmp_path: Path) -> Path:
    db = open_database(submitted)
    try:
        path = tmp_path / "模板.xlsx"
        write_template(db, 2025, path, school_code=SCHOOL)
    finally:
        db.close()
    return path


@pytest.fixture
def new_city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Iterator[str]:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init", "--db", "city.db", "--role", "city", "--unit", "630200",
               "--operator", "王老师")[0] == 0  # fmt: skip
    yield "city.db"


# --- finding 3: every suggested command carries --db (and --period) and runs as printed -----


def test_the_period_add_a_city_is_told_to_run_runs_as_printed(
    new_city: str, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("VETDESK_PASSPHRASE", "correct horse battery")
    assert run(capsys, "key", "init", "--db", new_city)[0] == 0
    code, _out, err = run(capsys, "task", "export", "--db", new_city, "--period", "2025",
                          "--out", "任务.xlsx")  # fmt: skip
    assert code == 1
    args = suggested(err, "period add")
    assert args == ["period", "add", "--db", new_city, "--period", "2025"]
    assert run(capsys, *args)[0] == 0


def test_the_school_add_a_template_suggests_names_the_database(new_city: str, capsys):
    # A county without the school: the suggestion names the database it was given.
    assert run(capsys, "init", "--db", "my county.db", "--role", "county", "--unit", "630223",
               "--operator", "张老师")[0] == 0  # fmt: skip
    assert run(capsys, "period", "add", "--db", "my county.db", "--period", "2025")[0] == 0
    code, _out, err = run(capsys, "template", "--db", "my county.db", "--period", "2025",
                          "--school", "3663230009", "--out", "t.xlsx")  # fmt: skip
    assert code == 1
    args = suggested(err, "school add")
    assert args[:5] == ["school", "add", "--db", "my county.db", "--code"]
    assert args[5] == "3663230009"


def test_the_period_reopen_a_refusal_suggests_runs_as_printed(
    submitted: Path, school_template: Path, capsys
):
    code, _out, err = run(capsys, "import", "--db", str(submitted), str(school_template))
    assert code == 1
    args = suggested(err, "period reopen")
    assert args == ["period", "reopen", "--db", str(submitted), "--period", "2025"]
    assert run(capsys, *args)[0] == 0


# --- finding 5: the printed explain command cannot save a placeholder ----------------------


def _explanations(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM warning_explanations ORDER BY id")]


def test_the_printed_explain_command_is_refused_until_its_placeholder_is_replaced(
    county_db: Path, capsys
):
    db = str(county_db)
    code, out, _err = run(capsys, "check", "--db", db, "--period", "2025", "--json")
    finding = next(f for f in json.loads(out)["findings"] if f["severity"] == "warning")
    assert run(capsys, "explain", "--db", db, "--period", "2025", "--finding", finding["id"],
               "--text", "")[0] == 0  # fmt: skip
    before = _explanations(county_db)
    _code, out, _err = run(capsys, "check", "--db", db, "--period", "2025")
    line = next(line for line in out.splitlines() if finding["id"] in line and "explain" in line)
    printed = shlex.split(line.split("vetdesk ", 1)[1])
    for args in (printed, [*printed[:-1], "…"], [*printed[:-1], "..."], [*printed[:-1], "“…”"]):
        code, _out, err = run(capsys, *args)
        assert code == 1 and "占位符" in err, args
    assert _explanations(county_db) == before
    assert run(capsys, *printed[:-1], "已核实：该校兼职教师为企业技术骨干")[0] == 0


# --- finding 7: check on the city's database says nothing about exporting a package ---------


def test_check_on_the_city_database_never_offers_a_package_export(city_db: Path, capsys):
    code, out, _err = run(capsys, "check", "--db", str(city_db), "--period", "2025")
    assert "核验结果" in out
    assert "上报包" not in out.split("错误 ", 1)[1].split("\n", 1)[1].replace("重新上报", "")


# --- finding 8: status for a period the database does not hold ------------------------------


def test_status_of_a_period_the_city_does_not_hold_says_to_create_it(city_db: Path, capsys):
    code, out, err = run(capsys, "status", "--db", str(city_db), "--period", "2026")
    assert code == 1
    assert "尚未上报" not in out
    assert "没有 2026 年度" in err
    assert suggested(err, "period add") == ["period", "add", "--db", str(city_db), "--period",
                                           "2026"]  # fmt: skip


# --- finding 14: a dry run into a submitted period says the import would be refused --------


def test_a_dry_run_into_a_submitted_period_says_the_import_would_be_refused(
    submitted: Path, school_template: Path, capsys
):
    code, out, _err = run(capsys, "import", "--db", str(submitted), str(school_template),
                          "--dry-run")  # fmt: skip
    assert code == 1
    assert "正式导入将被拒绝" in out and "2025 年度已上报" in out
    assert "去掉 --dry-run" not in out
    code, out, _err = run(capsys, "import", "--db", str(submitted), str(school_template),
                          "--dry-run", "--json")  # fmt: skip
    payload = json.loads(out)
    assert code == 1 and payload["ok"] is False and payload["code"] == "period_submitted"
    # Once reopened the same preview is a plain preview again.
    assert run(capsys, "period", "reopen", "--db", str(submitted), "--period", "2025")[0] == 0
    code, out, _err = run(capsys, "import", "--db", str(submitted), str(school_template),
                          "--dry-run")  # fmt: skip
    assert code == 0 and "正式导入将被拒绝" not in out


def test_school_edit_and_a_keyless_export_suggest_commands_on_the_same_database(
    new_city: str, capsys, monkeypatch: pytest.MonkeyPatch
):
    assert run(capsys, "init", "--db", "county.db", "--role", "county", "--unit", "630223",
               "--operator", "张老师")[0] == 0  # fmt: skip
    code, _out, err = run(capsys, "school", "edit", "--db", "county.db", "--code", "3663230009",
                          "--inactive")  # fmt: skip
    assert code == 1
    assert suggested(err, "school list")[:4] == ["school", "list", "--db", "county.db"]
    assert run(capsys, "period", "add", "--db", "county.db", "--period", "2025")[0] == 0
    monkeypatch.delenv("VETDESK_PASSPHRASE", raising=False)
    code, _out, err = run(capsys, "export", "--db", "county.db", "--period", "2025",
                          "--out", "p.xlsx")  # fmt: skip
    assert code == 1
    assert suggested(err, "key init") == ["key", "init", "--db", "county.db"]
