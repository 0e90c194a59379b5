"""Accepting a package verifies it for itself, and its receipt never lies (issues 13.2, 19.5)."""

from __future__ import annotations

import json

import pytest
from db_snapshot import unchanged_token
from pkg_helpers import PASSPHRASE, enrol, make_package
from sqlalchemy import func, select

from vetdesk.cli import main
from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import import_receipt
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.standards.installed import create_database


@pytest.fixture
def setup(county_db, tmp_path, city_target):
    county = open_database(county_db)
    city = create_database(city_target, role="city", unit_code="630200", operator="市局")
    enrol(county, city)
    yield county, city, tmp_path
    county.close()
    city.close()


def bytes_of(db) -> object:
    return unchanged_token(db)


def ledger(city) -> list[int]:
    with city.session() as session:
        return list(session.scalars(select(models.PackageLedger.seq).order_by("id")))


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_stale_verification_applies_nothing(setup):
    county, city, folder = setup
    first = verify_package(city, make_package(county, folder, "1.xlsx"))
    second = verify_package(city, make_package(county, folder, "2.xlsx"))
    assert first.ok and second.ok
    assert apply_merge(city, second).applied
    # The verification of package 1 was "valid" when it was made; applied now it would put
    # older data over newer. The merge verifies again under the write lock and refuses.
    preview = apply_merge(city, first)
    assert not preview.applied and preview.verification.verdict == Verdict.REPLAY
    assert ledger(city) == [2]


def test_wrong_passphrase_with_receipts_merges_nothing(setup, capsys, monkeypatch):
    county, city, folder = setup
    usb = folder / "usb"
    usb.mkdir()
    make_package(county, usb, "1.xlsx")
    make_package(county, usb, "2.xlsx")
    before = bytes_of(city)
    monkeypatch.setenv("VETDESK_PASSPHRASE", "not the passphrase")
    code, out, err = run_cli(
        capsys, "merge", "--db", str(city.location), str(usb), "--receipts", str(folder / "r")
    )
    assert code == 1
    assert "未合并任何上报包" in err and "口令" in err
    assert bytes_of(city) == before and ledger(city) == []
    assert not (folder / "r").exists() or not list((folder / "r").iterdir())


def test_a_merge_whose_receipt_cannot_be_written_is_not_committed(setup, capsys, monkeypatch):
    county, city, folder = setup
    package = make_package(county, folder, "1.xlsx")
    blocked = folder / "receipts-is-a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASSPHRASE)
    code, out, _err = run_cli(
        capsys, "merge", "--db", str(city.location), str(package), "--receipts", str(blocked)
    )
    assert code == 1 and "回执无法写入" in out
    assert ledger(city) == []
    # Once the folder is right, the same package merges and gets the receipt it deserves.
    code, out, _err = run_cli(
        capsys, "merge", "--db", str(city.location), str(package), "--receipts", str(folder / "r")
    )
    assert code == 0 and ledger(city) == [1]
    assert [p.name for p in (folder / "r").iterdir()] == ["回执-630223-2025-1-accepted.xlsx"]


def test_rerunning_an_accepted_package_reissues_a_true_receipt(setup, capsys, monkeypatch):
    from vetdesk.packages.accept import accept_package, unlock_receipts

    county, city, folder = setup
    package = make_package(county, folder, "1.xlsx")
    signer = unlock_receipts(city, folder / "r1", PASSPHRASE)
    assert accept_package(city, verify_package(city, package), receipts=signer).preview.applied
    # The first receipt was lost on the way; the city runs the merge again.
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASSPHRASE)
    code, out, _err = run_cli(
        capsys, "merge", "--db", str(city.location), str(package), "--receipts", str(folder / "r2")
    )
    assert "此前已接收并合并过" in out
    assert ledger(city) == [1]
    (receipt,) = (folder / "r2").iterdir()
    result = import_receipt(county, receipt)
    assert result.status == "accepted" and result.period_submitted


def test_a_receipt_is_written_only_with_a_committed_merge(setup, monkeypatch):
    from vetdesk.packages.accept import accept_package, unlock_receipts

    county, city, folder = setup
    package = make_package(county, folder, "1.xlsx")
    signer = unlock_receipts(city, folder / "r", PASSPHRASE)
    import vetdesk.packages.merge as merge_module

    real = merge_module._write_merge

    def fail_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(merge_module, "_write_merge", fail_after_writing)
    with pytest.raises(OSError):
        accept_package(city, verify_package(city, package), receipts=signer)
    assert ledger(city) == []
    assert not (folder / "r").exists() or not list((folder / "r").iterdir())


def test_batch_reports_each_package_and_goes_on(setup):
    from vetdesk.packages.accept import merge_batch

    county, city, folder = setup
    usb = folder / "usb"
    usb.mkdir()
    make_package(county, usb, "1.xlsx")
    make_package(county, usb, "2.xlsx")
    (usb / "3.xlsx").write_bytes(b"not a workbook")
    outcomes = merge_batch(city, sorted(usb.iterdir()))
    assert [o.status for o in outcomes] == ["accepted", "accepted", "rejected"]
    assert ledger(city) == [1, 2]
    with city.session() as session:
        assert session.scalar(select(func.count()).select_from(models.PackageLedger)) == 2


def test_merge_of_a_folder_without_packages_says_so(setup, capsys):
    _county, city, folder = setup
    empty = folder / "empty"
    empty.mkdir()
    code, _out, err = run_cli(capsys, "merge", "--db", str(city.location), str(empty), "--json")
    assert code == 1
    assert "没有找到上报包" in _out + err
    code, out, _err = run_cli(capsys, "merge", "--db", str(city.location), str(empty), "--json")
    assert json.loads(out)["error"]["code"] == "no_packages"
