"""Excel export and import at --scale 10 and 100, against the raw libraries on the same cells.

Each VetDesk step is timed next to the libraries doing the same file work in the same run:
write-only openpyxl writing the same cell values (same sheets, rows, columns and Python
types), read-only openpyxl iterating every cell of the exported file with
``values_only=True``, and python-calamine reading every cell of it. The ratios are
VetDesk's time over those floors (budgets: import read + apply <= 1.0x openpyxl read-only,
export write <= 1.2x openpyxl write-only); "per row xbase" is VetDesk's time per data row
relative to the first scale given (linear growth keeps it near 1.0). Times are CPU seconds
of this process, best of 3 at scales up to 10 and of 1 above, never under tracemalloc. The
peak memory of each import is measured afterwards, in a fresh child process (VmHWM), so
this process's own memory does not count (budget: 300 MB at --scale 100); the largest
scale's Python allocations are also traced in one more child unless --no-tracemalloc.

    .venv/bin/python bench/bench_exchange.py [SCALE ...]   # default: 10 100
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from vetdesk.db.database import Database
from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database
from vetdesk.workbook.export import ExportSnapshot, build_export_workbook, export_period
from vetdesk.workbook.importer import apply_import
from vetdesk.workbook.meta import KIND_EXPORT
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import EXPORT_SHEETS
from vetdesk.workbook.writer import cell_value, save_workbook

YEAR = 2025
UNIT = "630202"
SheetRows = list[tuple[str, list[list[Any]]]]
_SERIAL = itertools.count()
# CPU time of this process: every step is single-threaded and CPU-bound (SQLite's fsync
# waits measured under 2 % of wall time), and other jobs on a shared 2-core machine
# move CPU time far less than wall-clock time.
_clock = time.process_time
# Ratios to the raw library (issue #14): import against openpyxl read-only, export against
# openpyxl write-only; and the peak memory of importing a --scale 100 workbook.
BUDGETS = {"export (write)": 1.2, "import (read+apply)": 1.0}
MEMORY_BUDGET_MB = 300


@dataclass
class Timing:
    """One VetDesk step and its openpyxl baseline at one scale."""

    step: str
    scale: int
    rows: int
    vetdesk: float
    baseline: float


def best_of(repeats: int, run: Callable[..., float], *args: Any) -> float:
    """The shortest of ``repeats`` calls of ``run(*args)``, each returning its own seconds."""
    return min(run(*args) for _ in range(repeats))


def new_database(path: Path) -> Database:
    """An empty county database of the bench's unit."""
    return create_database(path, role="county", unit_code=UNIT, operator="bench")


def baseline_sheets(snapshot: ExportSnapshot, exported: Path) -> SheetRows:
    """Every sheet of the exported file as plain values, data sheets typed as VetDesk writes them."""
    specs = {spec.sheet_title: spec for spec in EXPORT_SHEETS}
    workbook = load_workbook(exported, read_only=True)
    sheets: SheetRows = []
    for ws in workbook.worksheets:
        spec = specs.get(ws.title)
        if spec is None:  # cover, indicators, metadata: text the file holds as written
            rows = [list(row) for row in ws.iter_rows(values_only=True)]
        else:
            rows = [[column.header_text for column in spec.columns]]
            rows += [
                [cell_value(column, record.get(column.key)) for column in spec.columns]
                for record in snapshot.records[spec.key]
            ]
        sheets.append((ws.title, rows))
    workbook.close()
    return sheets


def write_plain(sheets: SheetRows, target: Path) -> float:
    """Seconds for plain write-only openpyxl to write the sheets."""
    gc.collect()
    started = _clock()
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    workbook.save(target)
    return _clock() - started


def read_plain(path: Path) -> int:
    """Iterate every cell of a workbook with read-only openpyxl; return the non-empty cells."""
    workbook = load_workbook(path, read_only=True)
    count = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows(values_only=True):
            count += sum(value is not None for value in row)
    workbook.close()
    return count


