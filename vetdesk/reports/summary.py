"""The figures reports and charts show, computed exactly from a database and a year (Qt-free).

Everything here is plain frozen data built from :func:`vetdesk.validation.check.run_check`
and :func:`vetdesk.db.period_data.load_period_data`: charts, the PDF and the city
workbook draw from these objects and never query the database themselves. Shares are
:class:`~fractions.Fraction` throughout; rounding happens only when text is shown
(:func:`percent_text`).

The *scope* of a report is the database's own unit, or — for the city — one county
(``unit``). The figures cover the active schools of the scope, as the 达标 check does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.period_data import load_period_data
from vetdesk.domain.enums import Severity, TargetGroup, TrainingCategory
from vetdesk.domain.rows import PeriodData, TrainingRow
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.standards.assess import (
    FAIL,
    INCOMPLETE,
    NOT_APPLICABLE,
    PASS,
    IndicatorResult,
    SchoolAssessment,
    assess_period,
    threshold_text,
)
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.standards.ruleset import Rule, RuleSet
from vetdesk.validation.check import CheckReport, run_check

DOUBLE_SHARE_INDICATOR = "double_qualified_share"


# --- small value types -----------------------------------------------------------------


@dataclass(frozen=True)
class TrainingTotals:
    """Programmes and people of some training programmes."""

    programmes: int = 0
    participants: int = 0
    completed: int = 0
    certified: int = 0

    def __add__(self, other: TrainingTotals) -> TrainingTotals:
        """The totals of both."""
        return TrainingTotals(
            self.programmes + other.programmes,
            self.participants + other.participants,
            self.completed + other.completed,
            self.certified + other.certified,
        )

    @classmethod
    def of(cls, rows: Iterable[TrainingRow]) -> TrainingTotals:
        """The totals of some programmes (participants are those enrolled)."""
        total = cls()
        for r in rows:
            total = total + cls(1, r.enrolled, r.completed, r.certified)
        return total


def sum_totals(items: Iterable[TrainingTotals]) -> TrainingTotals:
    """The sum of several totals."""
    total = TrainingTotals()
    for item in items:
        total = total + item
    return total


def share(part: int, whole: int) -> Fraction | None:
    """``part / whole`` exactly, or None when there is nothing to divide by."""
    return Fraction(part, whole) if whole else None


def percent_text(value: Fraction | None, decimals: int = 1) -> str:
    """A share shown as a percentage (``—`` when unknown); the only rounding of shares."""
    if value is None:
        return "—"
    return f"{float(round(value * 100, decimals)):.{decimals}f}%"


def threshold_percent_text(value: Fraction | None) -> str:
    """A threshold share as written in the standard: 90%, 30%, 12.5%."""
    if value is None:
        return "—"
    shown = value * 100
    return f"{shown.numerator}%" if shown.denominator == 1 else f"{float(shown):g}%"


def unit_name(code: str) -> str:
    """The name of a unit in the current language (the code itself when unknown)."""
    unit = load_units().get(code)
    return unit.label if unit is not None else code


def group_label(value: str) -> str:
    """The translated label of a training target group value."""
    member = TargetGroup.from_text(value)
    return member.label if member else value


def category_label(value: str) -> str:
    """The translated label of a training category value."""
    member = TrainingCategory.from_text(value)
    return member.label if member else value


# --- per unit --------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One line of a summary table: a county, the city's own schools, or the total."""

    unit_code: str
    unit_name: str
    is_total: bool
    schools: int
    assessed: int
    passing: int
    failing: int
    incomplete: int
    target_share: Fraction | None
    target_date: dt.date | None
    full_time_teachers: int
    specialty_teachers: int
    double_qualified: int
    training: Mapping[tuple[str, str], TrainingTotals] = field(default_factory=dict)

    @property
    def rate(self) -> Fraction | None:
        """达标 schools over the schools assessed."""
        return share(self.passing, self.assessed)

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate reaches the target share (None when unknown)."""
        if self.rate is None or self.target_share is None:
            return None
        return self.rate >= self.target_share

    @property
    def double_share(self) -> Fraction | None:
        """双师型 teachers over 专业课 teachers (实习指导 included, as the indicator counts)."""
        return share(self.double_qualified, self.specialty_teachers)

    @property
    def training_by_group(self) -> dict[str, TrainingTotals]:
        """Training totals per target group, every group of the enumeration present."""
        return {
            str(g): sum_totals(t for (group, _c), t in self.training.items() if group == g)
            for g in TargetGroup
        }

    @property
    def training_by_category(self) -> dict[str, TrainingTotals]:
        """Training totals per category, every category of the enumeration present."""
        return {
            str(c): sum_totals(t for (_g, cat), t in self.training.items() if cat == c)
            for c in TrainingCategory
        }

    @property
    def training_total(self) -> TrainingTotals:
        """All training programmes of the unit."""
        return sum_totals(self.training.values())


def unit_row(
    code: str,
    name: str,
    assessments: Sequence[SchoolAssessment],
    trainings: Iterable[TrainingRow],
    ruleset: RuleSet,
    statistics_date: dt.date,
    *,
    is_total: bool = False,
) -> UnitRow:
    """The summary line of some schools (their assessments and training programmes)."""
    verdicts = [a.verdict for a in assessments if a.verdict != NOT_APPLICABLE]
    target = ruleset.target_for(statistics_date)
    grouped: dict[tuple[str, str], list[TrainingRow]] = {}
    for t in trainings:
        grouped.setdefault((t.target_group, t.category), []).append(t)
    return UnitRow(
        unit_code=code,
        unit_name=name,
        is_total=is_total,
        schools=len(assessments),
        assessed=len(verdicts),
        passing=verdicts.count(PASS),
        failing=verdicts.count(FAIL),
        incomplete=verdicts.count(INCOMPLETE),
        target_share=target.share if target else None,
        target_date=target.date if target else None,
        full_time_teachers=sum(a.counts["full_time_teachers"] for a in assessments),
        specialty_teachers=sum(a.counts["specialty_teachers"] for a in assessments),
        double_qualified=sum(a.counts["double_qualified_teachers"] for a in assessments),
        training={key: TrainingTotals.of(rows) for key, rows in sorted(grouped.items())},
    )


# --- per school ------------------------------------------------------------------------


def relative_shortfall(rule: Rule, value: Fraction) -> Fraction:
    """How far a value misses a rule, relative to the threshold it misses (0 when met).

    ``≥ 33`` with 29.7 misses by 10 %; ``≤ 20`` with 22 exceeds by 10 %.
    """
    low, high = rule.threshold, rule.threshold_high
    if rule.comparator in (">=", ">"):
        gap, base = low - value, low
    elif rule.comparator in ("<=", "<"):
        gap, base = value - low, low
    else:
        assert high is not None
        gap, base = (low - value, low) if value < low else (value - high, high)
    if gap <= 0:
        return Fraction(0)
    # A threshold of 0 cannot be missed by a relative amount: report the whole value.
    return gap / base if base else Fraction(1)


@dataclass(frozen=True)
class IndicatorGap:
    """A compliance indicator a school fails, with the figure, the threshold and the source."""

    indicator_id: str
    indicator_name: str
    measure_unit: str
    rule_id: str
    comparator: str
    value: Fraction
    threshold: Fraction
    shortfall: Fraction
    value_text: str
    threshold_text: str
    source: str
    article: str


@dataclass(frozen=True)
class SchoolGaps:
    """A school that is not 达标: the indicators it fails and those it lacks data for."""

    school_code: str
    school_name: str
    county_code: str
    county_name: str
    verdict: str
    gaps: tuple[IndicatorGap, ...]
    missing: tuple[str, ...]


def _indicator_name(result: IndicatorResult) -> str:
    return result.indicator.label


def school_gaps(ruleset: RuleSet, assessment: SchoolAssessment) -> SchoolGaps:
    """The failing and missing compliance indicators of one school."""
    gaps = []
    for r in assessment.failing:
        rule = r.rule
        assert rule is not None and r.value is not None
        source = ruleset.sources.get(rule.source)
        gaps.append(
            IndicatorGap(
                indicator_id=r.indicator.id,
                indicator_name=_indicator_name(r),
                measure_unit=r.indicator.unit_label,
                rule_id=rule.id,
                comparator=rule.comparator,
                value=r.value,
                threshold=rule.threshold,
                shortfall=relative_shortfall(rule, r.value),
                value_text=r.value_text(),
                threshold_text=threshold_text(r.indicator, rule),
                source=source.citation() if source else rule.source,
                article=rule.article,
            )
        )
    school = assessment.school
    return SchoolGaps(
        school_code=school.school_code,
        school_name=school.name,
        county_code=school.county_code,
        county_name=unit_name(school.county_code),
        verdict=assessment.verdict,
        gaps=tuple(gaps),
        missing=tuple(_indicator_name(r) for r in assessment.missing),
    )


@dataclass(frozen=True)
class SchoolDoubleShare:
    """A school's 双师型 teachers among its 专业课 teachers, and the threshold that applies."""

    school_code: str
    school_name: str
    county_code: str
    specialty_teachers: int
    double_qualified: int
    threshold: Fraction | None

    @property
    def share(self) -> Fraction | None:
        """双师型 over 专业课 teachers (None without 专业课 teachers)."""
        return share(self.double_qualified, self.specialty_teachers)

    @property
    def meets_threshold(self) -> bool | None:
        """Whether the share reaches the threshold (None when either is unknown)."""
        if self.share is None or self.threshold is None:
            return None
        return self.share >= self.threshold


