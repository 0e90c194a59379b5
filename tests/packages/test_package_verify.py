"""Signed packages: export, and every verification outcome."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from db_snapshot import unchanged_token
from pkg_helpers import PASSPHRASE, enrol, make_package, open_pair
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.errors import InputRejected
from vetdesk.packages.county import NotReadyToSubmit, export_package
from vetdesk.packages.envelope import seal
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.signing.keys import NAMESPACE_PACKAGE, KeyFileError
from vetdesk.signing.keystore import active_key, create_key, unlock_key
from vetdesk.signing.trust import add_trusted_key, read_key_file, revoke_trusted_key
from vetdesk.standards.installed import create_database


@pytest.fixture
def pair(county_db, demo_city_target):
    county, city = open_pair(county_db, demo_city_target)
    enrol(county, city)
    yield county, city
    county.close()
    city.close()


def city_bytes(city) -> object:
    return unchanged_token(city)


def edited(source: Path, target: Path, edit) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    wb.save(target)
    return target


def test_a_fresh_package_verifies(pair, tmp_path):
    county, city = pair
    path = make_package(county, tmp_path)
    result = verify_package(city, path)
    assert result.verdict == Verdict.VALID, result.message
    assert (result.unit_code, result.period, result.seq) == ("630223", 2025, 1)
    assert result.fingerprint == active_key(county).fingerprint
    cover = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(path)["封面"].iter_rows(values_only=True)
        if r and r[0]
    }
    assert cover["上报包序号"] == "1" and cover["签名密钥指纹"] == result.fingerprint
    assert cover["填报单位"].startswith("互助")


def test_private_key_never_leaves_the_machine(pair, tmp_path):
    county, _city = pair
    path = make_package(county, tmp_path)
    key_text = active_key(county).key_file.read_text()
    body = key_text.split("-----BEGIN")[1][:60]
    import zipfile

    with zipfile.ZipFile(path) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert body.encode() not in everything
    assert b"PRIVATE KEY" not in everything


def test_sequence_grows_and_chains(pair, tmp_path):
    county, city = pair
    first = verify_package(city, make_package(county, tmp_path, "a.xlsx"))
    second = verify_package(city, make_package(county, tmp_path, "b.xlsx"))
    assert (first.seq, second.seq) == (1, 2)
    assert second.manifest["prev_manifest_sha256"] == first.manifest_sha256


def test_edited_cell_is_tampering_naming_the_sheet(pair, tmp_path):
    county, city = pair
    path = make_package(county, tmp_path)
    bad = edited(path, tmp_path / "bad.xlsx", lambda wb: wb["办学条件"].cell(2, 3, 1))
    before = city_bytes(city)
    result = verify_package(city, bad)
    assert result.verdict == Verdict.TAMPERED and result.sheet == "办学条件"
    assert city_bytes(city) == before


@pytest.mark.parametrize("sheet", ["教师名册", "培训项目", "警告说明"])
def test_added_or_deleted_rows_are_tampering(pair, tmp_path, sheet):
    county, city = pair
    path = make_package(county, tmp_path)
    deleted = edited(path, tmp_path / "del.xlsx", lambda wb: wb[sheet].delete_rows(2))
    assert verify_package(city, deleted).sheet == sheet

    def add_copy(wb):
        ws = wb[sheet]
        ws.append([c.value for c in ws[2]])

    added = edited(path, tmp_path / "add.xlsx", add_copy)
    assert verify_package(city, added).verdict == Verdict.TAMPERED


def test_edited_signature_data_is_tampering(pair, tmp_path):
    county, city = pair
    path = make_package(county, tmp_path)

    def bump_seq(wb):
        for row in wb["_vetdesk"].iter_rows():
            if row[0].value == "manifest":
                row[1].value = row[1].value.replace('"seq":1', '"seq":9')

    assert verify_package(city, edited(path, tmp_path / "s.xlsx", bump_seq)).sheet == "_vetdesk"

    def garble(wb):
        for row in wb["_vetdesk"].iter_rows():
            if row[0].value == "signature":
                row[1].value = "not base64!"

    assert (
        verify_package(city, edited(path, tmp_path / "g.xlsx", garble)).verdict == Verdict.TAMPERED
    )


def test_unknown_revoked_and_wrong_unit_keys(pair, tmp_path, demo_county_template):
    county, city = pair
    path = make_package(county, tmp_path)
    revoke_trusted_key(city, "630223")
    assert verify_package(city, path).verdict == Verdict.REVOKED_KEY
    fresh_city = create_database(
        tmp_path / "city2.db", role="city", unit_code="630200", operator="丙"
    )
    assert verify_package(fresh_city, path).verdict == Verdict.UNKNOWN_KEY
    # The county's key registered as if it were 乐都区's: the package claims 互助. Its file
    # names 互助, so registration refuses it; without that name (an edited file) it registers,
    # and verification still refuses the package.
    key_text = active_key(county).public_key
    with pytest.raises(InputRejected):
        add_trusted_key(fresh_city, "630202", read_key_file(key_text))
    add_trusted_key(fresh_city, "630202", read_key_file(" ".join(key_text.split()[:2])))
    result = verify_package(fresh_city, path)
    assert result.verdict == Verdict.WRONG_UNIT
    fresh_city.close()


def test_not_a_package_and_damaged(pair, tmp_path):
    county, city = pair
    from vetdesk.workbook.export import export_period

    draft = tmp_path / "draft.xlsx"
    export_period(county, 2025, draft, draft=True)
    assert verify_package(city, draft).verdict == Verdict.NOT_PACKAGE
    text = tmp_path / "fake.xlsx"
    text.write_text("a,b\n1,2\n")
    assert verify_package(city, text).verdict == Verdict.NOT_PACKAGE
    path = make_package(county, tmp_path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:4000])
    assert verify_package(city, cut).verdict == Verdict.DAMAGED


def test_newer_format_is_unsupported(pair, tmp_path):
    county, city = pair
    path = make_package(county, tmp_path)
    private = unlock_key(county, PASSPHRASE)

    def future(wb):
        for row in wb["_vetdesk"].iter_rows():
            if row[0].value == "manifest":
                manifest = json.loads(row[1].value)
                manifest["format"] = 99
                text, signature = seal(private, NAMESPACE_PACKAGE, manifest)
                row[1].value = text
            if row[0].value == "signature":
                sig_cell = row[1]
        sig_cell.value = signature

    assert (
        verify_package(city, edited(path, tmp_path / "f.xlsx", future)).verdict
        == Verdict.UNSUPPORTED_FORMAT
    )


def test_export_is_refused_until_checks_pass_and_drafts_stay_available(pair, tmp_path):
    county, _city = pair
    with county.transaction() as session:
        session.scalars(select(models.SchoolCondition)).first().books = None
    with pytest.raises(NotReadyToSubmit) as info:
        export_package(county, 2025, tmp_path / "p.xlsx", PASSPHRASE)
    assert "错误 1 条" in info.value.message and "--draft" in info.value.message
    assert not (tmp_path / "p.xlsx").exists()
    from vetdesk.workbook.export import export_period

    export_period(county, 2025, tmp_path / "d.xlsx", draft=True)
    cover = [
        r for r in openpyxl.load_workbook(tmp_path / "d.xlsx")["封面"].iter_rows(values_only=True)
    ]
    assert "草稿" in str(cover[0][0]) and any(
        "不能作为正式上报包" in str(r[1]) for r in cover if r and r[0]
    )


def test_wrong_passphrase_writes_nothing(pair, tmp_path):
    county, _city = pair
    with pytest.raises(KeyFileError) as info:
        export_package(county, 2025, tmp_path / "p.xlsx", "not the passphrase")
    assert info.value.code == "wrong_passphrase"
    assert not (tmp_path / "p.xlsx").exists()
    with county.session() as session:
        assert session.scalar(select(models.PackageExport)) is None


def test_key_rotation(pair, tmp_path):
    county, city = pair
    old = active_key(county)
    new = create_key(county, PASSPHRASE, rotate=True)
    assert new.key_id != old.key_id and not new.key_file.samefile(old.key_file)
    path = make_package(county, tmp_path)
    assert verify_package(city, path).verdict == Verdict.UNKNOWN_KEY
    add_trusted_key(city, "630223", read_key_file(new.public_key))
    assert verify_package(city, path).verdict == Verdict.VALID


def test_package_resaved_unchanged_by_libreoffice_still_verifies(pair, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "workbook"))
    from xlsx_helpers import SOFFICE, resave_with_libreoffice

    if SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; scripts/dev.py installs it when run as root"
        )
    county, city = pair
    path = make_package(county, tmp_path)
    resaved = resave_with_libreoffice(path, tmp_path)
    assert resaved.read_bytes() != path.read_bytes()
    result = verify_package(city, resaved)
    assert result.verdict == Verdict.VALID, result.message
    edited_after = edited(
        resaved, tmp_path / "lo-edited.xlsx", lambda wb: wb["教师名册"].cell(3, 3, "改名")
    )
    assert verify_package(city, edited_after).sheet == "教师名册"
