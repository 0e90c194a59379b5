"""Record saves refuse to overwrite a record another operator or an import changed since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vetdesk.db import models
from vetdesk.db.database import Database, open_database
from vetdesk.domain.rows import PracticeRow
from vetdesk.services import records
from vetdesk.services.records import RecordChanged


@pytest.fixture
def two(county_db: Path) -> Iterator[tuple[Database, Database]]:
    """Two connections to one database: this officer's, and another process's."""
    mine, other = open_database(county_db), open_database(county_db)
    yield mine, other
    mine.close()
    other.close()


def _audit_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(models.AuditEntry)) or 0)


def test_a_school_changed_by_another_connection_is_not_overwritten(
    two: tuple[Database, Database],
) -> None:
    """The form's row no longer matches what is stored: refused, nothing written."""
    mine, other = two
    seen = records.load_tables(mine, 2025).schools[0].row
    # Another officer merges a package that changes the school's address in between.
    records.save_school(other, replace(seen, address="另一处地址"), original_code=seen.school_code)
    audit = _audit_count(mine)
    with pytest.raises(RecordChanged) as refused:
        records.save_school(
            mine, replace(seen, name="新校名"), original_code=seen.school_code, expected=seen
        )
    assert "地址" in refused.value.message and "未保存" in refused.value.message
    stored = records.load_tables(mine, 2025).schools[0].row
    assert stored == replace(seen, address="另一处地址")
    assert _audit_count(mine) == audit


def test_a_school_unchanged_since_it_was_shown_is_saved(two: tuple[Database, Database]) -> None:
    """A matching ``expected`` saves; ``expected`` None (the command line) saves as before."""
    mine, other = two
    seen = records.load_tables(mine, 2025).schools[0].row
    records.save_school(
        mine, replace(seen, name="新校名"), original_code=seen.school_code, expected=seen
    )
    records.save_school(other, replace(seen, address="另一处地址"), original_code=seen.school_code)
    records.save_school(mine, replace(seen, name="再改"), original_code=seen.school_code)
    assert records.load_tables(other, 2025).schools[0].row == replace(seen, name="再改")


def test_a_teacher_changed_by_another_connection_is_not_overwritten(
    two: tuple[Database, Database],
) -> None:
    """Same for a teacher: the other officer's correction stays, this edit is refused."""
    mine, other = two
    record = records.load_tables(mine, 2025).teachers[0]
    records.save_teacher(other, 2025, replace(record.row, name="他人更正"), record.id)
    audit = _audit_count(mine)
    with pytest.raises(RecordChanged):
        records.save_teacher(
            mine, 2025, replace(record.row, practices=()), record.id, expected=record.row
        )
    with pytest.raises(RecordChanged) as refused:
        records.delete_teacher(mine, 2025, record.id, expected=record.row)
    assert "未删除" in refused.value.message
    stored = {t.id: t.row for t in records.load_tables(mine, 2025).teachers}
    assert stored[record.id] == replace(record.row, name="他人更正")
    assert _audit_count(mine) == audit
    # Without an earlier view (the command line), the save goes through as before.
    records.save_teacher(mine, 2025, replace(record.row, name="新名字"), record.id)
    stored = {t.id: t.row for t in records.load_tables(mine, 2025).teachers}
    assert stored[record.id].name == "新名字"


def test_a_teacher_whose_practices_were_reordered_is_still_saved(
    two: tuple[Database, Database],
) -> None:
    """The form keeps practices as typed, the database by start date: not a change."""
    mine, _other = two
    record = next(t for t in records.load_tables(mine, 2025).teachers if t.row.practices)
    last = record.row.practices[-1]
    # Starts after every stored one: the database lists it last, the form shows it first.
    extra = PracticeRow("另一企业", last.start_date + dt.timedelta(days=1), last.end_date)
    typed = replace(record.row, practices=(extra, *record.row.practices))
    records.save_teacher(mine, 2025, typed, record.id, expected=record.row)
    # The form still shows the practices in the typed order; its next save is not refused.
    records.save_teacher(mine, 2025, replace(typed, name="新名字"), record.id, expected=typed)


def test_condition_figures_filled_in_meanwhile_are_not_overwritten(
    two: tuple[Database, Database],
) -> None:
    """A form opened on figures is refused once someone else changed them."""
    mine, other = two
    seen = records.load_tables(mine, 2025).conditions[0].row
    records.save_condition(other, 2025, replace(seen, books=12345))
    with pytest.raises(RecordChanged):
        records.save_condition(mine, 2025, replace(seen, full_time_students=1), expected=seen)
    with pytest.raises(RecordChanged):
        records.delete_condition(mine, 2025, seen.school_code, expected=seen)
    assert records.load_tables(mine, 2025).conditions[0].row == replace(seen, books=12345)


def test_a_ten_measure_record_changed_meanwhile_is_not_overwritten(
    two: tuple[Database, Database],
) -> None:
    """The ten-measure kinds follow the same rule, for a save and for a delete."""
    from vetdesk.services import measure_records
    from vetdesk.services.entities import MAJOR

    mine, other = two
    majors = measure_records.load_measure_tables(mine, 2025).records[MAJOR]
    assert majors, "the demo county has majors"
    record = majors[0]
    measure_records.save_measure(other, 2025, MAJOR, replace(record.row, enrolment=321), record.id)
    with pytest.raises(RecordChanged) as refused:
        measure_records.save_measure(
            mine, 2025, MAJOR, replace(record.row, name="新专业名"), record.id, expected=record.row
        )
    assert "_" not in refused.value.message  # labels, never field identifiers
    with pytest.raises(RecordChanged):
        measure_records.delete_measure(mine, 2025, MAJOR, record.id, expected=record.row)
    stored = measure_records.load_measure_tables(mine, 2025).records[MAJOR][0]
    assert stored.row == replace(record.row, enrolment=321)
