"""In English, the standards' names and units are English too (the data files carry both)."""

from __future__ import annotations

import re

from vetdesk import i18n
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.standards.targets import load_default_targets

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_indicators_targets_and_units_switch_language():
    ruleset = load_default_ruleset()
    targets = load_default_targets()
    i18n.set_language("en")
    try:
        for indicator in ruleset.indicators.values():
            assert not CJK.search(indicator.label), indicator.id
            assert not CJK.search(indicator.unit_label), indicator.unit
        for target in targets.targets:
            assert not CJK.search(target.label), target.id
            assert not CJK.search(target.unit_label), target.unit
        assert not CJK.search(targets.label)
    finally:
        i18n.set_language("zh")
    land = ruleset.indicators["land_area"]
    assert (land.label, land.unit_label) == ("校园占地面积", "平方米")
    assert targets.targets[0].label == "办学条件达标学校比例"


def test_check_messages_name_the_indicator_in_english(city_db):
    from vetdesk.db.database import open_database
    from vetdesk.validation.check import run_check

    db = open_database(city_db)
    i18n.set_language("en")
    try:
        report = run_check(db, 2025)
        indicator_warnings = [
            f for f in report.warnings if f.entity == "condition" and " is " in f.message
        ]
    finally:
        i18n.set_language("zh")
        db.close()
    assert indicator_warnings, "the demo city has 设置标准 warnings on school conditions"
    for finding in indicator_warnings:
        name = finding.message.split(" is ")[0]
        assert not CJK.search(name), finding.message
