"""The Alembic migrations give exactly the models' schema; connections get the safe settings."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from vetdesk.db import migrate
from vetdesk.db.base import Base
from vetdesk.db.database import open_database
from vetdesk.db.engine import make_engine
from vetdesk.standards.installed import create_database


def test_upgrade_head_on_empty_file_matches_models(tmp_path):
    engine = make_engine(tmp_path / "empty.db")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_every_connection_gets_wal_full_sync_and_foreign_keys(tmp_path):
    db = create_database(tmp_path / "c.db", role="county", unit_code="630223", operator="甲")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.close()


def test_constraints_are_named(tmp_path):
    engine = make_engine(tmp_path / "n.db")
    migrate.upgrade(engine)
    with engine.connect() as conn:
        sql = "\n".join(
            r[0] for r in conn.execute(text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        )
    assert "CONSTRAINT pk_schools PRIMARY KEY" in sql
    assert "CONSTRAINT fk_teachers_school_id_schools" in sql
    assert "CONSTRAINT ck_periods_state" in sql


def test_database_newer_than_the_app_is_refused(tmp_path):
    path = tmp_path / "future.db"
    db = create_database(path, role="county", unit_code="630223", operator="甲")
    db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(migrate.SchemaTooNew) as info:
        open_database(path)
    assert "更新版本" in info.value.message


def test_foreign_keys_are_enforced(tmp_path):
    from sqlalchemy.exc import IntegrityError

    from vetdesk.db import models

    db = create_database(tmp_path / "fk.db", role="county", unit_code="630223", operator="甲")
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(
            models.School(
                school_code="3663230001",
                name="x",
                county_code="999999",
                level="secondary",
                category="general",
                ownership="public",
            )
        )
    db.close()


def test_read_only_open_writes_nothing_beside_the_file(tmp_path):
    from vetdesk.db.database import open_read_only

    folder = tmp_path / "a#b%c"
    folder.mkdir()
    path = folder / "c.db"
    db = create_database(path, role="county", unit_code="630223", operator="甲")
    db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    before = sorted(p.name for p in folder.iterdir())
    ro = open_read_only(path)
    assert ro.info().unit_code == "630223"
    from vetdesk.db.database import DatabaseWriteFailed

    with pytest.raises(DatabaseWriteFailed, match="只读"), ro.transaction() as session:
        session.execute(text("UPDATE settings SET value = 'x'"))
    ro.close()
    assert sorted(p.name for p in folder.iterdir()) == before


def test_fingerprint_comparison_ignores_spaces_and_full_width_digits():
    from vetdesk.signing.trust import fingerprints_match

    assert fingerprints_match("１２３４５ 67890", "12345 67890")
    assert not fingerprints_match("12345 67891", "12345 67890")
    assert not fingerprints_match("", "")