def double_share_threshold(ruleset: RuleSet, level: str, category: str) -> Fraction | None:
    """The 双师型 share a school of this level and category must reach, if any rule sets one."""
    for rule in ruleset.rules_for(level, category):
        if rule.indicator == DOUBLE_SHARE_INDICATOR:
            return rule.threshold
    return None


def common_double_threshold(ruleset: RuleSet) -> Fraction | None:
    """The 双师型 threshold of the rule set (the first rule on the indicator), for chart lines."""
    return next((r.threshold for r in ruleset.rules if r.indicator == DOUBLE_SHARE_INDICATOR), None)


def school_double_share(ruleset: RuleSet, assessment: SchoolAssessment) -> SchoolDoubleShare:
    """The 双师型 share of one school."""
    school = assessment.school
    return SchoolDoubleShare(
        school_code=school.school_code,
        school_name=school.name,
        county_code=school.county_code,
        specialty_teachers=assessment.counts["specialty_teachers"],
        double_qualified=assessment.counts["double_qualified_teachers"],
        threshold=double_share_threshold(ruleset, school.level, school.category),
    )


@dataclass(frozen=True)
class SchoolLine:
    """One school in a summary sheet: verdict, failing indicators and teachers."""

    school_code: str
    school_name: str
    county_code: str
    level: str
    verdict: str
    failing: tuple[str, ...]
    full_time_teachers: int
    specialty_teachers: int
    double_qualified: int

    @property
    def double_share(self) -> Fraction | None:
        """双师型 over 专业课 teachers."""
        return share(self.double_qualified, self.specialty_teachers)


