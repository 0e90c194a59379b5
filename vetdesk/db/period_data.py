"""Reading a period's data from the database as the plain rows of :mod:`vetdesk.domain.rows`, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.location import session_db_argument
from vetdesk.domain.rows import (
    BaseRow,
    ConditionRow,
    DestinationRow,
    EnterpriseRow,
    MajorRow,
    PeriodData,
    PeriodInfo,
    PilotRow,
    PracticeRow,
    SchoolRow,
    TeacherRow,
    TrainingRow,
)
from vetdesk.errors import InputRejected
from vetdesk.i18n import _

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
                "数据库中没有 {year} 年度的统计期。请先新建：vetdesk period add --db {db} --period {year}"
                "（图形界面：文件 → 新建统计期）。"
            )
            if own is not None and own.role == "city"
            else _(
                "数据库中没有 {year} 年度的统计期。请先导入市局的任务包，或新建："
                "vetdesk period add --db {db} --period {year}（图形界面：文件 → 新建统计期）。"
            )
        )
        raise InputRejected(
            message.format(year=year, db=session_db_argument(session)), code="no_period"
        )
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
