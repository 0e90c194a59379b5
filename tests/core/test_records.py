"""records: table rows with ids, drafts checked like the period check, audited saves."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.domain.money import wan_yuan_text
from vetdesk.errors import InputRejected
from vetdesk.services import records
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.validation.check import run_check


@pytest.fixture
def db(county_db):  # type: ignore[no-untyped-def]
    database = open_database(county_db)
    yield database
    database.close()


def _audit_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(models.AuditEntry)) or 0)


def _context(db):  # type: ignore[no-untyped-def]
    tables = records.load_tables(db, 2025)
    return tables, records.DraftContext.build(ruleset_in_force(db), db.unit_codes(), tables)


def test_load_tables_matches_the_period_check(db):
    """Every teacher row of the tables carries the key the check uses for findings."""
    tables = records.load_tables(db, 2025)
    assert len(tables.schools) == 1 and len(tables.conditions) == 1
    report = run_check(db, 2025)
    keys = {t.key for t in tables.teachers}
    assert {f.record_key for f in report.findings if f.entity == "teacher"} <= keys
    assert all(t.id > 0 for t in tables.teachers)
    assert any(t.row.practices for t in tables.teachers)


def test_form_specs_follow_the_row_fields():
    """The condition form has one field per condition figure, in order."""
    from dataclasses import fields

    from vetdesk.domain.rows import ConditionRow

    names = [s.name for s in records.FORM_FIELDS[records.CONDITION]]
    assert names == [f.name for f in fields(ConditionRow)][1:]


def test_teacher_draft_explains_a_bad_id_number_in_chinese(db):
    """A wrong check digit is an error on the id_number field, said in Chinese."""
    tables, ctx = _context(db)
    teacher = tables.teachers[0].row
    raw = records.form_values(teacher)
    number = teacher.id_number
    raw["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    draft = records.draft_teacher(ctx, teacher.school_code, raw, original=teacher)
    assert not draft.ok
    assert any("校验位" in p.message for p in draft.for_field("id_number"))


def test_unreadable_numbers_and_dates_are_explained(db):
    """Text in a number field and an impossible date are errors with the field's name."""
    tables, ctx = _context(db)
    school = tables.schools[0].row
    raw = records.form_values(tables.conditions[0].row)
    raw["books"] = "三万册"
    draft = records.draft_condition(ctx, school, raw)
    assert not draft.ok and "纸质图书" in draft.for_field("books")[0].message
    training = tables.trainings[0].row
    raw = records.form_values(training)
    raw["start_date"] = "2025-02-30"
    draft = records.draft_training(ctx, training.school_code, raw, original=training)
    assert "年-月-日" in draft.for_field("start_date")[0].message


def test_equipment_value_is_typed_and_shown_in_wan_yuan(db):
    """As in the templates: 325.5 (万元) in the form is 3 255 000 元 in the database."""
    tables, ctx = _context(db)
    school, condition = tables.schools[0].row, tables.conditions[0].row
    raw = records.form_values(condition)
    assert raw["equipment_value_yuan"] == wan_yuan_text(condition.equipment_value_yuan)
    # Unchanged, the form reads back exactly what is stored.
    assert records.draft_condition(ctx, school, raw).row == condition
    raw["equipment_value_yuan"] = "1,325.5万元"
    draft = records.draft_condition(ctx, school, raw)
    assert draft.ok and draft.row.equipment_value_yuan == 13_255_000
    raw["equipment_value_yuan"] = "325.12345"
    draft = records.draft_condition(ctx, school, raw)
    (problem,) = draft.for_field("equipment_value_yuan")
    assert "万元" in problem.message and "4 位小数" in problem.message
    spec = next(s for s in records.FORM_FIELDS["condition"] if s.name == "equipment_value_yuan")
    assert spec.label == "教学仪器设备总值（万元）"


def test_duplicate_teacher_is_refused(db):
    """Adding a teacher whose 身份证号 is already in the school's roster is an error."""
    tables, ctx = _context(db)
    teacher = tables.teachers[0].row
    draft = records.draft_teacher(ctx, teacher.school_code, records.form_values(teacher))
    assert not draft.ok
    assert draft.for_field("id_number")


