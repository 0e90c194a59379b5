"""City merge on SQLite and on PostgreSQL side by side: 44 packages at --scale 1, six at 10.

Haidong has six counties; the province's 44 county-level units are stood for by the six
counties sending successive packages (seq 1, 2, … each, 44 in all), every one verified
and merged as a full replacement, as a city does through a reporting season. The six
--scale 10 packages are one per county. The PostgreSQL server is a throwaway one
(tests/pg_server.py: Debian's postgresql package, Unix socket, fsync and synchronous commit
on as in production, like SQLite's synchronous=FULL). Wall-clock seconds of verify + merge,
the packages built beforehand.

    .venv/bin/python bench/bench_engines.py [--quick]   # --quick: 12 and 2 packages
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

PASSPHRASE = "bench passphrase"
# (scale, packages): the default run is issue #17's; --quick is a smoke test.
RUNS = [(1, 44), (10, 6)]
QUICK_RUNS = [(1, 12), (10, 2)]


def build_packages(
    folder: Path, scale: int, total: int
) -> tuple[list[tuple[str, Any]], list[Path]]:
    """The counties' public keys and ``total`` signed packages from them, in sending order."""
    from vetdesk.domain.units import load_units
    from vetdesk.packages.county import export_package
    from vetdesk.services.demo import generate_demo
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import read_key_file
    from vetdesk.standards.installed import create_database

    counties = load_units().counties
    per_county = [
        total // len(counties) + (i < total % len(counties)) for i in range(len(counties))
    ]
    keys: list[tuple[str, Any]] = []
    order: list[tuple[int, Path]] = []
    for county, count in zip(counties, per_county, strict=True):
        if count == 0:
            continue
        db = create_database(
            folder / f"{county.code}-{scale}.db", role="county", unit_code=county.code, operator="b"
        )
        generate_demo(db, year=2025, scale=scale)
        create_key(db, PASSPHRASE)
        keys.append((county.code, read_key_file(active_key(db).public_key)))
        for seq in range(1, count + 1):
            target = folder / f"{county.code}-{scale}-{seq}.xlsx"
            export_package(db, 2025, target, PASSPHRASE)
            order.append((seq, target))
        db.close()
    # Round by round: every county's package 1, then every county's package 2, …
    return keys, [p for _seq, p in sorted(order, key=lambda item: item[0])]


def merge_all(target: str, keys: list[tuple[str, Any]], packages: list[Path]) -> float:
    """Create a city at ``target`` (file or URL), trust the counties, merge: seconds."""
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.verify import verify_package
    from vetdesk.signing.trust import add_trusted_key
    from vetdesk.standards.installed import create_database

    city = create_database(target, role="city", unit_code="630200", operator="bench")
    for unit, public in keys:
        add_trusted_key(city, unit, public)
    started = time.perf_counter()
    for package in packages:
        assert apply_merge(city, verify_package(city, package)).applied, package
    seconds = time.perf_counter() - started
    city.close()
    return seconds


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="12 and 2 packages")
    args = parser.parse_args()
    import pg_server

    reason = pg_server.why_unavailable()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    runs = QUICK_RUNS if args.quick else RUNS
    load_before = os.getloadavg()
    started = time.perf_counter()
    server = pg_server.start_server(durable=True)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            os.environ["VETDESK_DATA_DIR"] = str(folder / "data")
            for scale, total in runs:
                keys, packages = build_packages(folder, scale, total)
                sqlite_s = merge_all(str(folder / f"city-{scale}.db"), keys, packages)
                pg_s = merge_all(server.url(server.create_database(f"city{scale}")), keys, packages)
                rows.append((scale, total, sqlite_s, pg_s))
                print(f"scale {scale}: {total} packages done", flush=True)
    finally:
        server.stop()
    # The conditions go with the figures: on a shared machine they explain the seconds.
    print(
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.1f} before and {os.getloadavg()[0]:.1f} after, "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(f"{'scale':>5} {'packages':>8} {'SQLite s':>9} {'PostgreSQL s':>12} {'PG/SQLite':>9}")
    for scale, total, sqlite_s, pg_s in rows:
        print(f"{scale:>5} {total:>8} {sqlite_s:>9.1f} {pg_s:>12.1f} {pg_s / sqlite_s:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
