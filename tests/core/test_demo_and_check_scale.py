"""Demo and check grow linearly with the data, with one period in the database and with two.

CPU time is the benches' job (bench/bench_core.py); these tests pin the work that made
them super-linear: how many statements write the roster, how often the check groups it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from builders import condition, period_data, roster, school, training
from sqlalchemy import event

from vetdesk.db.database import open_database
from vetdesk.domain.rows import PeriodData
from vetdesk.services.demo import generate_demo
from vetdesk.standards.assess import assess_period
from vetdesk.standards.installed import create_database
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.validation.check import run_check
from vetdesk.validation.checks import validate_period

RULES = load_default_ruleset()

UNIT = "630202"  # 乐都区: two schools per --scale


def _demo(path: Path, scale: int, periods: int = 1, on_insert: Any = None) -> None:
    db = create_database(path, role="county", unit_code=UNIT, operator="测试员")
    try:
        if on_insert is not None:
            event.listen(db.engine, "before_cursor_execute", on_insert)
        generate_demo(db, year=2025, scale=scale, periods=periods)
    finally:
        db.close()


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_roster_goes_in_with_few_statements(tmp_path: Path) -> None:
    """Rows with and without None values share statements (they once went in ~one per change)."""
    statements = []

    def on_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO TEACHERS"):
            statements.append(statement)

    path = tmp_path / "demo.db"
    _demo(path, scale=3, on_insert=on_insert)
    (teachers,) = _rows(path, "SELECT count(*) FROM teachers")[0]
    assert teachers > 500
    # One multi-row statement per page of up to 1 000 rows (SQLAlchemy's insertmanyvalues).
    assert len(statements) <= teachers // 1000 + 1


def test_a_demo_of_two_periods_keeps_its_own_year_as_a_demo_of_one(tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    _demo(one, scale=1)
    _demo(two, scale=1, periods=2)
    assert _rows(two, "SELECT year FROM periods ORDER BY year") == [(2024,), (2025,)]
    columns = "school_code, t.name, id_number, role, title, double_teacher_level, honours"
    roster = (
        f"SELECT {columns} FROM teachers t JOIN schools s ON s.id = t.school_id "
        "JOIN periods p ON p.id = t.period_id WHERE p.year = {year} ORDER BY id_number"
    )
    assert _rows(two, roster.format(year=2025)) == _rows(one, roster.format(year=2025))
    assert len(_rows(two, roster.format(year=2024))) > 100
    assert _rows(two, "SELECT count(*) FROM schools") == _rows(one, "SELECT count(*) FROM schools")
    db = open_database(two)
    try:
        report = run_check(db, 2025)  # compares every school with 2024
    finally:
        db.close()
    assert report.errors == []


def test_a_large_change_of_the_roster_is_found_for_its_own_school() -> None:
    """The counts compared with last year are each school's own, looked up once per check."""
    a, b = "3663230001", "3663230002"
    schools, conditions = [school(a), school(b)], [condition(a), condition(b)]
    previous = period_data(schools, conditions, roster(a) + roster(b, general=150), year=2024)
    data = period_data(schools, conditions, roster(a) + roster(b), [training()])
    findings = validate_period(RULES, data, assess_period(RULES, data), {"630223"}, previous)
    changes = [f for f in findings if f.rule == "condition.change.large"]
    assert [(f.school_code, f.field, f.value) for f in changes] == [(b, "full_time_teachers", "60")]
    assert "180" in changes[0].message


@pytest.mark.parametrize("periods", [1, 2])
def test_the_check_groups_the_roster_as_often_at_any_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, periods: int
) -> None:
    """The check groups each period's roster a fixed number of times, not once per school."""
    calls = []
    grouped = PeriodData.teachers_by_school

    def counting(self: PeriodData) -> dict[str, list[Any]]:
        calls.append(self.period.year)
        return grouped(self)

    groupings = {}
    for scale in (1, 4):
        path = tmp_path / f"demo-{scale}.db"
        _demo(path, scale=scale, periods=periods)
        db = open_database(path)
        try:
            monkeypatch.setattr(PeriodData, "teachers_by_school", counting)
            calls.clear()
            report = run_check(db, 2025)
            monkeypatch.setattr(PeriodData, "teachers_by_school", grouped)
        finally:
            db.close()
        assert report.summary.schools_assessed == 2 * scale
        groupings[scale] = len(calls)
    assert groupings[4] == groupings[1]


def test_the_check_runs_without_cyclic_collections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows by the hundred thousand: the collector, walking them again and again, cost ~20 %."""
    import gc

    from vetdesk.validation import check

    path = tmp_path / "demo.db"
    _demo(path, scale=2)
    inside: list[bool] = []  # gc.isenabled() as the check's work starts
    collections_inside: list[int] = []
    running = False

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and running:
            collections_inside.append(info["generation"])

    real_run = check._run_check

    def observed(db: object, year: int) -> object:
        nonlocal running
        inside.append(gc.isenabled())
        running = True
        try:
            return real_run(db, year)  # type: ignore[arg-type]
        finally:
            running = False

    monkeypatch.setattr(check, "_run_check", observed)
    db = open_database(path)
    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        check.run_check(db, 2025)
        # Counted only while the check works: a collection as the collector is switched
        # back on, whatever earlier tests left to collect, is not the check's.
        assert inside == [False] and collections_inside == [] and gc.isenabled()
        gc.disable()  # as the GUI's collector leaves it: the check leaves it so
        check.run_check(db, 2025)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(count)
        db.close()
