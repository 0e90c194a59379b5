"""City merge of the six demo counties at --scale 1 and 10: time and peak memory.

Prints how merge time grows with the number of packages (1, 3, 6 at scale 1) and
with their size (6 at scale 1 vs 6 at scale 10), as ratios to the first run of the
same process. Peak memory is the Python allocations' peak (tracemalloc) of the merges.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PASSPHRASE = "bench passphrase"


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


def merge_into_fresh_city(
    folder: Path, city_template: Path, packages: list[Path], name: str
) -> tuple[float, int]:
    """Seconds and peak bytes to verify and merge packages into a copy of an empty city."""
    import shutil

    from vetdesk.db.database import open_database
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.verify import verify_package

    target = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(city_template) + suffix)
        if source.exists():
            shutil.copy(source, Path(str(target) + suffix))
    db = open_database(target)
    tracemalloc.start()
    started = time.perf_counter()
    for package in packages:
        assert apply_merge(db, verify_package(db, package)).applied
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    db.close()
    return seconds, peak


def main() -> int:
    """Run the benchmark."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["VETDESK_DATA_DIR"] = str(folder / "data")
        rows = []
        city1, packages1 = build_packages(folder, 1)
        for count in (1, 3, 6):
            seconds, peak = merge_into_fresh_city(folder, city1, packages1[:count], f"m1-{count}")
            rows.append((1, count, seconds, peak))
        city10, packages10 = build_packages(folder, 10)
        seconds, peak = merge_into_fresh_city(folder, city10, packages10, "m10-6")
        rows.append((10, 6, seconds, peak))
    base = rows[0][2]
    print(
        f"{'scale':>5} {'packages':>8} {'seconds':>8} {'× first':>8} {'per package ×':>14} {'peak MB':>8}"
    )
    for scale, count, seconds, peak in rows:
        print(
            f"{scale:>5} {count:>8} {seconds:>8.2f} {seconds / base:>8.2f} "
            f"{(seconds / count) / base:>14.2f} {peak / 2**20:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
