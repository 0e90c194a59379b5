"""Self-test step of the Excel exchange: write a workbook and import it into a fresh database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _step_workbook_round_trip(tmp: Path) -> str:
    # Imported inside the step: a missing or broken module fails this step, not the self-test.
    from vetdesk.db.database import open_database
    from vetdesk.standards.installed import create_database
    from vetdesk.workbook.export import export_period
    from vetdesk.workbook.importer import apply_import
    from vetdesk.workbook.reader import read_workbook

    db = open_database(tmp / "selftest.db")
    try:
        out = tmp / "selftest-export.xlsx"
        snapshot = export_period(db, 2025, out, draft=True)
    finally:
        db.close()
    target = create_database(
        tmp / "selftest-copy.db", role="county", unit_code="630223", operator="自检"
    )
    try:
        plan = apply_import(target, read_workbook(out))
        assert plan.applied, [i.describe() for i in plan.issues[:3]]
        return f"{sum(snapshot.counts().values())} rows written and re-imported"
    finally:
        target.close()


STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("Excel workbook write and re-import", _step_workbook_round_trip)
]
