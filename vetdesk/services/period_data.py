"""A period's data as plain, immutable rows, read in a few queries.

Checks, exports and the GUI's table models all work on these rows rather than on
live ORM objects, so they never trigger lazy loads and can cross threads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.errors import InputRejected
from vetdesk.i18n import _


@dataclass(frozen=True)
class SchoolRow:
    """A school of the registry."""

    school_code: str
    name: str
    county_code: str
    level: str
    category: str
    ownership: str
    credit_code: str | None
    address: str | None
    contact_person: str | None
    contact_phone: str | None
    active: bool


@dataclass(frozen=True)
class ConditionRow:
    """A school's condition figures for the period."""

    school_code: str
    full_time_students: int | None
    converted_students: int | None
    land_area_m2: int | None
    building_area_m2: int | None
    teaching_admin_area_m2: int | None
    dormitory_area_m2: int | None
    equipment_value_yuan: int | None
    books: int | None
    teaching_computers: int | None
    training_places: int | None
    majors_count: int | None
    has_running_track: bool | None


@dataclass(frozen=True)
class PracticeRow:
    """One enterprise-practice stretch of a teacher."""

    enterprise: str
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class TeacherRow:
    """A teacher in the period's roster."""

    school_code: str
    name: str
    id_number: str
    role: str
    education: str
    title: str
    double_teacher_level: str
    double_teacher_date: dt.date | None
    double_teacher_body: str | None
    honours: str | None
    hired_date: dt.date | None
    practices: tuple[PracticeRow, ...] = ()


@dataclass(frozen=True)
class TrainingRow:
    """A training programme of the period."""

    school_code: str
    name: str
    category: str
    target_group: str
    start_date: dt.date
    end_date: dt.date
    hours: int
    enrolled: int
    completed: int
    certified: int
    funding_yuan: int | None
    funding_source: str | None
    partner_enterprise: str | None


@dataclass(frozen=True)
class MajorRow:
    """A major of a school."""

    school_code: str
    major_code: str
    name: str
    status: str
    status_year: int | None
    brand: bool
    double_excellent: bool
    agriculture: bool
    enrolment: int | None


@dataclass(frozen=True)
class EnterpriseRow:
    """A cooperating enterprise of a school."""

    school_code: str
    name: str
    credit_code: str | None
    industry: str | None
    forms: str
    since_year: int | None


@dataclass(frozen=True)
class PilotRow:
    """A 1+X certificate pilot of a school."""

    school_code: str
    certificate: str
    level: str
    candidates: int
    certified: int


@dataclass(frozen=True)
class DestinationRow:
    """Graduate destinations of a school."""

    school_code: str
    graduates: int
    employed: int
    further_study: int


@dataclass(frozen=True)
class BaseRow:
    """A practice centre, virtual-simulation base or studio of a school."""

    school_code: str
    name: str
    kind: str
    status: str
    year: int | None


@dataclass(frozen=True)
class PeriodInfo:
    """The period itself."""

    year: int
    statistics_date: dt.date
    deadline: dt.date | None
    state: str


@dataclass(frozen=True)
class PeriodData:
    """Everything recorded for one period."""

    period: PeriodInfo
    schools: tuple[SchoolRow, ...]
    conditions: dict[str, ConditionRow]
    teachers: tuple[TeacherRow, ...]
    trainings: tuple[TrainingRow, ...]
    majors: tuple[MajorRow, ...] = ()
    enterprises: tuple[EnterpriseRow, ...] = ()
    pilots: tuple[PilotRow, ...] = ()
    destinations: tuple[DestinationRow, ...] = ()
    bases: tuple[BaseRow, ...] = ()

    def teachers_by_school(self) -> dict[str, list[TeacherRow]]:
        """The roster grouped by school code."""
        grouped: dict[str, list[TeacherRow]] = defaultdict(list)
        for teacher in self.teachers:
            grouped[teacher.school_code].append(teacher)
        return grouped


RowT = TypeVar("RowT")