def school_line(assessment: SchoolAssessment) -> SchoolLine:
    """The summary line of a school."""
    s, c = assessment.school, assessment.counts
    return SchoolLine(
        school_code=s.school_code,
        school_name=s.name,
        county_code=s.county_code,
        level=s.level,
        verdict=assessment.verdict,
        failing=tuple(_indicator_name(r) for r in assessment.failing),
        full_time_teachers=c["full_time_teachers"],
        specialty_teachers=c["specialty_teachers"],
        double_qualified=c["double_qualified_teachers"],
    )


# --- warnings and their explanations ---------------------------------------------------


@dataclass(frozen=True)
class ExplainedWarning:
    """A warning of the check and the explanation given for it (None when there is none)."""

    school_code: str
    school_name: str
    record_label: str
    rule: str
    message: str
    explanation: str | None


# --- across periods --------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """The scope's key figures in one period."""

    year: int
    statistics_date: dt.date
    assessed: int
    passing: int
    target_share: Fraction | None
    specialty_teachers: int
    double_qualified: int
    participants: int

    @property
    def rate(self) -> Fraction | None:
        """达标 rate of the period."""
        return share(self.passing, self.assessed)

    @property
    def double_share(self) -> Fraction | None:
        """双师型 share of the period."""
        return share(self.double_qualified, self.specialty_teachers)


def trend_point(row: UnitRow, year: int, statistics_date: dt.date) -> TrendPoint:
    """The trend point of a period's summary row."""
    return TrendPoint(
        year=year,
        statistics_date=statistics_date,
        assessed=row.assessed,
        passing=row.passing,
        target_share=row.target_share,
        specialty_teachers=row.specialty_teachers,
        double_qualified=row.double_qualified,
        participants=row.training_total.participants,
    )


