"""Schools the 达标 plan leaves out (附设中职班, founded 2022 or later): recorded, shown, not counted."""

from __future__ import annotations

from fractions import Fraction

from tests.core.builders import STAT_DATE, condition, roster, school
from vetdesk.standards.assess import EXCLUDED, FAIL, PASS, assess_school, summarise
from vetdesk.standards.ruleset import load_default_ruleset

RULESET = load_default_ruleset()


def _assess(code: str, passes: bool = True, **registry: object):  # type: ignore[no-untyped-def]
    figures = {} if passes else {"land_area_m2": 1000}
    return assess_school(
        RULESET, school(code, **registry), condition(code, **figures), roster(code)
    )


def test_excluded_schools_keep_their_indicators_but_not_a_verdict():
    scope = RULESET.raw["compliance_scope"]
    new = _assess("3663230002", passes=False, founded_year=scope["exclude_founded_from"])
    assert new.verdict == EXCLUDED
    assert str(scope["exclude_founded_from"]) in new.excluded_reason
    assert "教职成〔2022〕5号" in new.excluded_reason
    assert new.failing  # the figures are still judged and shown
    attached = _assess("3663230003", passes=False, attached_class=True)
    assert attached.verdict == EXCLUDED and "附设中职班" in attached.excluded_reason
    older = _assess("3663230004", passes=False, founded_year=scope["exclude_founded_from"] - 1)
    assert older.verdict == FAIL and older.excluded_reason == ""


def test_the_rate_leaves_them_out_and_says_how_many():
    scope = RULESET.raw["compliance_scope"]
    assessments = [
        _assess("3663230001"),
        _assess("3663230002", passes=False),
        _assess("3663230003", passes=False, attached_class=True),
        _assess("3663230004", passes=False, founded_year=scope["exclude_founded_from"] + 1),
    ]
    assert [a.verdict for a in assessments] == [PASS, FAIL, EXCLUDED, EXCLUDED]
    summary = summarise(RULESET, assessments, STAT_DATE)
    assert (summary.schools_assessed, summary.schools_passing) == (2, 1)
    assert summary.schools_excluded == 2
    assert summary.rate == Fraction(1, 2)


def test_higher_vocational_schools_are_outside_the_scope():
    college = assess_school(
        RULESET,
        school("4163000001", level="higher", category="higher_comprehensive", founded_year=2024),
        condition("4163000001"),
        roster("4163000001"),
    )
    assert college.verdict != EXCLUDED and college.excluded_reason == ""