def _copy(row_type: type[RowT], obj: object, **extra: object) -> RowT:
    names = [f.name for f in fields(row_type) if f.name not in extra]  # type: ignore[arg-type]
    return row_type(**{n: getattr(obj, n) for n in names}, **extra)


def get_period(session: Session, year: int) -> models.Period:
    """Return the period of a year or raise a user-facing error."""
    period = session.scalar(select(models.Period).where(models.Period.year == year))
    if period is None:
        # The city issues task packages, it never imports one: only a county is told to.
        own = session.get(models.DatabaseInfo, 1)
        message = (
            _(
                "数据库中没有 {year} 年度的统计期。请先新建：vetdesk period add --period {year}"
                "（图形界面：文件 → 新建统计期）。"
            )
            if own is not None and own.role == "city"
            else _(
                "数据库中没有 {year} 年度的统计期。请先导入市局的任务包，或新建："
                "vetdesk period add --period {year}（图形界面：文件 → 新建统计期）。"
            )
        )
        raise InputRejected(message.format(year=year), code="no_period")
    return period


def period_info(period: models.Period) -> PeriodInfo:
    """Plain copy of a period."""
    return PeriodInfo(period.year, period.statistics_date, period.deadline, period.state)


def load_schools(session: Session, *, active_only: bool = False) -> tuple[SchoolRow, ...]:
    """All schools of the registry, ordered by county and code."""
    stmt = select(models.School).order_by(models.School.county_code, models.School.school_code)
    if active_only:
        stmt = stmt.where(models.School.active.is_(True))
    return tuple(_copy(SchoolRow, s) for s in session.scalars(stmt))


def load_period_data(session: Session, year: int) -> PeriodData:
    """Read one period's data as plain rows (a handful of queries, however large)."""
    period = get_period(session, year)
    code_of = dict(session.execute(select(models.School.id, models.School.school_code)).all())
    schools = load_schools(session)
    conditions = {
        code_of[c.school_id]: _copy(ConditionRow, c, school_code=code_of[c.school_id])
        for c in session.scalars(
            select(models.SchoolCondition).where(models.SchoolCondition.period_id == period.id)
        )
    }
    practices: dict[int, list[PracticeRow]] = defaultdict(list)
    practice_stmt = (
        select(models.EnterprisePractice)
        .join(models.Teacher)
        .where(models.Teacher.period_id == period.id)
        .order_by(models.EnterprisePractice.start_date)
    )
    for p in session.scalars(practice_stmt):
        practices[p.teacher_id].append(PracticeRow(p.enterprise, p.start_date, p.end_date))
    teachers = tuple(
        _copy(TeacherRow, t, school_code=code_of[t.school_id], practices=tuple(practices[t.id]))
        for t in session.scalars(
            select(models.Teacher)
            .where(models.Teacher.period_id == period.id)
            .order_by(models.Teacher.school_id, models.Teacher.id)
        )
    )
    trainings = tuple(
        _copy(TrainingRow, t, school_code=code_of[t.school_id])
        for t in session.scalars(
            select(models.TrainingProgramme)
            .where(models.TrainingProgramme.period_id == period.id)
            .order_by(models.TrainingProgramme.school_id, models.TrainingProgramme.id)
        )
    )
    return PeriodData(
        period_info(period),
        schools,
        conditions,
        teachers,
        trainings,
        majors=_load_simple(session, models.Major, MajorRow, period.id, code_of),
        enterprises=_load_simple(
            session, models.CooperatingEnterprise, EnterpriseRow, period.id, code_of
        ),
        pilots=_load_simple(session, models.CertificatePilot, PilotRow, period.id, code_of),
        destinations=_load_simple(
            session, models.GraduateDestination, DestinationRow, period.id, code_of
        ),
        bases=_load_simple(session, models.TrainingBase, BaseRow, period.id, code_of),
    )


def _load_simple(
    session: Session, model: Any, row_type: type[RowT], period_id: int, code_of: dict[int, str]
) -> tuple[RowT, ...]:
    rows = session.scalars(
        select(model).where(model.period_id == period_id).order_by(model.school_id, model.id)
    )
    return tuple(_copy(row_type, r, school_code=code_of[r.school_id]) for r in rows)