# --- packages --------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageRecord:
    """A signed package the unit exported (county) or accepted from a county (city)."""

    unit_code: str
    unit_name: str
    seq: int
    manifest_sha256: str
    key_fingerprint: str | None
    at: dt.datetime
    accepted: bool


def package_records(db: Database, year: int, unit: str | None = None) -> list[PackageRecord]:
    """The latest package of the year: the county's last export, or each county's last accepted one."""
    info = db.info()
    with db.session() as session:
        if not info.is_city:
            last = session.scalar(
                select(models.PackageExport)
                .where(models.PackageExport.period_year == year)
                .order_by(models.PackageExport.seq.desc())
                .limit(1)
            )
            if last is None:
                return []
            fp = session.scalar(
                select(models.SigningKey.fingerprint).where(models.SigningKey.key_id == last.key_id)
            )
            return [
                PackageRecord(
                    info.unit_code,
                    unit_name(info.unit_code),
                    last.seq,
                    last.manifest_sha256,
                    fp,
                    last.created_at,
                    accepted=False,
                )
            ]
        stmt = select(models.PackageLedger).where(models.PackageLedger.period_year == year)
        if unit is not None:
            stmt = stmt.where(models.PackageLedger.unit_code == unit)
        latest: dict[str, models.PackageLedger] = {}
        for row in session.scalars(stmt.order_by(models.PackageLedger.seq)):
            latest[row.unit_code] = row
        fingerprints = dict(
            session.execute(select(models.TrustedKey.key_id, models.TrustedKey.fingerprint)).all()
        )
    order = {u.code: i for i, u in enumerate(load_units().all_units())}
    return [
        PackageRecord(
            code,
            unit_name(code),
            row.seq,
            row.manifest_sha256,
            fingerprints.get(row.key_id),
            row.accepted_at,
            accepted=True,
        )
        for code, row in sorted(latest.items(), key=lambda kv: order.get(kv[0], 99))
    ]


# --- the whole report ------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSummary:
    """Everything a report of one scope and period shows."""

    unit_code: str
    unit_name: str
    is_city: bool
    scope_code: str
    scope_name: str
    operator: str
    year: int
    statistics_date: dt.date
    ruleset_id: str
    ruleset_version: str
    ruleset_title: str
    units: tuple[UnitRow, ...]
    total: UnitRow
    schools: tuple[SchoolLine, ...]
    gaps: tuple[SchoolGaps, ...]
    double_shares: tuple[SchoolDoubleShare, ...]
    double_threshold: Fraction | None
    trend: tuple[TrendPoint, ...]
    warnings: tuple[ExplainedWarning, ...]
    errors: int
    packages: tuple[PackageRecord, ...]

    @property
    def county_scope(self) -> bool:
        """Whether the report covers one county (a county database, or the city filtered)."""
        return self.scope_code != load_units().city.code


def scope_of(db: Database, unit: str | None) -> str:
    """The unit code a report covers, refusing a unit the database does not hold."""
    info = db.info()
    if unit is None or unit == info.unit_code:
        return info.unit_code
    units = load_units()
    if not info.is_city:
        raise UsageError(
            _("县区数据库只能生成本单位（{code}）的报告。").format(code=info.unit_code)
        )
    if units.get(unit) is None or units.get(unit) == units.city:
        raise UsageError(_("单位代码 {code} 不是海东市所辖县区的代码。").format(code=unit))
    return unit


def _in_scope(scope: str, city_code: str, county_code: str) -> bool:
    return scope == city_code or county_code == scope


def _row_units(scope: str, present: Iterable[str]) -> list[str]:
    """Unit codes that get a row: every county for the city, plus its own schools if any."""
    # A county without data keeps its row, so a missing county is visible at once.
    units = load_units()
    if scope != units.city.code:
        return [scope]
    codes = [c.code for c in units.counties]
    if units.city.code in set(present):
        codes.append(units.city.code)
    return codes


def _row_name(code: str) -> str:
    units = load_units()
    if code == units.city.code:
        return _("{city}（市属学校）").format(city=unit_name(code))
    return unit_name(code)


