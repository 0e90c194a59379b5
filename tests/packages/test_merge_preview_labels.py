"""The merge preview: explanation rows in words (finding 9), another statistics date (finding 2)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from pkg_helpers import enrolled_county_and_city, make_package
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.periods import ensure_period
from vetdesk.packages.explained import RecordNames, explanation_label
from vetdesk.packages.merge import apply_merge, preview_merge
from vetdesk.packages.verify import verify_package
from vetdesk.standards.ruleset import load_default_ruleset


@pytest.fixture
def pair(county_db, tmp_path):
    yield from enrolled_county_and_city(county_db, tmp_path)


def test_explanation_rows_are_named_by_school_teacher_and_field(pair):
    county, city, folder = pair
    with county.session() as session:
        schools = {s.school_code: s.name for s in session.scalars(select(models.School))}
        # A teacher's record key is the school and a short hash of the 身份证号.
        roster = session.execute(
            select(models.School.school_code, models.Teacher.id_number, models.Teacher.name).join(
                models.School, models.Teacher.school_id == models.School.id
            )
        )
        teachers = {
            f"teacher:{code}:"
            + hashlib.sha256(f"VetDesk-teacher:{id_number}".encode()).hexdigest()[:12]: (
                f"{name}（{id_number[:6]}********{id_number[-4:]}）"
            )
            for code, id_number, name in roster
        }
    verification = verify_package(city, make_package(county, folder))
    sent = verification.content.sheet("explanations").rows
    preview = preview_merge(city, verification)
    rows = {c.record: c for c in preview.changes if c.sheet == "警告说明"}
    assert len(rows) == len(sent)  # one label per row, none the same as another
    for label in rows:
        # No rule id, record key or field key: only what people know.
        assert ":" not in label and "/" not in label, label
        assert any(f"{name}（{code}）" in label for code, name in schools.items()), label
    about_teachers = [r.values["record_key"] for r in sent if r.values["field"] == "practices"]
    assert about_teachers
    for key in about_teachers:
        code = key.split(":")[1]
        assert f"{schools[code]}（{code}） · {teachers[key]} · 企业实践" in rows


def test_an_indicator_explanation_is_named_as_the_rule_set_names_the_indicator():
    indicators = {i.id: i.label for i in load_default_ruleset().indicators.values()}
    names = RecordNames(schools={"3663230001": "互助县职业技术学校"}, indicators=indicators)
    record = {"rule": "JCC2010-12/part_time_share", "record_key": "condition:3663230001"}
    label = explanation_label({**record, "field": "part_time_share"}, names)
    assert label == "互助县职业技术学校（3663230001） · 兼职教师占专任教师比例"
    # A teacher the roster no longer lists is said to be so, not shown by a hash.
    gone = {"record_key": "teacher:3663230001:82463e80c3af", "field": "practices"}
    assert explanation_label(gone, names) == (
        "互助县职业技术学校（3663230001） · 名册中没有的教师 · 企业实践"
    )


def _county_statistics_date(county) -> dt.date:
    with county.session() as session:
        period = session.scalars(select(models.Period).where(models.Period.year == 2025)).one()
        return period.statistics_date


def test_a_package_counted_at_another_statistics_date_is_merged_with_a_warning(pair):
    county, city, folder = pair
    signed = _county_statistics_date(county)
    held = signed - dt.timedelta(days=122)
    with city.transaction() as session:
        ensure_period(session, 2025, held)
    path = make_package(county, folder)
    verification = verify_package(city, path)
    assert verification.ok
    warned = [n for n in verification.notes if signed.isoformat() in n]
    assert len(warned) == 1 and held.isoformat() in warned[0] and "统计时点" in warned[0]
    # The merge is not refused and says so too; the city's period keeps its statistics date.
    merged = apply_merge(city, verify_package(city, path))
    assert merged.applied
    assert any(signed.isoformat() in n for n in merged.verification.notes)
    with city.session() as session:
        period = session.scalars(select(models.Period).where(models.Period.year == 2025)).one()
        assert period.statistics_date == held


def test_the_same_statistics_date_gives_no_warning(pair):
    county, city, folder = pair
    with city.transaction() as session:
        ensure_period(session, 2025, _county_statistics_date(county))
    verification = verify_package(city, make_package(county, folder))
    assert verification.ok
    assert not [n for n in verification.notes if "统计时点" in n]
