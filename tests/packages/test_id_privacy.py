"""身份证号 as keyed hashes: set at the city, sent down in the task, applied to county packages."""

from __future__ import annotations

import re
import zipfile

from pkg_helpers import PASSPHRASE, enrol, make_package
from sqlalchemy import select

from vetdesk.cli import main
from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.db.id_privacy import privacy_in_force
from vetdesk.domain.id_privacy import hash_id_number, is_hashed_id
from vetdesk.packages.merge import apply_merge, preview_merge
from vetdesk.packages.task import export_task, import_task
from vetdesk.packages.verify import verify_package
from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database
from vetdesk.validation.check import run_check


def test_hashed_ids_travel_and_still_find_duplicates(county_db, tmp_path, capsys):
    county = open_database(county_db)
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="市局")
    enrol(county, city)
    with city.transaction() as session:
        from vetdesk.db.periods import ensure_period

        ensure_period(session, 2025)
    city.close()
    assert main(["privacy", "--db", str(tmp_path / "city.db"), "--mode", "hashed"]) == 0
    city = open_database(tmp_path / "city.db")
    task = tmp_path / "task.xlsx"
    export_task(city, 2025, task, PASSPHRASE, unit_code="630223")
    assert import_task(county, task).applied
    with county.session() as session:
        privacy = privacy_in_force(session)
        numbers = list(session.scalars(select(models.Teacher.id_number)))
    assert privacy.hashed
    package = make_package(county, tmp_path)
    with zipfile.ZipFile(package) as zf:
        text = "".join(
            zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml")
        )
    assert not any(number in text for number in numbers), "a 身份证号 left the county"
    assert re.search(r"H[0-9A-F]{17}", text)
    result = verify_package(city, package)
    assert result.ok and result.manifest["id_privacy"]["mode"] == "hmac-sha256"
    assert apply_merge(city, result).applied
    with city.session() as session:
        stored = list(session.scalars(select(models.Teacher.id_number)))
    assert stored and all(is_hashed_id(s) for s in stored)
    assert hash_id_number(privacy, numbers[0]) in stored
    assert not [f for f in run_check(city, 2025).errors if f.rule == "teacher.id_number.invalid"]
    # A second county (plain numbers, not yet on the new task) lists one of the same teachers.
    other = create_database(
        tmp_path / "other.db", role="county", unit_code="630202", operator="乐都"
    )
    generate_demo(other, year=2025)
    with other.transaction() as session:
        session.scalars(select(models.Teacher)).first().id_number = numbers[0]
    enrol(other, city)
    preview = preview_merge(city, verify_package(city, make_package(other, tmp_path, "other.xlsx")))
    assert len(preview.duplicates) == 1 and numbers[0] not in preview.duplicates[0]
    county.close()
    city.close()
    other.close()


def test_a_county_database_refuses_hashed_numbers(county_db):
    db = open_database(county_db)
    with db.transaction() as session:
        session.scalars(select(models.Teacher)).first().id_number = "H0123456789ABCDEF"
    errors = [f for f in run_check(db, 2025).errors if f.rule == "teacher.id_number.invalid"]
    assert len(errors) == 1
    db.close()
