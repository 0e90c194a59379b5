"""The preview is the merge: the change set shown is exactly what the merge writes (issue 18.6)."""

from __future__ import annotations

import sqlite3

import pytest
from pkg_helpers import PASSPHRASE, enrolled_county_and_city, make_package
from sqlalchemy import select

import vetdesk.packages.county as county_module
import vetdesk.workbook.export as export_module
from vetdesk.db import models
from vetdesk.db.backup import REASON_MERGE, list_backups
from vetdesk.packages.accept import accept_package, merge_batch
from vetdesk.packages.merge import StalePreview, apply_merge, preview_merge
from vetdesk.packages.verify import verify_package
from vetdesk.workbook.schema import EXPORT_SHEETS

# The table behind each sheet, as the test reads the database (not through VetDesk's code).
TABLES = {
    "schools": "schools",
    "conditions": "school_conditions",
    "teachers": "teachers",
    "practices": "enterprise_practices",
    "trainings": "training_programmes",
    "majors": "majors",
    "enterprises": "cooperating_enterprises",
    "pilots": "certificate_pilots",
    "destinations": "graduate_destinations",
    "bases": "training_bases",
    "explanations": "warning_explanations",
}
NEWER_SHEETS = {"majors", "enterprises", "pilots", "destinations", "bases"}


@pytest.fixture
def setup(county_db, tmp_path):
    yield from enrolled_county_and_city(county_db, tmp_path)


def _rows(db) -> dict[str, dict[int, tuple]]:
    """Every row of every data table, by id, read with plain sqlite3."""
    with sqlite3.connect(db.path) as conn:
        return {
            sheet: {row[0]: row[1:] for row in conn.execute(f"SELECT * FROM {table}")}
            for sheet, table in TABLES.items()
        }


def _watch(db) -> None:
    """SQLite triggers that note every row written (a delete and re-insert shows, even with the same id)."""
    with sqlite3.connect(db.path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS touched (tbl TEXT, action TEXT, row_id INTEGER)")
        conn.execute("DELETE FROM touched")
        for table in TABLES.values():
            for action, ref in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
                conn.execute(
                    f"CREATE TRIGGER IF NOT EXISTS touch_{table}_{action} AFTER {action.upper()} "
                    f"ON {table} BEGIN INSERT INTO touched VALUES ('{table}', '{action}', {ref}.id); END"
                )


def _touched(db, table: str, action: str) -> list[int]:
    with sqlite3.connect(db.path) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT row_id FROM touched WHERE tbl = ? AND action = ?", (table, action)
            )
        ]


def _audit_tail(db, after: int) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db.path) as conn:
        return list(
            conn.execute(
                "SELECT action, table_name, record_key FROM audit_log WHERE id > ?", (after,)
            )
        )


def _last_audit_id(db) -> int:
    with sqlite3.connect(db.path) as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])


def _merge_and_compare(city, path) -> None:
    """Preview a package, merge it, and check the rows written are exactly the rows listed."""
    preview = preview_merge(city, verify_package(city, path))
    changeset = preview.changeset
    assert changeset is not None
    _watch(city)
    audit_from = _last_audit_id(city)
    merged = apply_merge(city, verify_package(city, path), expected=preview.changeset_digest)
    assert merged.applied
    logged = _audit_tail(city, audit_from)
    for sheet, table in TABLES.items():
        listed = changeset.sheets.get(sheet)
        removed = _touched(city, table, "delete")
        added = _touched(city, table, "insert")
        changed = _touched(city, table, "update")
        if listed is None:  # a sheet the package does not carry: not one row written
            assert (removed, added, changed) == ([], [], []), sheet
            continue
        assert sorted(removed) == sorted(r.old.row_id for r in listed.of("remove")), sheet
        assert sorted(changed) == sorted(r.old.row_id for r in listed.of("change")), sheet
        assert len(added) == len(listed.of("add")), sheet
        # The audit log names the same rows: one insert or delete each, updates per changed row.
        entries = [e for e in logged if e[1] == table]
        assert sum(e[0] == "insert" for e in entries) == len(added), sheet
        assert sum(e[0] == "delete" for e in entries) == len(removed), sheet
        assert len({e[2] for e in entries if e[0] == "update"}) == len(changed), sheet
    summary = preview.summary
    assert {k: (s.added, s.changed, s.removed) for k, s in summary.items()} == {
        k: (len(s.of("add")), len(s.of("change")), len(s.of("remove")))
        for k, s in changeset.sheets.items()
    }
    # Merged again: nothing left to do.
    again = preview_merge(city, verify_package(city, path, check_ledger=False))
    assert again.changeset is not None and again.changeset.empty


