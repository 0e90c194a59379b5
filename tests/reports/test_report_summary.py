"""The report's figures, checked against the database read another way (SQL, own arithmetic)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
from report_helpers import copy_period, school_facts, training_by, unit_totals
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.errors import UsageError
from vetdesk.reports.summary import (
    TrainingTotals,
    build_summary,
    package_records,
    percent_text,
    relative_shortfall,
    threshold_percent_text,
)
from vetdesk.standards.ruleset import load_default_ruleset

YEAR = 2025


@pytest.fixture
def city_summary(city_db: Path):
    db = open_database(city_db)
    try:
        yield build_summary(db, YEAR)
    finally:
        db.close()


def test_unit_rows_match_sql(city_db: Path, city_summary) -> None:
    expected = unit_totals(city_db, YEAR)
    rows = {r.unit_code: r for r in city_summary.units}
    # All six counties get a row (a county without data would show as missing), plus the
    # city's own schools.
    assert list(rows)[:6] == ["630202", "630203", "630222", "630223", "630224", "630225"]
    assert "630200" in rows
    for code, row in rows.items():
        t = expected[code]
        assert (row.schools, row.assessed, row.passing) == (t.schools, t.assessed, t.passing)
        assert row.rate == Fraction(t.passing, t.assessed)
        assert (row.full_time_teachers, row.specialty_teachers, row.double_qualified) == (
            t.full_time,
            t.specialty,
            t.double,
        )
        assert row.double_share == Fraction(t.double, t.specialty)
        total = row.training_total
        assert (total.programmes, total.participants, total.completed, total.certified) == (
            t.programmes,
            t.participants,
            t.completed,
            t.certified,
        )
    total, t = city_summary.total, expected["*"]
    assert total.is_total and total.unit_code == "630200"
    assert (total.schools, total.assessed, total.passing) == (t.schools, t.assessed, t.passing)
    assert total.double_share == Fraction(t.double, t.specialty)
    assert total.training_total.participants == t.participants
    # The demo has schools on both sides of the line.
    assert 0 < total.passing < total.assessed


def test_target_comes_from_the_rule_set(city_summary) -> None:
    target = load_default_ruleset().target_for(dt.date(YEAR, 12, 31))
    assert target is not None
    assert city_summary.total.target_share == target.share == Fraction(9, 10)
    assert city_summary.total.target_date == target.date
    assert city_summary.total.meets_target is (city_summary.total.rate >= target.share)


def test_training_by_group_and_category_match_sql(city_db: Path, city_summary) -> None:
    by_group = training_by(city_db, YEAR, "target_group")
    by_category = training_by(city_db, YEAR, "category")
    groups = city_summary.total.training_by_group
    categories = city_summary.total.training_by_category
    assert {g: t.participants for g, t in groups.items() if t.participants} == by_group
    assert {c: t.participants for c, t in categories.items() if t.participants} == by_category
    # Every group and category is listed, with zeros where nothing happened.
    assert len(groups) == 6 and len(categories) == 7
    county = {r.unit_code: r for r in city_summary.units}["630223"]
    assert {
        g: t.participants for g, t in county.training_by_group.items() if t.participants
    } == training_by(city_db, YEAR, "target_group", "630223")


def test_gaps_are_the_failing_rules_with_exact_shortfalls(city_db: Path, city_summary) -> None:
    facts = school_facts(city_db, YEAR)
    failing = {code: f for code, f in facts.items() if f.verdict in ("fail", "incomplete")}
    assert {g.school_code for g in city_summary.gaps} == set(failing)
    for school in city_summary.gaps:
        expected = failing[school.school_code].failing
        assert {g.indicator_id for g in school.gaps} == set(expected)
        for gap in school.gaps:
            value, threshold, comparator = expected[gap.indicator_id]
            assert gap.value == value and gap.threshold == threshold
            assert gap.comparator == comparator
            if comparator == ">=":
                assert gap.shortfall == (threshold - value) / threshold
            assert gap.shortfall > 0
            assert "〔" in gap.source or gap.source  # a citation of the standard
    # The figures behind one gap, by hand: land per student of a failing school.
    some = next(
        (s, g) for s in city_summary.gaps for g in s.gaps if g.indicator_id == "land_per_student"
    )
    school, gap = some
    inputs = facts[school.school_code].inputs
    assert gap.value == inputs["land_area_m2"] / inputs["full_time_students"]


def test_double_teacher_shares_per_school(city_db: Path, city_summary) -> None:
    facts = school_facts(city_db, YEAR)
    for share in city_summary.double_shares:
        f = facts[share.school_code]
        assert share.specialty_teachers == f.inputs["specialty_teachers"]
        assert share.double_qualified == f.inputs["double_qualified_teachers"]
        assert share.share == Fraction(share.double_qualified, share.specialty_teachers)
        # 30 % applies to 中职 and 技工 schools; the 高职 has no such rule.
        if f.level == "higher":
            assert share.threshold is None and share.meets_threshold is None
        else:
            assert share.threshold == Fraction(3, 10)
    assert city_summary.double_threshold == Fraction(3, 10)
    assert any(s.meets_threshold is False for s in city_summary.double_shares)


def test_warnings_carry_their_explanations(city_summary) -> None:
    assert city_summary.warnings
    assert all(w.explanation for w in city_summary.warnings)  # the demo explains them all
    assert city_summary.errors == 0


def test_trend_across_periods(city_db: Path) -> None:
    before = unit_totals(city_db, YEAR)["*"]
    passing_school = next(f for f in school_facts(city_db, YEAR).values() if f.verdict == "pass")
    copy_period(city_db, YEAR, 2024, weaken=passing_school.code)
    db = open_database(city_db)
    try:
        summary = build_summary(db, YEAR)
    finally:
        db.close()
    assert [p.year for p in summary.trend] == [2024, 2025]
    old, new = summary.trend
    assert (new.assessed, new.passing) == (before.assessed, before.passing)
    assert old.passing == before.passing - 1
    assert old.participants == 2 * before.participants
    assert old.double_share == new.double_share == Fraction(before.double, before.specialty)
    # On 2024-12-31 the next deadline is 2025's: 90 %.
    assert old.target_share == new.target_share == Fraction(9, 10)


def test_scope_of_one_county_in_the_city(city_db: Path, city_summary) -> None:
    db = open_database(city_db)
    try:
        county = build_summary(db, YEAR, unit="630203")
        whole = build_summary(db, YEAR, unit="630200")
        with pytest.raises(UsageError):
            build_summary(db, YEAR, unit="123456")
    finally:
        db.close()
    assert county.county_scope and county.scope_name == "平安区"
    assert [r.unit_code for r in county.units] == ["630203"]
    assert county.total.passing == unit_totals(city_db, YEAR)["630203"].passing
    codes = {s.school_code for s in county.schools}
    assert {w.school_code for w in county.warnings} <= codes
    assert 0 < len(county.warnings) < len(city_summary.warnings)
    assert not whole.county_scope and whole.total == city_summary.total


def test_county_database_reports_on_itself_only(county_db: Path) -> None:
    db = open_database(county_db)
    try:
        summary = build_summary(db, YEAR)
        with pytest.raises(UsageError):
            build_summary(db, YEAR, unit="630202")
    finally:
        db.close()
    expected = unit_totals(county_db, YEAR)["630223"]
    assert [r.unit_code for r in summary.units] == ["630223"]
    assert summary.total.passing == expected.passing
    assert summary.total.training_total.participants == expected.participants
    assert summary.packages == ()


def test_package_records_county_export_and_city_ledger(county_db: Path, city_db: Path) -> None:
    from vetdesk.packages.county import export_package
    from vetdesk.signing.keystore import create_key

    county = open_database(county_db)
    try:
        create_key(county, "correct horse battery")
        result = export_package(
            county, YEAR, county_db.parent / "pkg.xlsx", "correct horse battery"
        )
        records = package_records(county, YEAR)
    finally:
        county.close()
    assert len(records) == 1
    assert records[0].seq == result.seq
    assert records[0].manifest_sha256 == result.manifest_sha256
    assert records[0].key_fingerprint == result.fingerprint

    city = open_database(city_db)
    try:
        with city.transaction() as session:
            session.add(
                models.TrustedKey(
                    unit_code="630222",
                    key_id="k1",
                    public_key="x",
                    fingerprint="11111 22222 33333 44444 55555 66666 77777 88888",
                    status="active",
                    registered_at=dt.datetime(2025, 1, 5),
                )
            )
            for seq in (1, 2):
                session.add(_ledger("630222", seq, "k1"))
        all_records = package_records(city, YEAR)
        one = package_records(city, YEAR, "630223")
        with city.session() as session:
            assert session.scalar(select(models.PackageLedger.id).limit(1)) is not None
    finally:
        city.close()
    assert [(r.unit_code, r.seq) for r in all_records] == [("630222", 2)]
    assert all_records[0].key_fingerprint.startswith("11111")
    assert all_records[0].accepted
    assert one == []


def _ledger(unit: str, seq: int, key_id: str) -> models.PackageLedger:
    return models.PackageLedger(
        unit_code=unit,
        period_year=YEAR,
        seq=seq,
        manifest_sha256=f"{seq:064x}",
        prev_manifest_sha256=None,
        export_uuid=f"uuid-{seq}",
        key_id=key_id,
        package_created="2026-01-10T10:00:00",
        county_operator="县操作员",
        accepted_at=dt.datetime(2026, 1, 10 + seq, 9, 0),
        operator="市局",
        file_name=f"pkg{seq}.xlsx",
    )


def test_display_rounding_only_at_the_edge() -> None:
    assert percent_text(Fraction(2, 3)) == "66.7%"
    assert percent_text(Fraction(1, 8), 2) == "12.50%"
    assert percent_text(None) == "—"
    assert threshold_percent_text(Fraction(9, 10)) == "90%"
    assert threshold_percent_text(Fraction(1, 8)) == "12.5%"
    assert TrainingTotals(1, 2, 3, 4) + TrainingTotals(1, 1, 1, 1) == TrainingTotals(2, 3, 4, 5)


def test_relative_shortfall_for_each_comparator() -> None:
    rules = {r.comparator: r for r in load_default_ruleset().rules}
    at_least, at_most, between = rules[">="], rules["<="], rules["between"]
    assert relative_shortfall(at_least, at_least.threshold) == 0
    assert relative_shortfall(at_least, at_least.threshold * Fraction(9, 10)) == Fraction(1, 10)
    assert relative_shortfall(at_most, at_most.threshold * Fraction(11, 10)) == Fraction(1, 10)
    assert relative_shortfall(at_most, at_most.threshold) == 0
    assert between.threshold_high is not None
    assert relative_shortfall(between, between.threshold / 2) == Fraction(1, 2)
    assert relative_shortfall(between, between.threshold_high * 2) == 1
    assert relative_shortfall(between, (between.threshold + between.threshold_high) / 2) == 0
