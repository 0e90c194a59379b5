"""The change set of a county package: computed once, shown as the preview, applied as the merge.

The comparison reads only the sending county's rows of the period (its schools, and the
rows of those schools), never the whole city, so its cost is that of one county. Each
sheet the package carries yields rows added, changed (the columns that change) and
removed; a sheet the package does not carry (an older format) changes nothing, and the
change set counts the county's rows it leaves as they are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.packages.explained import RecordNames, explanation_label
from vetdesk.workbook.importer import (
    SHEET_ORDER,
    SIMPLE_MODELS,
    RecordChange,
    SheetSummary,
    _differences,
    _key,
    _label,
)
from vetdesk.workbook.reader import WorkbookContent
from vetdesk.workbook.rows import Record, canonical_value
from vetdesk.workbook.schema import (
    CONDITIONS,
    EXPLANATIONS,
    PRACTICES,
    SCHOOLS,
    TEACHERS,
    TRAININGS,
    Column,
    SheetSpec,
)

Key = tuple[Any, ...]
# The table behind each per-school sheet.
PER_SCHOOL_MODELS: dict[str, type[Any]] = {
    CONDITIONS.key: models.SchoolCondition,
    TEACHERS.key: models.Teacher,
    TRAININGS.key: models.TrainingProgramme,
    **SIMPLE_MODELS,
}
# What an empty cell stores, as the importer stores it (so the preview compares what is written).
_EMPTY_MEANS: dict[str, dict[str, Any]] = {
    TEACHERS.key: {"double_teacher_level": "none"},
    "majors": {"brand": False, "double_excellent": False, "agriculture": False},
    EXPLANATIONS.key: {"field": ""},
}
# SQLite's default limit of bound parameters is 999 in older builds: lists are sent in chunks.
CHUNK = 500


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    """A list in pieces of at most ``size`` (for ``IN`` lists and executemany batches)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_school(spec_key: str, record: Record) -> str:
    """The school a sheet row belongs to (an explanation's school is in its record key)."""
    if spec_key == EXPLANATIONS.key:
        parts = str(record.get("record_key", "")).split(":")
        return parts[1] if len(parts) > 1 else ""
    return str(record.get("school_code", ""))


@dataclass(frozen=True)
class CityRow:
    """One row the city holds: its id, its sheet record and its table columns (for the log)."""

    row_id: int
    record: Record
    raw: dict[str, Any]


@dataclass(frozen=True)
class RowChange:
    """One row the merge adds, changes (the columns it sets) or removes."""

    action: str  # "add", "change", "remove"
    key: Key
    new: Record | None = None
    old: CityRow | None = None
    fields: tuple[str, ...] = ()


@dataclass
class SheetChanges:
    """What the merge does to one sheet's rows of the county."""

    spec: SheetSpec
    rows: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    present: frozenset[str] = frozenset()

    def of(self, action: str) -> list[RowChange]:
        """The row changes of one action."""
        return [r for r in self.rows if r.action == action]

    def summary(self) -> SheetSummary:
        """Counts per action, as the preview shows them."""
        return SheetSummary(
            added=len(self.of("add")),
            changed=len(self.of("change")),
            removed=len(self.of("remove")),
            unchanged=self.unchanged,
        )


@dataclass(frozen=True)
class SchoolRef:
    """A school of the registry as the change set needs it."""

    row_id: int
    county_code: str
    name: str


