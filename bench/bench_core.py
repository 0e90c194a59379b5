"""Demo generation and ``check``, CPU per school as the data grows; the command line's start.

One run prints:

- ``vetdesk demo`` (generation, with its own check) and ``vetdesk check`` (the best of
  three runs on the same database) at ``--scale`` 10, 100 and 300, with one period in the database and with two (the check then compares
  every school with last year), as CPU seconds per school and the ratio to ``--scale 10``
  with the same number of periods. Linear growth keeps the ratio near 1.0; budget ≤ 1.2.
- ``vetdesk --version``, ``--help`` and ``check --help`` in a fresh process, CPU against a
  bare ``python -c pass`` measured alongside (median of several alternating runs, bytecode
  cached as in an installed VetDesk). Budget: ``--version`` ≤ 0.3 s.

CPU time (``time.process_time`` in this process, ``RUSAGE_CHILDREN`` for the commands), not
wall time: the machine may be shared. Nothing runs under tracemalloc.

    .venv/bin/python bench/bench_core.py [--scales 10 100 300] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database
from vetdesk.validation.check import run_check

UNIT = "630202"  # 乐都区: two schools per --scale
YEAR = 2025
BUDGET_RATIO = 1.2
BUDGET_VERSION_S = 0.3
CHECK_RUNS = 3


@dataclass(frozen=True)
class Run:
    """One demo and check at a scale."""

    scale: int
    periods: int
    schools: int
    demo_s: float
    check_s: float

    @property
    def demo_per_school(self) -> float:
        return self.demo_s / self.schools

    @property
    def check_per_school(self) -> float:
        return self.check_s / self.schools


def measure(scale: int, periods: int, folder: Path) -> Run:
    """CPU seconds of the demo and of a check at a scale, with 1 or 2 periods."""
    path = folder / f"bench-{scale}-{periods}.db"
    db = create_database(path, role="county", unit_code=UNIT, operator="bench")
    try:
        started = time.process_time()
        generate_demo(db, year=YEAR, scale=scale, periods=periods)
        demo_s = time.process_time() - started
        check_s = float("inf")
        for _ in range(CHECK_RUNS):  # the best of a few: the machine may be shared
            started = time.process_time()
            report = run_check(db, YEAR)
            check_s = min(check_s, time.process_time() - started)
    finally:
        db.close()
    path.unlink()
    return Run(scale, periods, report.summary.schools_assessed, demo_s, check_s)


def _verdict(ratio: float, budget: float) -> str:
    return "ok" if ratio <= budget else "OVER"


def print_scaling(runs: list[Run]) -> None:
    """The table of CPU per school and the ratios to the smallest scale."""
    print(
        f"{'periods':>7} {'scale':>6} {'schools':>8} {'demo s':>8} {'check s':>8} "
        f"{'demo ms/school':>15} {'check ms/school':>16} {'demo ×base':>11} {'check ×base':>12}"
    )
    for periods in sorted({r.periods for r in runs}):
        rows = [r for r in runs if r.periods == periods]
        base = rows[0]
        for r in rows:
            demo_ratio = r.demo_per_school / base.demo_per_school
            check_ratio = r.check_per_school / base.check_per_school
            marks = (
                ""
                if r is base
                else f"  demo {_verdict(demo_ratio, BUDGET_RATIO)}, "
                f"check {_verdict(check_ratio, BUDGET_RATIO)}"
            )
            print(
                f"{periods:>7} {r.scale:>6} {r.schools:>8} {r.demo_s:>8.2f} {r.check_s:>8.2f} "
                f"{r.demo_per_school * 1000:>15.1f} {r.check_per_school * 1000:>16.1f} "
                f"{demo_ratio:>11.2f} {check_ratio:>12.2f}{marks}"
            )
    print(f"(ratios: CPU per school against --scale {runs[0].scale}; budget ≤ {BUDGET_RATIO})")


def _child_cpu(argv: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_cli(runs: int) -> dict[str, float]:
    """Median CPU seconds of each command, runs alternating so that load hits them alike."""
    # Bytecode cached, as in an installed VetDesk (the development shell may turn it off).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "vetdesk --version": [sys.executable, "-m", "vetdesk", "--version"],
        "vetdesk --help": [sys.executable, "-m", "vetdesk", "--help"],
        "vetdesk check --help": [sys.executable, "-m", "vetdesk", "check", "--help"],
    }
    for argv in commands.values():  # warm-up: writes the bytecode
        _child_cpu(argv, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(_child_cpu(argv, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def print_cli(cpu: dict[str, float], runs: int) -> None:
    """The command line's start-up CPU against bare Python."""
    bare = cpu["python -c pass"]
    print(f"\nCommand-line start, CPU seconds (median of {runs} alternating runs):")
    for name, seconds in cpu.items():
        extra = ""
        if name != "python -c pass":
            extra = f"  {seconds / bare:>5.1f}× bare Python"
        if name == "vetdesk --version":
            extra += f"  budget ≤ {BUDGET_VERSION_S} s: {_verdict(seconds, BUDGET_VERSION_S)}"
        print(f"  {name:<22} {seconds:>6.3f} s{extra}")


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--periods", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for periods in args.periods:
            for scale in args.scales:
                runs.append(measure(scale, periods, Path(tmp)))
    print_scaling(runs)
    print_cli(measure_cli(args.runs), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
