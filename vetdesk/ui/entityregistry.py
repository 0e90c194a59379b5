"""The record kinds the GUI edits, each declared once: title, form, save and delete.

The one place a new kind of record is declared for the GUI: its fields come from the
kind's one description (:data:`vetdesk.services.records.FORM_FIELDS`, built from
:mod:`vetdesk.domain.entityspecs`), and its entry here says how the window names its
form, fills it, checks it (the drafter) and writes and removes a row through the audited
services. The main window and the undoable commands (:mod:`vetdesk.ui.commands`) look a
kind up here instead of branching on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from vetdesk.i18n import _
from vetdesk.services.entities import (
    BASE,
    CONDITION,
    DESTINATION,
    ENTERPRISE,
    MAJOR,
    MEASURE_ENTITIES,
    PILOT,
    SCHOOL,
    TEACHER,
    TRAINING,
)

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.domain.rows import SchoolRow
    from vetdesk.services import measure_records, records
    from vetdesk.services.records import Draft, FieldSpec, Record
    from vetdesk.ui.forms.recordform import FormExtra

    AnyRecord: TypeAlias = Record[Any]

Drafter: TypeAlias = "Callable[[Mapping[str, object], str | None], Draft[Any]]"


class FormHost(Protocol):
    """What a kind's form needs from the window: the shown tables' context and schools."""

    def draft_context(self) -> records.DraftContext:
        """Checking context of the four core kinds, from the tables shown."""

    def measure_context(self) -> measure_records.MeasureContext:
        """Checking context of the ten-measure kinds, from the tables shown."""

    def active_schools(self) -> list[tuple[str, str]]:
        """The schools a new record may belong to: (code, name)."""

    def school_row(self, code: str) -> SchoolRow:
        """The registry row of a school shown."""

    def new_school_county(self) -> str | None:
        """The county a new school is in by default (None: to be chosen)."""


@dataclass(frozen=True)
class FormSetup:
    """How one form opens: values shown, the drafter, the school box and extra editors."""

    values: dict[str, object]
    drafter: Drafter
    schools: list[tuple[str, str]] | None = None
    extras: Mapping[str, tuple[str, FormExtra]] | None = None
    subtitle: str = ""  # added to the title: whose record it is


def _specs(entity: str) -> tuple[FieldSpec, ...]:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services.records import FORM_FIELDS

    return FORM_FIELDS[entity]


# --- saving and removing, through the audited services (run in a worker) --------------------


def _store_measure(entity: str) -> Store:
    def store(
        db: Database, year: int, current: AnyRecord | None, row: Any, expected: Any | None
    ) -> AnyRecord:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.services import measure_records
        from vetdesk.services.records import Record

        new_id = measure_records.save_measure(
            db, year, entity, row, current.id if current else None, expected=expected
        )
        return Record(new_id, measure_records.measure_key(entity, row), row)

    return store


def _remove_measure(entity: str) -> Remove:
    def remove(
        db: Database, year: int, current: AnyRecord, expected: Any | None
    ) -> AnyRecord | None:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.services import measure_records

        measure_records.delete_measure(db, year, entity, current.id, expected=expected)
        return None

    return remove


def _store_school(
    db: Database, _year: int, current: AnyRecord | None, row: Any, expected: Any | None
) -> AnyRecord:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.services.records import Record

    records.save_school(
        db,
        row,
        original_code=current.row.school_code if current else None,
        expected=expected,
    )
    return Record(current.id if current else 0, records.record_key(SCHOOL, row), row)


def _remove_school(
    db: Database, _year: int, current: AnyRecord, expected: Any | None
) -> AnyRecord | None:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    records.delete_school(db, current.row.school_code, expected=expected)
    return None


def _store_condition(
    db: Database, year: int, current: AnyRecord | None, row: Any, expected: Any | None
) -> AnyRecord:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.services.records import Record

    records.save_condition(db, year, row, expected=expected)
    # The id only tells "figures stored" (non-zero) from "nothing yet" (0) here.
    stored_id = (current.id or 1) if current else 1
    return Record(stored_id, records.record_key(CONDITION, row), row)


def _remove_condition(
    db: Database, year: int, current: AnyRecord, expected: Any | None
) -> AnyRecord | None:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.services.records import Record

    records.delete_condition(db, year, current.row.school_code, expected=expected)
    # The table keeps a school's row, empty, when its figures are cleared.
    return Record(0, current.key, records.empty_condition(current.row.school_code))


def _store_teacher(
    db: Database, year: int, current: AnyRecord | None, row: Any, expected: Any | None
) -> AnyRecord:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.services.records import Record

    new_id = records.save_teacher(db, year, row, current.id if current else None, expected=expected)
    return Record(new_id, records.record_key(TEACHER, row), row)


def _remove_teacher(
    db: Database, year: int, current: AnyRecord, expected: Any | None
) -> AnyRecord | None:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    records.delete_teacher(db, year, current.id, expected=expected)
    return None


def _store_training(
    db: Database, year: int, current: AnyRecord | None, row: Any, expected: Any | None
) -> AnyRecord:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.services.records import Record

    new_id = records.save_training(
        db, year, row, current.id if current else None, expected=expected
    )
    return Record(new_id, records.record_key(TRAINING, row), row)


def _remove_training(
    db: Database, year: int, current: AnyRecord, expected: Any | None
) -> AnyRecord | None:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    records.delete_training(db, year, current.id, expected=expected)
    return None


# --- forms -----------------------------------------------------------------------------------


def _school_form(host: FormHost, original: Any | None) -> FormSetup:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    ctx = host.draft_context()
    if original is None:
        values: dict[str, object] = {"county_code": host.new_school_county()}
    else:
        values = records.form_values(original)

    def drafter(raw: Mapping[str, object], _school: str | None) -> Draft[Any]:
        return records.draft_school(
            ctx, raw, original_code=original.school_code if original else None
        )

    return FormSetup(values, drafter)


def _condition_form(host: FormHost, original: Any | None) -> FormSetup:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    assert original is not None  # a school's figures are filled in, never added
    ctx = host.draft_context()
    school_row = host.school_row(original.school_code)

    def drafter(raw: Mapping[str, object], _school: str | None) -> Draft[Any]:
        return records.draft_condition(ctx, school_row, raw)

    return FormSetup(records.form_values(original), drafter, subtitle=school_row.name)


def _teacher_form(host: FormHost, original: Any | None) -> FormSetup:
    # Local: loaded on first use, not at start-up.
    from vetdesk.services import records
    from vetdesk.ui.forms.practices import PracticeEditor

    ctx = host.draft_context()
    values = records.form_values(original) if original is not None else {}
    if original is None:
        values = {"double_teacher_level": "none"}

    def drafter(raw: Mapping[str, object], school: str | None) -> Draft[Any]:
        return records.draft_teacher(ctx, school or "", raw, original=original)

    typed = values.get(records.PRACTICES)
    editor = PracticeEditor(typed if isinstance(typed, list) else [])
    extras = {records.PRACTICES: (_("企业实践"), editor)}
    return FormSetup(values, drafter, host.active_schools(), extras)


def _training_form(host: FormHost, original: Any | None) -> FormSetup:
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services import records

    ctx = host.draft_context()
    values = records.form_values(original) if original is not None else {}

    def drafter(raw: Mapping[str, object], school: str | None) -> Draft[Any]:
        return records.draft_training(ctx, school or "", raw, original=original)

    return FormSetup(values, drafter, host.active_schools())


def _measure_form(entity: str) -> FormBuilder:
    def build(host: FormHost, original: Any | None) -> FormSetup:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.services import measure_records

        values = measure_records.form_values(original) if original is not None else {}
        drafter = measure_records.draft_for(host.measure_context(), entity, original)
        return FormSetup(values, drafter, host.active_schools())

    return build


# The last argument of both: the row the user saw (None: no check), see records.require_unchanged.
Store: TypeAlias = "Callable[[Database, int, AnyRecord | None, Any, Any | None], AnyRecord]"
Remove: TypeAlias = "Callable[[Database, int, AnyRecord, Any | None], AnyRecord | None]"
FormBuilder: TypeAlias = "Callable[[FormHost, Any | None], FormSetup]"


@dataclass(frozen=True)
class EntityEntry:
    """One record kind the GUI edits."""

    entity: str
    titles: Callable[[], tuple[str, str]]  # (adding, editing), in the current language
    form: FormBuilder
    store: Store
    remove: Remove
    addable: bool = True  # False: one row per school, filled in rather than added
    # The write policy's action for a form, a delete (vetdesk.db.write_policy.WriteAction):
    # the school registry has no period and the city keeps it, the other kinds are records.
    write_action: str = "edit_record"
    # The question before a delete; {name} is the record's name.
    delete_question: Callable[[], str] = field(default=lambda: _("删除“{name}”？可用“撤销”恢复。"))

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The form's fields, from the kind's one description."""
        return _specs(self.entity)

    def title(self, editing: bool) -> str:
        """The form's title when adding or editing."""
        return self.titles()[1 if editing else 0]