@dataclass
class ChangeSet:
    """Everything one package's merge writes, per sheet, and the sheets it leaves alone."""

    unit: str
    year: int
    sheets: dict[str, SheetChanges] = field(default_factory=dict)
    # Sheets the package does not carry -> the county's rows there, left as they are.
    kept: dict[str, int] = field(default_factory=dict)
    schools: dict[str, SchoolRef] = field(default_factory=dict)  # the county's schools
    # The package's rows as stored, per sheet and key: read from the package, which never
    # changes once read, so the check after writing compares the city with these same rows.
    incoming: dict[str, dict[Key, Record]] = field(default_factory=dict, repr=False)

    @property
    def empty(self) -> bool:
        """Whether the merge would write no data row."""
        return not any(s.rows for s in self.sheets.values())

    def summary(self) -> dict[str, SheetSummary]:
        """Counts per sheet the package carries."""
        return {key: sheet.summary() for key, sheet in self.sheets.items()}

    def describe(
        self, names: dict[str, str], explained: RecordNames | None = None
    ) -> list[RecordChange]:
        """The rows as the preview lists them (old → new for each changed field)."""
        record_names = explained or RecordNames(schools=names)

        def label(spec: SheetSpec, record: Record) -> str:
            if spec is EXPLANATIONS:  # internal keys, named in words
                return explanation_label(record, record_names)
            return _label(spec, record, names)

        described = []
        for sheet in self.sheets.values():
            spec = sheet.spec
            title = spec.sheet_title  # translated once per sheet, not per row
            for row in sheet.rows:
                if row.action == "add":
                    assert row.new is not None
                    described.append(RecordChange(title, label(spec, row.new), "add"))
                elif row.action == "change":
                    assert row.new is not None and row.old is not None
                    diff = _differences(spec, row.old.record, row.new, row.fields)
                    described.append(RecordChange(title, label(spec, row.new), "change", diff))
                else:
                    assert row.old is not None
                    described.append(RecordChange(title, label(spec, row.old.record), "remove"))
        return described

    def teacher_records(self) -> list[Record]:
        """The city's roster rows this change set changes or removes (their names, for labels)."""
        sheet = self.sheets.get(TEACHERS.key)
        return [row.old.record for row in sheet.rows if row.old is not None] if sheet else []

    def digest(self) -> str:
        """A fingerprint of what the merge writes: equal digests, equal writes."""
        body: list[Any] = [self.unit, self.year, sorted(self.kept.items())]
        for key, sheet in self.sheets.items():
            columns = {c.key: c for c in sheet.spec.data_columns}
            for row in sheet.rows:
                shown = row.fields if row.action == "change" else tuple(columns)
                values = (
                    [canonical_value(columns[f], row.new.get(f)) for f in shown]
                    if row.new is not None
                    else []
                )
                body.append([key, row.action, list(row.key), list(row.fields), values])
        text = json.dumps(body, ensure_ascii=False, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def county_schools(session: Session, unit: str, codes: Iterable[str] = ()) -> dict[str, SchoolRef]:
    """The registry's schools of one county, plus any other codes asked for (never the whole city)."""
    table = table_of(models.School)
    columns = (table.c.school_code, table.c.id, table.c.county_code, table.c.name)
    found = {
        code: SchoolRef(row_id, county, name)
        for code, row_id, county, name in session.execute(
            select(*columns).where(table.c.county_code == unit)
        )
    }
    wanted = sorted({c for c in codes if c and c not in found})
    for part in chunks(wanted):
        for code, row_id, county, name in session.execute(
            select(*columns).where(table.c.school_code.in_(part))
        ):
            found[code] = SchoolRef(row_id, county, name)
    return found


def _period_id(session: Session, year: int) -> int | None:
    return session.scalar(select(models.Period.id).where(models.Period.year == year))


def load_county_rows(
    session: Session, year: int, schools: dict[str, SchoolRef]
) -> dict[str, dict[Key, CityRow]]:
    """The city's rows of these schools in one period, per sheet and natural key."""
    rows: dict[str, dict[Key, CityRow]] = {spec.key: {} for spec in SHEET_ORDER}
    school_table = table_of(models.School)
    ids = sorted(ref.row_id for ref in schools.values())
    code_of = {ref.row_id: code for code, ref in schools.items()}
    for part in chunks(ids):
        for raw in session.execute(select(school_table).where(school_table.c.id.in_(part))):
            values = dict(raw._mapping)
            record = {c.key: values.get(c.key) for c in SCHOOLS.data_columns}
            rows[SCHOOLS.key][_key(SCHOOLS, record)] = CityRow(values["id"], record, values)
    period_id = _period_id(session, year)
    if period_id is None or not ids:
        return rows
    for key, model in PER_SCHOOL_MODELS.items():
        spec = _spec(key)
        table = table_of(model)
        data_keys = [c.key for c in spec.data_columns]
        found = rows[key]
        for part in chunks(ids):
            stmt = select(table).where(table.c.period_id == period_id, table.c.school_id.in_(part))
            result = session.execute(stmt)
            names = list(result.keys())  # a select of one table: each name once
            # Each record is {key: values.get(key)} over the data columns, made by dict
            # operations in C rather than a Python step per column (once per row, twice
            # per merge: the preview and the check after writing).
            stored = [k for k in data_keys if k in names]
            empty = dict.fromkeys(data_keys)
            for raw in result:
                values = dict(zip(names, raw, strict=True))
                record = empty.copy()
                record.update(zip(stored, map(values.__getitem__, stored), strict=True))
                record["school_code"] = code_of[values["school_id"]]
                found[_key(spec, record)] = CityRow(values["id"], record, values)
    practice = table_of(models.EnterprisePractice)
    teacher = table_of(models.Teacher)
    for part in chunks(ids):
        stmt = (
            select(practice, teacher.c.school_id, teacher.c.id_number)
            .join(teacher, practice.c.teacher_id == teacher.c.id)
            .where(teacher.c.period_id == period_id, teacher.c.school_id.in_(part))
        )
        for raw in session.execute(stmt):
            values = dict(raw._mapping)
            record = {
                "school_code": code_of[values["school_id"]],
                "id_number": values["id_number"],
                "enterprise": values["enterprise"],
                "start_date": values["start_date"],
                "end_date": values["end_date"],
            }
            logged = {
                k: values[k] for k in ("id", "teacher_id", "enterprise", "start_date", "end_date")
            }
            rows[PRACTICES.key][_key(PRACTICES, record)] = CityRow(values["id"], record, logged)
    explanation = table_of(models.WarningExplanation)
    codes = sorted(schools)
    for part in chunks(codes, 100):
        # A LIKE narrows the scan to these schools' keys; the exact test follows.
        matches = or_(*(explanation.c.record_key.like(f"%:{code}%") for code in part))
        stmt = select(explanation).where(explanation.c.period_id == period_id, matches)
        for raw in session.execute(stmt):
            values = dict(raw._mapping)
            record = {
                "rule": values["rule_id"],
                "record_key": values["record_key"],
                "field": values["field"],
                "text": values["text"],
            }
            if record_school(EXPLANATIONS.key, record) in schools:
                rows[EXPLANATIONS.key][_key(EXPLANATIONS, record)] = CityRow(
                    values["id"], record, values
                )
    return rows


def _spec(key: str) -> SheetSpec:
    return next(spec for spec in SHEET_ORDER if spec.key == key)


def incoming_record(spec: SheetSpec, values: Record) -> Record:
    """A package row as the merge stores it (an empty yes/no cell is no, as on import)."""
    record = {c.key: values.get(c.key) for c in spec.data_columns}
    for name, empty in _EMPTY_MEANS.get(spec.key, {}).items():
        if record.get(name) is None:
            record[name] = empty
    return record


def compute_changeset(
    session: Session,
    content: WorkbookContent,
    unit: str,
    year: int,
    schools: dict[str, SchoolRef],
    *,
    same_package: ChangeSet | None = None,
) -> ChangeSet:
    """Compare a package with the city's rows of its county's ``schools`` for one period.

    ``schools`` are the county's registered schools plus the new ones the package
    registers; only their rows are read. ``same_package``: a change set computed earlier
    from this same package, whose rows as stored are taken instead of made again.
    """
    changeset = ChangeSet(unit, year, schools=dict(schools))
    current = load_county_rows(session, year, schools)
    for spec in SHEET_ORDER:
        sheet = content.sheet(spec.key)
        if sheet is None:
            if current[spec.key]:
                changeset.kept[spec.key] = len(current[spec.key])
            continue
        present = frozenset(sheet.column_letters)
        changes = SheetChanges(spec, present=present)
        incoming = same_package.incoming.get(spec.key) if same_package else None
        if incoming is None:
            incoming = {}
            for row in sheet.rows:
                if row.ok:
                    record = incoming_record(spec, row.values)
                    incoming[_key(spec, record)] = record
        changeset.incoming[spec.key] = incoming
        columns = [c for c in spec.data_columns if c.key in present]
        keys = [c.key for c in columns]
        for key, record in incoming.items():
            old = current[spec.key].get(key)
            if old is None:
                changes.rows.append(RowChange("add", key, new=record))
                continue
            before = tuple(map(old.record.get, keys))
            after = tuple(map(record.get, keys))
            if before == after and tuple(map(type, before)) == tuple(map(type, after)):
                # Every column equal with its type: what _differs finds column by column
                # (most rows of a resent package, and every row in the check after writing).
                changes.unchanged += 1
                continue
            fields = tuple(
                c.key for c in columns if _differs(c, old.record.get(c.key), record.get(c.key))
            )
            if fields:
                changes.rows.append(RowChange("change", key, new=record, old=old, fields=fields))
            else:
                changes.unchanged += 1
        if spec is not SCHOOLS:  # the registry only grows: a school is never removed by a package
            for key, old in current[spec.key].items():
                if key not in incoming:
                    changes.rows.append(RowChange("remove", key, old=old))
        changeset.sheets[spec.key] = changes
    _drop_practices_of_removed_teachers(changeset, current)
    return changeset


def _differs(column: Column, old: Any, new: Any) -> bool:
    # Equal values of one type have one canonical form: most cells of a resent package
    # are unchanged, and this skips canonicalising both sides of each.
    if type(old) is type(new) and old == new:
        return False
    return bool(canonical_value(column, old) != canonical_value(column, new))


def _drop_practices_of_removed_teachers(
    changeset: ChangeSet, current: dict[str, dict[Key, CityRow]]
) -> None:
    # A package carrying a roster without the 企业实践 sheet still removes the practices of
    # the teachers it removes (they cannot outlive their teacher): listed, not implied.
    teachers = changeset.sheets.get(TEACHERS.key)
    if teachers is None or PRACTICES.key in changeset.sheets:
        return
    gone = {r.key for r in teachers.of("remove")}
    removals = [
        RowChange("remove", key, old=row)
        for key, row in current[PRACTICES.key].items()
        if _key(TEACHERS, row.record) in gone
    ]
    if removals:
        changeset.sheets[PRACTICES.key] = SheetChanges(PRACTICES, rows=removals)
        left = changeset.kept.pop(PRACTICES.key, 0) - len(removals)
        if left:
            changeset.kept[PRACTICES.key] = left
