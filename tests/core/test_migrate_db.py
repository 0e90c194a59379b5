"""`vetdesk migrate-db`: a city's SQLite file copied to PostgreSQL, checked, or nothing left."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from db_snapshot import contents

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.db.location import ServerUrl
from vetdesk.services.audit_log import verify_audit_chain


def test_everything_is_copied_and_the_server_database_works_afterwards(
    city_db: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.cli import main

    source = open_database(city_db)
    before = contents(source)
    source.close()
    assert sum(len(rows) for rows in before.values()) > 100 and before["audit_log"]

    assert main(["migrate-db", "--from", str(city_db), "--to", pg_url]) == 0
    assert "校验链完整" in capsys.readouterr().out

    server = open_database(pg_url)
    try:
        assert contents(server) == before
        # Copied ids moved the sequences on: new rows (and their audit entries) fit after them.
        with server.transaction() as session:
            session.add(models.Period(year=2031, statistics_date=dt.date(2031, 8, 31)))
        assert verify_audit_chain(server) is None
    finally:
        server.close()


def test_a_failed_check_leaves_the_server_database_empty(
    city_db: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vetdesk.db import postgres, transfer

    monkeypatch.setattr(transfer, "verify_chain", lambda _session: 7)
    with pytest.raises(transfer.TransferFailed, match="第 7 条断开"):
        transfer.migrate_to_server(city_db, ServerUrl(pg_url))
    engine = postgres.make_server_engine(ServerUrl(pg_url))
    try:
        assert postgres.is_empty(engine)
    finally:
        engine.dispose()


def test_refusals(
    county_db: Path, city_db: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.cli import main

    assert main(["migrate-db", "--from", str(county_db), "--to", pg_url]) == 2
    assert "只有市级数据库" in capsys.readouterr().err
    assert main(["migrate-db", "--from", str(city_db), "--to", str(city_db) + "-copy"]) == 2
    assert main(["migrate-db", "--from", str(city_db), "--to", pg_url]) == 0
    capsys.readouterr()
    assert main(["migrate-db", "--from", str(city_db), "--to", pg_url]) == 2
    assert "已有数据表" in capsys.readouterr().err
