"""measure_records: the ten-measure kinds edited like the others, checked and audited."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.errors import InputRejected
from vetdesk.services import measure_records as mr
from vetdesk.services.entities import BASE, DESTINATION, ENTERPRISE, MAJOR, MEASURE_ENTITIES, PILOT
from vetdesk.validation.check import run_check


@pytest.fixture
def db(county_db):  # type: ignore[no-untyped-def]
    database = open_database(county_db)
    yield database
    database.close()


def _context(db):  # type: ignore[no-untyped-def]
    tables = mr.load_measure_tables(db, 2025)
    return tables, mr.MeasureContext.build(tables.period, tables.records)


def _school(tables) -> str:  # type: ignore[no-untyped-def]
    return str(tables.schools[0][0])


def _audit(db, table: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [
            (e.action, e.record_key, e.field)
            for e in session.scalars(
                select(models.AuditEntry).where(models.AuditEntry.table_name == table)
            )
        ]


MAJOR_FORM = {
    "major_code": "610201",
    "name": "计算机应用",
    "status": "kept",
    "status_year": "",
    "brand": True,
    "double_excellent": None,
    "agriculture": False,
    "enrolment": "120",
}


def test_loaded_keys_match_the_period_check(db):
    """Every record carries the key the period check reports findings under."""
    tables = mr.load_measure_tables(db, 2025)
    assert set(tables.records) == set(MEASURE_ENTITIES)
    report = run_check(db, 2025)
    keys = {r.key for items in tables.records.values() for r in items}
    assert {f.record_key for f in report.findings if f.entity in MEASURE_ENTITIES} <= keys
    assert all(r.id > 0 for items in tables.records.values() for r in items)


def test_form_fields_follow_the_template_columns():
    """Each kind's form asks for the template's columns (without the school), same labels."""
    from vetdesk.workbook import schema

    names = [s.name for s in mr.MEASURE_FIELDS[MAJOR]]
    assert names == [
        c.key
        for c in schema.MAJORS.columns
        if c.key == "major_code" or (c.key not in ("school_code",) and not c.informational)
    ]
    labels = {s.name: s.label for s in mr.MEASURE_FIELDS[ENTERPRISE]}
    assert labels["forms"] == "合作形式" and labels["name"] == "企业名称"


def test_save_edit_and_delete_a_major_are_audited(db):
    """A valid draft is stored, edited and deleted, each in an audited transaction."""
    tables, ctx = _context(db)
    school = _school(tables)
    draft = mr.draft_measure(ctx, MAJOR, school, MAJOR_FORM)
    assert draft.ok, draft.problems
    assert draft.row.brand is True and draft.row.double_excellent is False
    new_id = mr.save_measure(db, 2025, MAJOR, draft.row)
    assert any(action == "insert" for action, _k, _f in _audit(db, "majors"))
    again = mr.load_measure_tables(db, 2025).records[MAJOR]
    stored = next(r for r in again if r.id == new_id)
    assert stored.row == draft.row and stored.key == f"major:{school}:610201"

    edited = replace(draft.row, enrolment=130)
    before = len(_audit(db, "majors"))
    assert mr.save_measure(db, 2025, MAJOR, edited, new_id) == new_id
    assert len(_audit(db, "majors")) > before

    removed = mr.delete_measure(db, 2025, MAJOR, new_id)
    assert removed == edited
    assert all(r.id != new_id for r in mr.load_measure_tables(db, 2025).records[MAJOR])
    assert any(action == "delete" for action, _k, _f in _audit(db, "majors"))
    with pytest.raises(InputRejected):
        mr.delete_measure(db, 2025, MAJOR, new_id)


def test_major_draft_problems_as_you_type(db):
    """Bad code, missing status year, future year and duplicates are errors on their fields."""
    tables, ctx = _context(db)
    school = _school(tables)
    bad = mr.draft_measure(ctx, MAJOR, school, {**MAJOR_FORM, "major_code": "61020"})
    assert not bad.ok and bad.for_field("major_code")
    assert "6 位数字" in bad.for_field("major_code")[0].message
    new = mr.draft_measure(ctx, MAJOR, school, {**MAJOR_FORM, "status": "new"})
    assert not new.ok and "变动年份" in new.for_field("status_year")[0].message
    future = mr.draft_measure(
        ctx, MAJOR, school, {**MAJOR_FORM, "status": "new", "status_year": "2030"}
    )
    assert not future.ok and "晚于统计年度" in future.for_field("status_year")[0].message
    missing = mr.draft_measure(ctx, MAJOR, school, {**MAJOR_FORM, "name": " "})
    assert missing.row is None and "必填" in missing.for_field("name")[0].message
    no_school = mr.draft_measure(ctx, MAJOR, "", MAJOR_FORM)
    assert not no_school.ok

    mr.save_measure(db, 2025, MAJOR, mr.draft_measure(ctx, MAJOR, school, MAJOR_FORM).row)
    tables, ctx = _context(db)
    dup = mr.draft_measure(ctx, MAJOR, school, MAJOR_FORM)
    assert not dup.ok and "只能登记一次" in dup.for_field("major_code")[0].message
    stored = next(r for r in tables.records[MAJOR] if r.row.major_code == "610201")
    same = mr.draft_measure(ctx, MAJOR, school, MAJOR_FORM, original=stored.row)
    assert same.ok  # editing a record does not clash with itself


def test_enterprise_forms_are_read_from_labels(db):
    """合作形式 typed as labels with any separator is stored as codes; unknown ones are errors."""
    tables, ctx = _context(db)
    school = _school(tables)
    raw = {"name": "海东新能源有限公司", "forms": "订单班，学徒制、订单班", "since_year": "2023"}
    draft = mr.draft_measure(ctx, ENTERPRISE, school, raw)
    assert draft.ok, draft.problems
    assert draft.row.forms == "order_class,apprenticeship"
    assert mr.form_values(draft.row)["forms"] == "订单班、学徒制"
    wrong = mr.draft_measure(ctx, ENTERPRISE, school, {**raw, "forms": "订单班、联谊"})
    assert not wrong.ok and "合作形式" in wrong.for_field("forms")[0].message
    empty = mr.draft_measure(ctx, ENTERPRISE, school, {**raw, "forms": ""})
    assert not empty.ok and empty.for_field("forms")
    bad_code = mr.draft_measure(ctx, ENTERPRISE, school, {**raw, "credit_code": "123"})
    assert not bad_code.ok and bad_code.for_field("credit_code")
    new_id = mr.save_measure(db, 2025, ENTERPRISE, draft.row)
    assert any(k for _a, k, _f in _audit(db, "cooperating_enterprises"))
    assert mr.delete_measure(db, 2025, ENTERPRISE, new_id) == draft.row


def test_pilot_destination_and_base_rules(db):
    """Counts out of order are errors; a built base without a year is a warning only."""
    tables, ctx = _context(db)
    school = _school(tables)
    pilot = mr.draft_measure(
        ctx,
        PILOT,
        school,
        {
            "certificate": "工业机器人操作与运维",
            "level": "junior",
            "candidates": "10",
            "certified": "12",
        },
    )
    assert not pilot.ok and "多于参加考核人数" in pilot.for_field("certified")[0].message
    stored = next(r for r in tables.records[DESTINATION] if r.row.school_code == school)
    raw = {"graduates": "100", "employed": "80", "further_study": "30"}
    twice = mr.draft_measure(ctx, DESTINATION, school, raw)
    assert not twice.ok and "已登记" in twice.problems[0].message  # one row per school
    numbers = mr.draft_measure(ctx, DESTINATION, school, raw, original=stored.row)
    assert not numbers.ok and "之和多于毕业生数" in numbers.for_field("employed")[0].message
    base = mr.draft_measure(
        ctx, BASE, school, {"name": "汽修名师工作室", "kind": "master_studio", "status": "built"}
    )
    assert base.ok and base.for_field("year") and not base.for_field("year")[0].is_error
    base_id = mr.save_measure(db, 2025, BASE, base.row)
    assert mr.load_measure_tables(db, 2025).records[BASE][-1].id == base_id


def test_closed_period_refuses_edits(db):
    """Nothing is written to a period that is no longer open."""
    from vetdesk.domain.enums import PeriodState

    tables, ctx = _context(db)
    row = mr.draft_measure(ctx, MAJOR, _school(tables), MAJOR_FORM).row
    with db.transaction() as session:
        period = session.scalar(select(models.Period).where(models.Period.year == 2025))
        period.state = PeriodState.SUBMITTED.value
    with pytest.raises(InputRejected):
        mr.save_measure(db, 2025, MAJOR, row)
