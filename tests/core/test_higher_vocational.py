"""高职: the 研究生 share counts the 学位; a blank 折合在校生 is an incomplete figure, named."""

from __future__ import annotations

from dataclasses import replace

from tests.core.builders import condition, period_data, roster, school, teacher
from vetdesk.packages.envelope import as_signed, sheet_digest
from vetdesk.standards.assess import INCOMPLETE, assess_school, teacher_counts
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.validation.checks import validate_period
from vetdesk.workbook.rows import canonical_rows
from vetdesk.workbook.schema import TEACHERS

RULESET = load_default_ruleset()
CODE = "4163000001"


def _college(**figures: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "converted_students": 1100,
        "teaching_admin_area_m2": 20000,
        "equipment_value_yuan": 6_000_000,
        "books": 100_000,
        **figures,
    }
    return school(CODE, level="higher", category="higher_comprehensive"), condition(CODE, **values)


def test_the_postgraduate_share_counts_the_degree():
    in_service = teacher(CODE, "general_course", education="bachelor", degree="master")
    no_degree = teacher(CODE, "general_course", education="master", degree="bachelor")
    unrecorded = teacher(CODE, "general_course", education="doctorate", degree=None)
    counts = teacher_counts([in_service, no_degree, unrecorded])
    assert counts["postgraduate_teachers"] == 2  # the 学位 decides; unrecorded: 学历


def test_a_blank_converted_student_figure_leaves_the_verdict_incomplete_with_a_finding():
    college, figures = _college(converted_students=None)
    staff = [replace(t, degree="master") for t in roster(CODE)]
    assert assess_school(RULESET, college, _college()[1], staff).verdict == "pass"
    assessment = assess_school(RULESET, college, figures, staff)
    assert assessment.verdict == INCOMPLETE
    assert {r.indicator.id for r in assessment.missing} >= {
        "hv_student_teacher_ratio",
        "hv_equipment_per_student",
    }
    data = period_data([college], [figures], staff)
    found = validate_period(RULESET, data, [assessment], {"630202", "630200"})
    named = [f for f in found if f.rule == "condition.input.missing"]
    assert [f.field for f in named] == ["converted_students"]  # once, not per indicator
    assert "折合在校生" in named[0].message and "教发〔2004〕2号" in named[0].message


def test_a_college_teacher_without_a_degree_is_asked_for_it():
    college, figures = _college()
    staff = [replace(t, degree=None) for t in roster(CODE, general=2, specialty=1, part_time=0)]
    data = period_data([college], [figures], staff)
    found = validate_period(RULESET, data, [], {"630202", "630200"})
    assert len([f for f in found if f.rule == "teacher.degree.missing"]) == 3
    secondary = period_data([school()], [condition()], [replace(t, degree=None) for t in roster()])
    assert not [
        f
        for f in validate_period(RULESET, secondary, [], {"630223"})
        if f.rule == "teacher.degree.missing"
    ]


def test_a_package_signed_before_the_degree_column_still_verifies():
    rows = [{c.key: None for c in TEACHERS.columns} | {"school_code": CODE, "name": "张三"}]
    old = replace(TEACHERS, columns=tuple(c for c in TEACHERS.columns if c.key != "degree"))
    signed = sheet_digest(old, rows)
    assert sheet_digest(TEACHERS, rows)["sha256"] != signed["sha256"]
    assert sheet_digest(as_signed(TEACHERS, signed), rows) == signed
    assert canonical_rows(as_signed(TEACHERS, sheet_digest(TEACHERS, rows)), rows)
