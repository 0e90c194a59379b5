"""Indicators and 达标 verdicts for hand-worked schools."""

from fractions import Fraction

import pytest
from builders import condition, roster, school, teacher

from vetdesk.standards.assess import (
    FAIL,
    INCOMPLETE,
    PASS,
    assess_school,
    summarise,
    teacher_counts,
)
from vetdesk.standards.ruleset import load_default_ruleset

RULES = load_default_ruleset()


def values(assessment):
    return {r.indicator.id: r.value for r in assessment.results}


def test_school_exactly_at_every_threshold_passes():
    # 1 200 students, 60 full-time teachers: 40 000 m² land (33.3 m²/student),
    # 24 000 m² buildings (20 m²/student), ratio 20, 300 万元 (2 500 元/student), 30 books/student.
    a = assess_school(RULES, school(), condition(), roster(general=30, specialty=30))
    v = values(a)
    assert v["land_area"] == 40000
    assert v["land_per_student"] == Fraction(100, 3)
    assert v["building_per_student"] == 20
    assert v["full_time_teachers"] == 60
    assert v["student_teacher_ratio"] == 20
    assert v["equipment_value"] == 300
    assert v["equipment_per_student"] == 2500
    assert v["books_per_student"] == 30
    assert a.verdict == PASS
    assert a.failing == []


@pytest.mark.parametrize(
    ("change", "failing_rule"),
    [
        ({"land_area_m2": 39999}, "JCC2022-5/land_area"),
        (
            {
                "full_time_students": 1213,
                "land_area_m2": 40000,
                "building_area_m2": 30000,
                "equipment_value_yuan": 4_000_000,
                "books": 40000,
            },
            "JCC2022-5/land_per_student",
        ),
        (
            {"building_area_m2": 23999, "full_time_students": 1199, "books": 36000},
            "JCC2022-5/building_area",
        ),
        (
            {"equipment_value_yuan": 2_999_999, "full_time_students": 1199},
            "JCC2022-5/equipment_value",
        ),
        ({"books": 35999}, "JCC2022-5/books_per_student"),
    ],
)
def test_each_condition_indicator_fails_alone(change, failing_rule):
    a = assess_school(RULES, school(), condition(**change), roster(general=31, specialty=30))
    assert a.verdict == FAIL
    assert [r.rule.id for r in a.failing] == [failing_rule]


def test_teacher_indicators_fail_from_roster():
    # 59 full-time teachers: fails the head-count and the 1:20 ratio (1200/59 > 20).
    a = assess_school(RULES, school(), condition(), roster(general=29, specialty=30))
    assert {r.rule.id for r in a.failing} == {
        "JCC2022-5/full_time_teachers",
        "JCC2022-5/student_teacher_ratio",
    }


def test_missing_figures_make_the_verdict_incomplete_not_failed():
    a = assess_school(RULES, school(), condition(books=None), roster())
    assert a.verdict == INCOMPLETE
    assert [r.rule.id for r in a.missing] == ["JCC2022-5/books_per_student"]
    b = assess_school(RULES, school(), None, roster())
    assert b.verdict == INCOMPLETE


def test_teacher_counts_are_derived_from_the_roster():
    rows = roster(general=10, specialty=8, part_time=3, double=5, senior=4)
    rows.append(teacher(role="practice_instructor", double_teacher_level="junior"))
    counts = teacher_counts(rows)
    assert counts["full_time_teachers"] == 19
    assert counts["specialty_teachers"] == 9
    assert counts["double_qualified_teachers"] == 6
    assert counts["part_time_teachers"] == 3
    assert counts["senior_title_teachers"] == 4


def test_setting_standard_warnings_share_of_double_qualified():
    # 9 of 30 specialty teachers = 30 % exactly passes; 8 of 30 fails.
    ok = assess_school(RULES, school(), condition(), roster(double=9))
    low = assess_school(RULES, school(), condition(), roster(double=8))
    assert "JCC2010-12/double_qualified_share" not in {r.rule.id for r in ok.warnings}
    assert "JCC2010-12/double_qualified_share" in {r.rule.id for r in low.warnings}
    assert low.verdict == PASS  # 设置标准 rules are warnings, not 达标 failures


def test_technician_school_uses_its_own_thresholds():
    s = school(level="technician", category="technician")
    figures = condition(
        land_area_m2=30000,
        building_area_m2=18000,
        full_time_students=900,
        practice_area_m2=5000,
        training_places=900,
    )
    # 45 full-time teachers for 900 students: 20 : 1, at the 技工学校 limit
    a = assess_school(RULES, s, figures, roster(general=20, specialty=25))
    assert a.verdict == PASS
    assert {r.rule.source for r in a.results if r.rule.purpose == "compliance"} == {"RSB2012-8"}


def test_higher_vocational_uses_2004_rows_and_converted_students():
    s = school("4163000001", level="higher", category="higher_engineering")
    cond = condition(
        "4163000001",
        full_time_students=3000,
        converted_students=3600,
        teaching_admin_area_m2=48000,
        equipment_value_yuan=14_400_000,
        books=216000,
    )
    rows = roster("4163000001", general=100, specialty=90, part_time=20)
    rows = [
        t if i >= 30 else t.__class__(**{**t.__dict__, "education": "master"})
        for i, t in enumerate(rows)
    ]
    a = assess_school(RULES, s, cond, rows)
    v = values(a)
    assert v["hv_student_teacher_ratio"] == Fraction(3600, 200)  # 专任 190 + 0.5 × 20 兼职
    assert v["hv_equipment_per_student"] == 4000
    assert v["hv_books_per_student"] == 60
    assert v["hv_teaching_admin_per_student"] == 16
    assert a.verdict == PASS


def test_rate_against_the_target_for_the_statistics_date():
    import datetime as dt

    passing = assess_school(
        RULES, school("3663230001"), condition("3663230001"), roster("3663230001")
    )
    failing = assess_school(
        RULES, school("3663230002"), condition("3663230002", books=1), roster("3663230002")
    )
    summary = summarise(RULES, [passing, passing, failing], dt.date(2025, 12, 31))
    assert summary.rate == Fraction(2, 3)
    assert summary.target_share == Fraction(9, 10)
    assert summary.meets_target is False
    early = summarise(RULES, [passing], dt.date(2023, 6, 30))
    assert early.target_share == Fraction(8, 10)
