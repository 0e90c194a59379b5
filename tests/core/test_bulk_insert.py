"""insert_rows stores exactly what SQLAlchemy's executemany INSERT stores, or lets it do so."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, event, insert
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.base import Base
from vetdesk.db.bulk import insert_rows

AUDIT = models.AuditEntry.__table__
TEACHERS = models.Teacher.__table__
MAJORS = models.Major.__table__
assert isinstance(AUDIT, Table) and isinstance(TEACHERS, Table) and isinstance(MAJORS, Table)


def _teacher(i: int) -> dict[str, Any]:
    return {
        "school_id": 1,
        "period_id": 1,
        "name": f"张{i}",
        "id_number": f"63020219850304{i:04d}",
        "role": "general_course",
        "education": "bachelor",
        "title": "intermediate",
        "double_teacher_level": "none",
        "double_teacher_date": dt.date(2020, 1, i % 28 + 1) if i % 3 else None,
        "double_teacher_body": None,
        "honours": "、".join(["a"] * (i % 3)),
        "hired_date": dt.date(2001, 2, 3),
        "degree": None,
    }


def _audit(i: int) -> dict[str, Any]:
    return {
        "at": dt.datetime(2026, 12, 7, 16, 30, i % 60),
        "operator": "市局",
        "action": "insert",
        "table_name": "teachers",
        "record_key": f"teacher:{i}",
        "field": "",
        "old_value": None,
        "new_value": '{"名字":"张三"}',
        "prev_hash": "0" * 64,
        "entry_hash": f"{i:064d}",
    }


def _stored(path: Path, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    typed = ", ".join(f"{n}, typeof({n})" for n in names)
    rows = conn.execute(f"SELECT {typed} FROM {table} ORDER BY id").fetchall()
    conn.close()
    return rows


def _write(path: Path, table: Table, rows: list[dict[str, Any]], bulk: bool) -> list[str]:
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with Session(engine) as session:
        if bulk:
            insert_rows(session, table, rows)
        else:
            session.execute(insert(table), rows)
        session.commit()
    engine.dispose()
    return [s for s in statements if s.startswith("INSERT")]


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        (AUDIT, [_audit(i) for i in range(50)]),
        (TEACHERS, [_teacher(i) for i in range(50)]),
        (
            MAJORS,
            [
                {
                    "school_id": 1,
                    "period_id": 1,
                    "major_code": f"{i:06d}",
                    "name": "数控",
                    "status": "kept",
                    "brand": bool(i % 2),
                    "double_excellent": False,
                    "agriculture": True,
                }
                for i in range(10)
            ],
        ),
    ],
)
def test_the_same_rows_are_stored(tmp_path: Path, table: Table, rows: list[dict[str, Any]]) -> None:
    rows = [{k: v for k, v in r.items() if k in table.c} for r in rows]
    core = _write(tmp_path / "core.db", table, rows, bulk=False)
    bulk = _write(tmp_path / "bulk.db", table, rows, bulk=True)
    assert _stored(tmp_path / "bulk.db", table.name) == _stored(tmp_path / "core.db", table.name)
    assert bulk == core  # one statement, the same text, seen by the cursor events


def test_a_column_left_to_its_default_goes_through_sqlalchemy(tmp_path: Path) -> None:
    rows = [{k: v for k, v in _teacher(i).items() if k != "double_teacher_level"} for i in range(3)]
    _write(tmp_path / "core.db", TEACHERS, rows, bulk=False)
    _write(tmp_path / "bulk.db", TEACHERS, rows, bulk=True)
    stored = _stored(tmp_path / "bulk.db", "teachers")
    assert stored == _stored(tmp_path / "core.db", "teachers")
    assert all("none" in row for row in stored)  # the model's default, filled in
