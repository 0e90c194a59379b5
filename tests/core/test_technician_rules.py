"""技工院校 per 人社部发〔2012〕8号: every monitored figure, three categories, no 中职 warnings."""

from __future__ import annotations

from tests.core.builders import condition, roster, school
from vetdesk.domain.enums import CATEGORIES_OF_LEVEL
from vetdesk.standards.assess import FAIL, PASS, assess_school
from vetdesk.standards.ruleset import load_default_ruleset

RULESET = load_default_ruleset()


def _technician(category: str = "technician", **figures: object):  # type: ignore[no-untyped-def]
    """A 技工学校 with 1 200 students, 60 full-time teachers and every figure at its floor."""
    values: dict[str, object] = {
        "land_area_m2": 40000,
        "building_area_m2": 24000,
        "practice_area_m2": 5000,
        "equipment_value_yuan": 3_000_000,
        "training_places": 1200,
        **figures,
    }
    return assess_school(
        RULESET,
        school(level="technician", category=category),
        condition(**values),
        roster(general=20, specialty=40, double=15),
    )


def test_a_technician_school_at_every_floor_passes():
    assessment = _technician()
    assert assessment.verdict == PASS
    judged = {r.rule.indicator for r in assessment.results if r.rule is not None}
    assert {"equipment_value", "practice_area", "student_teacher_ratio"} <= judged
    assert {"training_places_per_student", "building_per_student", "land_area"} <= judged


def test_short_of_equipment_or_teachers_a_technician_school_fails():
    poor = _technician(equipment_value_yuan=1_500_000)
    assert poor.verdict == FAIL
    assert [r.rule.id for r in poor.failing if r.rule] == ["RSB2012-8/equipment_value"]
    # 3 000 students for 60 teachers is 50 : 1 (buildings and places grown to match).
    crowded = _technician(full_time_students=3000, building_area_m2=60000, training_places=3000)
    assert crowded.verdict == FAIL
    assert [r.rule.id for r in crowded.failing if r.rule] == ["RSB2012-8/student_teacher_ratio"]
    both = _technician(
        full_time_students=3000,
        building_area_m2=60000,
        training_places=3000,
        equipment_value_yuan=1_500_000,
    )
    assert both.verdict == FAIL and len(both.failing) == 2


def test_practice_space_and_places_are_judged():
    assert _technician(practice_area_m2=4999).verdict == FAIL
    assert _technician(training_places=1199).verdict == FAIL
    # Not recorded: the verdict cannot be given.
    assert _technician(practice_area_m2=None).verdict == "incomplete"


def test_senior_schools_and_technician_colleges_have_their_own_thresholds():
    assert set(CATEGORIES_OF_LEVEL["technician"]) >= {"senior_technician", "technician_college"}
    assert _technician("technician").verdict == PASS
    for category in ("senior_technician", "technician_college"):
        assessment = _technician(category)
        assert assessment.verdict == FAIL, category
        assert [r.rule.indicator for r in assessment.failing if r.rule] == ["land_area"]
        assert _technician(category, land_area_m2=66000).verdict == PASS
        for result in assessment.results:
            assert result.rule is not None and result.rule.source == "RSB2012-8"
            assert result.rule.verified in {"secondary", "unverified", "assumption"}


def test_no_secondary_school_setting_warning_applies_to_a_technician_school():
    for category in CATEGORIES_OF_LEVEL["technician"]:
        rules = RULESET.rules_for("technician", category)
        assert rules, category
        assert not [r.id for r in rules if r.source == "JCC2010-12"], category
    assert any(r.source == "JCC2010-12" for r in RULESET.rules_for("secondary", "general"))
