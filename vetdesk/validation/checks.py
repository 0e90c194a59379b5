"""The validation rules applied to a period's data.

Errors must be fixed before the official package can be exported; warnings may
stand with a written explanation. Every finding names the record and field and says
in plain Chinese what is wrong and what to do. Thresholds come from the rule set's
``validation`` and ``teacher_rules`` sections, never from literals here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction

from vetdesk.domain.enums import (
    CATEGORIES_OF_LEVEL,
    BaseKind,
    BaseStatus,
    CertificateLevel,
    CooperationForm,
    Degree,
    DoubleTeacherLevel,
    Education,
    Honour,
    MajorStatus,
    Ownership,
    SchoolCategory,
    SchoolLevel,
    Severity,
    TargetGroup,
    TeacherRole,
    Title,
    TrainingCategory,
)
from vetdesk.domain.fields import CONDITION_FIELDS, REQUIRED_CONDITION_FIELDS, field_label
from vetdesk.domain.id_privacy import is_hashed_id
from vetdesk.domain.identifiers import (
    IdentifierError,
    mask_id_number,
    parse_id_number,
    validate_credit_code,
    validate_school_code,
)
from vetdesk.domain.rows import ConditionRow, PeriodData, SchoolRow, TeacherRow, TrainingRow
from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.standards.assess import (
    SchoolAssessment,
    format_value,
    formula_inputs,
    teacher_counts,
    threshold_text,
)
from vetdesk.standards.formula import FormulaError, evaluate, formula_names, parse_decimal
from vetdesk.standards.ruleset import RuleSet
from vetdesk.validation.findings import (
    Finding,
    condition_key,
    school_key,
    teacher_key,
    training_key,
)

E = Severity.ERROR
W = Severity.WARNING


def _school_finding(
    sev: Severity, rule: str, school: SchoolRow, field: str, value: object, message: str
) -> Finding:
    return Finding(
        sev,
        rule,
        "school",
        school_key(school.school_code),
        school.school_code,
        school.name,
        field,
        "" if value is None else str(value),
        message,
    )


def check_schools(schools: Iterable[SchoolRow], unit_codes: set[str]) -> Iterator[Finding]:
    """Registry checks: codes, names, enumerations, county."""
    units = load_units()
    for s in schools:
        if not s.name.strip():
            yield _school_finding(
                E, "school.name.required", s, "name", "", _("学校名称为空，请填写学校全称。")
            )
        level = SchoolLevel.from_text(s.level)
        try:
            patterns = units.school_code_patterns.get(str(level or ""), ())
            validate_school_code(s.school_code, allowed_patterns=patterns or (r"^\d{10}$",))
        except IdentifierError as exc:
            yield _school_finding(
                E, "school.code.invalid", s, "school_code", s.school_code, str(exc)
            )
        if level is None:
            yield _school_finding(
                E,
                "school.level.invalid",
                s,
                "level",
                s.level,
                _("办学层次“{v}”无效，应为 中职 / 高职 / 技工。").format(v=s.level),
            )
        category = SchoolCategory.from_text(s.category)
        if category is None:
            yield _school_finding(
                E,
                "school.category.invalid",
                s,
                "category",
                s.category,
                _("标准类别“{v}”无效，请从下拉列表中选择。").format(v=s.category),
            )
        elif level is not None and category.value not in CATEGORIES_OF_LEVEL[level.value]:
            yield _school_finding(
                E,
                "school.category.mismatch",
                s,
                "category",
                category.label,
                _("标准类别“{c}”与办学层次“{l}”不匹配，请核对。").format(
                    c=category.label, l=level.label
                ),
            )
        if Ownership.from_text(s.ownership) is None:
            yield _school_finding(
                E,
                "school.ownership.invalid",
                s,
                "ownership",
                s.ownership,
                _("举办性质“{v}”无效，应为 公办 或 民办。").format(v=s.ownership),
            )
        if s.credit_code:
            try:
                validate_credit_code(s.credit_code, organisation_check=True)
            except IdentifierError as exc:
                yield _school_finding(
                    E, "school.credit_code.invalid", s, "credit_code", s.credit_code, str(exc)
                )
        if s.county_code not in unit_codes:
            yield _school_finding(
                E,
                "school.county.unknown",
                s,
                "county_code",
                s.county_code,
                _("所属县区代码 {v} 不属于本单位，请核对学校所在县区。").format(v=s.county_code),
            )


def _missing_inputs(
    ruleset: RuleSet, school: SchoolRow, cond: ConditionRow, assessment: SchoolAssessment | None
) -> Iterator[Finding]:
    """A blank figure that a 达标 indicator of this school needs: named, never filled in silently.

    (A 高职 school without 折合在校生 is not judged on 全日制在校生 instead; a 技工学校
    without its practice floor area is not judged without it.)
    """
    if assessment is None:
        return
    reported = set(REQUIRED_CONDITION_FIELDS)
    for result in assessment.missing:
        assert result.rule is not None
        src = ruleset.sources[result.rule.source]
        for name in sorted(formula_names(result.indicator.formula)):
            if name in reported or name not in CONDITION_FIELDS or getattr(cond, name) is not None:
                continue
            reported.add(name)
            yield _condition_finding(
                E,
                "condition.input.missing",
                school,
                name,
                "",
                _(
                    "“{f}”未填写：{indicator}（{src}{article}）无法计算，达标判定为“数据不全”。"
                    "请填写，不会以其他数字代替。"
                ).format(
                    f=field_label("condition", name),
                    indicator=result.indicator.label,
                    src=src.citation(),
                    article=result.rule.article,
                ),
            )


def _condition_finding(
    sev: Severity, rule: str, school: SchoolRow, field: str, value: object, message: str
) -> Finding:
    return Finding(
        sev,
        rule,
        "condition",
        condition_key(school.school_code),
        school.school_code,
        school.name,
        field,
        "" if value is None else str(value),
        message,
    )


def check_conditions(
    ruleset: RuleSet,
    data: PeriodData,
    assessments: Mapping[str, SchoolAssessment],
    previous: PeriodData | None,
) -> Iterator[Finding]:
    """Condition checks: completeness, plausibility, change from last period, 设置标准 warnings."""
    validation = ruleset.validation
    max_change = parse_decimal(str(validation.get("max_change_ratio", "0.5")))
    changed_fields = validation.get("change_checked_fields", [])
    ranges = validation.get("plausible_ranges", [])
    # The rosters are grouped and counted once per check, not once per school: a school's
    # counts are looked up below (per-school regrouping made the check quadratic).
    counts = _teacher_counts_by_school(data) if previous else {}
    prev_counts = _teacher_counts_by_school(previous) if previous else {}
    for school in data.schools:
        if not school.active:
            continue
        cond = data.conditions.get(school.school_code)
        if cond is None:
            yield _condition_finding(
                E,
                "condition.missing",
                school,
                "",
                "",
                _("本年度尚未填报该校办学条件数据，请录入或导入。"),
            )
            continue
        for field in REQUIRED_CONDITION_FIELDS:
            if getattr(cond, field) is None:
                yield _condition_finding(
                    E,
                    "condition.required",
                    school,
                    field,
                    "",
                    _("“{f}”未填写，此项为必填。").format(f=field_label("condition", field)),
                )
        yield from _missing_inputs(ruleset, school, cond, assessments.get(school.school_code))
        if cond.full_time_students == 0:
            yield _condition_finding(
                E,
                "condition.students.zero",
                school,
                "full_time_students",
                0,
                _("全日制在校生数为 0，无法计算生均指标；如学校已停办请在学校名录中停用。"),
            )
        yield from _plausibility(ruleset, school, cond, assessments.get(school.school_code), ranges)
        if previous is not None:
            yield from _changes(
                school,
                cond,
                previous.conditions.get(school.school_code),
                counts.get(school.school_code) or teacher_counts(()),
                prev_counts.get(school.school_code) or teacher_counts(()),
                max_change,
                changed_fields,
            )
        assessment = assessments.get(school.school_code)
        if assessment is not None:
            for result in assessment.warnings:
                assert result.rule is not None
                src = ruleset.sources[result.rule.source]
                yield _condition_finding(
                    W,
                    result.rule.id,
                    school,
                    result.indicator.id,
                    result.value_text(),
                    _(
                        "{name}为 {value}，低于{src}{article}的要求（{thr}）。如有正当原因请填写说明。"
                    ).format(
                        name=result.indicator.label,
                        value=result.value_text(),
                        src=src.citation(),
                        article=result.rule.article,
                        thr=threshold_text(result.indicator, result.rule),
                    ),
                )


def _plausibility(
    ruleset: RuleSet,
    school: SchoolRow,
    cond: ConditionRow,
    assessment: SchoolAssessment | None,
    ranges: Iterable[Mapping[str, str]],
) -> Iterator[Finding]:
    counts = assessment.counts if assessment is not None else {}
    inputs = formula_inputs(cond, counts)
    for spec in ranges:
        indicator = ruleset.indicators.get(spec["indicator"])
        if indicator is None:
            continue
        try:
            value = evaluate(indicator.formula, inputs)
        except FormulaError:
            continue  # needs an input this school has no value for
        if value is None:
            continue
        low, high = parse_decimal(spec["low"]), parse_decimal(spec["high"])
        if not low <= value <= high:
            shown = format_value(indicator, value)
            yield _condition_finding(
                W,
                f"condition.range.{indicator.id}",
                school,
                indicator.id,
                shown,
                _(
                    "{name}为 {value}，超出通常范围（{low}–{high}），请核对填报数据是否有误（如单位填错）。"
                ).format(name=indicator.label, value=shown, low=spec["low"], high=spec["high"]),
            )


def _teacher_counts_by_school(data: PeriodData) -> dict[str, dict[str, int]]:
    return {code: teacher_counts(rows) for code, rows in data.teachers_by_school().items()}


def _changes(
    school: SchoolRow,
    cond: ConditionRow,
    prev: ConditionRow | None,
    counts: Mapping[str, int],
    prev_counts: Mapping[str, int],
    max_change: Fraction,
    fields: Iterable[str],
) -> Iterator[Finding]:
    if prev is None:
        return
    for field in fields:
        if field in counts:
            new, old = counts[field], prev_counts[field]
        else:
            new, old = getattr(cond, field), getattr(prev, field)
        if new is None or old is None or old == 0:
            continue
        change = Fraction(new - old, old)
        if abs(change) > max_change:
            yield _condition_finding(
                W,
                "condition.change.large",
                school,
                field,
                new,
                _(
                    "“{f}”由上年的 {old} 变为 {new}（变化 {pct}%），变化幅度较大，请核对或填写说明。"
                ).format(
                    f=field_label("condition", field),
                    old=old,
                    new=new,
                    pct=f"{float(change * 100):+.0f}",
                ),
            )


def _teacher_finding(
    sev: Severity, rule: str, t: TeacherRow, field: str, value: object, message: str
) -> Finding:
    return Finding(
        sev,
        rule,
        "teacher",
        teacher_key(t.school_code, t.id_number),
        t.school_code,
        t.name,
        field,
        "" if value is None else str(value),
        message,
    )


def _enum_check(t: TeacherRow, field: str, enum_type: type, rule: str) -> Finding | None:
    value = getattr(t, field)
    if enum_type.from_text(value) is None:  # type: ignore[attr-defined]
        return _teacher_finding(
            E,
            rule,
            t,
            field,
            value,
            _("“{f}”的值“{v}”无效，请从下拉列表中选择。").format(
                f=field_label("teacher", field), v=value
            ),
        )
    return None


_FULL_TIME_ROLES = {
    TeacherRole.GENERAL_COURSE,
    TeacherRole.SPECIALTY_COURSE,
    TeacherRole.PRACTICE_INSTRUCTOR,
}


def _level_of(schools: Mapping[str, SchoolRow], t: TeacherRow) -> str | None:
    school = schools.get(t.school_code)
    return school.level if school else None


def check_teachers(
    ruleset: RuleSet,
    teachers: Iterable[TeacherRow],
    statistics_date: dt.date,
    schools: Mapping[str, SchoolRow],
    *,
    allow_hashed_ids: bool = False,
) -> Iterator[Finding]:
    """Roster checks: 身份证号, duplicates, enumerations, dates, 双师型, enterprise practice."""
    validation = ruleset.validation
    min_age = int(validation.get("teacher_min_age", 18))
    max_age = int(validation.get("teacher_max_age_full_time", 65))
    earliest = dt.date.fromisoformat(validation.get("earliest_date", "1950-01-01"))
    practice_rule = ruleset.teacher_rules.get("enterprise_practice")
    roster = list(teachers)
    seen = Counter(t.id_number for t in roster)
    for t in roster:
        if not t.name.strip():
            yield _teacher_finding(E, "teacher.name.required", t, "name", "", _("教师姓名为空。"))
        for field, enum_type, rule in (
            ("role", TeacherRole, "teacher.role.invalid"),
            ("education", Education, "teacher.education.invalid"),
            ("title", Title, "teacher.title.invalid"),
            ("double_teacher_level", DoubleTeacherLevel, "teacher.double_teacher.invalid"),
        ):
            finding = _enum_check(t, field, enum_type, rule)
            if finding:
                yield finding
        if t.degree:
            finding = _enum_check(t, "degree", Degree, "teacher.degree.invalid")
            if finding:
                yield finding
        elif t.role in _FULL_TIME_ROLES and _level_of(schools, t) == SchoolLevel.HIGHER:
            # The 高职 研究生 share counts the 学位 (教发〔2004〕2号); without it the highest
            # education stands in, which the school should confirm.
            yield _teacher_finding(
                W,
                "teacher.degree.missing",
                t,
                "degree",
                "",
                _(
                    "高职专任教师未填“最高学位”：具有研究生学位教师比例暂按最高学历计算。"
                    "请填写学位（博士、硕士、学士或无学位）。"
                ),
            )
        if allow_hashed_ids and is_hashed_id(t.id_number):
            info = None  # the city holds a keyed hash from a county's package, not the number
        else:
            try:
                info = parse_id_number(t.id_number, today=statistics_date)
            except IdentifierError as exc:
                yield _teacher_finding(
                    E,
                    "teacher.id_number.invalid",
                    t,
                    "id_number",
                    mask_id_number(t.id_number),
                    str(exc),
                )
                info = None
        if seen[t.id_number] > 1:
            others = sorted({o.school_code for o in roster if o.id_number == t.id_number})
            yield _teacher_finding(
                E,
                "teacher.duplicate",
                t,
                "id_number",
                mask_id_number(t.id_number),
                _(
                    "身份证号 {id} 在名册中出现 {n} 次（学校：{schools}），同一教师只能登记一次。"
                ).format(
                    id=mask_id_number(t.id_number), n=seen[t.id_number], schools="、".join(others)
                ),
            )
        full_time = t.role != TeacherRole.INDUSTRY_PART_TIME
        if info is not None:
            age = (
                statistics_date.year
                - info.birth_date.year
                - (
                    (statistics_date.month, statistics_date.day)
                    < (info.birth_date.month, info.birth_date.day)
                )
            )
            if age < min_age:
                yield _teacher_finding(
                    E,
                    "teacher.age.too_young",
                    t,
                    "id_number",
                    mask_id_number(t.id_number),
                    _(
                        "按身份证号计算该教师在统计时点仅 {age} 岁，不满 {min} 岁，请核对身份证号。"
                    ).format(age=age, min=min_age),
                )
            elif full_time and age > max_age:
                yield _teacher_finding(
                    W,
                    "teacher.age.over_limit",
                    t,
                    "id_number",
                    mask_id_number(t.id_number),
                    _(
                        "专任教师年龄 {age} 岁，超过 {max} 岁，请核对是否已退休或应登记为兼职教师。"
                    ).format(age=age, max=max_age),
                )
        level = DoubleTeacherLevel.from_text(t.double_teacher_level)
        if level not in (None, DoubleTeacherLevel.NONE):
            if t.double_teacher_date is None:
                yield _teacher_finding(
                    E,
                    "teacher.double_teacher.date_required",
                    t,
                    "double_teacher_date",
                    "",
                    _("已登记“双师型”等级，但未填写认定日期。"),
                )
            elif not earliest <= t.double_teacher_date <= statistics_date:
                yield _teacher_finding(
                    E,
                    "teacher.double_teacher.date_range",
                    t,
                    "double_teacher_date",
                    t.double_teacher_date,
                    _("“双师型”认定日期 {d} 不在合理范围内（不能晚于统计时点 {s}）。").format(
                        d=t.double_teacher_date, s=statistics_date
                    ),
                )
            if not (t.double_teacher_body or "").strip():
                yield _teacher_finding(
                    E,
                    "teacher.double_teacher.body_required",
                    t,
                    "double_teacher_body",
                    "",
                    _("已登记“双师型”等级，但未填写认定机构。"),
                )
            if t.role == TeacherRole.GENERAL_COURSE:
                yield _teacher_finding(
                    W,
                    "teacher.double_teacher.general_course",
                    t,
                    "double_teacher_level",
                    level.label if level else t.double_teacher_level,
                    _(
                        "公共基础课教师登记了“双师型”等级；按认定办法，兼任专业课的教师应按专业课教师申报。"
                        "请核对岗位类别或填写说明。"
                    ),
                )
        if t.honours:
            for honour in (h.strip() for h in t.honours.replace("，", ",").split(",")):
                if honour and Honour.from_text(honour) is None:
                    yield _teacher_finding(
                        E,
                        "teacher.honour.invalid",
                        t,
                        "honours",
                        honour,
                        _("荣誉称号“{v}”不在可选列表中，请从列表中选择（多个用逗号分隔）。").format(
                            v=honour
                        ),
                    )
        if t.hired_date is not None and not earliest <= t.hired_date <= statistics_date:
            yield _teacher_finding(
                E,
                "teacher.hired_date.range",
                t,
                "hired_date",
                t.hired_date,
                _("入职日期 {d} 不在合理范围内（不能晚于统计时点 {s}）。").format(
                    d=t.hired_date, s=statistics_date
                ),
            )
        yield from _practice_checks(t, info.birth_date if info else None, statistics_date, earliest)
        if practice_rule and t.role in practice_rule["roles"]:
            finding = _practice_rule(ruleset, practice_rule, t, statistics_date)
            if finding:
                yield finding
    del schools  # reserved for cross-school rules (e.g. 专业 staffing) of later rule sets


def _practice_checks(
    t: TeacherRow, birth: dt.date | None, statistics_date: dt.date, earliest: dt.date
) -> Iterator[Finding]:
    for p in t.practices:
        if p.end_date < p.start_date:
            yield _teacher_finding(
                E,
                "teacher.practice.date_order",
                t,
                "end_date",
                p.end_date,
                _("企业实践（{e}）结束日期 {end} 早于开始日期 {start}。").format(
                    e=p.enterprise, end=p.end_date, start=p.start_date
                ),
            )
        if p.end_date > statistics_date or p.start_date < earliest:
            yield _teacher_finding(
                E,
                "teacher.practice.date_range",
                t,
                "start_date",
                p.start_date,
                _(
                    "企业实践（{e}）的日期 {start}—{end} 不在合理范围内（不能晚于统计时点 {s}）。"
                ).format(e=p.enterprise, start=p.start_date, end=p.end_date, s=statistics_date),
            )
        elif birth is not None and p.start_date < _add_years(birth, 16):
            yield _teacher_finding(
                E,
                "teacher.practice.before_age",
                t,
                "start_date",
                p.start_date,
                _("企业实践（{e}）开始时该教师未满16周岁，请核对日期或身份证号。").format(
                    e=p.enterprise
                ),
            )
        if not p.enterprise.strip():
            yield _teacher_finding(
                E,
                "teacher.practice.enterprise_required",
                t,
                "enterprise",
                "",
                _("企业实践记录缺少企业名称。"),
            )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def practice_window(statistics_date: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The window ending on the statistics date: exactly ``years`` years, both ends included."""
    return _add_years(statistics_date, -years) + dt.timedelta(days=1), statistics_date


