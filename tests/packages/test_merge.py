"""Merge rules at the city: replay, fork, conflicts, cross-county duplicates, receipts."""

from __future__ import annotations

import pytest
from db_snapshot import unchanged_token
from pkg_helpers import PASSPHRASE, enrol, make_package
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.packages.merge import apply_merge, preview_merge, status_board
from vetdesk.packages.receipt import ReceiptRefused, import_receipt, issue_receipt
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.services.demo import generate_demo
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


def test_fork_is_refused(setup):
    county, city, folder = setup
    first = make_package(county, folder, "a.xlsx")
    assert apply_merge(city, verify_package(city, first)).applied
    # The county restores an old backup and exports "package 1" again with other data.
    with county.transaction() as session:
        for row in session.scalars(select(models.PackageExport)):
            session.delete(row)
        session.scalars(select(models.SchoolCondition)).first().books += 5
    from vetdesk.packages.county import SEQ_FILE
    from vetdesk.signing.keystore import key_folder

    (key_folder(county.info().unit_code) / SEQ_FILE).unlink()
    forked = make_package(county, folder, "b.xlsx")
    result = verify_package(city, forked)
    assert result.verdict == Verdict.FORK and result.seq == 1


def test_chain_break_is_a_fork(setup):
    county, city, folder = setup
    assert apply_merge(city, verify_package(city, make_package(county, folder, "1.xlsx"))).applied
    # Restored from a backup taken before package 1: the database forgot it, the key
    # folder's sequence file did not, so the next package is number 2 without a link to 1.
    with county.transaction() as session:
        for row in session.scalars(select(models.PackageExport)):
            session.delete(row)
    second = make_package(county, folder, "2.xlsx")
    result = verify_package(city, second)
    assert result.seq == 2 and result.verdict == Verdict.FORK


def test_a_sequence_gap_is_a_fork_unless_the_city_accepts_it_with_a_reason(setup):
    county, city, folder = setup
    make_package(county, folder, "1.xlsx")  # never reaches the city
    second = make_package(county, folder, "2.xlsx")
    first_seen = verify_package(city, second)
    assert first_seen.verdict == Verdict.VALID and first_seen.notes  # first accepted: a gap is fine
    assert apply_merge(city, verify_package(city, second)).applied
    make_package(county, folder, "3.xlsx")  # lost on the way
    fourth_path = make_package(county, folder, "4.xlsx")
    # Nothing links 4 to 2: it is refused like any chain break...
    fourth = verify_package(city, fourth_path)
    assert fourth.verdict == Verdict.FORK and fourth.gap_after == 2
    assert not apply_merge(city, fourth).applied
    # ...until the city, having asked the county, accepts the gap with a reason.
    merged = apply_merge(city, verify_package(city, fourth_path), gap_reason="县区确认第 3 号作废")
    assert merged.applied and "第 3 号作废" in merged.verification.notes[-1]
    with city.session() as session:
        rows = list(
            session.scalars(select(models.PackageLedger).order_by(models.PackageLedger.seq))
        )
    assert [(r.seq, r.gap_reason) for r in rows] == [(2, None), (4, "县区确认第 3 号作废")]


def test_a_forked_package_after_a_gap_is_refused(setup):
    county, city, folder = setup
    for name in ("1.xlsx", "2.xlsx"):
        assert apply_merge(city, verify_package(city, make_package(county, folder, name))).applied
    # The county restores a backup from before 2 and exports on: its 3 and 4 descend from 1.
    with county.transaction() as session:
        session.delete(
            session.scalar(select(models.PackageExport).where(models.PackageExport.seq == 2))
        )
    forked_3 = verify_package(city, make_package(county, folder, "3f.xlsx"))
    assert forked_3.verdict == Verdict.FORK  # refused: 3 does not link to 2
    forked_4 = verify_package(city, make_package(county, folder, "4f.xlsx"))
    assert forked_4.verdict == Verdict.FORK and forked_4.seq == 4
    assert not apply_merge(city, forked_4).applied


def test_school_code_claimed_by_two_counties_is_a_conflict(setup, tmp_path):
    county, city, folder = setup
    other = create_database(
        tmp_path / "other.db", role="county", unit_code="630202", operator="乐都"
    )
    generate_demo(other, year=2025)
    with city.transaction() as session:
        session.add(
            models.School(
                school_code="3663230000",
                name="冒名学校",
                county_code="630202",
                level="secondary",
                category="general",
                ownership="public",
            )
        )
    path = make_package(county, folder)
    before = bytes_of(city)
    preview = apply_merge(city, verify_package(city, path))
    assert not preview.applied and preview.conflicts
    assert "3663230000" in preview.conflicts[0]
    assert bytes_of(city) == before
    other.close()