def summarise_scope(
    report: CheckReport, trainings: Sequence[TrainingRow], scope: str
) -> tuple[list[UnitRow], UnitRow]:
    """The per-unit rows and the total of a scope, from a check report and the trainings."""
    city = load_units().city.code
    assessments = [a for a in report.assessments if _in_scope(scope, city, a.school.county_code)]
    school_county = {a.school.school_code: a.school.county_code for a in assessments}
    in_scope = [t for t in trainings if t.school_code in school_county]
    rows = [
        unit_row(
            code,
            _row_name(code),
            [a for a in assessments if a.school.county_code == code],
            [t for t in in_scope if school_county[t.school_code] == code],
            report.ruleset,
            report.statistics_date,
        )
        for code in _row_units(scope, school_county.values())
    ]
    total = unit_row(
        scope,
        _("全市合计") if scope == city else unit_name(scope),
        assessments,
        in_scope,
        report.ruleset,
        report.statistics_date,
        is_total=True,
    )
    return rows, total


def _trend(
    db: Database, scope: str, current: tuple[int, UnitRow, dt.date]
) -> tuple[TrendPoint, ...]:
    """The scope's key figures in every period of the database, oldest first."""
    city = load_units().city.code
    year_now, row_now, date_now = current
    with db.session() as session:
        years = list(session.scalars(select(models.Period.year).order_by(models.Period.year)))
        ruleset = ruleset_in_force(db, session)
        points = []
        for year in years:
            if year == year_now:
                points.append(trend_point(row_now, year, date_now))
                continue
            data = load_period_data(session, year)
            assessments = [
                a
                for a in assess_period(ruleset, data)
                if _in_scope(scope, city, a.school.county_code)
            ]
            codes = {a.school.school_code for a in assessments}
            row = unit_row(
                scope,
                scope,
                assessments,
                [t for t in data.trainings if t.school_code in codes],
                ruleset,
                data.period.statistics_date,
                is_total=True,
            )
            points.append(trend_point(row, year, data.period.statistics_date))
    return tuple(points)


def build_summary(db: Database, year: int, *, unit: str | None = None) -> ReportSummary:
    """Compute everything a report shows for a database, a year and (city only) one county."""
    scope_of(db, unit)  # refuse a wrong unit before the work
    report = run_check(db, year)
    with db.session() as session:
        data = load_period_data(session, year)
    return summary_from_check(db, report, data, unit=unit)


def summary_from_check(
    db: Database, report: CheckReport, data: PeriodData, *, unit: str | None = None
) -> ReportSummary:
    """The report's figures from a check already run on ``data`` (as an export snapshot has)."""
    scope = scope_of(db, unit)
    info = db.info()
    city = load_units().city.code
    year = report.year
    rows, total = summarise_scope(report, data.trainings, scope)
    assessments = [a for a in report.assessments if _in_scope(scope, city, a.school.county_code)]
    ruleset = report.ruleset
    names = {s.school_code: s.name for s in data.schools}
    county_of = {s.school_code: s.county_code for s in data.schools}

    def covered(school_code: str) -> bool:
        # A city report on one county keeps that county's findings; otherwise all of them
        # (a county database holds only its own schools).
        return not (info.is_city and scope != city) or county_of.get(school_code) == scope

    warnings = tuple(
        ExplainedWarning(
            school_code=f.school_code,
            school_name=names.get(f.school_code, f.school_code),
            record_label=f.record_label,
            rule=f.rule,
            message=f.message,
            explanation=(f.explanation or "").strip() or None,
        )
        for f in report.findings
        if f.severity == Severity.WARNING and covered(f.school_code)
    )
    errors = sum(
        1 for f in report.findings if f.severity == Severity.ERROR and covered(f.school_code)
    )
    return ReportSummary(
        unit_code=info.unit_code,
        unit_name=unit_name(info.unit_code),
        is_city=info.is_city,
        scope_code=scope,
        scope_name=unit_name(scope),
        operator=info.operator,
        year=year,
        statistics_date=report.statistics_date,
        ruleset_id=ruleset.ruleset_id,
        ruleset_version=ruleset.version,
        ruleset_title=ruleset.title,
        units=tuple(rows),
        total=total,
        schools=tuple(school_line(a) for a in assessments),
        gaps=tuple(school_gaps(ruleset, a) for a in assessments if a.verdict in (FAIL, INCOMPLETE)),
        double_shares=tuple(
            school_double_share(ruleset, a) for a in assessments if a.counts["specialty_teachers"]
        ),
        double_threshold=common_double_threshold(ruleset),
        trend=_trend(db, scope, (year, total, report.statistics_date)),
        warnings=warnings,
        errors=errors,
        packages=tuple(package_records(db, year, None if scope == city else scope)),
    )