def calendar_months(start: dt.date, end: dt.date) -> Fraction:
    """Calendar months from ``start`` to ``end`` inclusive (2021-01-01 to 2021-05-31: 5).

    Whole months are counted from the start day (15 January to 14 February is one
    month); what is left over is the fraction of the month it falls in.
    """
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    while months > 0 and _add_months(start, months) > after:
        months -= 1
    mark = _add_months(start, months)
    rest = (after - mark).days
    if rest == 0:
        return Fraction(months)
    month_length = (_add_months(mark, 1) - mark).days
    return months + Fraction(rest, month_length)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def practice_months(t: TeacherRow, window_start: dt.date, window_end: dt.date) -> Fraction:
    """Calendar months of enterprise practice inside a window (overlapping stretches once)."""
    spans = sorted(
        (max(p.start_date, window_start), min(p.end_date, window_end))
        for p in t.practices
        if p.end_date >= window_start and p.start_date <= window_end and p.end_date >= p.start_date
    )
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return sum((calendar_months(start, end) for start, end in merged), Fraction(0))


def _practice_rule(
    ruleset: RuleSet, rule: Mapping[str, object], t: TeacherRow, statistics_date: dt.date
) -> Finding | None:
    years = int(str(rule["window_years"]))
    min_months = parse_decimal(str(rule["min_months"]))
    window_start, window_end = practice_window(statistics_date, years)
    src = ruleset.sources[str(rule["source"])]
    if t.hired_date is not None and t.hired_date >= window_start:
        # Hired inside the window: the regulation asks a new teacher without enterprise
        # experience to practise before taking up the post (先实践再上岗).
        if any(p.start_date < t.hired_date for p in t.practices):
            return None
        return _teacher_finding(
            W,
            str(rule.get("new_teacher_id", rule["id"])),
            t,
            "practices",
            str(t.hired_date),
            _(
                "{d} 入职的专业课教师没有入职前的企业实践记录；{src}第四条要求没有企业工作经历的"
                "新任教师先实践再上岗。请补录入职前的企业工作或实践经历，或填写说明。"
            ).format(d=t.hired_date, src=src.citation()),
        )
    months = practice_months(t, window_start, window_end)
    if months >= min_months:
        return None
    # Rounded down (and the gap up) so that a shortfall never reads "6.0, less than 6".
    shown = f"{math.floor(months * 10) / 10:.1f}"
    gap = f"{math.ceil((min_months - months) * 10) / 10:.1f}"
    return _teacher_finding(
        W,
        str(rule["id"]),
        t,
        "practices",
        shown,
        _(
            "{start} 至 {end}（近{years}年）企业实践累计 {m} 个月，少于{src}要求的 {min} 个月，"
            "差 {gap} 个月。请补录实践记录或填写说明。"
        ).format(
            start=window_start,
            end=window_end,
            years=years,
            m=shown,
            src=src.citation(),
            min=min_months,
            gap=gap,
        ),
    )


