"""Rule sets are data: loaded, checked, and replaceable without code changes."""

import copy
import json
from fractions import Fraction

import pytest
from builders import condition, roster, school

from vetdesk.standards.assess import FAIL, PASS, assess_school
from vetdesk.standards.formula import FormulaError, evaluate, parse_formula
from vetdesk.standards.ruleset import RuleSetError, load_default_ruleset, parse_ruleset

RULES = load_default_ruleset()


def test_default_ruleset_has_the_nine_key_indicators_for_general_secondary_schools():
    compliance = [r for r in RULES.rules_for("secondary", "general") if r.purpose == "compliance"]
    assert len(compliance) == 9
    assert {r.source for r in compliance} == {"JCC2022-5"}


def test_every_rule_names_a_source_document_and_verification_status():
    for rule in RULES.rules:
        source = RULES.sources[rule.source]
        assert source.title and rule.article
        assert rule.verified in {"verified", "secondary", "code", "unverified", "assumption"}


def test_formulas_are_exact_and_safe():
    assert evaluate("a / b", {"a": 1, "b": 3}) == Fraction(1, 3)
    assert evaluate("a / b", {"a": 1, "b": 0}) is None
    assert evaluate("a + b * 0.1", {"a": 1, "b": 10}) == 2
    assert evaluate("a - b", {"a": None, "b": 1}) is None
    for bad in ("__import__('os')", "a.b", "a[0]", "a ** 2", "'x'", "f(a)", "a if b else c"):
        with pytest.raises(FormulaError):
            parse_formula(bad)


def _mutated(change):
    data = copy.deepcopy(dict(RULES.raw))
    change(data)
    return data


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format=99),
        lambda d: d["rules"].append(dict(d["rules"][0])),
        lambda d: d["rules"][0].update(indicator="no_such_indicator"),
        lambda d: d["rules"][0].update(comparator="~"),
        lambda d: d["indicators"][0].update(formula="land_area_m2 ** 2"),
        lambda d: d["indicators"][0].update(formula="unknown_input / 2"),
        lambda d: d.pop("rules"),
    ],
)
def test_malformed_rulesets_are_refused_with_a_message(change):
    with pytest.raises(RuleSetError) as info:
        parse_ruleset(_mutated(change))
    assert info.value.message


def test_a_replacement_ruleset_changes_verdicts_without_code_changes():
    a = assess_school(RULES, school(category="remote"), condition(), roster())
    assert a.verdict == PASS

    def provincial_override(data):
        data["version"] = "2026.qh-1"
        for rule in data["rules"]:
            if rule["id"] == "JCC2022-5/books_per_student":
                rule["categories"] = ["general", "arts"]
        data["rules"].append(
            {
                "id": "QH/remote/books_per_student",
                "indicator": "books_per_student",
                "levels": ["secondary"],
                "categories": ["remote"],
                "comparator": ">=",
                "threshold": "35",
                "purpose": "compliance",
                "source": "VETDESK",
                "article": "测试用省级标准",
                "verified": "assumption",
            }
        )

    stricter = parse_ruleset(json.loads(json.dumps(_mutated(provincial_override))))
    b = assess_school(stricter, school(category="remote"), condition(), roster())
    assert b.verdict == FAIL
    assert [r.rule.id for r in b.failing] == ["QH/remote/books_per_student"]
