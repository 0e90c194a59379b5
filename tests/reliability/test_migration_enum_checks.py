"""Migration 0007: enumerated columns get CHECK constraints, and no stored value is lost.

A release database holding an enumerated value written as its Chinese label (or with
stray spaces or capitals) upgrades with the value rewritten as its code; one holding a
value that is no member of the enumeration is refused with table, row, column and value
named, before any migration runs, and is left exactly as it was (schema included).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rel_helpers import connect, integrity_problems, load_sql_dump

from vetdesk.db.migrate import MigrationRefused
from vetdesk.domain.entityspecs import enumerated_columns

COUNTY_DUMP = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "0002-county.sql"


def _county(tmp_path: Path) -> Path:
    return load_sql_dump(COUNTY_DUMP, tmp_path / "county.db")


def _execute(path: Path, sql: str, *args: object) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(sql, args)
        con.commit()
    finally:
        con.close()


def _values(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = connect(path)
    try:
        return [tuple(r) for r in con.execute(sql)]
    finally:
        con.close()


def test_upgraded_database_refuses_a_value_outside_the_enumeration(tmp_path: Path) -> None:
    from vetdesk.db.backup import upgrade_with_backup

    path = _county(tmp_path)
    upgrade_with_backup(path)

    filled = 0
    for table, columns in enumerated_columns().items():
        (sql,) = _values(path, f"SELECT sql FROM sqlite_master WHERE name = '{table}'")[0]
        rows = _values(path, f"SELECT count(*) FROM {table}")[0][0]
        for column in columns:
            assert f"ck_{table}_{column.key}_enum" in str(sql)
            if rows:  # the tables of 0003 are empty in a 0.1.0 database
                filled += 1
                con = sqlite3.connect(path)
                try:
                    with pytest.raises(sqlite3.IntegrityError, match=f"{column.key}_enum"):
                        con.execute(f"UPDATE {table} SET {column.key} = 'bogus'")
                finally:
                    con.close()
    assert filled >= 9  # schools, teachers and training programmes hold rows


def test_labels_and_stray_spaces_are_rewritten_as_codes(tmp_path: Path) -> None:
    from vetdesk.db.backup import upgrade_with_backup

    path = _county(tmp_path)
    _execute(path, "UPDATE teachers SET title = '中级' WHERE id = 10")
    _execute(path, "UPDATE schools SET ownership = ' PUBLIC ' WHERE id = 1")

    upgrade_with_backup(path)

    assert _values(path, "SELECT title FROM teachers WHERE id = 10") == [("intermediate",)]
    assert _values(path, "SELECT ownership FROM schools WHERE id = 1") == [("public",)]
    assert integrity_problems(path) == []


def test_an_unknown_value_refuses_the_upgrade_and_changes_nothing(tmp_path: Path) -> None:
    from vetdesk.db.backup import upgrade_with_backup

    path = _county(tmp_path)
    _execute(path, "UPDATE teachers SET role = '临时代课' WHERE id = 20")
    _execute(path, "UPDATE teachers SET title = '中级' WHERE id = 10")
    before = _values(path, "SELECT id, role, title FROM teachers ORDER BY id")
    revision = _values(path, "SELECT version_num FROM alembic_version")

    with pytest.raises(MigrationRefused) as refused:
        upgrade_with_backup(path)

    message = str(refused.value)
    assert "teachers" in message and "20" in message and "role" in message
    assert "临时代课" in message
    # Nothing changed: not the refused value, not the label that would have been fixed,
    # not the schema (no earlier migration ran either: the version that wrote the database
    # still opens it to correct the value).
    assert _values(path, "SELECT id, role, title FROM teachers ORDER BY id") == before
    assert _values(path, "SELECT version_num FROM alembic_version") == revision == [("0002",)]
    assert integrity_problems(path) == []