def _training_finding(
    sev: Severity, rule: str, t: TrainingRow, field: str, value: object, message: str
) -> Finding:
    return Finding(
        sev,
        rule,
        "training",
        training_key(t.school_code, t.name, t.start_date),
        t.school_code,
        t.name,
        field,
        "" if value is None else str(value),
        message,
    )


def check_trainings(
    ruleset: RuleSet, trainings: Iterable[TrainingRow], year: int
) -> Iterator[Finding]:
    """Training-programme checks: enumerations, dates, counts, hours."""
    max_hours = int(ruleset.validation.get("training_max_hours", 2000))
    keys = Counter((t.school_code, t.name, t.start_date) for t in trainings)
    for t in trainings:
        if not t.name.strip():
            yield _training_finding(
                E, "training.name.required", t, "name", "", _("培训项目名称为空。")
            )
        if TrainingCategory.from_text(t.category) is None:
            yield _training_finding(
                E,
                "training.category.invalid",
                t,
                "category",
                t.category,
                _("培训类别“{v}”无效，请从下拉列表中选择。").format(v=t.category),
            )
        if TargetGroup.from_text(t.target_group) is None:
            yield _training_finding(
                E,
                "training.target_group.invalid",
                t,
                "target_group",
                t.target_group,
                _("培训对象“{v}”无效，请从下拉列表中选择。").format(v=t.target_group),
            )
        if t.end_date < t.start_date:
            yield _training_finding(
                E,
                "training.dates.order",
                t,
                "end_date",
                t.end_date,
                _("结束日期 {end} 早于开始日期 {start}。").format(
                    end=t.end_date, start=t.start_date
                ),
            )
        elif t.end_date.year < year or t.start_date.year > year:
            yield _training_finding(
                W,
                "training.dates.outside_period",
                t,
                "start_date",
                t.start_date,
                _("培训日期 {start}—{end} 不在 {year} 年度内，请核对是否属于本统计期。").format(
                    start=t.start_date, end=t.end_date, year=year
                ),
            )
        if t.completed > t.enrolled:
            yield _training_finding(
                E,
                "training.counts.completed",
                t,
                "completed",
                t.completed,
                _("结业人数 {c} 多于参训人数 {e}。").format(c=t.completed, e=t.enrolled),
            )
        if t.certified > t.completed:
            yield _training_finding(
                E,
                "training.counts.certified",
                t,
                "certified",
                t.certified,
                _("取证人数 {c} 多于结业人数 {d}。").format(c=t.certified, d=t.completed),
            )
        if t.hours <= 0:
            yield _training_finding(
                E, "training.hours.zero", t, "hours", t.hours, _("学时应大于 0。")
            )
        elif t.hours > max_hours:
            yield _training_finding(
                W,
                "training.hours.large",
                t,
                "hours",
                t.hours,
                _("学时 {h} 超过 {max}，请核对是否填错。").format(h=t.hours, max=max_hours),
            )
        if keys[(t.school_code, t.name, t.start_date)] > 1:
            yield _training_finding(
                E,
                "training.duplicate",
                t,
                "name",
                t.name,
                _("同一学校同一开始日期的培训项目“{n}”登记了多次。").format(n=t.name),
            )


