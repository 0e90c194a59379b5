"""A package changes only what its signer owns and signed (issue 18: attacks as tests)."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest
from pkg_helpers import PASSPHRASE, enrol, enrolled_county_and_city, make_package
from sqlalchemy import func, select

import vetdesk.packages.county as county_module
import vetdesk.workbook.export as export_module
from vetdesk.db import models
from vetdesk.db.id_privacy import install_privacy, privacy_in_force
from vetdesk.db.periods import ensure_period
from vetdesk.domain.id_privacy import hash_id_number, new_hashed_privacy
from vetdesk.packages.merge import apply_merge, preview_merge
from vetdesk.packages.task import export_task, import_task
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database
from vetdesk.validation.findings import teacher_key
from vetdesk.workbook.importer import _current_state
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import EXPLANATIONS, EXPORT_SHEETS, MAJORS

OWN_SCHOOL = "3663230000"  # 互助县's school in the demo county


@pytest.fixture
def setup(county_db, tmp_path):
    yield from enrolled_county_and_city(county_db, tmp_path)


def _count(db, model) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _state_of(db, unit: str, year: int = 2025) -> dict[str, dict]:
    """The city's rows of one county, per sheet (what a merge replaces)."""
    with db.session() as session:
        state = _current_state(session, db, year)
    own = {code for code, county in state.school_codes.items() if county == unit}
    result = {}
    for key, records in state.records.items():
        if key == EXPLANATIONS.key:
            result[key] = {k: v for k, v in records.items() if k[1].split(":")[1] in own}
        else:
            result[key] = {k: v for k, v in records.items() if v.get("school_code") in own}
    return result


def _assert_preview_is_the_merge(city, path) -> None:
    """Merge a package and check the city now holds exactly what its preview announced."""
    verification = verify_package(city, path)
    unit = str(verification.unit_code)
    before = _state_of(city, unit)
    preview = preview_merge(city, verification)
    assert apply_merge(city, verification).applied
    after = _state_of(city, unit)
    for key, rows in after.items():
        summary = preview.summary.get(key)
        if summary is None:  # a sheet the package does not carry: left exactly as it was
            assert rows == before[key], key
            continue
        assert len(rows) == len(before[key]) + summary.added - summary.removed, key
    # The same package previewed against the merged data changes nothing.
    again = preview_merge(city, verify_package(city, path, check_ledger=False))
    assert all(s.added == s.changed == s.removed == 0 for s in again.summary.values())


def _hostile_export(monkeypatch, county, folder, name, inject):
    """A validly signed package whose snapshot ``inject`` altered before signing."""
    real = county_module.take_snapshot

    def altered(db, year):
        snapshot = real(db, year)
        inject(snapshot)
        return snapshot

    monkeypatch.setattr(county_module, "take_snapshot", altered)
    try:
        return make_package(county, folder, name)
    finally:
        monkeypatch.setattr(county_module, "take_snapshot", real)


def test_a_package_cannot_change_another_countys_school(setup, monkeypatch):
    county, city, folder = setup
    assert apply_merge(city, verify_package(city, make_package(county, folder, "hz.xlsx"))).applied
    before = _state_of(city, "630223")
    other = create_database(folder / "minhe.db", role="county", unit_code="630222", operator="民和")
    generate_demo(other, year=2025)
    enrol(other, city)

    def steal(snapshot):
        condition = dict(snapshot.records["conditions"][0], school_code=OWN_SCHOOL, land_area_m2=1)
        snapshot.records["conditions"].append(condition)

    path = _hostile_export(monkeypatch, other, folder, "minhe.xlsx", steal)
    verification = verify_package(city, path)
    assert verification.ok  # the signature is genuine: 民和县 signed it
    preview = apply_merge(city, verification)
    assert not preview.applied
    assert any("办学条件" in c and OWN_SCHOOL in c and "行" in c for c in preview.conflicts)
    assert _state_of(city, "630223") == before
    other.close()


def test_an_older_format_package_merges_only_its_signed_sheets(setup, monkeypatch):
    county, city, folder = setup
    assert apply_merge(city, verify_package(city, make_package(county, folder, "1.xlsx"))).applied
    majors_before = _state_of(city, "630223")[MAJORS.key]
    assert majors_before
    # An older build signed six sheets, without the ten-measure ones.
    old_sheets = tuple(
        s
        for s in EXPORT_SHEETS
        if s.key not in {"majors", "enterprises", "pilots", "destinations", "bases"}
    )
    monkeypatch.setattr(county_module, "EXPORT_SHEETS", old_sheets)
    monkeypatch.setattr(export_module, "EXPORT_SHEETS", old_sheets)
    old = make_package(county, folder, "2-old.xlsx")
    monkeypatch.undo()
    verification = verify_package(city, old)
    assert verification.ok
    preview = preview_merge(city, verification)
    assert "专业设置" in preview.kept_sheets and MAJORS.key not in preview.summary
    _assert_preview_is_the_merge(city, old)
    assert _state_of(city, "630223")[MAJORS.key] == majors_before


