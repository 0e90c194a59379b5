"""Every validation rule, with a passing and a failing case."""

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from builders import condition, period_data, roster, school, teacher, training

from vetdesk.domain.enums import Severity
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.domain.rows import (
    BaseRow,
    DestinationRow,
    EnterpriseRow,
    MajorRow,
    PilotRow,
    PracticeRow,
)
from vetdesk.standards.assess import assess_period
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.validation.checks import practice_months, validate_period

RULES = load_default_ruleset()
S = "3663230001"
UNITS = {"630223"}


def findings_for(
    schools=None, conditions=None, teachers=None, trainings=None, previous=None, **ten
):
    schools = schools if schools is not None else [school()]
    conditions = conditions if conditions is not None else [condition()]
    teachers = teachers if teachers is not None else roster()
    data = period_data(
        schools, conditions, teachers, trainings if trainings is not None else [training()]
    )
    data = replace(data, **{k: tuple(v) for k, v in ten.items()})
    return validate_period(RULES, data, assess_period(RULES, data), UNITS, previous)


def test_clean_data_has_no_findings():
    assert findings_for() == []


def _birth(year):
    return generate_id_number("630223", dt.date(year, 6, 1), 7, "女")


def _with_teacher(**kw):
    rows = roster()
    rows[-13] = replace(rows[-13], **kw)  # a specialty teacher
    return {"teachers": rows}


def _with_general_teacher(**kw):
    rows = roster()
    rows[0] = replace(rows[0], **kw)
    return {"teachers": rows}


CASES = {
    "school.name.required": {"schools": [school(name="  ")]},
    "school.code.invalid": {
        "schools": [school("1234567890")],
        "conditions": [condition("1234567890")],
        "teachers": roster("1234567890"),
        "trainings": [],
    },
    "school.level.invalid": {"schools": [school(level="大学")]},
    "school.category.invalid": {"schools": [school(category="重点类")]},
    "school.category.mismatch": {"schools": [school(category="higher_engineering")]},
    "school.ownership.invalid": {"schools": [school(ownership="合资")]},
    "school.credit_code.invalid": {"schools": [school(credit_code="91110108MA01KP2T8U")]},
    "school.county.unknown": {"schools": [school(county_code="630202")]},
    "condition.missing": {"conditions": []},
    "condition.required": {"conditions": [condition(books=None)]},
    "condition.students.zero": {"conditions": [condition(full_time_students=0)]},
    "school.teachers.none": {"teachers": []},
    "condition.range.land_per_student": {"conditions": [condition(land_area_m2=4_000_000)]},
    "condition.change.large": {"previous": "halved"},
    "JCC2010-12/double_qualified_share": {"teachers": roster(double=5)},
    "JCC2010-12/students": {"conditions": [condition(full_time_students=1000)]},
    "teacher.name.required": _with_teacher(name=""),
    "teacher.role.invalid": _with_teacher(role="校长"),
    "teacher.education.invalid": _with_teacher(education="私塾"),
    "teacher.title.invalid": _with_teacher(title="特级"),
    "teacher.double_teacher.invalid": _with_teacher(double_teacher_level="超级"),
    "teacher.id_number.invalid": _with_teacher(id_number="630223198001010013"),
    "teacher.duplicate": {
        "teachers": (lambda rows: [*rows, replace(rows[-1], school_code="3663230001")])(roster())
    },
    "teacher.age.too_young": _with_teacher(id_number=_birth(2010)),
    "teacher.age.over_limit": _with_teacher(id_number=_birth(1955)),
    "teacher.double_teacher.date_required": _with_teacher(
        double_teacher_level="junior", double_teacher_body="省教育厅"
    ),
    "teacher.double_teacher.date_range": _with_teacher(
        double_teacher_level="junior",
        double_teacher_date=dt.date(2026, 3, 1),
        double_teacher_body="省教育厅",
    ),
    "teacher.double_teacher.body_required": _with_teacher(
        double_teacher_level="junior", double_teacher_date=dt.date(2024, 3, 1)
    ),
    "teacher.double_teacher.general_course": _with_general_teacher(
        double_teacher_level="junior",
        double_teacher_date=dt.date(2024, 3, 1),
        double_teacher_body="省教育厅",
    ),
    "teacher.honour.invalid": _with_teacher(honours="教学名师,劳动模范"),
    "teacher.hired_date.range": _with_teacher(hired_date=dt.date(2026, 9, 1)),
    "teacher.practice.date_order": _with_teacher(
        practices=(
            PracticeRow("甲企业", dt.date(2023, 1, 1), dt.date(2023, 8, 1)),
            PracticeRow("乙企业", dt.date(2024, 5, 1), dt.date(2024, 4, 1)),
        )
    ),
    "teacher.practice.date_range": _with_teacher(
        practices=(PracticeRow("甲企业", dt.date(2025, 6, 1), dt.date(2026, 1, 31)),)
    ),
    "teacher.practice.before_age": _with_teacher(
        id_number=_birth(1990),
        practices=(
            PracticeRow("甲企业", dt.date(2023, 1, 1), dt.date(2023, 8, 1)),
            PracticeRow("乙企业", dt.date(2004, 1, 1), dt.date(2004, 3, 1)),
        ),
    ),
    "teacher.practice.enterprise_required": _with_teacher(
        practices=(PracticeRow(" ", dt.date(2023, 1, 1), dt.date(2023, 8, 1)),)
    ),
    "QYSJ2016/enterprise_practice": _with_teacher(
        practices=(
            PracticeRow("甲企业", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
            PracticeRow("乙企业", dt.date(2024, 1, 1), dt.date(2024, 2, 28)),
        )
    ),
    "training.name.required": {"trainings": [training(name="")]},
    "training.category.invalid": {"trainings": [training(category="兴趣班")]},
    "training.target_group.invalid": {"trainings": [training(target_group="游客")]},
    "training.dates.order": {"trainings": [training(end_date=dt.date(2025, 2, 1))]},
    "training.dates.outside_period": {
        "trainings": [training(start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 5))]
    },
    "training.counts.completed": {"trainings": [training(completed=51, certified=40)]},
    "training.counts.certified": {"trainings": [training(certified=49)]},
    "training.hours.zero": {"trainings": [training(hours=0)]},
    "training.hours.large": {"trainings": [training(hours=2400)]},
    "training.duplicate": {"trainings": [training(), training()]},
    "major.status.invalid": {
        "majors": [MajorRow(S, "610201", "现代农艺", "合并", None, False, False, True, 10)]
    },
    "major.status_year.required": {
        "majors": [MajorRow(S, "610201", "现代农艺", "new", None, False, False, True, 10)]
    },
    "major.status_year.future": {
        "majors": [MajorRow(S, "610201", "现代农艺", "new", 2027, False, False, True, 10)]
    },
    "major.code.invalid": {
        "majors": [MajorRow(S, "61020", "现代农艺", "kept", None, False, False, True, 10)]
    },
    "enterprise.forms.required": {
        "enterprises": [EnterpriseRow(S, "某公司", None, None, "", None)]
    },
    "enterprise.forms.invalid": {
        "enterprises": [EnterpriseRow(S, "某公司", None, None, "order_class,捐款", None)]
    },
    "enterprise.credit_code.invalid": {
        "enterprises": [EnterpriseRow(S, "某公司", "91110108MA01KP2T8U", None, "order_class", None)]
    },
    "pilot.level.invalid": {"pilots": [PilotRow(S, "幼儿照护", "特级", 10, 5)]},
    "pilot.counts.order": {"pilots": [PilotRow(S, "幼儿照护", "junior", 10, 11)]},
    "destination.counts.order": {"destinations": [DestinationRow(S, 100, 90, 20)]},
    "base.choice.invalid": {"bases": [BaseRow(S, "某基地", "农场", "built", 2024)]},
    "base.year.missing": {"bases": [BaseRow(S, "某基地", "virtual_simulation", "built", None)]},
}

