"""City merge against a floor measured in the same run: six counties, and a province's 44th package.

Prints, in one run:

- the merge of the six demo counties' packages (``merge_batch``: verify, one backup,
  merge, per package in its own transaction) at each ``--scales`` value (default 1, 10
  and 30; best of three up to scale 10, one run above), in CPU seconds
  of this process, against a floor for the same packages: reading the same cells with
  python-calamine, ``executemany`` of the same rows into SQLite, SHA-256 of the same
  bytes (budget: six at scale 10 ≤ 3× the floor);
- the province case at scale 1: one county's package merged into an empty city (the
  1st package) and into a city already holding 43 counties (the 44th: five real merged
  counties and 38 copies of them under invented unit codes), CPU seconds, best of three,
  as one package of a batch whose one backup is already taken (the backup copies the
  whole database once per batch; opening the database is not timed either)
  (budget: 44th ≤ 1.2× the 1st);
- peak Python memory (tracemalloc) of the six merges at scale 10 (else the largest), in a separate
  pass that is never timed, because tracemalloc alone slows the merge 3–4×
  (budget: ≤ 150 MB at scale 10).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSPHRASE = "bench passphrase"
REPEATS = 3
PROVINCE = 44
BUDGET_SCALE = 10  # issue #14's memory budget: six packages at --scale 10


def build_packages(folder: Path, scale: int) -> tuple[Path, list[Path]]:
    """Six demo counties at a scale, each with a signed package; an empty city with their keys."""
    from vetdesk.domain.units import load_units
    from vetdesk.packages.county import export_package
    from vetdesk.services.demo import generate_demo
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file
    from vetdesk.standards.installed import create_database

    city_path = folder / f"city-{scale}.db"
    city = create_database(city_path, role="city", unit_code="630200", operator="bench")
    packages = []
    for county in load_units().counties:
        db = create_database(
            folder / f"{county.code}-{scale}.db",
            role="county",
            unit_code=county.code,
            operator="bench",
        )
        generate_demo(db, year=2025, scale=scale)
        create_key(db, PASSPHRASE)
        add_trusted_key(city, county.code, read_key_file(active_key(db).public_key))
        target = folder / f"{county.code}-{scale}.xlsx"
        export_package(db, 2025, target, PASSPHRASE)
        packages.append(target)
        db.close()
    city.close()
    return city_path, packages


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a closed database (with its WAL, if any)."""
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(source) + suffix)
        if extra.exists():
            shutil.copy(extra, Path(str(target) + suffix))
    return target


def cpu_seconds(work: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds of this process and wall seconds of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def merge_all(city: Path, packages: list[Path]) -> None:
    """Merge packages as ``vetdesk merge`` does; every one must be accepted (untimed set-up)."""
    from vetdesk.db.database import open_database

    db = open_database(city)
    try:
        timed_batch(db, packages)
    finally:
        db.close()


def timed_batch(db: Any, packages: list[Path], *, backed_up: bool = False) -> None:
    """What ``vetdesk merge`` does once the database is open: the batch of packages."""
    from vetdesk.packages.accept import BatchBackup, accept_package
    from vetdesk.packages.verify import verify_package

    # merge_batch with a batch that may already hold its backup (the province case times
    # one package of a batch, not the batch's one backup).
    batch = BatchBackup(taken=backed_up)
    for package in packages:
        outcome = accept_package(db, verify_package(db, package), batch=batch, just_verified=True)
        assert outcome.status == "accepted", outcome.status


def timed_merge(
    city: Path, packages: list[Path], *, backed_up: bool = False
) -> tuple[float, float]:
    """CPU and wall seconds of merging packages into an open database (opening is not timed)."""
    from vetdesk.db.database import open_database

    db = open_database(city)
    try:
        return cpu_seconds(lambda: timed_batch(db, packages, backed_up=backed_up))
    finally:
        db.close()


def floor(packages: list[Path], folder: Path) -> None:
    """Read the same cells (calamine), insert the same rows (executemany), hash the same bytes."""
    from python_calamine import CalamineWorkbook

    target = folder / "floor.db"
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    for n, package in enumerate(packages):
        data = package.read_bytes()
        hashlib.sha256(data).hexdigest()
        workbook = CalamineWorkbook.from_path(str(package))
        with conn:
            for s, name in enumerate(workbook.sheet_names):
                rows = workbook.get_sheet_by_name(name).to_python()
                if len(rows) < 2:
                    continue
                width = max(len(r) for r in rows)
                table = f"t{n}_{s}"
                columns = ", ".join(f"c{i}" for i in range(width))
                conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {columns})")
                marks = ", ".join("?" * width)
                conn.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [tuple(r) + (None,) * (width - len(r)) for r in rows[1:]],
                )
    conn.close()


def best(
    work: Callable[[], tuple[float, float]], prepare: Callable[[], None], count: int = REPEATS
) -> tuple[float, float]:
    """The fastest of ``count`` runs (CPU, wall), each after ``prepare``."""
    runs = []
    for _ in range(count):
        prepare()
        runs.append(work())
    return min(runs)