def _simple_finding(
    sev: Severity,
    rule: str,
    entity: str,
    school: str,
    label: str,
    key: str,
    field: str,
    value: object,
    message: str,
) -> Finding:
    return Finding(
        sev,
        rule,
        entity,
        f"{entity}:{school}:{key}",
        school,
        label,
        field,
        "" if value is None else str(value),
        message,
    )


def check_ten_measure(data: PeriodData) -> Iterator[Finding]:
    """Checks of the ten-measure domains: majors, enterprises, 1+X pilots, destinations, bases."""
    year = data.period.year
    for m in data.majors:
        if MajorStatus.from_text(m.status) is None:
            yield _simple_finding(
                E,
                "major.status.invalid",
                "major",
                m.school_code,
                m.name,
                m.major_code,
                "status",
                m.status,
                _("专业状态“{v}”无效，请从下拉列表中选择。").format(v=m.status),
            )
        elif m.status != MajorStatus.KEPT and m.status_year is None:
            status = MajorStatus.from_text(m.status)
            yield _simple_finding(
                E,
                "major.status_year.required",
                "major",
                m.school_code,
                m.name,
                m.major_code,
                "status_year",
                "",
                _("专业状态为“{s}”时须填写变动年份。").format(
                    s=status.label if status else m.status
                ),
            )
        if m.status_year is not None and m.status_year > year:
            yield _simple_finding(
                E,
                "major.status_year.future",
                "major",
                m.school_code,
                m.name,
                m.major_code,
                "status_year",
                m.status_year,
                _("变动年份 {y} 晚于统计年度 {year}。").format(y=m.status_year, year=year),
            )
        if not (m.major_code.isdigit() and len(m.major_code) == 6):
            yield _simple_finding(
                E,
                "major.code.invalid",
                "major",
                m.school_code,
                m.name,
                m.major_code,
                "major_code",
                m.major_code,
                _("专业代码应为《职业教育专业目录》中的 6 位数字代码。"),
            )
    for e in data.enterprises:
        if not e.forms:
            yield _simple_finding(
                E,
                "enterprise.forms.required",
                "enterprise",
                e.school_code,
                e.name,
                e.name,
                "forms",
                "",
                _("请至少选择一种合作形式。"),
            )
        elif any(CooperationForm.from_text(f) is None for f in e.forms.split(",")):
            yield _simple_finding(
                E,
                "enterprise.forms.invalid",
                "enterprise",
                e.school_code,
                e.name,
                e.name,
                "forms",
                e.forms,
                _("合作形式“{v}”无效，请从列表中选择。").format(v=e.forms),
            )
        if e.credit_code:
            try:
                validate_credit_code(e.credit_code, organisation_check=True)
            except IdentifierError as exc:
                yield _simple_finding(
                    E,
                    "enterprise.credit_code.invalid",
                    "enterprise",
                    e.school_code,
                    e.name,
                    e.name,
                    "credit_code",
                    e.credit_code,
                    str(exc),
                )
    for p in data.pilots:
        if CertificateLevel.from_text(p.level) is None:
            yield _simple_finding(
                E,
                "pilot.level.invalid",
                "pilot",
                p.school_code,
                p.certificate,
                p.certificate,
                "level",
                p.level,
                _("证书等级“{v}”无效。").format(v=p.level),
            )
        if p.certified > p.candidates:
            yield _simple_finding(
                E,
                "pilot.counts.order",
                "pilot",
                p.school_code,
                p.certificate,
                p.certificate,
                "certified",
                p.certified,
                _("取得证书人数 {c} 多于参加考核人数 {n}。").format(c=p.certified, n=p.candidates),
            )
    for d in data.destinations:
        if d.employed + d.further_study > d.graduates:
            yield _simple_finding(
                E,
                "destination.counts.order",
                "destination",
                d.school_code,
                d.school_code,
                "",
                "employed",
                d.employed,
                _("就业人数 {e} 与升学人数 {f} 之和多于毕业生数 {g}。").format(
                    e=d.employed, f=d.further_study, g=d.graduates
                ),
            )
    for b in data.bases:
        if BaseKind.from_text(b.kind) is None or BaseStatus.from_text(b.status) is None:
            yield _simple_finding(
                E,
                "base.choice.invalid",
                "base",
                b.school_code,
                b.name,
                b.name,
                "kind",
                b.kind,
                _("类型或建设状态无效，请从下拉列表中选择。"),
            )
        elif b.status in (BaseStatus.BUILT, BaseStatus.RECOGNISED) and b.year is None:
            yield _simple_finding(
                W,
                "base.year.missing",
                "base",
                b.school_code,
                b.name,
                b.name,
                "year",
                "",
                _("已建成或已认定的基地请填写建成（认定）年份。"),
            )


