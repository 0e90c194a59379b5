"""A displayed value never contradicts its verdict (no "300.00 ≥ 300 不符合")."""

from __future__ import annotations

from fractions import Fraction

from tests.core.builders import condition, roster, school
from vetdesk.standards.assess import assess_school, format_value, rounded_beside
from vetdesk.standards.ruleset import load_default_ruleset

RULESET = load_default_ruleset()


def _result(rule_id: str, **figures: object):  # type: ignore[no-untyped-def]
    assessment = assess_school(RULESET, school(), condition(**figures), roster())
    return next(r for r in assessment.results if r.rule is not None and r.rule.id == rule_id)


def test_just_below_a_minimum_never_reads_as_the_minimum():
    result = _result("JCC2022-5/equipment_value", equipment_value_yuan=2_999_999)
    assert result.passed is False
    assert result.value_text() == "299.99"  # 299.9999 万元; ordinary rounding said 300.00
    at = _result("JCC2022-5/equipment_value", equipment_value_yuan=3_000_000)
    assert at.passed is True and at.value_text() == "300.00"


def test_just_above_a_maximum_never_reads_as_the_maximum():
    # 1 200.1 students are impossible, but 24 001 students for 1 200 teachers is 20.0008 : 1
    assessment = assess_school(
        RULESET,
        school(),
        condition(
            full_time_students=24001,
            land_area_m2=10**6,
            building_area_m2=10**6,
            equipment_value_yuan=10**9,
            books=10**6,
        ),
        roster(general=600, specialty=600),
    )
    result = next(
        r for r in assessment.results if r.rule and r.rule.indicator == "student_teacher_ratio"
    )
    assert result.passed is False and result.value_text() == "20.01"


def test_every_displayed_value_sits_on_its_verdicts_side():
    for rule in RULESET.rules:
        indicator = RULESET.indicators[rule.indicator]
        if indicator.boolean:
            continue
        scale = 100 if indicator.percent else 1
        for delta in (Fraction(-1, 10**6), Fraction(1, 10**6)):
            for edge in (rule.threshold, rule.threshold_high):
                if edge is None:
                    continue
                value = edge + delta / scale
                shown = rounded_beside(value, indicator.decimals, rule, scale)
                assert rule.passes(shown) == rule.passes(value), (rule.id, value, shown)
                text = format_value(indicator, value, rule)
                assert text.rstrip("%") == f"{float(shown * scale):.{indicator.decimals}f}"
