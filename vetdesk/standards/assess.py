"""Computing each school's indicators and 达标 verdict, and the unit's 达标 rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from vetdesk.domain.enums import DoubleTeacherLevel, Education, TeacherRole, Title
from vetdesk.domain.rows import ConditionRow, PeriodData, SchoolRow, TeacherRow
from vetdesk.i18n import N_
from vetdesk.standards.formula import evaluate
from vetdesk.standards.ruleset import Indicator, Rule, RuleSet

PASS = "pass"
FAIL = "fail"
INCOMPLETE = "incomplete"
NOT_APPLICABLE = "not_applicable"
# How each verdict reads (translate with vetdesk.i18n._ when shown).
VERDICT_LABELS = {
    PASS: N_("达标"),
    FAIL: N_("不达标"),
    INCOMPLETE: N_("数据不全"),
    NOT_APPLICABLE: N_("不适用"),
}

_FULL_TIME_ROLES = {
    TeacherRole.GENERAL_COURSE,
    TeacherRole.SPECIALTY_COURSE,
    TeacherRole.PRACTICE_INSTRUCTOR,
}
_SPECIALTY_ROLES = {TeacherRole.SPECIALTY_COURSE, TeacherRole.PRACTICE_INSTRUCTOR}
_SENIOR_TITLES = {Title.FULL_SENIOR, Title.ASSOCIATE_SENIOR}
_POSTGRADUATE = {Education.DOCTORATE, Education.MASTER}


def teacher_counts(teachers: Iterable[TeacherRow]) -> dict[str, int]:
    """The teacher counts the indicators use, derived from the roster (never typed twice)."""
    counts = dict.fromkeys(
        (
            "full_time_teachers",
            "specialty_teachers",
            "double_qualified_teachers",
            "part_time_teachers",
            "senior_title_teachers",
            "postgraduate_teachers",
            "double_qualified_part_time",
        ),
        0,
    )
    for t in teachers:
        qualified = t.double_teacher_level != DoubleTeacherLevel.NONE
        if t.role in _FULL_TIME_ROLES:
            counts["full_time_teachers"] += 1
            counts["senior_title_teachers"] += t.title in _SENIOR_TITLES
            counts["postgraduate_teachers"] += t.education in _POSTGRADUATE
        if t.role in _SPECIALTY_ROLES:
            counts["specialty_teachers"] += 1
            counts["double_qualified_teachers"] += qualified
        if t.role == TeacherRole.INDUSTRY_PART_TIME:
            counts["part_time_teachers"] += 1
            counts["double_qualified_part_time"] += qualified
    return counts


def formula_inputs(
    condition: ConditionRow | None, counts: Mapping[str, int]
) -> dict[str, int | None]:
    """The named inputs the rule-set formulas may use."""
    c = condition
    track = None if c is None or c.has_running_track is None else int(c.has_running_track)
    converted = None
    if c is not None:
        converted = (
            c.converted_students if c.converted_students is not None else c.full_time_students
        )
    return {
        "full_time_students": c.full_time_students if c else None,
        "converted_students": converted,
        "land_area_m2": c.land_area_m2 if c else None,
        "building_area_m2": c.building_area_m2 if c else None,
        "teaching_admin_area_m2": c.teaching_admin_area_m2 if c else None,
        "dormitory_area_m2": c.dormitory_area_m2 if c else None,
        "equipment_value_yuan": c.equipment_value_yuan if c else None,
        "books": c.books if c else None,
        "teaching_computers": c.teaching_computers if c else None,
        "training_places": c.training_places if c else None,
        "majors_count": c.majors_count if c else None,
        "has_running_track": track,
        **counts,
    }


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of one school, with the rule it was judged by (if any)."""

    indicator: Indicator
    value: Fraction | None
    rule: Rule | None
    passed: bool | None

    def value_text(self) -> str:
        """The value rounded for display (percentages as percent)."""
        return format_value(self.indicator, self.value)


@dataclass(frozen=True)
class SchoolAssessment:
    """A school's indicators and verdict for a period."""

    school: SchoolRow
    verdict: str
    results: tuple[IndicatorResult, ...]
    counts: Mapping[str, int]

    @property
    def failing(self) -> list[IndicatorResult]:
        """The compliance indicators that fail."""
        return [
            r
            for r in self.results
            if r.rule is not None and r.rule.purpose == "compliance" and r.passed is False
        ]

    @property
    def missing(self) -> list[IndicatorResult]:
        """The compliance indicators that cannot be computed."""
        return [
            r
            for r in self.results
            if r.rule is not None and r.rule.purpose == "compliance" and r.value is None
        ]

    @property
    def warnings(self) -> list[IndicatorResult]:
        """The 设置标准-type rules that are not met."""
        return [
            r
            for r in self.results
            if r.rule is not None and r.rule.purpose == "warning" and r.passed is False
        ]


