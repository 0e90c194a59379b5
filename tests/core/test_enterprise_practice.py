"""《职业学校教师企业实践规定》第四条: five years to the statistics date, calendar months, 先实践再上岗."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from tests.core.builders import condition, period_data, roster, school, teacher
from vetdesk.domain.rows import PracticeRow
from vetdesk.standards.assess import assess_period
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.validation.checks import (
    calendar_months,
    practice_months,
    practice_window,
    validate_period,
)
from vetdesk.validation.findings import teacher_key

RULE = "QYSJ2016/enterprise_practice"
NEW_TEACHER_RULE = "QYSJ2016/practice_before_post"


def _findings(t):  # type: ignore[no-untyped-def]
    data = period_data([school()], [condition()], [*roster(), t])
    ruleset = load_default_ruleset()
    found = validate_period(ruleset, data, assess_period(ruleset, data), {"630223"})
    return [f for f in found if f.record_key == teacher_key(t.school_code, t.id_number)]


def test_the_window_is_exactly_five_years_ending_on_the_statistics_date():
    start, end = practice_window(dt.date(2025, 12, 31), 5)
    assert (start, end) == (dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    t = teacher(practices=(PracticeRow("甲", dt.date(2020, 12, 1), dt.date(2021, 5, 31)),))
    assert practice_months(t, start, end) == 5


def test_months_are_calendar_months_not_30_day_blocks():
    assert calendar_months(dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == 6
    assert calendar_months(dt.date(2025, 2, 1), dt.date(2025, 2, 28)) == 1
    assert calendar_months(dt.date(2025, 1, 15), dt.date(2025, 2, 14)) == 1
    # 180 days are six 30-day blocks but not six calendar months
    short = calendar_months(dt.date(2025, 1, 1), dt.date(2025, 6, 29))
    assert short == 5 + Fraction(29, 30)
    t = teacher(practices=(PracticeRow("甲", dt.date(2025, 1, 1), dt.date(2025, 6, 29)),))
    warned = [f for f in _findings(t) if f.rule == RULE]
    assert len(warned) == 1 and "5.97" not in warned[0].message and "6.0" not in warned[0].message
    enough = teacher(practices=(PracticeRow("甲", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),))
    assert not [f for f in _findings(enough) if f.rule == RULE]


def test_overlapping_stretches_count_once():
    t = teacher(
        practices=(
            PracticeRow("甲", dt.date(2024, 1, 1), dt.date(2024, 4, 30)),
            PracticeRow("乙", dt.date(2024, 3, 1), dt.date(2024, 6, 30)),
        )
    )
    assert practice_months(t, dt.date(2021, 1, 1), dt.date(2025, 12, 31)) == 6


def test_a_new_teacher_without_enterprise_experience_is_asked_to_practise_first():
    hired = dt.date(2025, 9, 1)
    none = teacher(practices=(), hired_date=hired)
    found = [f for f in _findings(none) if f.rule in (RULE, NEW_TEACHER_RULE)]
    assert [f.rule for f in found] == [NEW_TEACHER_RULE]
    assert "先实践再上岗" in found[0].message and "教师〔2016〕3号" in found[0].message
    before = teacher(
        practices=(PracticeRow("甲", dt.date(2025, 3, 1), dt.date(2025, 6, 30)),), hired_date=hired
    )
    assert not [f for f in _findings(before) if f.rule in (RULE, NEW_TEACHER_RULE)]