def clone_counties(city: Path, copies: int) -> None:
    """Give a city database ``copies`` more counties: copies of the counties it holds."""
    conn = sqlite3.connect(city)
    conn.execute("PRAGMA foreign_keys=ON")
    schools = conn.execute("SELECT * FROM schools").fetchall()
    school_cols = [d[0] for d in conn.execute("SELECT * FROM schools LIMIT 0").description]
    per_school = [
        "school_conditions",
        "training_programmes",
        "majors",
        "cooperating_enterprises",
        "certificate_pilots",
        "graduate_destinations",
        "training_bases",
    ]
    with conn:
        for k in range(copies):
            unit = f"69{k:04d}"
            conn.execute(
                "INSERT INTO units (code, name, parent_code) VALUES (?, ?, NULL)",
                (unit, f"模拟县{k}"),
            )
            for school in schools:
                values = dict(zip(school_cols, school, strict=True))
                old_id, old_code = values.pop("id"), values["school_code"]
                values["school_code"] = f"9{k:03d}{old_code[4:]}"
                values["county_code"] = unit
                new_id = _insert(conn, "schools", values)
                for table in per_school:
                    for row in _rows(conn, table, "school_id", old_id):
                        row.pop("id")
                        _insert(conn, table, dict(row, school_id=new_id))
                for teacher in _rows(conn, "teachers", "school_id", old_id):
                    old_teacher = teacher.pop("id")
                    new_teacher = _insert(conn, "teachers", dict(teacher, school_id=new_id))
                    for practice in _rows(conn, "enterprise_practices", "teacher_id", old_teacher):
                        practice.pop("id")
                        _insert(
                            conn, "enterprise_practices", dict(practice, teacher_id=new_teacher)
                        )
                for expl in conn.execute(
                    "SELECT period_id, rule_id, record_key, field, text, operator, created_at "
                    "FROM warning_explanations WHERE record_key LIKE ?",
                    (f"%:{old_code}%",),
                ).fetchall():
                    key = expl[2].replace(old_code, values["school_code"])
                    conn.execute(
                        "INSERT INTO warning_explanations (period_id, rule_id, record_key, field,"
                        " text, operator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (expl[0], expl[1], key, *expl[3:]),
                    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _rows(conn: sqlite3.Connection, table: str, column: str, value: int) -> list[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE {column} = ?", (value,))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        tuple(values.values()),
    )
    return int(cursor.lastrowid or 0)


def repeats(scale: int) -> int:
    """Runs per measurement: best of three up to scale 10, one run above (minutes each)."""
    return REPEATS if scale <= 10 else 1


def six_counties(folder: Path, scale: int) -> tuple[float, float, float, float, Path, list[Path]]:
    """Merge and floor of the six packages at a scale: CPU and wall seconds of each."""
    city, packages = build_packages(folder, scale)
    target = folder / f"m-{scale}.db"
    runs = repeats(scale)
    merge_cpu, merge_wall = best(
        lambda: timed_merge(target, packages), lambda: _fresh_copy(city, target), runs
    )
    floor_cpu, floor_wall = best(
        lambda: cpu_seconds(lambda: floor(packages, folder)), lambda: None, runs
    )
    return merge_cpu, merge_wall, floor_cpu, floor_wall, city, packages


def _fresh_copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    copy_database(source, target)


def province(folder: Path, city: Path, packages: list[Path]) -> tuple[float, float]:
    """CPU seconds of one county's package merged as the 1st and as the 44th."""
    last = packages[-1]
    first_db = folder / "p-first.db"
    first = best(
        lambda: timed_merge(first_db, [last], backed_up=True), lambda: _fresh_copy(city, first_db)
    )[0]
    populated = folder / "p-43.db"
    _fresh_copy(city, populated)
    merge_all(populated, packages[:-1])
    clone_counties(populated, PROVINCE - len(packages))
    target = folder / "p-44.db"
    nth = best(
        lambda: timed_merge(target, [last], backed_up=True), lambda: _fresh_copy(populated, target)
    )[0]
    return first, nth


def peak_memory(folder: Path, city: Path, packages: list[Path]) -> int:
    """Peak Python allocations of merging the packages (a separate, untimed pass)."""
    target = folder / "mem.db"
    _fresh_copy(city, target)
    tracemalloc.start()
    merge_all(target, packages)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="1,10,30", help="comma-separated demo scales (default 1,10,30)"
    )
    parser.add_argument("--no-province", action="store_true", help="skip the 44-package case")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    print(
        f"merge bench, {dt.date.today().isoformat()}, CPU seconds "
        f"(best of {REPEATS} up to scale 10, one run above)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["VETDESK_DATA_DIR"] = str(folder / "data")
        print(
            f"{'scale':>5} {'packages':>8} {'merge CPU':>10} {'wall':>7} {'floor CPU':>10} {'× floor':>8}"
        )
        built: dict[int, tuple[Path, list[Path]]] = {}
        for scale in scales:
            merge_cpu, merge_wall, floor_cpu, _fw, city, packages = six_counties(folder, scale)
            built[scale] = (city, packages)
            print(
                f"{scale:>5} {len(packages):>8} {merge_cpu:>10.2f} {merge_wall:>7.2f} "
                f"{floor_cpu:>10.2f} {merge_cpu / floor_cpu:>8.2f}",
                flush=True,
            )
        if not args.no_province:
            city, packages = built[1] if 1 in built else build_packages(folder, 1)
            first, nth = province(folder, city, packages)
            print(
                f"province (scale 1): 1st package {first:.2f} s CPU, {PROVINCE}th {nth:.2f} s CPU, "
                f"{PROVINCE}th ÷ 1st = {nth / first:.2f}",
                flush=True,
            )
        # The budget's scale when it was measured, else the largest.
        measured = BUDGET_SCALE if BUDGET_SCALE in built else max(built)
        peak = peak_memory(folder, *built[measured])
        print(f"peak Python memory, six merges at scale {measured}: {peak / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