def read_calamine(path: Path) -> int | None:
    """Read every sheet with python-calamine, if installed; return the non-empty cells."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    workbook = CalamineWorkbook.from_path(str(path))
    count = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
            count += sum(value not in (None, "") for value in row)
    return count


def timed(run: Callable[..., object], *args: Any) -> float:
    """Seconds taken by one call of ``run(*args)``, after collecting earlier garbage."""
    gc.collect()
    started = _clock()
    run(*args)
    return _clock() - started


def import_once(path: Path, folder: Path) -> tuple[float, float]:
    """Seconds to read a workbook, and to read and import it into a new empty database."""
    db = new_database(folder / f"import-{next(_SERIAL)}.db")
    gc.collect()
    started = _clock()
    content = read_workbook(path)
    read = _clock() - started
    plan = apply_import(db, content)
    total = _clock() - started
    db.close()
    if not plan.applied:
        raise RuntimeError(f"import refused: {[i.describe() for i in plan.issues[:3]]}")
    return read, total


def export_steps(scale: int, folder: Path, repeats: int) -> tuple[float, float, int, SheetRows]:
    """Seconds for export_period and for its writing alone; the data rows; the baseline's cells."""
    db = new_database(folder / f"demo-{scale}.db")
    generate_demo(db, year=YEAR, scale=scale)
    exported = folder / f"export-{scale}.xlsx"
    snapshots: list[ExportSnapshot] = []

    def export_all() -> None:
        snapshots.clear()
        snapshots.append(export_period(db, YEAR, exported))

    def write_only() -> None:
        workbook, _meta = build_export_workbook(db, snapshots[0], KIND_EXPORT, {})
        save_workbook(workbook, folder / f"write-{scale}.xlsx")

    export_s = best_of(repeats, timed, export_all)
    write_s = best_of(repeats, timed, write_only)
    rows = sum(snapshots[0].counts().values())
    sheets = baseline_sheets(snapshots[0], exported)
    db.close()
    return export_s, write_s, rows, sheets


def measure(scale: int, folder: Path) -> tuple[list[Timing], Path, float | None]:
    """Time export and import at one scale; return the timings, the file and calamine's time.

    Each step runs with only what it needs alive, so the bench's own leftovers (the
    snapshot, the baseline's values) do not slow the garbage collector of the next step.
    """
    repeats = 3 if scale <= 10 else 1
    exported = folder / f"export-{scale}.xlsx"
    export_s, write_s, rows, sheets = export_steps(scale, folder, repeats)
    write_base = best_of(repeats, write_plain, sheets, folder / f"plain-{scale}.xlsx")
    sheets.clear()
    runs = [import_once(exported, folder) for _ in range(repeats)]
    read_base = best_of(repeats, timed, read_plain, exported)
    timings = [
        Timing("export (all)", scale, rows, export_s, write_base),
        Timing("export (write)", scale, rows, write_s, write_base),
        Timing("import (read)", scale, rows, min(r[0] for r in runs), read_base),
        Timing("import (read+apply)", scale, rows, min(r[1] for r in runs), read_base),
    ]
    calamine = None
    if read_calamine(exported) is not None:
        calamine = best_of(repeats, timed, read_calamine, exported)
    return timings, exported, calamine


def peak_rss_mb() -> tuple[float, float]:
    """This process's peak resident memory in MB: (VmHWM, ru_maxrss).

    ru_maxrss of a child started by a big parent can carry the parent's peak over
    exec on Linux, so VmHWM (this process's own memory since exec) is the figure to
    trust where /proc exists.
    """
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss_mb = maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return maxrss_mb, maxrss_mb
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024, maxrss_mb
    return maxrss_mb, maxrss_mb


def child(mode: str, path: Path, db_path: Path) -> int:
    """In a fresh process: import (or plainly read) a file and print its peak memory as JSON."""
    db = new_database(db_path) if mode != "openpyxl" else None
    before, _maxrss = peak_rss_mb()
    if mode == "traced":
        tracemalloc.start()
    started = _clock()
    if db is None:
        read_plain(path)
    else:
        plan = apply_import(db, read_workbook(path))
        if not plan.applied:
            raise RuntimeError("import refused")
    seconds = _clock() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if mode == "traced" else None
    peak, maxrss = peak_rss_mb()
    print(
        json.dumps(
            {"before": before, "peak": peak, "maxrss": maxrss, "traced": traced, "s": seconds}
        )
    )
    return 0


