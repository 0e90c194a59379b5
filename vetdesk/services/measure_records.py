"""Record editing for the ten-measure kinds: majors, enterprises, 1+X pilots, destinations, bases.

The same pattern as :mod:`vetdesk.services.records`, for the five record kinds the
ten-measure targets are computed from: a form's raw input becomes a :class:`Draft` checked
with the period check's own rules (:func:`~vetdesk.validation.checks.check_ten_measure` on
the single record), and a valid draft is saved in one audited transaction. The form fields
follow the template columns of :mod:`vetdesk.workbook.schema`, so a form and a school
template ask for the same things under the same names.

Qt-free; SQLAlchemy and the models load on first use, as in ``records``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from vetdesk.domain import rows as row_types
from vetdesk.domain.enums import CooperationForm, Severity
from vetdesk.domain.rows import PeriodData, PeriodInfo
from vetdesk.errors import InputRejected
from vetdesk.i18n import N_, _
from vetdesk.services.entities import BASE, DESTINATION, ENTERPRISE, MAJOR, PILOT
from vetdesk.services.records import (
    BOOL,
    FORM_FIELDS,
    Draft,
    FieldSpec,
    Problem,
    Record,
    _from_findings,
    _open_period,
    _parse,
    _school,
    multi_text,
    read_multi,
    require_unchanged,
    stored_row,
)
from vetdesk.workbook import schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vetdesk.db.database import Database

MeasureRow = Any  # MajorRow | EnterpriseRow | PilotRow | DestinationRow | BaseRow


@dataclass(frozen=True)
class MeasureKind:
    """One ten-measure record kind: its template sheet, row type, model and natural key."""

    entity: str
    sheet: schema.SheetSpec
    row_type: str  # the class name in domain.rows
    model: str  # the class name in db.models
    data_field: str  # the PeriodData field holding the rows
    natural_key: tuple[str, ...]  # row fields that identify a record within a school
    key_field: str  # the field the period check keys its findings by ("" : school only)
    duplicate: str  # the message when the natural key is taken (untranslated)

    def row_class(self) -> type:
        """The row dataclass."""
        return getattr(row_types, self.row_type)  # type: ignore[no-any-return]

    def model_class(self) -> Any:
        """The ORM model."""
        # Imported on first use: start-up time (the GUI imports this before its first paint).
        from vetdesk.db import models

        return getattr(models, self.model)


KINDS: dict[str, MeasureKind] = {
    MAJOR: MeasureKind(
        MAJOR,
        schema.MAJORS,
        "MajorRow",
        "Major",
        "majors",
        ("major_code",),
        "major_code",
        N_("本校已登记该专业代码，同一专业只能登记一次。"),
    ),
    ENTERPRISE: MeasureKind(
        ENTERPRISE,
        schema.ENTERPRISES,
        "EnterpriseRow",
        "CooperatingEnterprise",
        "enterprises",
        ("name",),
        "name",
        N_("本校已登记该合作企业，同一企业只能登记一次。"),
    ),
    PILOT: MeasureKind(
        PILOT,
        schema.PILOTS,
        "PilotRow",
        "CertificatePilot",
        "pilots",
        ("certificate", "level"),
        "certificate",
        N_("本校已登记该证书的同一等级试点。"),
    ),
    DESTINATION: MeasureKind(
        DESTINATION,
        schema.DESTINATIONS,
        "DestinationRow",
        "GraduateDestination",
        "destinations",
        (),
        "",
        N_("本校本年度的毕业生去向已登记，请修改已有记录。"),
    ),
    BASE: MeasureKind(
        BASE,
        schema.BASES,
        "BaseRow",
        "TrainingBase",
        "bases",
        ("name",),
        "name",
        N_("本校已登记同名的实践中心、基地或工作室。"),
    ),
}

# The forms follow the kinds' one description (records.FORM_FIELDS).
MEASURE_FIELDS: dict[str, tuple[FieldSpec, ...]] = {e: FORM_FIELDS[e] for e in KINDS}


def measure_key(entity: str, row: MeasureRow) -> str:
    """The key under which the period check reports findings about a row."""
    kind = KINDS[entity]
    key = getattr(row, kind.key_field) if kind.key_field else ""
    return f"{entity}:{row.school_code}:{key}"


def natural_key(entity: str, row: MeasureRow) -> tuple[object, ...]:
    """What identifies a row: its school and the kind's key fields."""
    return (row.school_code, *(getattr(row, n) for n in KINDS[entity].natural_key))


def form_values(row: MeasureRow) -> dict[str, object]:
    """The raw values a form shows for a stored row."""
    values: dict[str, object] = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if f.name == "forms" and isinstance(value, str):
            values[f.name] = forms_text(value)
        elif isinstance(value, bool) or value is None:
            values[f.name] = value
        else:
            values[f.name] = str(value)
    return values


def forms_text(stored: str) -> str:
    """Stored cooperation forms ("order_class,apprenticeship") as the form shows them."""
    return multi_text(CooperationForm, stored)


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureTables:
    """The ten-measure records of one period, with ids, and the schools they belong to."""

    period: PeriodInfo
    records: Mapping[str, tuple[Record[Any], ...]]
    schools: tuple[tuple[str, str, bool], ...]  # (code, name, active)

    def names(self) -> dict[str, str]:
        """School code to name."""
        return {code: name for code, name, _active in self.schools}


