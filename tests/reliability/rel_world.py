"""The reliability tests' shared world: demo databases with keys both ways, input files."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_helpers import PASSPHRASE, YEAR, checkpoint, copy_db, load_sql_dump

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"
NEW_SCHOOL = "3663239901"
LAND_RULE = "JCC2022-5/land_area"


@dataclass(frozen=True)
class World:
    """Files every reliability test may copy (never change them in place)."""

    root: Path
    data_dir: Path  # holds the units' private keys
    county: Path  # 互助县 630223 demo, with its key, trusting the city
    city: Path  # the city demo, with its key, trusting 630223
    other_county: Path  # 乐都区 630202, new, trusting the city
    workbook_a: Path  # a draft export of 630223 with other figures and teachers
    workbook_b: Path  # another one
    workbook_bad: Path  # workbook A with one refused cell
    package: Path  # 630223's signed package
    task: Path  # the city's task for 630223: a new school and a stricter rule
    task_other: Path  # the city's task for 630202
    receipt: Path  # the city's receipt for the package, addressed to 630223
    schema_0002: Path  # the 0.1.0 county fixture loaded at schema 0002


def _demo_variant(folder: Path, seed: int) -> Path:
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database
    from vetdesk.workbook.export import export_period

    db = create_database(
        folder / f"variant-{seed}.db", role="county", unit_code="630223", operator="乙"
    )
    generate_demo(db, year=YEAR, seed=seed)
    target = folder / f"互助县-变体{seed}.xlsx"
    export_period(db, YEAR, target, draft=True)
    db.close()
    return target


def _with_bad_cell(source: Path, target: Path) -> Path:
    import openpyxl

    from vetdesk.workbook.schema import TEACHERS

    wb = openpyxl.load_workbook(source)
    ws = wb[TEACHERS.sheet_title]
    header = [c.value for c in ws[1]]
    column = next(i for i, v in enumerate(header, 1) if v and "身份证" in str(v))
    ws.cell(row=2, column=column).value = "632126197001011234"  # wrong check digit
    wb.save(target)
    return target


def _stricter_task(city_path: Path, folder: Path) -> tuple[Path, Path]:
    from sqlalchemy import select

    from vetdesk.db import models
    from vetdesk.db.database import open_database
    from vetdesk.packages.task import export_task
    from vetdesk.standards.installed import install_ruleset, ruleset_in_force
    from vetdesk.standards.ruleset import parse_ruleset

    city = open_database(city_path)
    raw = copy.deepcopy(dict(ruleset_in_force(city).raw))
    raw["version"] = "2025.9"
    for rule in raw["rules"]:
        if rule["id"] == LAND_RULE:
            rule["threshold"] = "45000"
    with city.transaction() as session:
        install_ruleset(session, parse_ruleset(raw))
        exists = session.scalar(
            select(models.School).where(models.School.school_code == NEW_SCHOOL)
        )
        if exists is None:
            session.add(
                models.School(
                    school_code=NEW_SCHOOL,
                    name="互助县新设职业学校",
                    county_code="630223",
                    level="secondary",
                    category="general",
                    ownership="public",
                    active=True,
                )
            )
    task = export_task(city, YEAR, folder / "任务-630223.xlsx", PASSPHRASE, unit_code="630223").path
    other = export_task(
        city, YEAR, folder / "任务-630202.xlsx", PASSPHRASE, unit_code="630202"
    ).path
    city.close()
    return task, other


def build_world(root: Path, demo_county: Path, demo_city: Path) -> World:
    """Build the shared databases and files in a folder."""
    from vetdesk.db.database import open_database
    from vetdesk.packages.county import export_package
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.receipt import issue_receipt
    from vetdesk.packages.verify import verify_package
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file
    from vetdesk.standards.installed import create_database

    data_dir = root / "data"
    data_dir.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(data_dir))
        county_path = copy_db(demo_county, root / "county.db")
        city_path = copy_db(demo_city, root / "city.db")
        county, city = open_database(county_path), open_database(city_path)
        other = create_database(root / "other.db", role="county", unit_code="630202", operator="丙")
        for db in (county, city, other):
            create_key(db, PASSPHRASE)
        add_trusted_key(city, "630223", read_key_file(active_key(county).public_key))
        for db in (county, other):
            add_trusted_key(db, "630200", read_key_file(active_key(city).public_key))
        package = root / "互助县-上报包.xlsx"
        export_package(county, YEAR, package, PASSPHRASE)
        # The receipt needs a merge: made on a scratch copy of the city, which stays as it was.
        scratch = open_database(copy_db(city_path, root / "scratch-city.db"))
        preview = apply_merge(scratch, verify_package(scratch, package))
        receipts = root / "receipts"
        receipts.mkdir()
        receipt = issue_receipt(scratch, preview, receipts, PASSPHRASE)
        scratch.close()
        for db in (county, city, other):
            db.close()
        task, task_other = _stricter_task(city_path, root)
        workbook_a = _demo_variant(root, 7)
        workbook_b = _demo_variant(root, 11)
        bad = _with_bad_cell(workbook_a, root / "互助县-有错.xlsx")
        schema_0002 = load_sql_dump(SCHEMAS / "0002-county.sql", root / "schema-0002.db")
        for path in (county_path, city_path, root / "other.db"):
            checkpoint(path)
    return World(
        root=root,
        data_dir=data_dir,
        county=county_path,
        city=city_path,
        other_county=root / "other.db",
        workbook_a=workbook_a,
        workbook_b=workbook_b,
        workbook_bad=bad,
        package=package,
        task=task,
        task_other=task_other,
        receipt=receipt,
        schema_0002=schema_0002,
    )


def build_small_merge(world: World, folder: Path) -> tuple[Path, Path]:
    """A small signed package of 630223 (six teachers) and a new city database trusting it.

    Small enough that a merge runs about a hundred SQL statements, so that a fault can be
    injected at every one of them in the full run.
    """
    import sqlite3

    from vetdesk.db.database import open_database
    from vetdesk.packages.county import export_package
    from vetdesk.services.check import explain_warnings
    from vetdesk.signing.keystore import active_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file
    from vetdesk.standards.installed import create_database
    from vetdesk.validation.check import run_check

    county_path = copy_db(world.county, folder / "small-county.db")
    con = sqlite3.connect(county_path)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        tables = {
            str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        con.execute(
            "DELETE FROM teachers WHERE id NOT IN (SELECT id FROM teachers ORDER BY id LIMIT 6)"
        )
        for table in sorted(tables & _PER_SCHOOL_TABLES):
            con.execute(
                f"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM {table} ORDER BY id LIMIT 1)"
            )
        con.commit()
    finally:
        con.close()
    package = folder / "互助县-小上报包.xlsx"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(world.data_dir))
        county = open_database(county_path)
        report = run_check(county, YEAR)
        explain_warnings(
            county,
            YEAR,
            [
                (f.rule, f.record_key, f.field or "", "测试说明")
                for f in report.unexplained_warnings
            ],
        )
        export_package(county, YEAR, package, PASSPHRASE)
        city = create_database(
            folder / "small-city.db", role="city", unit_code="630200", operator="市局"
        )
        add_trusted_key(city, "630223", read_key_file(active_key(county).public_key))
        county.close()
        city.close()
    checkpoint(folder / "small-city.db")
    return folder / "small-city.db", package


# Tables with several rows per school and period, thinned out for the small package.
_PER_SCHOOL_TABLES = frozenset(
    {
        "training_programmes",
        "majors",
        "cooperating_enterprises",
        "certificate_pilots",
        "training_bases",
        "target_progress",
    }
)