def test_rows_touched_by_the_merge_are_the_rows_the_preview_lists(setup, monkeypatch):
    county, city, folder = setup
    # 1. A first package: every row is added.
    _merge_and_compare(city, make_package(county, folder, "1.xlsx"))
    # 2. Rows changed: a teacher's title, a condition figure, an explanation's text.
    with county.transaction() as session:
        teacher = session.scalars(select(models.Teacher).order_by(models.Teacher.id)).first()
        teacher.name = teacher.name + "改"
        session.scalars(select(models.SchoolCondition)).first().books += 7
        explanation = session.scalars(select(models.WarningExplanation)).first()
        explanation.text = explanation.text + "（补充）"
    second = make_package(county, folder, "2.xlsx")
    preview = preview_merge(city, verify_package(city, second))
    counts = {k: (s.added, s.changed, s.removed) for k, s in preview.summary.items()}
    assert counts["teachers"] == (0, 1, 0) and counts["conditions"] == (0, 1, 0)
    assert counts["explanations"] == (0, 1, 0)
    _merge_and_compare(city, second)
    # 3. Rows removed: a teacher with practices (they go with the teacher) and a major.
    with county.transaction() as session:
        practice = session.scalars(select(models.EnterprisePractice)).first()
        session.delete(session.get(models.Teacher, practice.teacher_id))
        session.delete(session.scalars(select(models.Major)).first())
    third = make_package(county, folder, "3.xlsx")
    preview = preview_merge(city, verify_package(city, third))
    assert preview.summary["teachers"].removed == 1 and preview.summary["majors"].removed == 1
    assert preview.summary["practices"].removed >= 1
    _merge_and_compare(city, third)
    # 4. An older build's package without the five newer sheets, after a major changed in
    #    the county: the majors the city holds stay exactly as they are, and the preview says so.
    with county.transaction() as session:
        session.scalars(select(models.Major)).first().enrolment = 999
        session.scalars(select(models.SchoolCondition)).first().books += 1
    old_sheets = tuple(s for s in EXPORT_SHEETS if s.key not in NEWER_SHEETS)
    monkeypatch.setattr(county_module, "EXPORT_SHEETS", old_sheets)
    monkeypatch.setattr(export_module, "EXPORT_SHEETS", old_sheets)
    old = make_package(county, folder, "4-old.xlsx")
    monkeypatch.undo()
    preview = preview_merge(city, verify_package(city, old))
    assert "专业设置" in preview.kept_sheets and preview.kept_rows["专业设置"] > 0
    assert NEWER_SHEETS.isdisjoint(preview.changeset.sheets)
    _merge_and_compare(city, old)
    with city.session() as session:
        assert 999 not in set(session.scalars(select(models.Major.enrolment)))


def test_a_stale_preview_is_refused_and_nothing_is_written(setup):
    county, city, folder = setup
    assert apply_merge(city, verify_package(city, make_package(county, folder, "1.xlsx"))).applied
    with county.transaction() as session:
        session.scalars(select(models.SchoolCondition)).first().books += 3
    second = make_package(county, folder, "2.xlsx")
    shown = preview_merge(city, verify_package(city, second))
    assert shown.summary["conditions"].changed == 1
    # Between the preview and 接收并合并 the city's copy of the county changes.
    with sqlite3.connect(city.path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM teachers WHERE id = (SELECT min(id) FROM teachers)")
    before = _rows(city)
    receipts = folder / "receipts"
    from vetdesk.packages.accept import unlock_receipts

    signer = unlock_receipts(city, receipts, PASSPHRASE)
    with pytest.raises(StalePreview):
        accept_package(
            city,
            verify_package(city, second),
            receipts=signer,
            expected=shown.changeset_digest,
        )
    assert _rows(city) == before
    assert not receipts.exists() or not any(receipts.iterdir())
    with city.session() as session:
        assert len(list(session.scalars(select(models.PackageLedger)))) == 1
    # Previewed again, the same package merges: the new preview lists the restored teacher.
    fresh = preview_merge(city, verify_package(city, second))
    assert fresh.summary["teachers"].added == 1
    outcome = accept_package(city, verify_package(city, second), expected=fresh.changeset_digest)
    assert outcome.preview.applied


def test_a_batch_takes_one_backup(setup):
    county, city, folder = setup
    usb = folder / "usb"
    usb.mkdir()
    make_package(county, usb, "1.xlsx")
    with county.transaction() as session:
        session.scalars(select(models.SchoolCondition)).first().books += 1
    make_package(county, usb, "2.xlsx")
    outcomes = merge_batch(city, sorted(usb.iterdir()))
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    merges = [b for b in list_backups(city.path, summary=False) if b.reason == REASON_MERGE]
    assert len(merges) == 1