def run_child(mode: str, path: Path, folder: Path) -> dict[str, Any]:
    """Run ``child`` in a new interpreter and return what it measured."""
    db_path = folder / f"child-{mode}-{next(_SERIAL)}.db"
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(db_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(timings: list[Timing], calamine: dict[int, float | None]) -> None:
    """Print the timing table."""
    base: dict[str, Timing] = {}
    print(
        f"{'step':<20} {'scale':>5} {'rows':>7} {'vetdesk s':>10} {'openpyxl s':>10} "
        f"{'ratio':>6} {'per row ×base':>14}"
    )
    for t in timings:
        first = base.setdefault(t.step, t)
        growth = (t.vetdesk / t.rows) / (first.vetdesk / first.rows)
        budget = BUDGETS.get(t.step)
        verdict = (
            ""
            if budget is None
            else f"  (budget <= {budget}: "
            + ("met)" if t.vetdesk / t.baseline <= budget else "MISSED)")
        )
        print(
            f"{t.step:<20} {t.scale:>5} {t.rows:>7} {t.vetdesk:>10.2f} {t.baseline:>10.2f} "
            f"{t.vetdesk / t.baseline:>6.2f} {growth:>14.2f}{verdict}"
        )
    print(f"\n{'against calamine':<20} {'scale':>5} {'':>7} {'vetdesk s':>10} {'calamine s':>10}")
    for scale, seconds in calamine.items():
        if seconds is None:
            print(f"python-calamine not importable: no calamine floor (scale {scale})")
            continue
        for t in timings:
            if t.scale == scale and t.step.startswith("import"):
                print(
                    f"{t.step:<20} {scale:>5} {'':>7} {t.vetdesk:>10.2f} {seconds:>10.2f} "
                    f"{t.vetdesk / seconds:>6.2f}"
                )
    print(
        "times: CPU seconds; ratio: VetDesk over the raw library in the same run. "
        "export (all) also reads the database and runs the full check (take_snapshot); "
        "export (write) is build_export_workbook + save_workbook from that snapshot "
        "(against openpyxl write-only); import (read) is read_workbook (safety checks, parse, "
        "validate); import (read+apply) adds apply_import into an empty database (against "
        "openpyxl read-only, and python-calamine, iterating every cell of the same file)."
    )


def report_memory(memory: dict[int, dict[str, Any]], plain: dict[str, Any]) -> None:
    """Print the peak memory of the imports measured in child processes."""
    print(
        "\npeak memory of read_workbook + apply_import in a fresh process "
        f"(budget <= {MEMORY_BUDGET_MB} MB at scale 100):"
    )
    for scale, imp in memory.items():
        verdict = ""
        if scale == 100:
            met = imp["peak"] <= MEMORY_BUDGET_MB
            verdict = f"  (budget <= {MEMORY_BUDGET_MB} MB: {'met' if met else 'MISSED'})"
        print(
            f"  scale {scale:>4}: peak RSS {imp['peak']:5.0f} MB (before the import "
            f"{imp['before']:.0f} MB; ru_maxrss {imp['maxrss']:.0f} MB, "
            f"which on Linux also carries this parent's peak){verdict}"
        )
    largest = max(memory)
    print(
        f"  scale {largest:>4}, plain openpyxl read-only iteration: peak RSS {plain['peak']:.0f} MB"
    )
    traced = memory[largest].get("traced")
    if traced is not None:
        print(f"  scale {largest:>4}, Python allocations (tracemalloc peak): {traced:.0f} MB")


def main() -> int:
    """Run the benchmark (or, with --child, one memory measurement)."""
    parser = argparse.ArgumentParser(
        description="VetDesk Excel export/import vs plain openpyxl and python-calamine"
    )
    parser.add_argument("scales", nargs="*", type=int, default=[10, 100])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "XLSX", "DB"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the slower tracemalloc run"
    )
    args = parser.parse_args()
    if args.child:
        mode, path, db_path = args.child
        return child(mode, Path(path), Path(db_path))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm = new_database(folder / "warm.db")
        generate_demo(warm, year=YEAR, scale=1)
        export_period(warm, YEAR, folder / "warm.xlsx")
        import_once(folder / "warm.xlsx", folder)
        warm.close()
        timings: list[Timing] = []
        calamine: dict[int, float | None] = {}
        files: dict[int, Path] = {}
        for scale in args.scales:
            scale_timings, files[scale], calamine[scale] = measure(scale, folder)
            timings += scale_timings
        report(timings, calamine)
        memory = {scale: run_child("import", files[scale], folder) for scale in sorted(files)}
        largest = max(files)
        plain = run_child("openpyxl", files[largest], folder)
        if not args.no_tracemalloc:
            memory[largest]["traced"] = run_child("traced", files[largest], folder)["traced"]
    report_memory(memory, plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