def load_measure_tables(db: Database, year: int) -> MeasureTables:
    """Read a period's ten-measure records with their ids (a few column queries)."""
    # Imported on first use: start-up time (the GUI imports this before its first paint).
    from sqlalchemy import select

    from vetdesk.db import models
    from vetdesk.db.period_data import get_period, period_info

    with db.session() as session:
        period = get_period(session, year)
        schools = tuple(
            (r[1], r[2], bool(r[3]))
            for r in session.execute(
                select(
                    models.School.id,
                    models.School.school_code,
                    models.School.name,
                    models.School.active,
                ).order_by(models.School.county_code, models.School.school_code)
            )
        )
        ids = {
            r[0]: r[1] for r in session.execute(select(models.School.id, models.School.school_code))
        }
        loaded: dict[str, tuple[Record[Any], ...]] = {}
        for entity, kind in KINDS.items():
            row_type, model = kind.row_class(), kind.model_class()
            names = [f.name for f in fields(row_type)][1:]
            items = []
            for r in session.execute(
                select(model.id, model.school_id, *(getattr(model, n) for n in names))
                .where(model.period_id == period.id)
                .order_by(model.school_id, model.id)
            ):
                row = row_type(ids[r[1]], *r[2:])
                items.append(Record(r[0], measure_key(entity, row), row))
            loaded[entity] = tuple(items)
        return MeasureTables(period_info(period), loaded, schools)


# --- drafts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureContext:
    """What validating one ten-measure record needs: the period and the keys already taken."""

    period: PeriodInfo
    taken: Mapping[str, frozenset[tuple[object, ...]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, period: PeriodInfo, records: Mapping[str, Iterable[Record[Any]]]
    ) -> MeasureContext:
        """Context for the records shown."""
        return cls(
            period,
            {e: frozenset(natural_key(e, r.row) for r in items) for e, items in records.items()},
        )


def draft_measure(
    ctx: MeasureContext,
    entity: str,
    school_code: str,
    raw: Mapping[str, object],
    *,
    original: MeasureRow | None = None,
) -> Draft[Any]:
    """Read and check a ten-measure form for a school (``original``: the row being edited)."""
    # Imported on first use: start-up time (the GUI imports this before its first paint).
    from vetdesk.validation.checks import check_ten_measure

    kind = KINDS[entity]
    specs = MEASURE_FIELDS[entity]
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for spec in specs:
        value, problem = _parse(spec, raw.get(spec.name))
        if spec.kind == BOOL:
            value = bool(value)
        if spec.multi is not None:
            value = read_multi(spec.multi, str(value or ""))
        values[spec.name] = value
        if problem is not None:
            problems.append(problem)
    if not school_code:
        problems.append(Problem("", Severity.ERROR, _("请选择学校。")))
    if not any(p.is_error for p in problems):
        key = (school_code, *(values[n] for n in kind.natural_key))
        original_key = natural_key(entity, original) if original is not None else None
        if key in ctx.taken.get(entity, frozenset()) and key != original_key:
            where = kind.natural_key[0] if kind.natural_key else ""
            problems.append(Problem(where, Severity.ERROR, _(kind.duplicate)))
    if any(p.is_error for p in problems):
        return Draft(None, tuple(problems))
    row = kind.row_class()(school_code=school_code, **values)
    data = PeriodData(ctx.period, (), {}, (), (), **{kind.data_field: (row,)})
    form_fields = {s.name for s in specs}
    problems += _from_findings(check_ten_measure(data), form_fields)
    return Draft(row, tuple(problems))


# --- saving -----------------------------------------------------------------------------------


def _stored_row(session: Session, entity: str, stored: Any) -> MeasureRow:
    return stored_row(session, KINDS[entity].row_class(), stored)


def save_measure(
    db: Database,
    year: int,
    entity: str,
    row: MeasureRow,
    record_id: int | None = None,
    *,
    expected: MeasureRow | None = None,
) -> int:
    """Add a ten-measure record (or update the one with ``record_id``); return its id.

    ``expected``: the record as the user saw it; the update is refused if changed since.
    """
    kind = KINDS[entity]
    model = kind.model_class()
    with db.transaction() as session:
        period = _open_period(session, year)
        school = _school(session, row.school_code)
        if record_id is None:
            stored = model(school_id=school.id, period_id=period.id)
            session.add(stored)
        else:
            stored = session.get(model, record_id)
            if stored is None or stored.period_id != period.id:
                raise InputRejected(_("找不到要修改的记录。"), code="not_found")
            if expected is not None:
                require_unchanged(entity, _stored_row(session, entity, stored), expected)
            stored.school_id = school.id
        for f in fields(row)[1:]:
            setattr(stored, f.name, getattr(row, f.name))
        session.flush()
        return int(stored.id)


def delete_measure(
    db: Database, year: int, entity: str, record_id: int, *, expected: MeasureRow | None = None
) -> MeasureRow:
    """Remove a ten-measure record; return its row (for undo)."""
    model = KINDS[entity].model_class()
    with db.transaction() as session:
        period = _open_period(session, year)
        stored = session.get(model, record_id)
        if stored is None or stored.period_id != period.id:
            raise InputRejected(_("找不到要删除的记录。"), code="not_found")
        row = _stored_row(session, entity, stored)
        require_unchanged(entity, row, expected, deleting=True)
        session.delete(stored)
        return row


def draft_for(
    ctx: MeasureContext, entity: str, original: MeasureRow | None
) -> Callable[[Mapping[str, object], str | None], Draft[Any]]:
    """A form's drafter for one kind (the school comes from the form's school box)."""

    def drafter(raw: Mapping[str, object], school_code: str | None) -> Draft[Any]:
        return draft_measure(ctx, entity, school_code or "", raw, original=original)

    return drafter
