"""The city's database on PostgreSQL: URLs, schema from the migrations, the write lock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import MetaData

from vetdesk.db import migrate
from vetdesk.db.database import open_database
from vetdesk.db.location import ServerUrl, parse_target
from vetdesk.errors import UsageError
from vetdesk.standards.installed import create_database


def test_migrations_build_on_postgresql_exactly_the_models(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from vetdesk.db.base import Base
    from vetdesk.db.postgres import make_server_engine

    engine = make_server_engine(ServerUrl(pg_url))
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            reflected = MetaData()
            reflected.reflect(conn)
    finally:
        engine.dispose()
    assert differences == []
    model_checks = {
        c.name
        for t in Base.metadata.tables.values()
        for c in t.constraints
        if c.name and "ck_" in c.name
    }
    db_checks = {
        c.name
        for t in reflected.tables.values()
        for c in t.constraints
        if c.name and "ck_" in c.name
    }
    assert model_checks <= db_checks


def test_city_database_created_and_reopened_on_postgresql(pg_url: str) -> None:
    db = create_database(pg_url, role="city", unit_code="630200", operator="李科长")
    try:
        assert db.on_server
        info = db.info()
        assert (info.role, info.unit_code, info.operator) == ("city", "630200", "李科长")
    finally:
        db.close()
    again = open_database(pg_url)
    try:
        assert again.info().is_city
    finally:
        again.close()


def test_a_county_on_a_url_is_refused_before_connecting() -> None:
    # No server at this address: the refusal comes first, naming the rule.
    with pytest.raises(UsageError, match="县区数据库只能是本机文件"):
        create_database(
            "postgresql://nobody@/none?host=/nonexistent",
            role="county",
            unit_code="630223",
            operator="张老师",
        )


def test_a_password_in_the_url_is_refused() -> None:
    for url in ("postgresql://city:secret@db.example/vetdesk", "postgresql:///vetdesk?password=x"):
        with pytest.raises(UsageError, match="pgpass") as caught:
            parse_target(url)
        assert "secret" not in caught.value.message


def test_an_existing_database_with_tables_is_not_overwritten(pg_url: str) -> None:
    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    with pytest.raises(UsageError, match="已有数据表"):
        create_database(pg_url, role="city", unit_code="630200", operator="王科长")


def test_an_empty_database_is_not_initialised_rather_than_created(pg_url: str) -> None:
    from vetdesk.errors import InputRejected

    with pytest.raises(InputRejected, match="尚未初始化"):
        open_database(pg_url)


def test_two_officers_cannot_write_at_once_and_the_loser_is_told_who(pg_url: str) -> None:
    from vetdesk.db.lock import DatabaseInUse

    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    first, second = open_database(pg_url), open_database(pg_url)
    try:
        with first.guarded_write("merge"):
            with first.guarded_write("merge"):  # re-entrant within one officer's VetDesk
                pass
            with pytest.raises(DatabaseInUse) as caught, second.guarded_write("merge"):
                pytest.fail("the second officer's write ran while the first held the lock")
            assert "VetDesk merge" in caught.value.message
            assert "vetdesk_test" in caught.value.message  # the holder's database user
            # Readers are not blocked by a writer.
            assert second.info().is_city
        with second.guarded_write("merge"):  # freed when the first is done
            pass
        # No connection goes on calling itself a merge once the merge is done.
        from sqlalchemy import text

        with first.engine.connect() as conn:
            names = conn.execute(
                text(
                    "SELECT application_name FROM pg_stat_activity "
                    "WHERE datname = current_database()"
                )
            ).scalars()
            assert not [name for name in names if "merge" in name]
    finally:
        first.close()
        second.close()


HOLDER = """
import sys, time
from vetdesk.db.database import open_database
db = open_database(sys.argv[1])
with db.guarded_write("merge"), db.transaction() as session:
    from vetdesk.db import models
    session.get(models.DatabaseInfo, 1).operator = "半途"
    session.flush()
    print("held", flush=True)
    time.sleep(600)
