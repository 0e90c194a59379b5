"""A period's data as plain, immutable rows (read by :mod:`vetdesk.db.period_data`).

Checks, exports and the GUI's table models all work on these rows rather than on
live ORM objects, so they never trigger lazy loads and can cross threads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass


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
