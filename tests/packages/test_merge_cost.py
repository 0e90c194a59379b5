"""What the merge leaves out to stay near its floor (issue #14 item 2): work it need not repeat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pkg_helpers import enrol, make_package

import vetdesk.packages.changeset as changeset_module
from vetdesk.db.database import open_database
from vetdesk.packages.merge import apply_merge, preview_merge
from vetdesk.packages.verify import verify_package
from vetdesk.standards.installed import create_database
from vetdesk.workbook.rows import canonical_value
from vetdesk.workbook.schema import Column, Kind


def test_unchanged_cells_are_compared_without_canonicalising(county_db, tmp_path, monkeypatch):
    """A package sent again compares equal values directly; only differing ones are canonicalised."""
    county = open_database(county_db)
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="市局")
    try:
        enrol(county, city)
        package = make_package(county, tmp_path)
        assert apply_merge(city, verify_package(city, package)).applied
        calls: list[str] = []

        def counting(column: Column, value: Any) -> Any:
            calls.append(column.key)
            return canonical_value(column, value)

        monkeypatch.setattr(changeset_module, "canonical_value", counting)
        again = preview_merge(city, verify_package(city, package, check_ledger=False))
        assert again.changeset is not None and again.changeset.empty
        assert sum(s.unchanged for s in again.changeset.sheets.values()) > 100
        # Only values that differ in type but not in canonical form (e.g. a yes/no stored as
        # 0/1) are canonicalised; old code did both sides of every cell.
        cells = sum(s.unchanged * len(s.present) for s in again.changeset.sheets.values())
        assert len(calls) < cells / 10
    finally:
        county.close()
        city.close()


@pytest.mark.parametrize(
    ("kind", "old", "new", "differs"),
    [
        (Kind.BOOL, 1, True, False),
        (Kind.BOOL, 0, True, True),
        (Kind.INT, "3", 3, False),
        (Kind.INT, 3, 4, True),
        (Kind.TEXT, "", None, False),
        (Kind.TEXT, "a", "b", True),
        (Kind.DATE, dt.date(2025, 9, 1), dt.date(2025, 9, 1), False),
    ],
)
def test_a_field_differs_by_its_canonical_form(
    kind: Kind, old: Any, new: Any, differs: bool
) -> None:
    """Equal canonical forms are unchanged whatever the Python types (a 0/1 and a bool)."""
    assert changeset_module._differs(Column("field", "字段", kind), old, new) is differs