"""


def _wait_until_gone(db: object, application: str, timeout_s: float = 60.0) -> None:
    import time

    from sqlalchemy import text

    deadline = time.monotonic() + timeout_s
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :name")
    while True:
        with db.engine.connect() as conn:  # type: ignore[attr-defined]
            if conn.execute(query, {"name": f"%{application}"}).scalar() == 0:
                return
        assert time.monotonic() < deadline, f"the server kept {application}'s backend"
        time.sleep(0.05)


def test_a_killed_writer_frees_the_lock_and_writes_nothing(pg_url: str) -> None:
    import subprocess
    import sys

    from vetdesk.db import models
    from vetdesk.db.lock import DatabaseInUse

    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_url], stdout=subprocess.PIPE, text=True
    )
    db = open_database(pg_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseInUse, match=f"pid {holder.pid}"), db.guarded_write("merge"):
            pass
        holder.kill()
        holder.wait()
        # The server ends the killed client's backend (and frees its locks) once it sees the
        # connection gone, a moment after the kill: wait for that, generously.
        _wait_until_gone(db, f"pid {holder.pid}")
        with db.guarded_write("merge"), db.session() as session:
            assert session.get(models.DatabaseInfo, 1).operator == "李科长"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        db.close()


def test_cli_init_and_refusals_on_a_url(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from vetdesk.cli import main

    assert main(["init", "--db", pg_url, "--role", "city", "--operator", "李科长"]) == 0
    assert main(["period", "add", "--db", pg_url, "--period", "2025"]) == 0
    capsys.readouterr()
    assert main(["backup", "--db", pg_url]) == 1
    assert "未做任何备份" in capsys.readouterr().err
    county = ["init", "--db", pg_url, "--role", "county", "--unit", "630223", "--operator", "张"]
    assert main(county) == 2
    assert "县区数据库只能是本机文件" in capsys.readouterr().err
    assert main(["check", "--db", "postgresql://city:secret@localhost/x", "--period", "2025"]) == 2
    err = capsys.readouterr().err
    assert "pgpass" in err and "secret" not in err
    # The window refuses a URL with a password before it opens, with the same reason.
    assert main(["--db", "postgresql://city:secret@localhost/x"]) == 2
    err = capsys.readouterr().err
    assert "pgpass" in err and "secret" not in err


def test_an_unreachable_server_is_named_without_a_traceback(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from vetdesk.cli import main

    url = f"postgresql://nobody@/vetdesk?host={tmp_path}"  # no server listens there
    assert main(["status", "--db", url, "--period", "2025"]) == 1
    err = capsys.readouterr().err
    assert "无法连接 PostgreSQL 数据库 vetdesk@" in err


def test_a_second_writer_waits_for_the_first_so_the_audit_chain_stays_whole(pg_url: str) -> None:
    import threading
    import time

    from vetdesk.db import models
    from vetdesk.services.audit_log import verify_audit_chain

    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    first, second = open_database(pg_url), open_database(pg_url)
    first_flushed, second_starting = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with first.transaction() as session:
                session.add(models.Period(year=2025, statistics_date=dt.date(2025, 8, 31)))
                session.flush()  # its audit entry is written, chained to the head it read
                first_flushed.set()
                second_starting.wait(60)
                time.sleep(0.5)  # the second writer is inside its transaction by now
        except BaseException as exc:
            failures.append(exc)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert first_flushed.wait(60)
        second_starting.set()
        with second.transaction() as session:
            session.add(models.Period(year=2026, statistics_date=dt.date(2026, 8, 31)))
        writer.join()
        assert failures == []
        assert verify_audit_chain(first) is None
    finally:
        writer.join()
        first.close()
        second.close()


def test_a_session_not_opened_for_writing_still_queues_before_it_chains(pg_url: str) -> None:
    """Any session that appends to the audit log waits for the writer holding the chain."""
    import threading
    import time

    from sqlalchemy import text

    from vetdesk.db import models
    from vetdesk.services.audit_log import verify_audit_chain

    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    first, second = open_database(pg_url), open_database(pg_url)
    second_done = threading.Event()
    failures: list[BaseException] = []

    def plain_writer() -> None:
        try:
            with second.session() as session, session.begin():  # not write=True
                session.add(models.Period(year=2026, statistics_date=dt.date(2026, 8, 31)))
        except BaseException as exc:
            failures.append(exc)
        finally:
            second_done.set()

    try:
        with first.transaction() as session:
            session.add(models.Period(year=2025, statistics_date=dt.date(2025, 8, 31)))
            session.flush()  # its entry is chained to the head, not yet committed
            worker = threading.Thread(target=plain_writer)
            worker.start()
            # Commit only once the plain session waits for the lock, or has (wrongly) finished.
            deadline = time.process_time() + 30
            while not second_done.is_set() and time.process_time() < deadline:
                with first.engine.connect() as probe:
                    waiting = probe.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted AND database = "
                            "(SELECT oid FROM pg_database WHERE datname = current_database())"
                        )
                    ).scalar_one()
                if waiting:
                    break
                time.sleep(0.05)
            else:
                assert second_done.is_set(), "the plain session neither waited nor finished"
        worker.join(60)
        assert failures == []
        assert verify_audit_chain(first) is None
    finally:
        first.close()
        second.close()


def test_key_rotation_on_postgresql_takes_no_file_backup(pg_url: str) -> None:
    from vetdesk.signing.keystore import active_key, create_key

    db = create_database(pg_url, role="city", unit_code="630200", operator="李科长")
    try:
        first = create_key(db, "passphrase one")
        rotated = create_key(db, "passphrase two", rotate=True)
        assert active_key(db).key_id == rotated.key_id != first.key_id
    finally:
        db.close()


def test_a_statement_the_server_refuses_is_not_called_a_connection_failure(pg_url: str) -> None:
    """A write cancelled by the server says the server refused it, not that it cannot connect."""
    from sqlalchemy import text

    from vetdesk.db import models
    from vetdesk.db.postgres import ServerWriteFailed

    create_database(pg_url, role="city", unit_code="630200", operator="李科长").close()
    db = open_database(pg_url)
    try:
        with pytest.raises(ServerWriteFailed) as refused, db.transaction() as session:
            session.add(models.Period(year=2025, statistics_date=dt.date(2025, 8, 31)))
            session.flush()
            session.execute(text("SET LOCAL statement_timeout = '10ms'"))
            session.execute(text("SELECT pg_sleep(2)"))  # cancelled by the server (57014)
        message = str(refused.value)
        assert "拒绝了这次写入" in message and "更改已全部撤销" in message
        assert "无法连接" not in message and "pgpass" not in message
        with db.session() as session:
            assert session.query(models.Period).count() == 0  # rolled back
    finally:
        db.close()