def check_rosters(data: PeriodData) -> Iterator[Finding]:
    """Every active school has a teacher roster in the period."""
    staffed = {t.school_code for t in data.teachers}
    for school in data.schools:
        if school.active and school.school_code not in staffed:
            # Every indicator about teachers would count 0 and fail for want of data:
            # the roster is missing, not the teachers.
            yield _school_finding(
                E,
                "school.teachers.none",
                school,
                "",
                "",
                _(
                    "本年度教师名册中没有该校的教师，专任教师数、生师比、“双师型”比例等指标无法计算。"
                    "请录入或导入该校的教师名册。"
                ),
            )


def validate_period(
    ruleset: RuleSet,
    data: PeriodData,
    assessments: Iterable[SchoolAssessment],
    unit_codes: set[str],
    previous: PeriodData | None = None,
    *,
    allow_hashed_ids: bool = False,
) -> list[Finding]:
    """All findings of a period, errors first, in a stable order."""
    by_code = {a.school.school_code: a for a in assessments}
    schools = {s.school_code: s for s in data.schools}
    findings = [
        *check_schools(data.schools, unit_codes),
        *check_rosters(data),
        *check_conditions(ruleset, data, by_code, previous),
        *check_teachers(
            ruleset,
            data.teachers,
            data.period.statistics_date,
            schools,
            allow_hashed_ids=allow_hashed_ids,
        ),
        *check_trainings(ruleset, data.trainings, data.period.year),
        *check_ten_measure(data),
    ]
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    findings.sort(key=lambda f: (order[f.severity], f.school_code, f.entity, f.record_key, f.rule))
    return findings