def test_teacher_in_two_counties_is_flagged_without_full_id(setup):
    county, city, folder = setup
    path = make_package(county, folder)
    with county.session() as session:
        teacher = session.scalars(select(models.Teacher)).first()
        ident, name = teacher.id_number, teacher.name
    with city.transaction() as session:
        school = models.School(
            school_code="3663020000",
            name="乐都某校",
            county_code="630202",
            level="secondary",
            category="general",
            ownership="public",
        )
        session.add(school)
        session.flush()
        period = models.Period(
            year=2025, statistics_date=__import__("datetime").date(2025, 12, 31), state="open"
        )
        session.add(period)
        session.flush()
        session.add(
            models.Teacher(
                school_id=school.id,
                period_id=period.id,
                name=name,
                id_number=ident,
                role="general_course",
                education="bachelor",
                title="none",
                double_teacher_level="none",
            )
        )
    preview = preview_merge(city, verify_package(city, path))
    assert len(preview.duplicates) == 1
    assert name in preview.duplicates[0] and ident not in preview.duplicates[0]
    assert ident[:6] in preview.duplicates[0]


def test_status_board_lists_missing_counties(setup):
    county, city, folder = setup
    apply_merge(city, verify_package(city, make_package(county, folder)))
    board = {row.unit_code: row for row in status_board(city, 2025)}
    assert board["630223"].submitted and board["630223"].seq == 1
    assert not board["630202"].submitted
    assert board["630223"].warnings == board["630223"].warnings_explained > 0


def test_a_refused_package_shows_on_the_board_until_a_later_one_is_accepted(setup, capsys):
    from vetdesk.cli import main

    county, city, folder = setup
    first = make_package(county, folder, "1.xlsx")
    city_path = city.location
    city.close()
    code = main(
        ["merge", "--db", str(city_path), str(first), "--reject", "图书册数与去年差异过大，请核实"]
    )
    assert code == 1  # nothing was merged
    city = open_database(city_path)
    row = {r.unit_code: r for r in status_board(city, 2025)}["630223"]
    assert not row.submitted and row.rejected_seq == 1
    assert row.rejected_reason == "图书册数与去年差异过大，请核实" and row.rejected_at is not None
    capsys.readouterr()
    assert main(["status", "--db", str(city.location), "--period", "2025"]) == 0
    out = capsys.readouterr().out
    assert (
        "退回第 1 号包" in out and "图书册数" in out and "尚未上报" not in out.split("互助")[1][:30]
    )

    with county.transaction() as session:  # the county corrects and sends package 2
        session.scalars(select(models.SchoolCondition)).first().books += 1
    second = make_package(county, folder, "2.xlsx")
    assert apply_merge(city, verify_package(city, second)).applied
    row = {r.unit_code: r for r in status_board(city, 2025)}["630223"]
    assert row.submitted and row.seq == 2 and row.rejected_at is None and not row.rejected_reason
    # A newer package refused after an accepted one: still submitted, and the refusal shows.
    from vetdesk.packages.merge import reject

    with county.transaction() as session:
        session.scalars(select(models.SchoolCondition)).first().books += 1
    third = make_package(county, folder, "3.xlsx")
    reject(city, preview_merge(city, verify_package(city, third)), "请补充说明")
    row = {r.unit_code: r for r in status_board(city, 2025)}["630223"]
    assert row.submitted and row.seq == 2 and row.rejected_seq == 3
    assert row.rejected_reason == "请补充说明"
    city.close()


def test_receipts_cannot_be_forged_or_misdelivered(setup, tmp_path):
    county, city, folder = setup
    preview = apply_merge(city, verify_package(city, make_package(county, folder)))
    receipt = issue_receipt(city, preview, folder / "r", PASSPHRASE)
    # A second city database with its own (unregistered) key cannot issue receipts the county accepts.
    impostor = create_database(
        tmp_path / "fake-city.db", role="city", unit_code="630200", operator="假"
    )
    from vetdesk.signing.keystore import create_key

    create_key(impostor, PASSPHRASE)
    fake = issue_receipt(impostor, preview, folder / "fake", PASSPHRASE)
    with pytest.raises(ReceiptRefused) as info:
        import_receipt(county, fake)
    assert info.value.code == "unknown_key"
    # The genuine receipt imports once; the county records what the city said.
    result = import_receipt(county, receipt)
    assert result.status == "accepted" and result.period_submitted
    # The same receipt at another county is refused.
    other = create_database(
        tmp_path / "other.db", role="county", unit_code="630202", operator="乐都"
    )
    from vetdesk.signing.keystore import active_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file

    add_trusted_key(other, "630200", read_key_file(active_key(city).public_key))
    with pytest.raises(ReceiptRefused) as info:
        import_receipt(other, receipt)
    # The shared verdict for a file meant for another unit (was "wrong_unit" for receipts only).
    assert info.value.code == "not_for_this_unit"
    impostor.close()
    other.close()