ENTITY_REGISTRY: dict[str, EntityEntry] = {
    SCHOOL: EntityEntry(
        SCHOOL,
        lambda: (_("新增学校"), _("修改学校")),
        _school_form,
        _store_school,
        _remove_school,
        write_action="edit_registry",
    ),
    CONDITION: EntityEntry(
        CONDITION,
        lambda: (_("填写办学条件"), _("填写办学条件")),
        _condition_form,
        _store_condition,
        _remove_condition,
        addable=False,
        delete_question=lambda: _("清空“{name}”本年度的办学条件数据？可用“撤销”恢复。"),
    ),
    TEACHER: EntityEntry(
        TEACHER,
        lambda: (_("新增教师"), _("修改教师")),
        _teacher_form,
        _store_teacher,
        _remove_teacher,
    ),
    TRAINING: EntityEntry(
        TRAINING,
        lambda: (_("新增培训项目"), _("修改培训项目")),
        _training_form,
        _store_training,
        _remove_training,
    ),
    MAJOR: EntityEntry(
        MAJOR,
        lambda: (_("新增专业"), _("修改专业")),
        _measure_form(MAJOR),
        _store_measure(MAJOR),
        _remove_measure(MAJOR),
    ),
    ENTERPRISE: EntityEntry(
        ENTERPRISE,
        lambda: (_("新增合作企业"), _("修改合作企业")),
        _measure_form(ENTERPRISE),
        _store_measure(ENTERPRISE),
        _remove_measure(ENTERPRISE),
    ),
    PILOT: EntityEntry(
        PILOT,
        lambda: (_("新增 1+X 证书试点"), _("修改 1+X 证书试点")),
        _measure_form(PILOT),
        _store_measure(PILOT),
        _remove_measure(PILOT),
    ),
    DESTINATION: EntityEntry(
        DESTINATION,
        lambda: (_("填写毕业生去向"), _("修改毕业生去向")),
        _measure_form(DESTINATION),
        _store_measure(DESTINATION),
        _remove_measure(DESTINATION),
    ),
    BASE: EntityEntry(
        BASE,
        lambda: (_("新增实践中心或工作室"), _("修改实践中心或工作室")),
        _measure_form(BASE),
        _store_measure(BASE),
        _remove_measure(BASE),
    ),
}
assert set(MEASURE_ENTITIES) <= set(ENTITY_REGISTRY)


def entry(entity: str) -> EntityEntry:
    """The registry entry of a record kind."""
    return ENTITY_REGISTRY[entity]
