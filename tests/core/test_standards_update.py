"""`vetdesk standards update`: a city database from an older release adopts the shipped rule set."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from vetdesk import cli
from vetdesk.db.backup import upgrade_with_backup
from vetdesk.db.database import open_database
from vetdesk.standards.installed import create_database, ruleset_in_force
from vetdesk.standards.ruleset import load_default_ruleset

CITY_DUMP = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "0002-city.sql"


def _released_city(tmp_path: Path) -> Path:
    """A city database of release schema 0002 (rule set 2022.1), upgraded to today's schema."""
    path = tmp_path / "city.db"
    con = sqlite3.connect(path)
    try:
        con.executescript(CITY_DUMP.read_text(encoding="utf-8"))
    finally:
        con.close()
    upgrade_with_backup(path)
    return path


def _version(path: Path) -> str:
    db = open_database(path)
    try:
        return ruleset_in_force(db).version
    finally:
        db.close()


def test_an_upgraded_city_database_adopts_the_shipped_rule_set(tmp_path, capsys):
    path = _released_city(tmp_path)
    shipped = load_default_ruleset().version
    stored = _version(path)
    assert stored != shipped  # the upgrade leaves the stored rule set as it was

    assert cli.main(["standards", "update", "--db", str(path), "--dry-run", "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["status"] == "would_update" and not preview["applied"]
    assert (preview["old"]["version"], preview["shipped"]["version"]) == (stored, shipped)
    assert _version(path) == stored

    assert cli.main(["standards", "update", "--db", str(path)]) == 0
    assert f"{stored} → " in capsys.readouterr().out
    assert _version(path) == shipped

    assert cli.main(["standards", "update", "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "up_to_date"


def test_a_county_gets_its_rule_set_from_task_packages_only(tmp_path, capsys):
    county = create_database(tmp_path / "c.db", role="county", unit_code="630223", operator="测")
    county.close()
    assert cli.main(["standards", "update", "--db", str(tmp_path / "c.db")]) == 2
    assert "任务包" in capsys.readouterr().err
