"""The whole county → city → county cycle through the command line, six counties at once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from vetdesk.cli import main
from vetdesk.domain.units import load_units

PASS = "correct horse battery"
COUNTIES = [c.code for c in load_units().counties]


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr().out
    return code, out


def run_json(capsys, *args: str):
    code, out = run(capsys, *args, "--json")
    return code, json.loads(out)


@pytest.fixture
def world(tmp_path, capsys, monkeypatch):
    """Six demo counties and an empty city database, keys registered both ways."""
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASS)
    city = tmp_path / "city.db"
    assert (
        run(capsys, "init", "--db", str(city), "--role", "city", "--operator", "市局李科长")[0] == 0
    )
    assert run(capsys, "key", "init", "--db", str(city))[0] == 0
    assert (
        run(capsys, "key", "export", "--db", str(city), "--out", str(tmp_path / "city.pub"))[0] == 0
    )
    counties = {}
    for code in COUNTIES:
        db = tmp_path / f"{code}.db"
        assert run(capsys, "demo", "--db", str(db), "--unit", code, "--period", "2025")[0] == 0
        assert run(capsys, "key", "init", "--db", str(db))[0] == 0
        pub = tmp_path / f"{code}.pub"
        assert run(capsys, "key", "export", "--db", str(db), "--out", str(pub))[0] == 0
        _c, shown = run_json(capsys, "key", "show", "--db", str(db))
        assert (
            run(
                capsys,
                "trust",
                "add",
                "--db",
                str(city),
                "--unit",
                code,
                str(pub),
                "--fingerprint",
                shown["fingerprint"],
            )[0]
            == 0
        )
        assert (
            run(
                capsys,
                "trust",
                "add",
                "--db",
                str(db),
                "--unit",
                "630200",
                str(tmp_path / "city.pub"),
                "--yes",
            )[0]
            == 0
        )
        counties[code] = db
    return tmp_path, city, counties


def db_bytes(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


def test_six_counties_to_the_city_and_back(world, capsys):
    folder, city, counties = world
    usb = folder / "usb"
    usb.mkdir()
    for code, db in counties.items():
        code_, out = run_json(
            capsys,
            "export",
            "--db",
            str(db),
            "--period",
            "2025",
            "--out",
            str(usb / f"{code}.xlsx"),
        )
        assert code_ == 0 and out["seq"] == 1
    # Verify the whole stick, then preview without merging: nothing changes.
    code_, results = run_json(
        capsys, "verify", "--db", str(city), *[str(p) for p in sorted(usb.iterdir())]
    )
    assert code_ == 0 and {r["verdict"] for r in results} == {"valid"}
    before = db_bytes(city)
    code_, previews = run_json(capsys, "merge", "--db", str(city), str(usb), "--dry-run")
    assert code_ == 0 and {p["status"] for p in previews} == {"pending"}
    assert all(p["summary"]["teachers"]["added"] > 100 for p in previews)
    assert db_bytes(city) == before
    # Merge and issue receipts.
    receipts = folder / "receipts"
    code_, merged = run_json(
        capsys, "merge", "--db", str(city), str(usb), "--receipts", str(receipts)
    )
    assert code_ == 0 and {p["status"] for p in merged} == {"accepted"}
    assert len(list(receipts.glob("*.xlsx"))) == 6
    code_, board = run_json(capsys, "status", "--db", str(city), "--period", "2025")
    assert all(row["submitted"] and row["seq"] == 1 for row in board)
    # The city now holds every county's schools and teachers.
    with sqlite3.connect(city) as conn:
        schools = conn.execute("SELECT count(*) FROM schools").fetchone()[0]
        ledger = conn.execute("SELECT count(*) FROM package_ledger").fetchone()[0]
    assert schools == 8 and ledger == 6
    code_, report = run_json(capsys, "check", "--db", str(city), "--period", "2025")
    assert report["summary"]["schools_assessed"] == 8
    # Merging the same stick again changes nothing: every package is a replay.
    before = db_bytes(city)
    code_, again = run_json(capsys, "merge", "--db", str(city), str(usb))
    assert code_ == 1 and {p["verdict"] for p in again} == {"replay"}
    assert db_bytes(city) == before
    # Each county imports its receipt; the period becomes submitted.
    for code, db in counties.items():
        receipt = next(receipts.glob(f"回执-{code}-2025-1-*.xlsx"))
        code_, result = run_json(capsys, "receipt", "import", "--db", str(db), str(receipt))
        assert code_ == 0 and result["status"] == "accepted" and result["period_submitted"]
        with sqlite3.connect(db) as conn:
            assert (
                conn.execute("SELECT state FROM periods WHERE year = 2025").fetchone()[0]
                == "submitted"
            )
    # City → counties again: a task package per county (registry, rule set, targets, deadline).
    for code, db in counties.items():
        task = folder / f"task-{code}.xlsx"
        code_, issued = run_json(
            capsys,
            "task",
            "export",
            "--db",
            str(city),
            "--period",
            "2025",
            "--unit",
            code,
            "--deadline",
            "2026-03-31",
            "--out",
            str(task),
        )
        assert code_ == 0, issued
        code_, imported = run_json(capsys, "task", "import", "--db", str(db), str(task))
        assert code_ == 0 and imported["applied"], imported
        with sqlite3.connect(db) as conn:
            deadline = conn.execute("SELECT deadline FROM periods WHERE year = 2025").fetchone()[0]
        assert deadline == "2026-03-31"


def test_a_resubmission_shows_its_changes_and_replaces_the_data(world, capsys):
    folder, city, counties = world
    db = counties["630223"]
    first = folder / "first.xlsx"
    run_json(capsys, "export", "--db", str(db), "--period", "2025", "--out", str(first))
    run_json(capsys, "merge", "--db", str(city), str(first))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE school_conditions SET books = books + 1000")
    second = folder / "second.xlsx"
    code_, out = run_json(
        capsys, "export", "--db", str(db), "--period", "2025", "--out", str(second)
    )
    assert out["seq"] == 2
    code_, previews = run_json(capsys, "merge", "--db", str(city), str(second))
    preview = previews[0]
    assert preview["status"] == "accepted"
    assert preview["summary"]["conditions"]["changed"] == 1
    change = next(c for c in preview["changes"] if c["action"] == "change")
    assert change["fields"][0]["field"].startswith("纸质图书")
    # The older package is now a replay and refused.
    _code, late = run_json(capsys, "merge", "--db", str(city), str(first))
    assert late[0]["verdict"] == "replay"


def test_rejected_package_gets_a_rejection_receipt(world, capsys):
    folder, city, counties = world
    db = counties["630202"]
    pkg = folder / "p.xlsx"
    run_json(capsys, "export", "--db", str(db), "--period", "2025", "--out", str(pkg))
    wb = openpyxl.load_workbook(pkg)
    wb["办学条件"].cell(2, 3).value = 1
    wb.save(pkg)
    before = db_bytes(city)
    code_, out = run_json(
        capsys, "merge", "--db", str(city), str(pkg), "--receipts", str(folder / "r")
    )
    assert code_ == 1 and out[0]["verdict"] == "tampered" and out[0]["status"] == "rejected"
    assert db_bytes(city) == before
    receipt = next((folder / "r").glob("*.xlsx"))
    # The county learns which of its packages was refused and why; the period stays open.
    code_, result = run_json(capsys, "receipt", "import", "--db", str(db), str(receipt))
    assert code_ == 0 and result["status"] == "rejected" and not result["period_submitted"]
    assert "办学条件" in result["reasons"][0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT state FROM periods WHERE year = 2025").fetchone()[0] == "open"
