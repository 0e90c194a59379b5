"""Setting an office up: its reporting periods and its school registry, for the CLI and GUI.

A fresh database has neither; these are the first steps a county or the city takes
before templates, imports and task packages make sense. School input is read and
checked by the same rules as the GUI's school form (:func:`records.draft_school_in`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from vetdesk.domain.enums import LabelledEnum, Ownership, SchoolCategory, SchoolLevel
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.services.records import Draft, draft_school_in, form_values, save_school

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.domain.rows import PeriodInfo, SchoolRow

# Choice fields of the registry and the enumeration their input is read with.
_ENUM_FIELDS: dict[str, type[LabelledEnum]] = {
    "level": SchoolLevel,
    "category": SchoolCategory,
    "ownership": Ownership,
}


def add_period(db: Database, year: int, statistics_date: dt.date | None = None) -> PeriodInfo:
    """Create the period of a year (open for entry); refuse one that already exists."""
    from sqlalchemy import select

    from vetdesk.db import models
    from vetdesk.db.period_data import period_info
    from vetdesk.db.periods import ensure_period

    with db.transaction() as session:
        if session.scalar(select(models.Period.id).where(models.Period.year == year)):
            raise InputRejected(
                _("{year} 年度的统计期已经存在。").format(year=year), code="period_exists"
            )
        return period_info(ensure_period(session, year, statistics_date))


def list_schools(db: Database) -> tuple[SchoolRow, ...]:
    """Every school of the registry, active or not, by county and code."""
    from vetdesk.db.period_data import load_schools

    with db.session() as session:
        return load_schools(session)


def school_input(raw: Mapping[str, str | None]) -> dict[str, object]:
    """Typed command-line input as form values: labels such as 中职 or 互助县 become codes."""
    values: dict[str, object] = {}
    for name, text in raw.items():
        if text is None:
            continue
        value: object = text
        enum_type = _ENUM_FIELDS.get(name)
        if enum_type is not None:
            member = enum_type.from_text(text)
            value = member.value if member is not None else text
        elif name == "county_code":
            value = _county_code(text)
        values[name] = value
    return values


def _county_code(text: str) -> str:
    cleaned = text.strip()
    units = load_units().all_units()
    for unit in units:
        if cleaned.casefold() in (unit.code, unit.name, unit.name_en.casefold()):
            return unit.code
    # People write 互助县 for 互助土族自治县: a unique match on the name without its suffix.
    stem = cleaned.rstrip("县区市")
    matches = [u.code for u in units if stem and u.name.startswith(stem)]
    return matches[0] if len(matches) == 1 else cleaned


def default_county(db: Database) -> str | None:
    """The county a new school belongs to when none is given: a county office's own."""
    info = db.info()
    return None if info.is_city else info.unit_code


def register_school(db: Database, raw: Mapping[str, object]) -> Draft[SchoolRow]:
    """Check a new school's entry and, if it has no error, add it to the registry."""
    codes = {s.school_code for s in list_schools(db)}
    draft = draft_school_in(codes, db.unit_codes(), raw)
    if draft.ok and draft.row is not None:
        save_school(db, draft.row)
    return draft


def edit_school(db: Database, code: str, changes: Mapping[str, object]) -> Draft[SchoolRow]:
    """Change the given fields of a registered school (the others stay) if the result is valid."""
    schools = {s.school_code: s for s in list_schools(db)}
    current = schools.get(code)
    if current is None:
        raise InputRejected(
            _(
                "学校名录中没有标识码为 {code} 的学校（用 vetdesk school list --db {db} 查看已登记的学校）。"
            ).format(code=code, db=db.argument),
            code="not_found",
        )
    raw = {**form_values(current), **changes}
    draft = draft_school_in(schools, db.unit_codes(), raw, original_code=code)
    if draft.ok and draft.row is not None:
        save_school(db, draft.row, original_code=code)
    return draft


def school_fields(row: SchoolRow) -> dict[str, object]:
    """A stored school as plain values (for ``--json``)."""
    return {f.name: getattr(row, f.name) for f in fields(row)}
