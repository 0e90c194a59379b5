"""Demo generation and ``check`` at --scale 1, 10, 100: time per school and how it grows.

Prints ratios against the --scale 1 run of the same process, so the figures compare
like with like on whatever machine runs them. Linear growth means the time per
school stays roughly constant (ratio near 1.0).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database
from vetdesk.validation.check import run_check


def measure(scale: int, folder: Path) -> tuple[int, float, float]:
    """Return (schools, seconds for demo, seconds for check) at a scale."""
    db = create_database(
        folder / f"bench-{scale}.db", role="county", unit_code="630202", operator="bench"
    )
    started = time.perf_counter()
    generate_demo(db, year=2025, scale=scale)
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = run_check(db, 2025)
    check_seconds = time.perf_counter() - started
    db.close()
    return report.summary.schools_assessed, demo_seconds, check_seconds


def main() -> int:
    """Run the benchmark."""
    scales = [int(a) for a in sys.argv[1:]] or [1, 10, 100]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(scale, *measure(scale, Path(tmp))) for scale in scales]
    base_schools, base_demo, base_check = rows[0][1:]
    print(
        f"{'scale':>6} {'schools':>8} {'demo s':>8} {'check s':>8} {'demo/school ×base':>18} {'check/school ×base':>19}"
    )
    for scale, schools, demo, check in rows:
        demo_ratio = (demo / schools) / (base_demo / base_schools)
        check_ratio = (check / schools) / (base_check / base_schools)
        print(
            f"{scale:>6} {schools:>8} {demo:>8.2f} {check:>8.2f} {demo_ratio:>18.2f} {check_ratio:>19.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
