"""Migrations: every saved release database upgrades to the newest schema with its data intact.

For each SQL dump in tests/fixtures/schemas/ (databases saved by released versions): load
it into a fresh file, upgrade it with upgrade_with_backup, and check integrity, foreign
keys, row counts of every table, sample values, the audit chain, the backup taken first,
that the schema then equals the models, and that ``vetdesk check`` runs on the result.
The stairway test walks every revision up, down and up again on an empty file.
(A database newer than the app is refused: tests/core/test_schema.py.)
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rel_helpers import audit_chain_break, connect, integrity_problems, load_sql_dump

from vetdesk import cli
from vetdesk.db import migrate
from vetdesk.db.backup import REASON_MIGRATION, verify_backup
from vetdesk.db.base import Base
from vetdesk.db.engine import make_engine
from vetdesk.domain.identifiers import mask_id_number

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("*.sql"))
SAMPLES = {
    "school name": "SELECT name FROM schools ORDER BY id LIMIT 1",
    "teacher id": "SELECT id_number FROM teachers ORDER BY id LIMIT 1",
    "ledger hash": "SELECT manifest_sha256 FROM package_ledger ORDER BY id LIMIT 1",
    "export hash": "SELECT manifest_sha256 FROM package_exports ORDER BY id LIMIT 1",
    "audit hash": "SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1",
    "explanation": "SELECT text FROM warning_explanations ORDER BY id LIMIT 1",
    "key": "SELECT public_key FROM signing_keys ORDER BY id LIMIT 1",
}


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(migrate.alembic_config_for_scripts())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def snapshot(path: Path) -> tuple[dict[str, int], dict[str, Any], str | None]:
    """Row counts of every table, the sample values and the schema revision."""
    con = connect(path)
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        samples: dict[str, Any] = {}
        for name, sql in SAMPLES.items():
            try:
                row = con.execute(sql).fetchone()
            except sqlite3.OperationalError:
                continue  # the table is not in this release
            if row is not None:
                samples[name] = row[0]
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    return counts, samples, str(revision[0]) if revision else None


def schema_diff(path: Path) -> list[Any]:
    """Differences between a database's schema and the models."""
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            return list(
                compare_metadata(
                    MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        engine.dispose()


def test_there_are_saved_release_databases() -> None:
    assert FIXTURES, "tests/fixtures/schemas/ holds no saved databases"


@pytest.mark.parametrize("dump", FIXTURES, ids=lambda p: p.stem)
def test_saved_release_database_upgrades_with_its_data(
    dump: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.db.backup import upgrade_with_backup

    path = load_sql_dump(dump, tmp_path / f"{dump.stem}.db")
    counts, samples, revision = snapshot(path)
    assert {"school name", "teacher id", "explanation"} <= set(samples), samples
    assert revision in revisions(), f"{dump.name} is at an unknown revision {revision}"
    head = migrate.head_revision()

    backup = upgrade_with_backup(path)

    assert integrity_problems(path) == []
    after_counts, after_samples, after_revision = snapshot(path)
    assert after_revision == head
    for table, count in counts.items():
        assert after_counts.get(table) == count, (
            f"{table}: {count} rows before, {after_counts.get(table)} after"
        )
    assert after_samples == samples
    assert (
        mask_id_number(after_samples["teacher id"])[:6] == mask_id_number(samples["teacher id"])[:6]
    )
    assert audit_chain_break(path) is None
    assert schema_diff(path) == []
    if revision == head:
        assert backup is None  # nothing to migrate, nothing to back up
    else:
        assert backup is not None and backup.reason == REASON_MIGRATION
        assert verify_backup(backup.path) == []
        backup_counts, backup_samples, backup_revision = snapshot(backup.path)
        assert (backup_counts, backup_samples, backup_revision) == (counts, samples, revision)

    con = connect(path)
    try:
        year = int(con.execute("SELECT max(year) FROM periods").fetchone()[0])
    finally:
        con.close()
    capsys.readouterr()
    code = cli.main(["check", "--db", str(path), "--period", str(year), "--json"])
    out = capsys.readouterr().out
    assert code in (0, 1), out[-2000:]
    report = json.loads(out)
    assert report["period"] == year and report["summary"]["schools_assessed"] >= 1


def test_stairway_every_revision_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "stairs.db"
    engine = make_engine(path)
    config = migrate.alembic_config(engine)

    def schema() -> list[tuple[str, str]]:
        con = sqlite3.connect(path)
        try:
            return sorted(
                (str(n), str(s))
                for n, s in con.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
            )
        finally:
            con.close()

    try:
        order = revisions()
        previous = "base"
        for rev in order:
            command.upgrade(config, rev)
            assert migrate.current_revision(engine) == rev
            up = schema()
            command.downgrade(config, previous)
            assert migrate.current_revision(engine) == (None if previous == "base" else previous)
            command.upgrade(config, rev)
            assert schema() == up, f"{rev}: up, down, up gives another schema"
            assert integrity_problems(path) == []
            previous = rev
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    assert schema_diff(path) == []
    assert not [n for n, _s in schema() if n.startswith("_alembic_tmp")]