def test_a_data_sheet_the_manifest_does_not_list_is_tampering(setup, monkeypatch):
    county, city, folder = setup
    full = make_package(county, folder, "full.xlsx")
    old_sheets = tuple(s for s in EXPORT_SHEETS if s.key != "majors")
    monkeypatch.setattr(county_module, "EXPORT_SHEETS", old_sheets)
    monkeypatch.setattr(export_module, "EXPORT_SHEETS", old_sheets)
    old = make_package(county, folder, "old.xlsx")
    monkeypatch.undo()
    assert verify_package(city, old).ok
    # Someone adds a 专业设置 sheet to the signed older package.
    source = openpyxl.load_workbook(full)["专业设置"]
    workbook = openpyxl.load_workbook(old)
    added = workbook.create_sheet("专业设置")
    for row in source.iter_rows(values_only=True):
        added.append(list(row))
    workbook.save(old)
    result = verify_package(city, old)
    assert result.verdict == Verdict.TAMPERED and result.sheet == "专业设置"
    assert not apply_merge(city, result).applied
    assert _count(city, models.Major) == 0


def test_the_statistics_date_is_signed(setup):
    county, city, folder = setup
    path = make_package(county, folder)
    with county.session() as session:
        signed = session.scalar(
            select(models.Period.statistics_date).where(models.Period.year == 2025)
        )
    workbook = openpyxl.load_workbook(path)
    meta = workbook["_vetdesk"]
    for row in meta.iter_rows():
        if row[0].value == "statistics_date":
            row[1].value = "2019-01-01"
    workbook.save(path)
    verification = verify_package(city, path)
    assert verification.ok and verification.manifest["statistics_date"] == signed.isoformat()
    assert apply_merge(city, verification).applied
    with city.session() as session:
        stored = session.scalar(
            select(models.Period.statistics_date).where(models.Period.year == 2025)
        )
    assert stored == signed != dt.date(2019, 1, 1)


def test_the_preview_is_the_merge(setup):
    county, city, folder = setup
    _assert_preview_is_the_merge(city, make_package(county, folder, "1.xlsx"))
    with county.transaction() as session:
        teacher = session.scalars(select(models.Teacher)).first()
        session.delete(teacher)
        session.scalars(select(models.SchoolCondition)).first().books += 7
    _assert_preview_is_the_merge(city, make_package(county, folder, "2.xlsx"))


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _with_check_digit(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def test_hashed_ids_cannot_be_brute_forced_from_a_package(setup):
    county, city, folder = setup
    with city.transaction() as session:
        ensure_period(session, 2025)
        install_privacy(session, new_hashed_privacy())
    task = folder / "task.xlsx"
    export_task(city, 2025, task, PASSPHRASE, unit_code="630223")
    assert import_task(county, task).applied
    with county.session() as session:
        privacy = privacy_in_force(session)
        teachers = session.execute(
            select(models.School.school_code, models.Teacher.id_number).join(
                models.School, models.Teacher.school_id == models.School.id
            )
        ).all()
    package = make_package(county, folder)
    content = read_workbook(package)
    digests = {
        str(r.values["record_key"]).split(":")[2]
        for r in content.sheet(EXPLANATIONS.key).rows
        if str(r.values["record_key"]).startswith("teacher:")
    }
    # A teacher whose warning explanation travels in the package (keyed as the county's
    # checks key it, from the plain number, or as the city's do, from the hashed one).
    ident = next(
        number
        for school, number in teachers
        if {
            teacher_key(school, number).split(":")[2],
            teacher_key(school, hash_id_number(privacy, number)).split(":")[2],
        }
        & digests
    )
    region, year = ident[:6], int(ident[6:10])
    found = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        stem = region + day.strftime("%Y%m%d")
        for sequence in range(1000):
            candidate = _with_check_digit(f"{stem}{sequence:03d}")
            digest = hashlib.sha256(f"VetDesk-teacher:{candidate}".encode()).hexdigest()[:12]
            if digest in digests:
                found.append(candidate)
        day += dt.timedelta(days=1)
    assert ident == _with_check_digit(ident[:17])  # the real number is in the space searched
    assert found == []


def test_an_edited_cover_or_verdict_sheet_is_flagged(setup):
    county, city, folder = setup
    path = make_package(county, folder)
    fresh = verify_package(city, path)
    assert fresh.ok and not [n for n in fresh.notes if "封面" in n or "核验结果" in n]
    workbook = openpyxl.load_workbook(path)
    cover = workbook["封面"]
    for row in cover.iter_rows():
        if row[0].value == "达标学校":
            row[1].value = "99 / 99"  # what a person reads, not what the merge reads
    workbook.save(path)
    edited = verify_package(city, path)
    assert edited.ok and any("封面与签名数据不一致" in n for n in edited.notes)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["核验结果"]
    sheet.cell(2, 3).value = "达标" if sheet.cell(2, 3).value != "达标" else "不达标"
    workbook.save(path)
    both = verify_package(city, path)
    assert both.ok and any("核验结果" in n and "不一致" in n for n in both.notes)


def test_a_merge_that_would_differ_from_its_preview_is_rolled_back(setup, monkeypatch):
    county, city, folder = setup
    path = make_package(county, folder)
    import vetdesk.packages.merge as merge_module

    real = merge_module.apply_changeset

    def drops_a_teacher(session, *args, **kwargs):
        real(session, *args, **kwargs)
        session.delete(session.scalars(select(models.Teacher)).first())

    monkeypatch.setattr(merge_module, "apply_changeset", drops_a_teacher)
    with pytest.raises(RuntimeError, match="differs from its preview in sheet teachers"):
        apply_merge(city, verify_package(city, path))
    assert _count(city, models.PackageLedger) == 0 and _count(city, models.Teacher) == 0
