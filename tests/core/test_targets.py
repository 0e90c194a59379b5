"""Ten-measure targets: the shipped set, progress for the demo city against hand-computed values."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.services.targets import enter_progress, install_target_file, target_progress
from vetdesk.standards.targets import BEHIND, DONE, ON_TRACK, load_default_targets, status_of

# Hand-computed from the fixed tables in vetdesk/services/demo.py (TEN_MEASURE and
# CITY_ENTERED_PROGRESS), counted school by school:
EXPECTED = {
    # brand (B) majors still running: 乐都1 + 技工1 + 平安1 + 民和2 + 互助2 + 循化1 + 高职2
    "brand_majors": (Fraction(10), DONE),
    # agriculture (A) majors running (化隆's is stopped): 1 + 1 + 2 + 1 + 1 + 2
    "agriculture_majors": (Fraction(8), DONE),
    "majors_revoked": (Fraction(2), BEHIND),  # 平安 2022, 互助 2021
    "majors_stopped": (Fraction(5), BEHIND),  # 乐都, 民和, 互助, 化隆, 高职
    "majors_new": (Fraction(8), DONE),
    "majors_redirected": (Fraction(2), DONE),  # 技工 2023, 高职 2022
    # 21 enterprise rows, three named twice (天佑德, 恒盛, 盐湖) and 乐都农业园 twice: 18 distinct
    "cooperating_enterprises": (Fraction(18), BEHIND),
    "one_plus_x_pilots": (Fraction(16), BEHIND),  # 2+1+2+1+2+3+1+1+3
    "educator_principals": (Fraction(1), DONE),
    "teaching_masters": (Fraction(6), DONE),  # 名师 or 名匠; 乡村工匠 does not count
    "master_studios": (Fraction(1), DONE),  # 循化's studio is still being built
    "virtual_simulation_bases": (Fraction(6), BEHIND),
    "regional_practice_centres": (Fraction(1), BEHIND),
    # (employed + further study) / graduates = 5905 / 6340
    "employment_rate": (Fraction(5905, 6340), DONE),
    "industry_consortium": (Fraction(1), DONE),
    "industry_communities": (Fraction(1), BEHIND),
    "vocational_group": (Fraction(1), DONE),
    "guidance_committees": (Fraction(2), DONE),
}


def test_shipped_target_set_covers_the_policy():
    targets = load_default_targets()
    assert targets.source["number"] == "东政办〔2024〕74号"
    ids = {t.id for t in targets.targets}
    assert ids == set(EXPECTED) | {"compliance_rate"}
    assert all(t.lead and t.deadline == dt.date(2025, 12, 31) for t in targets.targets)


def test_demo_city_progress_matches_hand_computed_values(city_db):
    db = open_database(city_db)
    _set, progress = target_progress(db, 2025)
    db.close()
    found = {p.target.id: (p.value, p.status) for p in progress}
    for target_id, expected in EXPECTED.items():
        assert found[target_id] == expected, target_id
    value, status = found["compliance_rate"]
    assert status == BEHIND and value is not None and value < Fraction(9, 10)


def test_status_rule():
    target = next(t for t in load_default_targets().targets if t.id == "cooperating_enterprises")
    assert status_of(target, Fraction(110), dt.date(2025, 12, 31)) == DONE
    assert status_of(target, Fraction(50), dt.date(2024, 12, 31)) == ON_TRACK
    assert status_of(target, Fraction(50), dt.date(2025, 12, 31)) == BEHIND


def test_entered_values_need_evidence_and_an_entered_target(city_db):
    from vetdesk.errors import InputRejected, UsageError

    db = open_database(city_db)
    with pytest.raises(UsageError):
        enter_progress(db, 2025, "industry_communities", 2, " ")
    with pytest.raises(InputRejected):
        enter_progress(db, 2025, "brand_majors", 99, "手工改数")
    enter_progress(db, 2025, "industry_communities", 2, "第二个共同体成立文件")
    _set, progress = target_progress(db, 2025)
    entry = next(p for p in progress if p.target.id == "industry_communities")
    assert (entry.value, entry.status, entry.evidence) == (2, DONE, "第二个共同体成立文件")
    db.close()


def test_the_city_edits_targets(city_db, tmp_path, capsys):
    out = tmp_path / "targets.json"
    assert main(["targets", "export", "--db", str(city_db), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["version"] = "2026.1"
    next(t for t in data["targets"] if t["id"] == "cooperating_enterprises")["target"] = "15"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = open_database(city_db)
    install_target_file(db, out)
    _set, progress = target_progress(db, 2025)
    db.close()
    assert next(p for p in progress if p.target.id == "cooperating_enterprises").status == DONE
    capsys.readouterr()
    assert main(["targets", "show", "--db", str(city_db), "--period", "2025", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["target_set"]["version"] == "2026.1"
