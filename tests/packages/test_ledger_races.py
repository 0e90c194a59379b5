"""The ledger holds under races: checks run inside the write transaction (issue 18.4)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from pkg_helpers import enrol, make_package
from sqlalchemy import select

from vetdesk.cli import main
from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.errors import VetDeskError
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.verify import verify_package
from vetdesk.standards.installed import create_database

TRIALS = 8


@pytest.fixture
def world(county_db, tmp_path):
    """A city that accepted package 1 of a county, and that county's packages 2 and 3."""
    county = open_database(county_db)
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="市局")
    enrol(county, city)
    assert apply_merge(city, verify_package(city, make_package(county, tmp_path, "1.xlsx"))).applied
    packages = [make_package(county, tmp_path, f"{n}.xlsx") for n in (2, 3)]
    county.close()
    city.close()
    return tmp_path, tmp_path / "city.db", packages


def _ledger(path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT seq FROM package_ledger ORDER BY id")]


def test_two_merges_at_once_never_put_older_data_over_newer(world):
    folder, city_path, packages = world
    for trial in range(TRIALS):
        path = folder / f"race-{trial}.db"
        with sqlite3.connect(city_path) as source, sqlite3.connect(path) as target:
            source.backup(target)
        city = open_database(path)
        # Both packages verified against ledger [1], then applied at the same moment.
        verifications = [verify_package(city, p) for p in reversed(packages)]
        barrier = threading.Barrier(2)
        unexpected: list[BaseException] = []
        refusals: list[str] = []

        def merge(
            verification, barrier=barrier, city=city, unexpected=unexpected, refusals=refusals
        ):
            barrier.wait()
            try:
                apply_merge(city, verification)
            except VetDeskError as exc:
                refusals.append(exc.code)  # "busy" or "in use" is an acceptable answer
            except BaseException as exc:  # a traceback is not
                unexpected.append(exc)

        threads = [threading.Thread(target=merge, args=(v,)) for v in verifications]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        city.close()
        assert unexpected == []
        ledger = _ledger(path)
        # 2 then 3: both accepted. 3 first: it does not link to 1 (a gap) and is refused,
        # then 2 is accepted. Never 3 then 2 (older data over newer).
        assert ledger in ([1, 2, 3], [1, 2]) or refusals, f"trial {trial}: ledger {ledger}"
        assert ledger == sorted(ledger), f"trial {trial}: ledger {ledger}, {refusals}"


def test_a_foreign_write_lock_gets_a_clear_busy_message(world, capsys):
    folder, city_path, packages = world
    holder = sqlite3.connect(city_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = main(["merge", "--db", str(city_path), str(packages[0])])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    out = capsys.readouterr()
    assert code == 1
    assert "正忙" in out.out + out.err
    assert _ledger(city_path) == [1]


def test_the_same_package_merged_twice_at_once_is_accepted_once(world):
    folder, city_path, packages = world
    city = open_database(city_path)
    verifications = [verify_package(city, packages[0]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def merge(verification):
        barrier.wait()
        try:
            results.append(apply_merge(city, verification).applied)
        except VetDeskError as exc:
            results.append(exc.code)
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=merge, args=(v,)) for v in verifications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with city.session() as session:
        seqs = list(session.scalars(select(models.PackageLedger.seq)))
    city.close()
    assert sorted(seqs) == [1, 2]
    assert True in results and all(r is True or r is False or isinstance(r, str) for r in results)
