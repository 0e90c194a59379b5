"""Small builders of plain rows for hand-worked tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.domain.rows import (
    ConditionRow,
    PeriodData,
    PeriodInfo,
    PracticeRow,
    SchoolRow,
    TeacherRow,
    TrainingRow,
)

STAT_DATE = dt.date(2025, 12, 31)


def school(code: str = "3663230001", **kw: object) -> SchoolRow:
    base = SchoolRow(
        school_code=code,
        name="测试职业学校",
        county_code="630223",
        level="secondary",
        category="general",
        ownership="public",
        credit_code=None,
        address=None,
        contact_person=None,
        contact_phone=None,
        active=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def condition(code: str = "3663230001", **kw: object) -> ConditionRow:
    """A school exactly at every 一般类 threshold with 1 200 students."""
    base = ConditionRow(
        school_code=code,
        full_time_students=1200,
        converted_students=None,
        land_area_m2=40000,
        building_area_m2=24000,
        teaching_admin_area_m2=None,
        dormitory_area_m2=None,
        equipment_value_yuan=3_000_000,
        books=36000,
        teaching_computers=150,
        training_places=1000,
        majors_count=8,
        has_running_track=True,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


_seq = iter(range(10**6))


def teacher(code: str = "3663230001", role: str = "specialty_course", **kw: object) -> TeacherRow:
    n = next(_seq)
    birth = dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28)
    base = TeacherRow(
        school_code=code,
        name=f"教师{n}",
        id_number=generate_id_number("630223", birth, n % 100, "男"),
        role=role,
        education="bachelor",
        title="intermediate",
        double_teacher_level="none",
        double_teacher_date=None,
        double_teacher_body=None,
        honours=None,
        hired_date=dt.date(2010, 9, 1),
        practices=(PracticeRow("某企业", dt.date(2023, 1, 1), dt.date(2023, 7, 31)),),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def roster(
    code: str = "3663230001",
    *,
    general: int = 30,
    specialty: int = 30,
    part_time: int = 12,
    double: int = 9,
    senior: int = 12,
) -> list[TeacherRow]:
    rows = []
    for i in range(general):
        rows.append(
            teacher(
                code, "general_course", title="associate_senior" if i < senior else "intermediate"
            )
        )
    for i in range(specialty):
        rows.append(
            teacher(
                code,
                "specialty_course",
                double_teacher_level="intermediate" if i < double else "none",
                double_teacher_date=dt.date(2024, 5, 1) if i < double else None,
                double_teacher_body="青海省教育厅" if i < double else None,
            )
        )
    for _ in range(part_time):
        rows.append(teacher(code, "industry_part_time", practices=()))
    return rows


def training(code: str = "3663230001", **kw: object) -> TrainingRow:
    base = TrainingRow(
        school_code=code,
        name="焊工培训",
        category="subsidised",
        target_group="rural_migrant",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 20),
        hours=40,
        enrolled=50,
        completed=48,
        certified=40,
        funding_yuan=25000,
        funding_source="县级财政",
        partner_enterprise=None,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def period_data(
    schools: list[SchoolRow],
    conditions: list[ConditionRow],
    teachers: list[TeacherRow],
    trainings: list[TrainingRow] | None = None,
    year: int = 2025,
) -> PeriodData:
    return PeriodData(
        period=PeriodInfo(year, dt.date(year, 12, 31), None, "open"),
        schools=tuple(schools),
        conditions={c.school_code: c for c in conditions},
        teachers=tuple(teachers),
        trainings=tuple(trainings or []),
    )
