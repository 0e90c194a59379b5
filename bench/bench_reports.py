"""The PDF report and the merged city workbook of the demo city at --scale 1 and 10.

Times are printed with their ratio to the first scale given (measured in the same run,
so they compare like with like on any machine), next to the ratio of schools: growth in
line with the data gives a "per school ×base" near 1.0 or below. Each step runs once
untimed first (imports, the PDF font's TrueType conversion, matplotlib's caches), then
the best of ``--repeat`` runs counts.

    .venv/bin/python bench/bench_reports.py [--repeat N] [SCALE ...]   # default: 1 10
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vetdesk.db.database import Database
from vetdesk.reports.city_workbook import write_city_workbook
from vetdesk.reports.pdf import write_report_pdf
from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database

YEAR = 2025


@dataclass
class Row:
    """One scale's timings."""

    scale: int
    schools: int
    pages: int
    pdf: float
    xlsx: float


def best_of(repeats: int, run: Callable[[], None]) -> float:
    """The shortest wall time of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def city(folder: Path, scale: int) -> Database:
    """A demo city database at a scale."""
    db = create_database(
        folder / f"city-{scale}.db", role="city", unit_code="630200", operator="bench"
    )
    generate_demo(db, year=YEAR, scale=scale)
    return db


def measure(folder: Path, scale: int, repeats: int, warm: bool) -> Row:
    """Time both outputs at one scale."""
    db = city(folder, scale)
    pdf_path, xlsx_path = folder / f"r-{scale}.pdf", folder / f"r-{scale}.xlsx"
    schools = 0

    def pdf() -> None:
        nonlocal schools
        schools = write_report_pdf(db, YEAR, pdf_path).total.schools

    def xlsx() -> None:
        write_city_workbook(db, YEAR, xlsx_path)

    if warm:
        pdf()
        xlsx()
    pdf_seconds = best_of(repeats, pdf)
    xlsx_seconds = best_of(repeats, xlsx)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf_path.read_bytes()))
    db.close()
    return Row(scale, schools, pages, pdf_seconds, xlsx_seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", type=int, default=[1, 10])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        # The PDF font cache goes to the data directory: keep the bench's out of the user's.
        os.environ.setdefault("VETDESK_DATA_DIR", str(Path(tmp) / "data"))
        rows = [
            measure(Path(tmp), scale, args.repeat, warm=index == 0)
            for index, scale in enumerate(args.scales)
        ]
    base = rows[0]
    print(
        f"{'scale':>5} {'schools':>7} {'pages':>5} {'PDF s':>7} {'×base':>6} {'per school':>10}"
        f" {'xlsx s':>7} {'×base':>6} {'per school':>10}"
    )
    for r in rows:
        growth = r.schools / base.schools
        print(
            f"{r.scale:>5} {r.schools:>7} {r.pages:>5} {r.pdf:>7.2f} {r.pdf / base.pdf:>6.2f}"
            f" {r.pdf / base.pdf / growth:>10.2f} {r.xlsx:>7.2f} {r.xlsx / base.xlsx:>6.2f}"
            f" {r.xlsx / base.xlsx / growth:>10.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
