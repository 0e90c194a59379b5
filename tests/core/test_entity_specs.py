"""One description per record kind: forms, templates, import, labels and the database agree."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from vetdesk.db.database import open_database
from vetdesk.domain.entityspecs import ENTITY_SHEETS, Kind, enumerated_columns
from vetdesk.domain.fields import field_label
from vetdesk.services import records
from vetdesk.services.entities import ENTITIES, MEASURE_ENTITIES
from vetdesk.standards.installed import ruleset_in_force


@pytest.fixture
def db(county_db):  # type: ignore[no-untyped-def]
    database = open_database(county_db)
    yield database
    database.close()


@pytest.mark.parametrize("entity", [*ENTITIES, *MEASURE_ENTITIES])
def test_every_form_asks_for_its_sheets_columns_under_their_names(entity: str) -> None:
    """A form and its template sheet ask for the same fields, in order, named alike."""
    sheet = ENTITY_SHEETS[entity]
    specs = records.FORM_FIELDS[entity]
    assert [s.name for s in specs] == [c.key for c in sheet.form_columns]
    for spec in specs:
        column = sheet.column(spec.name)
        assert spec.label == column.label
        if column.kind != Kind.WAN_YUAN:  # messages about stored values name them in 元
            assert field_label(entity, spec.name) == column.label
        assert spec.required == column.required_in_form
        if column.enum is not None and spec.choices is not None:
            assert [code for code, _label in spec.choices()] == [m.value for m in column.enum]


def test_teacher_honours_typed_as_labels_are_stored_as_codes(db) -> None:  # type: ignore[no-untyped-def]
    """Honours typed in the form are stored as the codes the importer writes (and counted)."""
    tables = records.load_tables(db, 2025)
    ctx = records.DraftContext.build(ruleset_in_force(db), db.unit_codes(), tables)
    record = tables.teachers[0]
    raw = {**records.form_values(record.row), "honours": "教学名师，名匠"}

    draft = records.draft_teacher(ctx, record.row.school_code, raw, original=record.row)

    assert draft.ok, draft.problems
    assert draft.row is not None and draft.row.honours == "teaching_master,craftsman"
    records.save_teacher(db, 2025, draft.row, record.id)
    stored = next(t for t in records.load_tables(db, 2025).teachers if t.id == record.id)
    assert stored.row.honours == "teaching_master,craftsman"
    # The form shows them as it was typed: labels, not codes.
    assert records.form_values(stored.row)["honours"] == "教学名师、名匠"


def test_an_unknown_honour_is_still_named_by_the_check(db) -> None:  # type: ignore[no-untyped-def]
    """A typed honour that is no member is kept as typed, so the check can say which."""
    tables = records.load_tables(db, 2025)
    ctx = records.DraftContext.build(ruleset_in_force(db), db.unit_codes(), tables)
    record = tables.teachers[0]
    raw = {**records.form_values(record.row), "honours": "教学名师、劳动模范"}

    draft = records.draft_teacher(ctx, record.row.school_code, raw, original=record.row)

    assert any("劳动模范" in p.message and p.field == "honours" for p in draft.problems)


def test_the_database_refuses_a_value_outside_an_enumeration(db) -> None:  # type: ignore[no-untyped-def]
    """Every enumerated column of the kinds has a named CHECK constraint in the database."""
    tables = records.load_tables(db, 2025)
    teacher = tables.teachers[0]
    with pytest.raises(IntegrityError, match="ck_teachers_title_enum"):
        records.save_teacher(db, 2025, replace(teacher.row, title="教授"), teacher.id)
    checked = set()
    with db.session() as session:
        for table, columns in enumerated_columns().items():
            sql = session.execute(
                text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:t"), {"t": table}
            ).scalar_one()
            checked |= {(table, c.key) for c in columns if f"ck_{table}_{c.key}_enum" in sql}
    expected = {(t, c.key) for t, cols in enumerated_columns().items() for c in cols}
    assert checked == expected
    assert ("teachers", "role") in expected and ("training_bases", "status") in expected


@pytest.mark.parametrize("entity", sorted(ENTITY_SHEETS))
def test_a_sheets_columns_are_looked_up_once_per_spec(entity: str) -> None:
    """column() and data_columns are asked for every cell of a merge: built once, still exact."""
    sheet = ENTITY_SHEETS[entity]
    assert sheet.data_columns is sheet.data_columns
    assert sheet.data_columns == tuple(c for c in sheet.columns if not c.informational)
    for column in sheet.columns:
        assert sheet.column(column.key) is column
    with pytest.raises(KeyError):
        sheet.column("no such column")
    narrower = replace(sheet, columns=sheet.columns[:1])
    assert narrower.data_columns == tuple(c for c in sheet.columns[:1] if not c.informational)
    with pytest.raises(KeyError):
        narrower.column(sheet.columns[-1].key)
