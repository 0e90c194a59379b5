"""``vetdesk --self-test``: prove, without a window, that this installation works.

Each step exercises one part of the application on a throwaway database in a
temporary folder; the frozen build runs this in CI to catch missing data files,
modules and libraries.
"""

from __future__ import annotations

import importlib
import os
import platform
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from vetdesk import __version__

Step = Callable[[Path], str]


def _step_database(tmp: Path) -> str:
    # Imported inside the step: a missing or broken module fails this step, not the self-test.
    from vetdesk.db import migrate
    from vetdesk.standards.installed import create_database

    db = create_database(tmp / "selftest.db", role="county", unit_code="630223", operator="自检")
    try:
        assert not migrate.needs_upgrade(db.engine)
        return f"schema {migrate.head_revision()}"
    finally:
        db.close()


def _step_demo_and_check(tmp: Path) -> str:
    # Imported inside the step: a missing or broken module fails this step, not the self-test.
    from vetdesk.db.database import open_database
    from vetdesk.services.demo import generate_demo
    from vetdesk.validation.check import run_check

    db = open_database(tmp / "selftest.db")
    try:
        generate_demo(db, year=2025)
        report = run_check(db, 2025)
        assert not report.errors, [f.message for f in report.errors[:3]]
        assert report.ready_to_submit
        return f"{report.summary.schools_assessed} school(s), {len(report.warnings)} warning(s) explained"
    finally:
        db.close()


def _step_resources(tmp: Path) -> str:
    from vetdesk.i18n import translate_to
    from vetdesk.paths import REQUIRED_RESOURCES, missing_resources, resources_dir

    missing = missing_resources()
    assert not missing, f"missing from {resources_dir()}: {', '.join(missing)}"
    # The compiled English catalogue is there and gettext reads it.
    assert translate_to("en", "错误：{msg}") == "Error: {msg}", (
        "the English catalogue is unreadable"
    )
    return f"{len(REQUIRED_RESOURCES)} files in {resources_dir()}"


STEPS: list[tuple[str, Step]] = [
    ("shipped resources", _step_resources),
    ("database and migrations", _step_database),
    ("demo data and check", _step_demo_and_check),
]


# The parts every installation has: a part that cannot be loaded fails the self-test
# (a frozen build that lost a module must not pass by skipping it).
PART_MODULES = (
    "vetdesk.workbook.selftest",
    "vetdesk.packages.selftest",
    "vetdesk.reports.selftest",
    "vetdesk.ui.selftest",
)


def extra_steps() -> list[tuple[str, Step]]:
    """The steps of each part (workbook, packages, reports, GUI); a failing step for a missing one."""
    steps: list[tuple[str, Step]] = []
    for module_name in PART_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            steps.append((f"load {module_name}", _missing_part(module_name, exc)))
            continue
        steps.extend(module.STEPS)
    return steps


def _missing_part(module_name: str, error: ImportError) -> Step:
    def step(_tmp: Path) -> str:
        raise RuntimeError(f"{module_name} cannot be loaded: {error}") from error

    return step


def run_self_test(out: Callable[[str], None] = print) -> int:
    """Run every step; print versions and a pass/fail line; return the exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out(f"VetDesk {__version__} self-test")
    out(f"Python {platform.python_version()} ({sys.platform}), SQLite {sqlite3.sqlite_version}")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="vetdesk-selftest-") as folder:
        tmp = Path(folder)
        os.environ["VETDESK_DATA_DIR"] = str(tmp / "data")
        for name, step in [*STEPS, *extra_steps()]:
            started = time.perf_counter()
            try:
                detail = step(tmp)
            except Exception:  # a self-test reports every failure and goes on
                failures += 1
                out(f"FAIL {name}")
                out(traceback.format_exc())
            else:
                out(f"ok   {name} ({time.perf_counter() - started:.2f} s): {detail}")
    out("SELF-TEST PASSED" if failures == 0 else f"SELF-TEST FAILED ({failures} step(s))")
    return 0 if failures == 0 else 1