def test_save_and_delete_a_teacher_are_audited(db):
    """Edits go through audited transactions; practices survive an edit."""
    tables, _ctx = _context(db)
    record = next(t for t in tables.teachers if t.row.practices)
    before = _audit_count(db)
    records.save_teacher(db, 2025, replace(record.row, name="新名字"), record.id)
    after_edit = {t.id: t.row for t in records.load_tables(db, 2025).teachers}
    assert after_edit[record.id].name == "新名字"
    assert after_edit[record.id].practices == record.row.practices
    assert _audit_count(db) > before
    removed = records.delete_teacher(db, 2025, record.id)
    assert removed.name == "新名字" and removed.practices == record.row.practices
    new_id = records.save_teacher(db, 2025, record.row)
    restored = {t.id: t.row for t in records.load_tables(db, 2025).teachers}
    assert restored[new_id] == record.row


def test_deleting_a_teacher_logs_each_practice_that_goes_with_them(db):
    # The practices were removed with a bulk DELETE the audit hook never saw.
    tables, _ctx = _context(db)
    record = next(t for t in tables.teachers if t.row.practices)
    with db.session() as session:
        last = session.scalar(select(func.max(models.AuditEntry.id)))
    records.delete_teacher(db, 2025, record.id)
    with db.session() as session:
        deleted = session.execute(
            select(models.AuditEntry.table_name, func.count())
            .where(models.AuditEntry.id > last, models.AuditEntry.action == "delete")
            .group_by(models.AuditEntry.table_name)
        ).all()
    assert dict(deleted) == {"teachers": 1, "enterprise_practices": len(record.row.practices)}


def test_condition_save_returns_the_previous_figures(db):
    """save_condition gives back what it replaced, so an edit can be undone."""
    tables, _ctx = _context(db)
    condition = tables.conditions[0].row
    previous = records.save_condition(db, 2025, replace(condition, books=1))
    assert previous == condition
    assert records.delete_condition(db, 2025, condition.school_code) == replace(condition, books=1)
    assert records.delete_condition(db, 2025, condition.school_code) is None


def test_school_with_data_cannot_be_deleted(db):
    """A school with a roster is refused with advice to deactivate it."""
    code = records.load_tables(db, 2025).schools[0].row.school_code
    with pytest.raises(InputRejected, match="停用"):
        records.delete_school(db, code)


def test_new_school_round_trip(db):
    """A school added through a draft can be deleted again while it has no data."""
    _tables, ctx = _context(db)
    raw = {
        "school_code": "3663239998",
        "name": "测试学校",
        "county_code": "630223",
        "level": "secondary",
        "category": "general",
        "ownership": "public",
    }
    draft = records.draft_school(ctx, raw)
    assert draft.ok and draft.row is not None
    records.save_school(db, draft.row)
    assert not records.school_has_data(db, "3663239998")
    assert records.delete_school(db, "3663239998") == draft.row


def test_closed_period_refuses_edits(db):
    """Once a period is submitted, saving into it is refused."""
    with db.transaction() as session:
        period = session.scalar(select(models.Period).where(models.Period.year == 2025))
        assert period is not None
        period.state = "submitted"
    tables = records.load_tables(db, 2025)
    with pytest.raises(InputRejected, match="已上报"):
        records.save_condition(db, 2025, tables.conditions[0].row)


def test_records_module_loads_without_sqlalchemy():
    """The GUI imports records before its first paint; SQLAlchemy must not come with it."""
    import subprocess
    import sys

    code = "import sys, vetdesk.services.records; print('sqlalchemy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_practice_rows_of_the_teacher_form_are_read_and_checked(db):
    """Typed rows become PracticeRows; bad ones are named by row; findings land on the table."""
    tables, ctx = _context(db)
    teacher = next(t.row for t in tables.teachers if t.row.practices)
    raw = records.form_values(teacher)
    assert raw["practices"] == [
        (p.enterprise, p.start_date.isoformat(), p.end_date.isoformat()) for p in teacher.practices
    ]
    assert records.draft_teacher(ctx, teacher.school_code, raw, original=teacher).row == teacher
    raw["practices"] = [*raw["practices"], ("", "", ""), ("某企业", "2025/7/1", "去年")]
    draft = records.draft_teacher(ctx, teacher.school_code, raw, original=teacher)
    messages = [p.message for p in draft.for_field("practices")]
    assert messages == [m for m in messages if "第 3 行" in m], messages
    assert any("结束日期" in m for m in messages) and not draft.ok
    raw["practices"] = [("某企业", "2025-08-01", "2025-07-01")]
    draft = records.draft_teacher(ctx, teacher.school_code, raw, original=teacher)
    assert any("早于开始日期" in p.message for p in draft.for_field("practices"))
