"""The write policy: every write service refuses what the role or the period's state forbids."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from tests.conftest import copy_db
from tests.core.reported_world import build_reported, data_dir
from tests.packages.pkg_helpers import PASSPHRASE, make_package
from vetdesk.cli import main
from vetdesk.db import models
from vetdesk.db.database import Database, open_database
from vetdesk.db.write_policy import (
    WriteAction,
    WriteRefused,
    changed_after_report_note,
    decide,
    period_status,
)
from vetdesk.domain.enums import PeriodState
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.packages.county import export_package
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import import_receipt
from vetdesk.packages.task import import_task
from vetdesk.packages.verify import verify_package
from vetdesk.services import measure_records, records
from vetdesk.services.check import explain_warnings
from vetdesk.services.entities import MAJOR
from vetdesk.services.period_lock import lock_period, reopen_period
from vetdesk.workbook.importer import apply_import
from vetdesk.workbook.paste import read_pasted_rows
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import TEACHERS
from vetdesk.workbook.template import write_template

SCHOOL = "3663230000"


def digest(path: Path) -> str:
    """The database's whole content (a refused write must leave it exactly as it was)."""
    with sqlite3.connect(path) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A county whose 2025 package the city accepted and whose receipt it imported (已上报)."""
    return build_reported(tmp_path_factory.mktemp("reported"))


@pytest.fixture
def submitted(reported: tuple[Path, Path], tmp_path: Path) -> Iterator[Database]:
    db = open_database(copy_db(reported[0], tmp_path, "county.db"))
    yield db
    db.close()


@pytest.fixture
def city(city_db: Path) -> Iterator[Database]:
    db = open_database(city_db)
    yield db
    db.close()


@pytest.fixture
def county(county_db: Path) -> Iterator[Database]:
    db = open_database(county_db)
    yield db
    db.close()


@pytest.fixture
def template(county: Database, tmp_path: Path) -> Path:
    """A school's returned template with one teacher's title changed."""
    path = tmp_path / "互助职校-2025.xlsx"
    write_template(county, 2025, path, school_code=SCHOOL)
    return path


def _first(db: Database, model: type) -> object:
    with db.session() as session:
        return session.scalars(select(model).order_by(model.id)).first()


# --- the city: read-only records, no imports but packages ------------------------------------


def test_a_city_database_refuses_record_edits_through_every_service(city: Database, city_db):
    tables = records.load_tables(city, 2025)
    teacher = tables.teachers[0]
    training = tables.trainings[0]
    major = _first(city, models.Major)
    before = digest(city_db)
    writes = [
        # The example: renaming a teacher in a city database.
        lambda: records.save_teacher(city, 2025, replace(teacher.row, name="改名"), teacher.id),
        lambda: records.save_condition(city, 2025, tables.conditions[0].row),
        lambda: records.delete_training(city, 2025, training.id),
        lambda: measure_records.delete_measure(city, 2025, MAJOR, major.id),  # type: ignore[attr-defined]
        lambda: explain_warnings(city, 2025, [("rule", "school:1", "", "说明")]),
    ]
    for write in writes:
        with pytest.raises(WriteRefused, match="市级数据库的数据来自各县区的上报包"):
            write()
    assert digest(city_db) == before


def test_the_city_keeps_the_school_registry_its_task_packages_carry_down(city: Database):
    school = records.load_tables(city, 2025).schools[0].row
    records.save_school(city, replace(school, name="改名"), original_code=school.school_code)
    with city.session() as session:
        decision = decide(session, WriteAction.EDIT_REGISTRY)
        stored = session.scalar(
            select(models.School.name).where(models.School.school_code == school.school_code)
        )
    assert decision.allowed
    assert stored == "改名"


def test_a_city_database_imports_no_template_paste_task_or_receipt(
    city: Database, city_db: Path, template: Path, tmp_path: Path
):
    before = digest(city_db)
    with pytest.raises(WriteRefused, match="不导入学校填报模板"):
        apply_import(city, read_workbook(template))
    with pytest.raises(WriteRefused, match="不导入学校填报模板"):
        write_template(city, 2025, tmp_path / "t.xlsx")
    pasted = read_pasted_rows("\t".join([SCHOOL, "学校", "某人"]) + "\r\n", TEACHERS)
    with pytest.raises(WriteRefused, match="市级数据库的数据来自各县区的上报包"):
        apply_import(city, pasted.content, year=2025)
    # Refused before the file is even read: the city imports nothing but packages.
    with pytest.raises(WriteRefused, match="任务包和回执由县区数据库导入"):
        import_task(city, tmp_path / "任务.xlsx")
    with pytest.raises(WriteRefused, match="任务包和回执由县区数据库导入"):
        import_receipt(city, tmp_path / "回执.xlsx")
    assert digest(city_db) == before
    assert not (tmp_path / "t.xlsx").exists()


def test_cli_template_and_import_on_a_city_database_exit_1(
    capsys, city_db: Path, template: Path, tmp_path: Path
):
    before = digest(city_db)
    out = tmp_path / "模板.xlsx"
    code, _out, err = run(
        capsys, "template", "--db", str(city_db), "--period", "2025", "--out", str(out)
    )
    assert code == 1 and "不导入学校填报模板" in err and not out.exists()
    for extra in ([], ["--dry-run"]):
        code, _out, err = run(capsys, "import", "--db", str(city_db), str(template), *extra)
        assert code == 1 and "不导入学校填报模板" in err
    code, _out, err = run(
        capsys,
        "explain",
        "--db",
        str(city_db),
        "--period",
        "2025",
        "--rule",
        "r",
        "--record",
        "school:x",
        "--text",
        "说明",
    )
    assert code == 1 and "市级数据库的数据来自各县区的上报包" in err
    for command in (["task", "import"], ["receipt", "import"]):
        code, _out, err = run(capsys, *command, "--db", str(city_db), str(template))
        assert code == 1 and "任务包和回执由县区数据库导入" in err, command
    assert digest(city_db) == before


# --- a county's submitted period: nothing changes until it is reopened ----------------------


def test_an_import_into_a_submitted_period_is_refused(capsys, submitted: Database, tmp_path: Path):
    path = Path(submitted.path)
    template = tmp_path / "模板.xlsx"
    write_template(submitted, 2025, template, school_code=SCHOOL)
    before = digest(path)
    with pytest.raises(WriteRefused, match="2025 年度已上报"):
        apply_import(submitted, read_workbook(template))
    assert digest(path) == before
    code, _out, err = run(capsys, "import", "--db", str(path), str(template))
    assert code == 1 and "2025 年度已上报" in err and "period reopen" in err
    assert digest(path) == before


def test_a_submitted_period_refuses_forms_paste_explanations_and_a_new_package(
    submitted: Database, tmp_path: Path
):
    path = Path(submitted.path)
    tables = records.load_tables(submitted, 2025)
    teacher = tables.teachers[0]
    pasted = read_pasted_rows(
        "\t".join(
            [SCHOOL, "学校", "韩雪莲", generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")]
        )
        + "\r\n",
        TEACHERS,
    )
    before = digest(path)
    writes = [
        lambda: records.save_teacher(
            submitted, 2025, replace(teacher.row, name="改名"), teacher.id
        ),
        lambda: records.delete_teacher(submitted, 2025, teacher.id),
        lambda: apply_import(submitted, pasted.content, year=2025),
        lambda: explain_warnings(submitted, 2025, [("rule", "school:1", "", "说明")]),
        lambda: export_package(submitted, 2025, tmp_path / "pkg.xlsx", PASSPHRASE),
    ]
    for write in writes:
        with pytest.raises(WriteRefused, match="2025 年度已上报"):
            write()
    assert digest(path) == before
    # The registry belongs to no period: a county still keeps it.
    school = tables.schools[0].row
    records.save_school(
        submitted, replace(school, contact_phone="0972-1234567"), original_code=school.school_code
    )


def test_reopening_a_reported_period_says_the_city_holds_the_old_figures(
    capsys, submitted: Database, tmp_path: Path
):
    path = Path(submitted.path)
    template = tmp_path / "模板.xlsx"
    write_template(submitted, 2025, template, school_code=SCHOOL)
    unchanged = tmp_path / "不变.xlsx"
    shutil.copy(template, unchanged)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook[TEACHERS.sheet_title]
    title = TEACHERS.columns.index(TEACHERS.column("title")) + 1
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "*学校标识码")
    promoted = sheet.cell(header + 1, title)
    promoted.value = "初级" if promoted.value == "正高级" else "正高级"
    workbook.save(template)
    code, out, _err = run(capsys, "period", "reopen", "--db", str(path), "--period", "2025")
    assert code == 0
    assert "已重新打开" in out and "市局仍持有第 1 号上报包中的旧数据" in out
    with submitted.session() as session:
        status = period_status(session, 2025)
        assert status is not None and status.state is PeriodState.OPEN
        assert status.resubmission_needed and "需重新上报" in status.label
    # An import that changes nothing has nothing to report again.
    code, out, _err = run(capsys, "import", "--db", str(path), str(unchanged))
    assert code == 0 and "导入完成" in out and "旧数据" not in out
    # A change goes through, and says a new package is needed.
    code, out, _err = run(capsys, "import", "--db", str(path), str(template))
    assert code == 0 and "导入完成" in out
    assert "市局仍持有第 1 号上报包中的旧数据" in out and "重新导出上报包" in out
    assert "已上报" not in out  # the period is open again
    assert "2025 年度已重新打开" in out
    # An explanation of a current warning (explain addresses findings as check prints them).
    code, out, _err = run(capsys, "check", "--db", str(path), "--period", "2025", "--json")
    warning = next(f for f in json.loads(out)["findings"] if f["severity"] == "warning")
    code, out, _err = run(
        capsys,
        "explain",
        "--db",
        str(path),
        "--period",
        "2025",
        "--finding",
        warning["id"],
        "--text",
        "说明",
    )
    assert code == 0 and "市局仍持有第 1 号上报包中的旧数据" in out
    # Reopening an open period is refused.
    code, _out, err = run(capsys, "period", "reopen", "--db", str(path), "--period", "2025")
    assert code == 1 and "本来就在填报中" in err


def test_an_open_period_never_reported_needs_no_note(county: Database):
    with county.session() as session:
        status = period_status(session, 2025)
        assert status is not None and not status.resubmission_needed
        assert status.label == "填报中"
        assert changed_after_report_note(session, 2025) == ""


def test_a_county_cannot_lock_and_cannot_reopen_a_locked_period(capsys, county_db: Path):
    code, _out, err = run(capsys, "period", "lock", "--db", str(county_db), "--period", "2025")
    assert code == 1 and "只有市局可以锁定年度" in err
    db = open_database(county_db)
    try:
        # A county's period is never locked by any flow of today; the rule still holds.
        with db.transaction() as session:
            period = session.scalar(select(models.Period).where(models.Period.year == 2025))
            assert period is not None
            period.state = PeriodState.LOCKED.value
        with db.session() as session:
            decision = decide(session, WriteAction.REOPEN_PERIOD, period=2025)
            assert not decision.allowed and "县区不能重新打开" in decision.reason
            decision = decide(session, WriteAction.EDIT_RECORD, period=2025)
            assert not decision.allowed and "已由市局锁定" in decision.reason
    finally:
        db.close()


# --- the city locks a period ----------------------------------------------------------------


def test_the_city_locks_a_period_and_a_package_for_it_is_no_longer_merged(
    capsys, reported: tuple[Path, Path], tmp_path: Path
):
    county_path = copy_db(reported[0], tmp_path, "county.db")
    city_path = copy_db(reported[1], tmp_path, "city.db")
    code, out, _err = run(capsys, "period", "lock", "--db", str(city_path), "--period", "2025")
    assert code == 0 and "2025 年度已锁定" in out
    code, _out, err = run(capsys, "period", "lock", "--db", str(city_path), "--period", "2025")
    assert code == 1 and "已经锁定" in err
    # The county reopens, changes a figure and sends package 2: the locked city refuses it.
    county, city = open_database(county_path), open_database(city_path)
    try:
        with data_dir(reported[0].parent / "data"):
            reopen_period(county, 2025)
            package = make_package(county, tmp_path, "pkg2.xlsx")
        before = digest(city_path)
        preview = apply_merge(city, verify_package(city, package))
        assert not preview.applied and preview.status == "rejected"
        assert any("2025 年度已锁定" in r for r in preview.reasons)
        assert digest(city_path) == before
        # The city reopens its own locked period, and the package merges.
        assert reopen_period(city, 2025).state is PeriodState.OPEN
        assert apply_merge(city, verify_package(city, package)).applied
        lock_period(city, 2025)
    finally:
        county.close()
        city.close()
    with pytest.raises(WriteRefused, match="没有 2024 年度"):
        db = open_database(city_path)
        try:
            lock_period(db, 2024)
        finally:
            db.close()


def test_signing_a_package_needs_a_key(county: Database):
    with county.session() as session:
        decision = decide(session, WriteAction.EXPORT_PACKAGE, period=2025)
    assert not decision.allowed and "还没有签名密钥" in decision.reason


def test_restore_is_always_allowed(city: Database, submitted: Database):
    for db in (city, submitted):
        with db.session() as session:
            assert decide(session, WriteAction.RESTORE_BACKUP, period=2025).allowed


def test_refusals_are_translated(city: Database):
    from vetdesk import i18n

    i18n.set_language("en")
    with city.session() as session:
        reasons = {
            decide(session, action, period=2025).reason
            for action in (WriteAction.EDIT_RECORD, WriteAction.IMPORT_TEMPLATE)
        }
    assert all(r and r.isascii() for r in reasons), reasons