WARNINGS = {
    "base.year.missing",
    "condition.range.land_per_student",
    "condition.change.large",
    "teacher.age.over_limit",
    "JCC2010-12/double_qualified_share",
    "JCC2010-12/students",
    "teacher.double_teacher.general_course",
    "QYSJ2016/enterprise_practice",
    "training.dates.outside_period",
    "training.hours.large",
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_failing_case(rule):
    case = dict(CASES[rule])
    if case.pop("previous", None) == "halved":
        prev = period_data([school()], [condition(full_time_students=500)], roster(), year=2024)
        found = findings_for(previous=prev)
    else:
        found = findings_for(**case)
    matching = [f for f in found if f.rule == rule]
    assert matching, [f.rule for f in found]
    expected = Severity.WARNING if rule in WARNINGS else Severity.ERROR
    assert {f.severity for f in matching} == {expected}
    for f in matching:
        assert f.message and f.record_key and f.school_code
        assert not re.search(r"\d{17}[\dX]", f.message), "a full 身份证号 leaked into a message"
    # The finding is the only kind the change produced (bar knock-on effects named here).
    knock_on = {
        "teacher.age.too_young": {"teacher.age.too_young", "teacher.practice.before_age"},
        "teacher.role.invalid": {"teacher.role.invalid", "JCC2010-12/specialty_share"},
        "condition.students.zero": {
            "condition.students.zero",
            "condition.range.student_teacher_ratio",
        },
    }
    allowed = knock_on.get(rule, {rule}) | {
        "JCC2010-12/students",
        "condition.range.land_per_student",
        "condition.range.books_per_student",
    }
    assert {f.rule for f in found} <= allowed | {rule}, {f.rule for f in found}


def test_every_rule_in_the_code_has_a_case():
    source = (
        Path(__file__)
        .parents[2]
        .joinpath("vetdesk/validation/checks.py")
        .read_text(encoding="utf-8")
    )
    in_code = set(
        re.findall(
            r'"((?:school|condition|teacher|training|major|enterprise|pilot|destination|base)\.[a-z_.]+)"',
            source,
        )
    )
    in_code.discard("condition.range.")
    missing = {r for r in in_code if r not in CASES and not r.startswith("condition.range")}
    assert not missing, missing


def test_unchanged_previous_period_gives_no_change_warning():
    prev = period_data([school()], [condition()], roster(), year=2024)
    assert [f for f in findings_for(previous=prev) if f.rule == "condition.change.large"] == []


def test_practice_months_counts_overlaps_once():
    t = teacher(
        practices=(
            PracticeRow("甲", dt.date(2024, 1, 1), dt.date(2024, 3, 30)),
            PracticeRow("乙", dt.date(2024, 3, 1), dt.date(2024, 4, 29)),
            PracticeRow("丙", dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        )
    )
    months = practice_months(t, dt.date(2020, 12, 1), dt.date(2025, 12, 31))
    assert months == 4  # 1 Jan – 29 Apr 2024 = 120 days; 2015 is outside the window


def test_new_teachers_are_not_warned_about_practice_yet():
    found = findings_for(**_with_teacher(practices=(), hired_date=dt.date(2025, 9, 1)))
    assert not [f for f in found if f.rule == "QYSJ2016/enterprise_practice"]
