"""Verified backups, retention, restore, the start-up check and the backup/restore commands."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import english_catalogue
from vetdesk.cli import main
from vetdesk.db import backup as backup_module
from vetdesk.db import migrate
from vetdesk.db.backup import (
    REASON_DAILY,
    REASON_IMPORT,
    REASON_MIGRATION,
    REASON_RESTORE,
    BackupFailed,
    BackupInfo,
    BackupInvalid,
    DatabaseDamaged,
    RetentionPolicy,
    backup_dir,
    backup_if_due,
    create_backup,
    list_backups,
    plan_retention,
    pre_operation_backup,
    prune_backups,
    quick_check,
    read_backup_info,
    restore_backup,
    upgrade_with_backup,
    verify_backup,
)
from vetdesk.db.database import open_database, open_for_use
from vetdesk.db.lock import DatabaseInUse, DatabaseLock
from vetdesk.db.migrate import SchemaTooNew
from vetdesk.errors import InputRejected, UsageError
from vetdesk.paths import data_dir, resource

NOW = dt.datetime(2026, 11, 28, 12, 0, 0)


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read a database without leaving anything behind (no -wal/-shm, no checkpoint)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def school_name(path: Path) -> str:
    return str(query(path, "SELECT name FROM schools WHERE id = 1")[0][0])


def set_school_name(path: Path, name: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("UPDATE schools SET name = ? WHERE id = 1", (name,))
    finally:
        con.close()


def corrupt(path: Path, *, at: float = 0.5, pages: int = 3) -> None:
    """Overwrite whole pages in the middle of a database file with garbage."""
    assert not Path(f"{path}-wal").exists()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    first = int(len(data) // page_size * at)
    data[first * page_size : (first + pages) * page_size] = b"\xa5" * (pages * page_size)
    path.write_bytes(bytes(data))


def side_files(path: Path) -> list[Path]:
    return [p for s in ("-wal", "-shm", "-journal") if (p := Path(f"{path}{s}")).exists()]


# --- creating backups -------------------------------------------------------------------


def test_verified_comes_from_a_check_not_from_the_file_name(county_db: Path) -> None:
    """A backup damaged after it was written keeps its ordinary name, and is not verified."""
    info = create_backup(county_db, REASON_IMPORT, now=NOW)
    assert info.verified
    data = bytearray(info.path.read_bytes())
    # Scribble over every page after the first (the header stays, so it still looks ours).
    for offset in range(4096, len(data), 4096):
        data[offset : offset + 64] = b"\xff" * 64
    info.path.write_bytes(bytes(data))
    (listed,) = list_backups(county_db)
    assert listed.path == info.path and not listed.raw
    assert not listed.verified
    assert not read_backup_info(info.path).verified
    # Not read, not checked: never called verified.
    assert not read_backup_info(info.path, summary=False).verified


def test_backup_is_a_verified_copy_that_opens(county_db: Path, tmp_path: Path) -> None:
    info = create_backup(county_db, REASON_IMPORT, now=NOW)
    folder = backup_dir(county_db)
    assert info.path == folder / "20261128-120000-before-import.db"
    assert folder.parent == data_dir() / "backups"
    assert folder.name.startswith("county-")
    assert (info.reason, info.created, info.verified) == (REASON_IMPORT, NOW, True)
    assert info.size == info.path.stat().st_size > 0
    assert (info.role, info.unit_code, info.unit_name) == ("county", "630223", "互助土族自治县")
    assert info.periods == (2025,)
    assert info.reason_label == "导入前"
    # One self-contained file: no journal mode that would need -wal/-shm beside it.
    assert side_files(info.path) == []
    assert not list(folder.glob("*.tmp"))
    con = sqlite3.connect(info.path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        con.close()
    for table in ("schools", "teachers", "school_conditions", "audit_log"):
        assert query(info.path, f"SELECT count(*) FROM {table}") == query(
            county_db, f"SELECT count(*) FROM {table}"
        )
    assert verify_backup(info.path) == []
    copy = tmp_path / "opened.db"
    shutil.copy(info.path, copy)
    db = open_database(copy)
    try:
        assert db.info().unit_code == "630223"
    finally:
        db.close()


def test_backup_during_an_open_write_transaction_has_the_last_committed_state(
    county_db: Path,
) -> None:
    original = school_name(county_db)
    writer = sqlite3.connect(county_db, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("UPDATE schools SET name = '已提交' WHERE id = 1")  # committed, in the WAL
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE schools SET name = '未提交' WHERE id = 1")
        writer.execute("DELETE FROM teachers")
        info = create_backup(county_db, "manual")
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert original != "已提交"
    assert school_name(info.path) == "已提交"
    assert query(info.path, "SELECT count(*) FROM teachers")[0][0] > 0
    assert school_name(county_db) == "未提交"


def test_backup_of_a_damaged_database_fails_and_leaves_nothing(county_db: Path) -> None:
    corrupt(county_db)
    with pytest.raises(BackupFailed) as info:
        create_backup(county_db, REASON_IMPORT)
    assert info.value.code == "backup_failed"
    assert "数据库" in info.value.message and "损坏" in info.value.message
    folder = backup_dir(county_db)
    assert not list(folder.glob("*.db")) and not list(folder.glob("*.tmp"))


def test_backup_of_a_busy_database_fails_quickly_and_says_so(
    county_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_module, "_BUSY_TIMEOUT_SECONDS", 0.2)
    writer = sqlite3.connect(county_db, isolation_level=None)
    try:
        # Outside WAL mode an exclusive lock keeps readers out; Connection.backup alone
        # would retry for ever.
        writer.execute("PRAGMA journal_mode=DELETE")
        writer.execute("BEGIN EXCLUSIVE")
        with pytest.raises(BackupFailed, match="正忙"):
            create_backup(county_db, "manual")
    finally:
        writer.close()
    assert not list(backup_dir(county_db).glob("*.db"))


def test_backup_names_reasons_and_listing(county_db: Path, tmp_path: Path) -> None:
    first = create_backup(county_db, "manual", now=NOW)
    second = create_backup(county_db, "manual", now=NOW)
    later = create_backup(county_db, REASON_DAILY, now=NOW + dt.timedelta(minutes=1))
    assert second.path.name == "20261128-120000_2-manual.db"
    assert second.reason == "manual"
    assert [b.path for b in list_backups(county_db)] == [later.path, second.path, first.path]
    with pytest.raises(UsageError):
        create_backup(county_db, "bad name/..")
    with pytest.raises(UsageError):
        create_backup(tmp_path / "missing.db", "manual")
    # Another database with the same file name gets its own folder.
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert backup_dir(other / "county.db") != backup_dir(county_db)
    assert backup_dir(Path(str(county_db))) == backup_dir(county_db.parent / "." / "county.db")
    assert list_backups(other / "county.db") == []


# --- retention ---------------------------------------------------------------------------


def fake(created: dt.datetime, reason: str = "daily", raw: bool = False) -> BackupInfo:
    name = f"{created:%Y%m%d-%H%M%S}-{reason}{'.raw' if raw else ''}.db"
    return BackupInfo(Path("/backups") / name, created, reason, 1, raw)


def test_default_policy_comes_from_the_data_file() -> None:
    data = json.loads(resource("data", "backup-policy.json").read_text(encoding="utf-8"))
    policy = RetentionPolicy.default()
    assert policy == RetentionPolicy(
        keep_last=10, keep_all_days=7, daily_days=30, monthly_months=24
    )
    assert policy == RetentionPolicy.from_json(data)
    with pytest.raises(ValueError):
        RetentionPolicy.from_json({**data, "keep_last": -1})


def test_retention_keeps_what_the_policy_says() -> None:
    backups = [
        fake(dt.datetime.combine(NOW.date() - dt.timedelta(days=d), dt.time(hour)), reason)
        for d in range(400)
        for hour, reason in ((8, "before-import"), (10, "daily"))
    ]
    keep, drop = plan_retention(backups, RetentionPolicy.default(), NOW)
    kept = {b.path for b in keep}
    assert len(keep) + len(drop) == len(backups)
    # Every backup of the last 7 days.
    recent = [b for b in backups if NOW - b.created < dt.timedelta(days=7)]
    assert len(recent) == 14 and all(b.path in kept for b in recent)
    # One per day (the day's newest) for 30 days.
    for d in range(7, 30):
        day = NOW.date() - dt.timedelta(days=d)
        of_day = [b for b in keep if b.created.date() == day]
        assert [b.created.time() for b in of_day] == [dt.time(10)], day
    # One per month (the month's newest) for 24 months; the data go back 400 days.
    older = [b for b in keep if (NOW.date() - b.created.date()).days >= 30]
    months = [(b.created.year, b.created.month) for b in older]
    assert len(months) == len(set(months)) == 12
    for b in older:
        same_month = [
            o
            for o in backups
            if (o.created.year, o.created.month) == (b.created.year, b.created.month)
        ]
        assert b.created == max(o.created for o in same_month)
    assert len(keep) == 14 + 23 + 12
    assert keep == sorted(keep, key=lambda b: b.created, reverse=True)


def test_retention_never_keeps_fewer_than_the_last_ten() -> None:
    old = [fake(dt.datetime(2020, 1, 1, 0, 0) + dt.timedelta(hours=h)) for h in range(15)]
    keep, drop = plan_retention(old, RetentionPolicy.default(), NOW)
    assert [b.created for b in keep] == sorted((b.created for b in old), reverse=True)[:10]
    assert len(drop) == 5


def test_retention_keeps_future_backups_and_ignores_raw_copies_for_buckets() -> None:
    policy = RetentionPolicy(keep_last=0, keep_all_days=0, daily_days=30, monthly_months=24)
    future = fake(NOW + dt.timedelta(days=3))
    day = NOW - dt.timedelta(days=10)
    raw = fake(day.replace(hour=20), REASON_RESTORE, raw=True)
    sound = fake(day.replace(hour=9))
    keep, drop = plan_retention([future, raw, sound], policy, NOW)
    assert {b.path for b in keep} == {future.path, sound.path}
    assert drop == [raw]


def test_prune_deletes_files_the_policy_drops(county_db: Path) -> None:
    folder = backup_dir(county_db)
    template = create_backup(county_db, "manual", now=NOW)
    names = [f"{NOW - dt.timedelta(days=40 + d):%Y%m%d-%H%M%S}-daily.db" for d in range(12)]
    for name in names:
        shutil.copy(template.path, folder / name)
    stale_tmp = folder / ".backup-stale.tmp"
    stale_tmp.write_bytes(b"x")
    old = (NOW - dt.timedelta(days=3)).timestamp()
    os.utime(stale_tmp, (old, old))
    policy = RetentionPolicy(keep_last=3, keep_all_days=7, daily_days=30, monthly_months=0)
    deleted = prune_backups(county_db, policy, now=NOW)
    remaining = {b.path.name for b in list_backups(county_db, summary=False)}
    assert remaining == {template.path.name, names[0], names[1]}
    assert {b.path.name for b in deleted} == set(names[2:])
    assert not stale_tmp.exists()


def test_daily_backup_at_most_once_per_calendar_day(county_db: Path) -> None:
    create_backup(county_db, REASON_IMPORT, now=NOW.replace(hour=8))  # not a daily one
    first = backup_if_due(county_db, now=NOW)
    assert first is not None and first.reason == REASON_DAILY
    assert backup_if_due(county_db, now=NOW.replace(hour=23, minute=59)) is None
    tomorrow = backup_if_due(county_db, now=NOW + dt.timedelta(days=1))
    assert tomorrow is not None and tomorrow.created.date() == NOW.date() + dt.timedelta(days=1)


def test_pre_operation_backup_accepts_a_database_and_prunes(county_db: Path) -> None:
    policy = RetentionPolicy(keep_last=2, keep_all_days=0, daily_days=0, monthly_months=0)
    db = open_database(county_db)
    try:
        infos = [
            pre_operation_backup(
                db, REASON_IMPORT, now=NOW + dt.timedelta(minutes=i), policy=policy
            )
            for i in range(3)
        ]
    finally:
        db.close()
    via_path = pre_operation_backup(county_db, "before-merge", now=NOW + dt.timedelta(hours=1))
    assert via_path.reason == "before-merge"
    assert all(i.reason == REASON_IMPORT for i in infos)
    names = [b.path.name for b in list_backups(county_db)]
    assert infos[0].path.name not in names  # pruned by keep_last=2 after the third
    assert names[:3] == [via_path.path.name, infos[2].path.name, infos[1].path.name]


# --- restore -----------------------------------------------------------------------------

CRASHING_WRITER = textwrap.dedent(
    """
    import os, sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("UPDATE schools SET name = ? WHERE id = 1", (sys.argv[2],))
    os._exit(0)  # crash: the committed change stays in the -wal, never checkpointed
    """
)


def test_restore_round_trips_and_first_backs_up_the_current_state(county_db: Path) -> None:
    original = school_name(county_db)
    good = create_backup(county_db, "manual", now=NOW)
    # A change committed by a process that then crashed: it lives only in the -wal.
    subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(county_db), "改后名称"], check=True)
    assert Path(f"{county_db}-wal").stat().st_size > 0
    result = restore_backup(county_db, good.path, now=NOW + dt.timedelta(hours=1))
    assert result.restored.path == good.path
    safety = result.safety_backup
    assert safety is not None and safety.reason == REASON_RESTORE and safety.verified
    assert school_name(safety.path) == "改后名称", "the current state, WAL included, was kept"
    assert side_files(county_db) == [], "the stale -wal must not be replayed into the restore"
    assert school_name(county_db) == original
    assert quick_check(county_db) == []
    db = open_database(county_db)
    try:
        assert db.info().unit_code == "630223"
    finally:
        db.close()
    assert query(county_db, "PRAGMA journal_mode") == [("wal",)]
    # And back again: the safety backup restores the changed state.
    restore_backup(county_db, safety.path)
    assert school_name(county_db) == "改后名称"


def test_restore_of_a_corrupted_backup_is_refused_and_nothing_changes(
    county_db: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad-backup.db"
    shutil.copy(create_backup(county_db, "manual", now=NOW).path, bad)
    corrupt(bad)
    before = county_db.read_bytes()
    backups_before = list_backups(county_db, summary=False)
    with pytest.raises(BackupInvalid) as info:
        restore_backup(county_db, bad)
    assert info.value.code == "backup_invalid"
    assert "数据库未改动" in info.value.message
    assert county_db.read_bytes() == before
    assert side_files(county_db) == []
    assert list_backups(county_db, summary=False) == backups_before
    assert not list(tmp_path.glob(".*.tmp"))
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("hello", encoding="utf-8")
    with pytest.raises(BackupInvalid, match="不是 SQLite 数据库文件"):
        restore_backup(county_db, not_a_db)
    assert county_db.read_bytes() == before


def test_restore_is_refused_while_another_process_holds_the_lock(county_db: Path) -> None:
    good = create_backup(county_db, "manual", now=NOW)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from vetdesk.db.lock import DatabaseLock;"
            " DatabaseLock(sys.argv[1]).acquire('gui'); print('locked', flush=True);"
            " sys.stdin.read()",
            str(county_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = county_db.read_bytes()
        with pytest.raises(DatabaseInUse) as info:
            restore_backup(county_db, good.path)
        assert f"进程 {holder.pid}" in info.value.message
        assert county_db.read_bytes() == before
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def test_restore_is_refused_while_a_connection_is_open(county_db: Path) -> None:
    good = create_backup(county_db, "manual", now=NOW)
    set_school_name(county_db, "打开中")
    db = open_database(county_db)  # e.g. a GUI that forgot to close its database
    try:
        db.info()
        with pytest.raises(DatabaseInUse, match="仍被其他程序打开"):
            restore_backup(county_db, good.path)
        assert school_name(county_db) == "打开中"
    finally:
        db.close()
    restore_backup(county_db, good.path)
    assert school_name(county_db) != "打开中"


def test_restore_of_a_damaged_database_keeps_a_raw_copy(county_db: Path) -> None:
    good = create_backup(county_db, "manual", now=NOW)
    corrupt(county_db)
    damaged = county_db.read_bytes()
    result = restore_backup(county_db, good.path, now=NOW + dt.timedelta(hours=1))
    safety = result.safety_backup
    assert safety is not None and not safety.verified
    assert safety.path.name == "20261128-130000-before-restore.raw.db"
    assert safety.path.read_bytes() == damaged
    assert quick_check(county_db) == []
    listed = list_backups(county_db)
    assert listed[0].path == safety.path and listed[0].reason == REASON_RESTORE


def test_restore_refuses_another_unit_and_newer_schema(
    county_db: Path, city_db: Path, tmp_path: Path
) -> None:
    city_backup = create_backup(city_db, "manual")
    before = county_db.read_bytes()
    with pytest.raises(InputRejected) as info:
        restore_backup(county_db, city_backup.path)
    assert info.value.code == "backup_other_database"
    newer = tmp_path / "newer.db"
    shutil.copy(create_backup(county_db, "manual").path, newer)
    con = sqlite3.connect(newer, isolation_level=None)
    con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.close()
    with pytest.raises(BackupInvalid, match="更新版本"):
        restore_backup(county_db, newer)
    assert county_db.read_bytes() == before


def test_restore_onto_a_missing_database(county_db: Path, tmp_path: Path) -> None:
    good = create_backup(county_db, "manual")
    county_db.unlink()
    result = restore_backup(county_db, good.path)
    assert result.safety_backup is None
    assert quick_check(county_db) == []


# --- start-up check and migrations ------------------------------------------------------


def test_quick_check_and_open_for_use_detect_damage(county_db: Path) -> None:
    assert quick_check(county_db) == []
    db = open_for_use(county_db)
    try:
        assert db.info().unit_code == "630223"
    finally:
        db.close()
    backup = create_backup(county_db, "manual", now=NOW)
    corrupt(county_db)
    problems = quick_check(county_db)
    assert problems
    with pytest.raises(DatabaseDamaged) as info:
        open_for_use(county_db)
    exc = info.value
    assert exc.code == "db_damaged"
    assert exc.problems == problems
    assert [b.path for b in exc.backups] == [backup.path]
    assert exc.latest_backup == backup
    assert backup.path.name in exc.message
    assert "只读" in exc.message


def test_quick_check_of_something_that_is_not_a_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    assert quick_check(text)
    assert quick_check(tmp_path / "missing.db")
    with pytest.raises(DatabaseDamaged, match="没有找到可用的备份"):
        open_for_use(text)


def test_a_database_newer_than_the_app_is_refused(county_db: Path) -> None:
    con = sqlite3.connect(county_db, isolation_level=None)
    con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.close()
    with pytest.raises(SchemaTooNew, match="更新版本"):
        open_for_use(county_db)
    with pytest.raises(SchemaTooNew):
        upgrade_with_backup(county_db)
    assert list_backups(county_db) == []


def test_upgrade_with_backup_backs_up_before_migrating(
    county_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert upgrade_with_backup(county_db) is None  # at head: no backup, no upgrade
    assert list_backups(county_db) == []
    seen: list[list[str]] = []
    state = {"upgraded": False}

    def fake_upgrade(engine: object) -> None:
        seen.append([b.reason for b in list_backups(county_db, summary=False)])
        # The lock is held during the migration: another process is kept out.
        assert DatabaseLock(county_db).holder() is not None
        state["upgraded"] = True

    monkeypatch.setattr(migrate, "needs_upgrade", lambda engine: not state["upgraded"])
    monkeypatch.setattr(migrate, "upgrade", fake_upgrade)
    info = upgrade_with_backup(county_db)
    assert info is not None and info.reason == REASON_MIGRATION
    assert seen == [[REASON_MIGRATION]]
    assert verify_backup(info.path) == []


def test_open_for_use_upgrades_an_older_database_after_a_backup(county_db: Path) -> None:
    from alembic import command

    from vetdesk.db.engine import make_engine

    engine = make_engine(county_db)
    try:
        command.downgrade(migrate.alembic_config(engine), "0001")
    finally:
        engine.dispose()
    assert query(county_db, "SELECT version_num FROM alembic_version") == [("0001",)]
    db = open_for_use(county_db)
    try:
        assert db.info().unit_code == "630223"
    finally:
        db.close()
    head = migrate.head_revision()
    assert head != "0001"
    assert query(county_db, "SELECT version_num FROM alembic_version") == [(head,)]
    (backup,) = list_backups(county_db)
    assert backup.reason == REASON_MIGRATION
    assert query(backup.path, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert verify_backup(backup.path) == []
    assert not DatabaseLock(county_db).path.exists(), "the migration lock was released"


# --- command line -----------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_backup_list_and_prune(county_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(county_db)]) == 0
    out = capsys.readouterr().out
    assert "已通过完整性检查" in out
    assert main(["backup", "--db", str(county_db), "--reason", "before-import", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["ok"] is True
    assert made["backup"]["reason"] == "before-import"
    assert made["backup"]["unit"]["code"] == "630223"
    assert made["backup"]["verified"] is True
    assert Path(made["backup"]["path"]).is_file()
    assert main(["backup", "--db", str(county_db), "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [b["reason"] for b in listed["backups"]] == ["before-import", "manual"]
    assert listed["folder"] == str(backup_dir(county_db))
    assert main(["backup", "--db", str(county_db), "--list"]) == 0
    assert "共 2 个备份" in capsys.readouterr().out
    assert main(["backup", "--db", str(county_db), "--prune", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deleted"] == []
    assert main(["--lang", "en", "backup", "--db", str(county_db), "--list"]) == 0
    assert "2 backups in all." in capsys.readouterr().out


def test_cli_backup_usage_and_rejection_exit_codes(
    county_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "--db", str(tmp_path / "missing.db")]) == 2
    assert main(["backup", "--db", str(county_db), "--reason", "a b"]) == 2
    assert main(["backup", "--db", str(county_db), "--list", "--reason", "x"]) == 2
    capsys.readouterr()
    corrupt(county_db)
    assert main(["backup", "--db", str(county_db), "--json"]) == 1
    error = json.loads(capsys.readouterr().out)
    assert error["ok"] is False and error["error"]["code"] == "backup_failed"


def test_cli_restore(
    county_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = school_name(county_db)
    good = create_backup(county_db, "manual", now=NOW)
    set_school_name(county_db, "改过")
    # Not a terminal and no --yes: refused as a usage error, nothing changed.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["restore", "--db", str(county_db), str(good.path)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert school_name(county_db) == "改过"
    # A terminal answering no: cancelled.
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    assert main(["restore", "--db", str(county_db), str(good.path)]) == 1
    assert "已取消" in capsys.readouterr().err
    assert school_name(county_db) == "改过"
    # A terminal answering yes, the backup given by its bare name as --list shows it.
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert main(["restore", "--db", str(county_db), good.path.name]) == 0
    captured = capsys.readouterr()
    assert "确定吗" in captured.err
    assert "恢复前的状态已另存为备份" in captured.out
    assert school_name(county_db) == original
    # Scripts: --yes --json.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["restore", "--db", str(county_db), str(good.path), "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["restored"]["file"] == good.path.name
    assert report["safety_backup"]["reason"] == REASON_RESTORE
    assert main(["restore", "--db", str(county_db), "nonexistent.db", "--yes"]) == 2


def test_cli_restore_rejections(
    county_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.db"
    shutil.copy(create_backup(county_db, "manual").path, bad)
    corrupt(bad)
    assert main(["restore", "--db", str(county_db), str(bad), "--yes", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "backup_invalid"
    good = list_backups(county_db)[0]
    # The lock is re-entrant within a process, so another process holds it and runs the CLI.
    code = (
        "import sys, subprocess; from vetdesk.db.lock import DatabaseLock;"
        " DatabaseLock(sys.argv[1]).acquire('gui');"
        " r = subprocess.run([sys.executable, '-m', 'vetdesk', 'restore', '--db', sys.argv[1],"
        " sys.argv[2], '--yes', '--json'], capture_output=True, text=True);"
        " print(r.returncode); print(r.stdout)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(county_db), str(good.path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    exit_code, _, payload = result.stdout.partition("\n")
    assert exit_code == "1"
    assert json.loads(payload)["error"]["code"] == "db_in_use"


def test_every_message_has_an_english_translation() -> None:
    catalogue = english_catalogue()
    from vetdesk.cli import maintenance_commands
    from vetdesk.db import lock

    sources = [backup_module.__file__, lock.__file__, maintenance_commands.__file__]
    missing = []
    for source in sources:
        assert source is not None
        tree = ast.parse(Path(source).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value not in catalogue
            ):
                missing.append(node.args[0].value)
    assert missing == []
