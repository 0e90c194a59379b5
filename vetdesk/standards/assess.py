"""Computing each school's indicators and 达标 verdict, and the unit's 达标 rate."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from vetdesk.domain.enums import Degree, DoubleTeacherLevel, Education, TeacherRole, Title
from vetdesk.domain.rows import ConditionRow, PeriodData, SchoolRow, TeacherRow
from vetdesk.i18n import N_, _
from vetdesk.standards.formula import evaluate
from vetdesk.standards.ruleset import Indicator, Rule, RuleSet

PASS = "pass"
FAIL = "fail"
INCOMPLETE = "incomplete"
NOT_APPLICABLE = "not_applicable"
EXCLUDED = "excluded"  # left out of the 达标 rate by the plan (附设中职班, founded 2022 or later)
# Verdicts that do not count in the 达标 rate's denominator.
NOT_COUNTED = frozenset({NOT_APPLICABLE, EXCLUDED})
# How each verdict reads (translate with vetdesk.i18n._ when shown).
VERDICT_LABELS = {
    PASS: N_("达标"),
    FAIL: N_("不达标"),
    INCOMPLETE: N_("数据不全"),
    NOT_APPLICABLE: N_("不适用"),
    EXCLUDED: N_("不计入达标率"),
}

_FULL_TIME_ROLES = {
    TeacherRole.GENERAL_COURSE,
    TeacherRole.SPECIALTY_COURSE,
    TeacherRole.PRACTICE_INSTRUCTOR,
}
_SPECIALTY_ROLES = {TeacherRole.SPECIALTY_COURSE, TeacherRole.PRACTICE_INSTRUCTOR}
_SENIOR_TITLES = {Title.FULL_SENIOR, Title.ASSOCIATE_SENIOR}
_POSTGRADUATE = {Education.DOCTORATE, Education.MASTER}
_POSTGRADUATE_DEGREES = {Degree.DOCTOR, Degree.MASTER}


def has_postgraduate_degree(teacher: TeacherRow) -> bool:
    """Whether a teacher holds a postgraduate degree (学位 硕士/博士).

    The 学位 decides when it is recorded: a 本科学历 teacher with a 硕士学位 counts, a
    硕士研究生学历 teacher without the degree does not. Rosters from before schema
    0005 have no 学位; there the highest education stands in for it (and the check
    asks 高职 schools to fill the degree in).
    """
    if teacher.degree:
        return teacher.degree in _POSTGRADUATE_DEGREES
    return teacher.education in _POSTGRADUATE


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
            counts["postgraduate_teachers"] += has_postgraduate_degree(t)
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
    return {
        "full_time_students": c.full_time_students if c else None,
        # No fallback to 全日制在校生: a blank 折合在校生 leaves the 高职 figures incomplete.
        "converted_students": c.converted_students if c else None,
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
        "practice_area_m2": c.practice_area_m2 if c else None,
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
        return format_value(self.indicator, self.value, self.rule)


@dataclass(frozen=True)
class SchoolAssessment:
    """A school's indicators and verdict for a period."""

    school: SchoolRow
    verdict: str
    results: tuple[IndicatorResult, ...]
    counts: Mapping[str, int]
    excluded_reason: str = ""  # why the school is left out of the 达标 rate

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
    schools_excluded: int = 0  # left out of the rate by the plan (not in schools_assessed)

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate reaches the target share (None when unknown)."""
        if self.rate is None or self.target_share is None:
            return None
        return self.rate >= self.target_share


def format_value(indicator: Indicator, value: Fraction | None, rule: Rule | None = None) -> str:
    """Display text of an indicator value; beside a rule, on the same side of it as the value.

    299.9999 万元 judged against ≥ 300 reads 299.99, never 300.00: where ordinary
    rounding would cross the threshold, the value is rounded toward its own side.
    """
    if value is None:
        return "—"
    if indicator.boolean:
        return "有" if value else "无"
    scale = 100 if indicator.percent else 1
    shown = rounded_beside(value, indicator.decimals, rule, scale)
    text = f"{float(shown * scale):.{indicator.decimals}f}"
    return f"{text}%" if indicator.percent else text


def rounded_beside(value: Fraction, decimals: int, rule: Rule | None, scale: int = 1) -> Fraction:
    """``value`` rounded to ``decimals`` (of ``value * scale``) without crossing ``rule``."""
    step = Fraction(1, 10**decimals * scale)
    shown = round(value / step) * step
    if rule is None or rule.passes(shown) == rule.passes(value):
        return shown
    # Round toward the value's own side of the threshold instead.
    toward = math.floor(value / step) if shown > value else math.ceil(value / step)
    return toward * step


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
    reason = exclusion_reason(ruleset, school)
    if reason and verdict != NOT_APPLICABLE:
        verdict = EXCLUDED
    return SchoolAssessment(school, verdict, tuple(results), counts, reason)


def exclusion_reason(ruleset: RuleSet, school: SchoolRow) -> str:
    """Why the plan leaves a school out of the 达标 rate (empty when it counts).

    The indicators are still computed and shown; only the verdict and the rate change.
    """
    scope = ruleset.raw.get("compliance_scope")
    if not isinstance(scope, Mapping) or school.level not in scope.get("levels", ()):
        return ""
    source = ruleset.sources.get(str(scope.get("source", "")))
    cite = source.citation() if source else ""
    if scope.get("exclude_attached_class") and school.attached_class:
        return _("附设中职班，按{src}不计入达标率。").format(src=cite)
    founded_from = scope.get("exclude_founded_from")
    founded = school.founded_year
    if founded_from is not None and founded is not None and founded >= int(founded_from):
        return _(
            "{year} 年新设学校，按{src}（{from_}年及以后新设学校不计入）不计入达标率。"
        ).format(year=founded, src=cite, from_=founded_from)
    return ""


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
    assessments = list(assessments)
    verdicts = [a.verdict for a in assessments if a.verdict not in NOT_COUNTED]
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
        schools_excluded=sum(a.verdict == EXCLUDED for a in assessments),
    )
