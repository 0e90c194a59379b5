"""The data-version token: it moves on every commit, and another process's change is told apart."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vetdesk.db.data_version import EMPTY_VERSION, OwnWrites, check_version, data_version
from vetdesk.db.database import Database, open_database
from vetdesk.services import records
from vetdesk.standards.installed import create_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def city(city_target: str) -> Iterator[Database]:
    db = create_database(city_target, role="city", unit_code="630200", operator="李科长")
    yield db
    db.close()


def test_own_writes_are_followed_step_by_step() -> None:
    own = OwnWrites()
    own.record("a", "b")
    own.record("b", "c")
    own.record("x", "x")  # a transaction that wrote nothing audited: no step
    assert own.follow("a") == "c"
    assert own.follow("b") == "c"
    assert own.follow("z") == "z"
    own.record("c", "a")  # a cycle (never happens in a hash chain) does not hang
    assert own.follow("a") in {"a", "b", "c"}


def test_own_write_moves_the_version_but_is_not_a_change_elsewhere(city: Database) -> None:
    before = data_version(city)
    assert before != EMPTY_VERSION  # creating the database is logged
    records.open_period(city, 2025)
    after = check_version(city, before)
    assert after.current != before
    assert not after.changed_elsewhere
    assert check_version(city, after.current) == after  # nothing new: the same answer


def test_another_connections_commit_is_a_change_elsewhere(city: Database, city_target: str) -> None:
    known = data_version(city)
    other = open_database(city_target)
    try:
        records.open_period(other, 2025)
    finally:
        other.close()
    seen = check_version(city, known)
    assert seen.changed_elsewhere and seen.current != known
    # Our own write after theirs: the version a window loaded still leads to theirs.
    records.open_period(city, 2026)
    assert check_version(city, known).changed_elsewhere
    # Once the window has loaded the newer version, only its own write followed.
    assert not check_version(city, seen.current).changed_elsewhere


def test_a_rolled_back_write_leaves_the_version(city: Database) -> None:
    import datetime as dt

    from vetdesk.db import models

    known = data_version(city)
    with pytest.raises(RuntimeError), city.transaction() as session:
        session.add(models.Period(year=2030, statistics_date=dt.date(2030, 12, 31)))
        session.flush()  # the audit entries are written …
        raise RuntimeError  # … and rolled back with the period
    assert check_version(city, known) == check_version(city, data_version(city))
    assert data_version(city) == known


def test_a_merge_by_another_process_is_a_change_elsewhere(
    city: Database, city_target: str, county_db: Path, tmp_path: Path
) -> None:
    from vetdesk.packages.county import export_package
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file

    county = open_database(county_db)
    try:
        create_key(county, "correct horse battery")
        add_trusted_key(city, "630223", read_key_file(active_key(county).public_key))
        package = tmp_path / "pkg.xlsx"
        export_package(county, 2025, package, "correct horse battery")
    finally:
        county.close()
    known = data_version(city)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "vetdesk", "merge", "--db", city_target, str(package)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = check_version(city, known)
    assert seen.changed_elsewhere and seen.current == data_version(city)


def test_every_audited_table_has_a_label_in_the_log_view() -> None:
    """The audit page names every table the log records in words, never by its table name."""
    from vetdesk.db.audit import _AUDITED
    from vetdesk.services.audit_log import _TABLE_LABELS

    assert {model.__tablename__ for model in _AUDITED} <= set(_TABLE_LABELS)


def test_a_refused_package_recorded_elsewhere_moves_the_version(
    city: Database, city_target: str
) -> None:
    """Another officer's refusal changes the status board, so the window must see it."""
    import datetime as dt

    from vetdesk.db import models

    known = data_version(city)
    other = open_database(city_target)
    try:
        with other.transaction() as session:
            session.add(
                models.PackageRejection(
                    unit_code="630223",
                    period_year=2025,
                    seq=1,
                    manifest_sha256="0" * 64,
                    file_name="互助县-2025.xlsx",
                    reason="数据不全",
                    rejected_at=dt.datetime(2026, 3, 1, 9, 0),
                    operator="王科员",
                )
            )
    finally:
        other.close()
    assert check_version(city, known).changed_elsewhere