@dataclass(frozen=True)
class UnitSummary:
    """The 达标 rate of the schools assessed, against the target in force."""

    schools_assessed: int
    schools_passing: int
    schools_failing: int
    schools_incomplete: int
    rate: Fraction | None
    target_share: Fraction | None
    target_date: dt.date | None

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate reaches the target share (None when unknown)."""
        if self.rate is None or self.target_share is None:
            return None
        return self.rate >= self.target_share


def format_value(indicator: Indicator, value: Fraction | None) -> str:
    """Display text of an indicator value."""
    if value is None:
        return "—"
    if indicator.boolean:
        return "有" if value else "无"
    shown = value * 100 if indicator.percent else value
    text = f"{float(round(shown, indicator.decimals)):.{indicator.decimals}f}"
    return f"{text}%" if indicator.percent else text


def threshold_text(indicator: Indicator, rule: Rule) -> str:
    """Display text of a rule's threshold, e.g. '≥ 30%'."""
    symbols = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
    if rule.comparator == "between":
        assert rule.threshold_high is not None
        return f"{_threshold_value(indicator, rule.threshold)}–{_threshold_value(indicator, rule.threshold_high)}"
    if indicator.boolean:
        return "有"
    return f"{symbols[rule.comparator]} {_threshold_value(indicator, rule.threshold)}"


def _threshold_value(indicator: Indicator, value: Fraction) -> str:
    # Thresholds are shown as written in the standard (20, not 20.00).
    shown = value * 100 if indicator.percent else value
    text = str(shown.numerator) if shown.denominator == 1 else f"{float(shown):g}"
    return f"{text}%" if indicator.percent else text


def assess_school(
    ruleset: RuleSet,
    school: SchoolRow,
    condition: ConditionRow | None,
    teachers: Iterable[TeacherRow],
) -> SchoolAssessment:
    """Compute a school's indicators and its 达标 verdict."""
    counts = teacher_counts(teachers)
    inputs = formula_inputs(condition, counts)
    rules = ruleset.rules_for(school.level, school.category)
    results: list[IndicatorResult] = []
    judged: set[str] = set()
    for rule in rules:
        indicator = ruleset.indicators[rule.indicator]
        value = evaluate(indicator.formula, inputs)
        passed = None if value is None else rule.passes(value)
        results.append(IndicatorResult(indicator, value, rule, passed))
        judged.add(indicator.id)
    compliance = [r for r in results if r.rule is not None and r.rule.purpose == "compliance"]
    if not compliance:
        verdict = NOT_APPLICABLE
    elif any(r.passed is False for r in compliance):
        verdict = FAIL
    elif any(r.passed is None for r in compliance):
        verdict = INCOMPLETE
    else:
        verdict = PASS
    return SchoolAssessment(school, verdict, tuple(results), counts)


def assess_period(ruleset: RuleSet, data: PeriodData) -> list[SchoolAssessment]:
    """Assess every active school of the period."""
    grouped = data.teachers_by_school()
    return [
        assess_school(
            ruleset,
            school,
            data.conditions.get(school.school_code),
            grouped.get(school.school_code, []),
        )
        for school in data.schools
        if school.active
    ]


def summarise(
    ruleset: RuleSet, assessments: Iterable[SchoolAssessment], statistics_date: dt.date
) -> UnitSummary:
    """The 达标 rate over the assessed schools and the target that applies on a date."""
    verdicts = [a.verdict for a in assessments if a.verdict != NOT_APPLICABLE]
    passing = verdicts.count(PASS)
    rate = Fraction(passing, len(verdicts)) if verdicts else None
    target = ruleset.target_for(statistics_date)
    return UnitSummary(
        schools_assessed=len(verdicts),
        schools_passing=passing,
        schools_failing=verdicts.count(FAIL),
        schools_incomplete=verdicts.count(INCOMPLETE),
        rate=rate,
        target_share=target.share if target else None,
        target_date=target.date if target else None,
    )
