"""Verified database backups, their retention, restore, and the start-up check.

Every backup is made with SQLite's online backup API (a consistent snapshot of the last
committed state, even while another connection writes), checked on the copy with
``PRAGMA integrity_check`` and ``foreign_key_check``, switched to a single self-contained
file (rollback-journal mode), fsynced and moved into place with ``os.replace``. A copy
that fails its check is deleted and the operation that asked for it must not go ahead.

Backups live in ``<data dir>/backups/<db stem>-<hash of the db's absolute path>/`` and are
named ``YYYYmmdd-HHMMSS-<reason>.db`` (``YYYYmmdd-HHMMSS_<n>-<reason>.db`` when two fall in
the same second). ``*.raw.db`` files are byte-for-byte copies of a damaged database, kept
with its journal, taken when a restore replaces a file that could not be backed up
properly.

Retention (:func:`prune_backups`, defaults in ``resources/data/backup-policy.json``): a
backup is kept when any rule keeps it: the newest ``keep_last`` (10); every backup of the
last ``keep_all_days`` (7) days; the newest verified backup of each calendar day of the
last ``daily_days`` (30); the newest verified backup of each calendar month of the last
``monthly_months`` (24). Everything else is deleted. Automatic backups prune after
themselves; a failed prune never blocks the operation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from vetdesk.atomicfile import fsync_dir, replace_atomically
from vetdesk.db import migrate
from vetdesk.db.lock import DatabaseInUse, DatabaseLock
from vetdesk.errors import InputRejected, UsageError, VetDeskError
from vetdesk.i18n import N_, _
from vetdesk.paths import data_dir, resource


class _HasPath(Protocol):
    """An open database, as far as a backup needs it (vetdesk.db.database.Database)."""

    @property
    def path(self) -> Path:
        """The database file."""
        ...


REASON_IMPORT = "before-import"
REASON_MERGE = "before-merge"
REASON_TASK_IMPORT = "before-task-import"
REASON_MIGRATION = "before-migration"
REASON_KEY_CHANGE = "before-key-change"
REASON_RESTORE = "before-restore"
REASON_DAILY = "daily"
REASON_MANUAL = "manual"

_REASON_LABELS = {
    REASON_IMPORT: N_("导入前"),
    REASON_MERGE: N_("合并前"),
    REASON_TASK_IMPORT: N_("导入任务包前"),
    REASON_MIGRATION: N_("升级数据库结构前"),
    REASON_KEY_CHANGE: N_("更换密钥前"),
    REASON_RESTORE: N_("恢复备份前"),
    REASON_DAILY: N_("每日自动"),
    REASON_MANUAL: N_("手动"),
}

_STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME_RE = re.compile(
    r"^(?P<stamp>\d{8}-\d{6})(?:_(?P<seq>\d+))?-(?P<reason>\w[\w-]*?)(?P<raw>\.raw)?\.db$"
)
_REASON_RE = re.compile(r"^\w[\w-]{0,39}$")
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_SECONDS = 10.0
# A temp file this old belongs to a backup or restore that crashed, not to one running now.
_STALE_TEMP_SECONDS = 24 * 3600.0
_SOURCE_FILE = "source.json"


class BackupError(VetDeskError):
    """Base of the errors of this module."""

    code = "backup_error"


class BackupFailed(BackupError):
    """A backup could not be written or its copy failed the integrity check."""

    code = "backup_failed"


class BackupInvalid(BackupError):
    """A file offered for a restore is not a sound VetDesk backup."""

    code = "backup_invalid"


class MigrationCheckFailed(BackupError):
    """The database failed its integrity check after a schema upgrade."""

    code = "migration_check_failed"


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and, when it could be read, whose data it holds."""

    path: Path
    created: dt.datetime
    reason: str
    size: int
    raw: bool = False
    role: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    periods: tuple[int, ...] = ()
    # Checked when the file was read: a VetDesk database passing SQLite's quick_check, not a
    # raw copy of a damaged one. False when not checked (read without its summary).
    verified: bool = False

    @property
    def reason_label(self) -> str:
        """The reason in words, in the current language."""
        return reason_label(self.reason)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (for ``--json`` output and the GUI)."""
        unit = (
            {"code": self.unit_code, "name": self.unit_name, "role": self.role}
            if self.unit_code
            else None
        )
        return {
            "file": self.path.name,
            "path": str(self.path),
            "created": self.created.isoformat(),
            "reason": self.reason,
            "reason_label": self.reason_label,
            "size": self.size,
            "verified": self.verified,
            "unit": unit,
            "periods": list(self.periods),
        }


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup it restored and the backup of the state it replaced."""

    restored: BackupInfo
    safety_backup: BackupInfo | None


@dataclass(frozen=True)
class RetentionPolicy:
    """Which backups :func:`prune_backups` keeps; see the module docstring."""

    keep_last: int
    keep_all_days: int
    daily_days: int
    monthly_months: int

    @classmethod
    def default(cls) -> RetentionPolicy:
        """The shipped policy from ``resources/data/backup-policy.json``."""
        return _default_policy()

    @classmethod
    def from_json(cls, data: Any) -> RetentionPolicy:
        """Build a policy from its JSON form (unknown keys such as ``_comment`` ignored)."""
        if not isinstance(data, dict):
            raise ValueError("backup policy must be a JSON object")
        values: dict[str, int] = {}
        for name in ("keep_last", "keep_all_days", "daily_days", "monthly_months"):
            value = data.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"backup policy: {name} must be a non-negative integer")
            values[name] = value
        return cls(**values)


@cache
def _default_policy() -> RetentionPolicy:
    with resource("data", "backup-policy.json").open(encoding="utf-8") as fh:
        return RetentionPolicy.from_json(json.load(fh))


class DatabaseDamaged(VetDeskError):
    """The start-up check found the database damaged; carries its backups for a restore."""

    code = "db_damaged"

    def __init__(self, db_path: Path, problems: list[str], backups: list[BackupInfo]) -> None:
        self.path = db_path
        self.problems = problems
        self.backups = backups
        detail = "; ".join(problems[:3])
        latest = self.latest_backup
        if latest is not None:
            message = _(
                "数据库 {name} 已损坏（{detail}）。可以只读方式打开查看，或从备份恢复（最近的备份：{backup}）。"
            ).format(name=db_path.name, detail=detail, backup=latest.path.name)
        else:
            message = _(
                "数据库 {name} 已损坏（{detail}）。可以只读方式打开查看；没有找到可用的备份。"
            ).format(name=db_path.name, detail=detail)
        super().__init__(message)

    @property
    def latest_backup(self) -> BackupInfo | None:
        """The newest verified backup, the natural one to offer."""
        return next((b for b in self.backups if b.verified), None)


def reason_label(reason: str) -> str:
    """A reason code in words (unknown reasons are shown as they are)."""
    label = _REASON_LABELS.get(reason)
    return _(label) if label else reason


def backup_dir(db_path: Path | str) -> Path:
    """The folder holding a database's backups (not created here)."""
    path = Path(db_path)
    # The absolute path tells apart two databases with the same name; resolve() makes a
    # relative or symlinked path of the same file land in the same folder.
    absolute = os.path.normcase(str(path.resolve()))
    digest = hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:8]
    return data_dir() / "backups" / f"{path.stem[:40]}-{digest}"


def _uri(path: Path, params: str) -> str:
    # as_uri() percent-encodes spaces, '#', '?' and non-ASCII names, which SQLite decodes.
    return f"{path.resolve().as_uri()}?{params}"


def _connect_existing(path: Path) -> sqlite3.Connection:
    # mode=rw never creates a missing file; autocommit so PRAGMAs run outside transactions.
    return sqlite3.connect(
        _uri(path, "mode=rw"), uri=True, isolation_level=None, timeout=_BUSY_TIMEOUT_SECONDS
    )


def _connect_readonly(path: Path) -> sqlite3.Connection:
    # Backups are never written in place: immutable reads them without locks and without
    # creating -wal/-shm files beside them, unless a journal is present and must be read.
    has_journal = any(Path(f"{path}{s}").exists() for s in ("-wal", "-journal"))
    params = "mode=ro" if has_journal else "mode=ro&immutable=1"
    return sqlite3.connect(_uri(path, params), uri=True, isolation_level=None)


def _check_problems(con: sqlite3.Connection, pragma: str) -> list[str]:
    rows = [str(row[0]) for row in con.execute(f"PRAGMA {pragma}")]
    problems = [] if rows == ["ok"] else rows
    violations = con.execute("PRAGMA foreign_key_check").fetchall()
    if violations:
        table, rowid = violations[0][0], violations[0][1]
        problems.append(
            _("外键检查发现 {n} 处不一致（例如表 {table} 第 {rowid} 行）。").format(
                n=len(violations), table=table, rowid=rowid
            )
        )
    return problems


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _remove_with_side_files(path: Path) -> None:
    for suffix in ("", *_SIDE_SUFFIXES):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _temp_path(folder: Path, prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    os.close(fd)
    return Path(name)


def _clean_stale_temps(folder: Path, pattern: str, *, now: float | None = None) -> None:
    limit = (time.time() if now is None else now) - _STALE_TEMP_SECONDS
    for tmp in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if tmp.stat().st_mtime < limit:
                _remove_with_side_files(tmp)


def _check_reason(reason: str) -> None:
    if not _REASON_RE.match(reason):
        raise UsageError(
            _(
                "备份原因“{reason}”无效：只能使用字母、数字、下划线和连字符，最多 40 个字符。"
            ).format(reason=reason)
        )


def _require_database(db_path: Path) -> None:
    if not db_path.is_file():
        raise UsageError(_("找不到数据库文件 {path}。").format(path=db_path))


def _free_name(folder: Path, stamp: dt.datetime, reason: str, *, raw: bool) -> Path:
    base = stamp.strftime(_STAMP_FORMAT)
    suffix = ".raw.db" if raw else ".db"
    # Numbered across reasons, so that backups made within one second still sort in the
    # order they were made. A second process backing up in the same second could pick the
    # same name; os.replace then keeps one of two equally valid copies.
    taken = [
        int(match["seq"] or 1)
        for file in (folder.glob(f"{base}*") if folder.is_dir() else ())
        if (match := _NAME_RE.match(file.name)) and match["stamp"] == base
    ]
    seq = max(taken, default=0) + 1
    name = f"{base}-{reason}{suffix}" if seq == 1 else f"{base}_{seq}-{reason}{suffix}"
    return folder / name


def _record_source(folder: Path, db_path: Path) -> None:
    # Tells a person (or support) which database a folder of backups belongs to.
    marker = folder / _SOURCE_FILE
    if marker.exists():
        return
    with contextlib.suppress(OSError):
        marker.write_text(
            json.dumps({"database": str(db_path.resolve())}, ensure_ascii=False),
            encoding="utf-8",
        )


def _summary(
    path: Path, *, live: bool = False
) -> tuple[str | None, str | None, str | None, tuple[int, ...]]:
    role, unit_code, unit_name, years, _sound = _summary_and_check(path, live=live)
    return role, unit_code, unit_name, years


def _summary_and_check(
    path: Path, *, live: bool = False, check: bool = False
) -> tuple[str | None, str | None, str | None, tuple[int, ...], bool]:
    """Whose data a file holds and (``check``) whether it passes SQLite's quick_check."""
    try:
        # A live database is read like any other client would; immutable is for backups only.
        con = _connect_existing(path) if live else _connect_readonly(path)
        try:
            row = con.execute("SELECT role, unit_code FROM database_info WHERE id = 1").fetchone()
            if row is None:
                return None, None, None, (), False
            unit = con.execute("SELECT name FROM units WHERE code = ?", (row[1],)).fetchone()
            years = tuple(int(r[0]) for r in con.execute("SELECT year FROM periods ORDER BY year"))
            sound = check and [str(r[0]) for r in con.execute("PRAGMA quick_check")] == ["ok"]
            return str(row[0]), str(row[1]), str(unit[0]) if unit else None, years, sound
        finally:
            con.close()
    except (sqlite3.Error, OSError, ValueError):
        return None, None, None, (), False


def read_backup_info(path: Path | str, *, summary: bool = True) -> BackupInfo:
    """Describe a backup file (any file: the name gives date and reason when it is ours).

    With ``summary`` the file is opened: whose data it holds, and ``verified`` from a real
    check (quick_check), never from its name; without it, nothing is read and it is unverified.
    """
    file = Path(path)
    stat = file.stat()
    match = _NAME_RE.match(file.name)
    if match:
        created = dt.datetime.strptime(match["stamp"], _STAMP_FORMAT)
        reason, raw = match["reason"], match["raw"] is not None
    else:
        created = dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
        reason, raw = "", False
    role = unit_code = unit_name = None
    periods: tuple[int, ...] = ()
    verified = False
    if summary:
        role, unit_code, unit_name, periods, sound = _summary_and_check(file, check=not raw)
        verified = sound and not raw
    return BackupInfo(
        file, created, reason, stat.st_size, raw, role, unit_code, unit_name, periods, verified
    )


def list_backups(db_path: Path | str, *, summary: bool = True) -> list[BackupInfo]:
    """The backups of a database, newest first (``summary`` reads unit and periods from each)."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found: list[tuple[dt.datetime, int, BackupInfo]] = []
    for file in folder.iterdir():
        match = _NAME_RE.match(file.name)
        if match is None or not file.is_file():
            continue
        try:
            info = read_backup_info(file, summary=summary)
        except OSError:
            continue  # deleted by a concurrent prune
        found.append((info.created, int(match["seq"] or 1), info))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _created, _seq, info in found]


def _is_busy(exc: sqlite3.Error) -> bool:
    # SQLITE_BUSY / SQLITE_LOCKED (primary codes): another connection, not damage.
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (5, 6)


def _copy_database(source: Path, target: Path) -> None:
    src = _connect_existing(source)
    try:
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            # Take the read snapshot ourselves: it honours the busy timeout, whereas
            # Connection.backup retries forever while another connection holds an exclusive
            # lock. The backup then copies exactly this snapshot, in one step.
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchall()
            src.backup(dst, pages=-1)
            src.execute("COMMIT")
            # The copy inherits WAL mode from page 1; a backup must be one file that opens
            # read-only without -wal/-shm files appearing beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def create_backup(
    db_path: Path | str, reason: str, *, now: dt.datetime | None = None
) -> BackupInfo:
    """Write a verified copy of a database into its backup folder."""
    source = Path(db_path)
    _check_reason(reason)
    _require_database(source)
    folder = backup_dir(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _record_source(folder, source)
        tmp = _temp_path(folder, ".backup-")
    except OSError as exc:
        raise BackupFailed(
            _("无法写入备份目录 {folder}：{err}").format(folder=folder, err=exc.strerror or exc)
        ) from exc
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    try:
        try:
            _copy_database(source, tmp)
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                problems = _check_problems(con, "integrity_check")
            finally:
                con.close()
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise BackupFailed(
                    _("数据库 {name} 正忙，暂时无法备份，请稍后再试。").format(name=source.name)
                ) from exc
            raise BackupFailed(
                _("无法备份数据库 {name}：{err}。数据库可能已损坏。").format(
                    name=source.name, err=exc
                )
            ) from exc
        if problems:
            raise BackupFailed(
                _(
                    "数据库 {name} 的备份未通过完整性检查（{detail}），已删除该备份。数据库本身可能已损坏，请从较早的备份恢复。"
                ).format(name=source.name, detail="; ".join(problems[:3]))
            )
        _fsync_file(tmp)
        final = _free_name(folder, stamp, reason, raw=False)
        os.replace(tmp, final)
    except OSError as exc:
        _remove_with_side_files(tmp)
        raise BackupFailed(_("无法写入备份文件：{err}").format(err=exc.strerror or exc)) from exc
    except BaseException:
        _remove_with_side_files(tmp)
        raise
    fsync_dir(folder)
    return read_backup_info(final)


def _copy_file_atomically(source: Path, target: Path) -> None:
    def copy(tmp: Path) -> None:
        with source.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    replace_atomically(target, copy)


def _raw_copy(db_path: Path, reason: str, now: dt.datetime | None) -> BackupInfo:
    folder = backup_dir(db_path)
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    final = _free_name(folder, stamp, reason, raw=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _record_source(folder, db_path)
        # Journal first, under the name SQLite pairs with the copy, so that the copy never
        # appears without the journal that completes it.
        for suffix in ("-wal", "-journal"):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                _copy_file_atomically(side, Path(f"{final}{suffix}"))
        _copy_file_atomically(db_path, final)
    except OSError as exc:
        _remove_with_side_files(final)
        raise BackupFailed(
            _("无法保存数据库 {name} 的当前状态：{err}。为避免丢失数据，未进行恢复。").format(
                name=db_path.name, err=exc.strerror or exc
            )
        ) from exc
    fsync_dir(folder)
    return read_backup_info(final, summary=False)


def plan_retention(
    backups: Sequence[BackupInfo], policy: RetentionPolicy, now: dt.datetime
) -> tuple[list[BackupInfo], list[BackupInfo]]:
    """Split backups into those a policy keeps and those it deletes (both newest first)."""
    ordered = sorted(backups, key=lambda b: b.created, reverse=True)
    keep: set[Path] = {b.path for b in ordered[: policy.keep_last]}
    days_seen: set[dt.date] = set()
    months_seen: set[tuple[int, int]] = set()
    this_month = now.year * 12 + now.month
    for backup in ordered:
        if now - backup.created < dt.timedelta(days=policy.keep_all_days):
            keep.add(backup.path)
        if backup.raw:
            continue  # a damaged copy must not take the place of a day's sound backup
        day = backup.created.date()
        if (now.date() - day).days < policy.daily_days and day not in days_seen:
            keep.add(backup.path)
        days_seen.add(day)
        month = (backup.created.year, backup.created.month)
        if this_month - (month[0] * 12 + month[1]) < policy.monthly_months and (
            month not in months_seen
        ):
            keep.add(backup.path)
        months_seen.add(month)
    return (
        [b for b in ordered if b.path in keep],
        [b for b in ordered if b.path not in keep],
    )


def prune_backups(
    db_path: Path | str,
    policy: RetentionPolicy | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[BackupInfo]:
    """Delete the backups a retention policy no longer keeps; return those deleted."""
    _keep, drop = plan_retention(
        list_backups(db_path, summary=False),
        policy or RetentionPolicy.default(),
        now or dt.datetime.now(),
    )
    deleted = []
    for backup in drop:
        try:
            backup.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # e.g. open in another program on Windows: try again next time
        _remove_with_side_files(backup.path)
        deleted.append(backup)
    folder = backup_dir(db_path)
    if folder.is_dir():
        _clean_stale_temps(folder, ".*.tmp")
    return deleted


def _prune_quietly(db_path: Path, policy: RetentionPolicy | None, now: dt.datetime | None) -> None:
    # Pruning is housekeeping: it must never make the operation that triggered it fail.
    with contextlib.suppress(OSError, ValueError, sqlite3.Error):
        prune_backups(db_path, policy, now=now)


def backup_if_due(
    db_path: Path | str,
    *,
    now: dt.datetime | None = None,
    policy: RetentionPolicy | None = None,
) -> BackupInfo | None:
    """Take the daily backup unless one was already taken today; None when not due."""
    path = Path(db_path)
    moment = now or dt.datetime.now()
    today = moment.date()
    if any(
        b.reason == REASON_DAILY and b.created.date() == today
        for b in list_backups(path, summary=False)
    ):
        return None
    info = create_backup(path, REASON_DAILY, now=moment)
    _prune_quietly(path, policy, moment)
    return info


def pre_operation_backup(
    db: _HasPath | Path,
    reason: str,
    *,
    now: dt.datetime | None = None,
    policy: RetentionPolicy | None = None,
) -> BackupInfo:
    """Back up a database before an import, merge, task import, migration or key change."""
    path = db if isinstance(db, Path) else db.path
    info = create_backup(path, reason, now=now)
    _prune_quietly(path, policy, now)
    return info


def verify_backup(backup_path: Path | str) -> list[str]:
    """Why a file is unfit to restore from; an empty list means it is a sound backup."""
    path = Path(backup_path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        return [_("无法读取备份文件 {name}：{err}").format(name=path.name, err=exc.strerror or exc)]
    if head != _SQLITE_MAGIC:
        return [_("{name} 不是 SQLite 数据库文件。").format(name=path.name)]
    try:
        con = _connect_readonly(path)
        try:
            problems = _check_problems(con, "integrity_check")
            if problems:
                return problems
            tables = {
                str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"database_info", "alembic_version"} <= tables:
                return [_("{name} 不是 VetDesk 数据库。").format(name=path.name)]
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return [_("无法读取备份文件 {name}：{err}").format(name=path.name, err=exc)]
    if row is not None and str(row[0]) not in migrate.known_revisions():
        return [
            _("{name} 由更新版本的 VetDesk 创建（结构版本 {rev}），本版本不能使用。").format(
                name=path.name, rev=row[0]
            )
        ]
    return []


def quick_check(db_path: Path | str) -> list[str]:
    """Run SQLite's quick_check on a database; an empty list means no damage was found."""
    path = Path(db_path)
    if not path.is_file():
        return [_("找不到数据库文件 {path}。").format(path=path)]
    try:
        con = _connect_existing(path)
        try:
            rows = [str(row[0]) for row in con.execute("PRAGMA quick_check")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return [_("无法读取数据库：{err}").format(err=exc)]
    return [] if rows == ["ok"] else rows


def upgrade_with_backup(path: Path | str) -> BackupInfo | None:
    """Upgrade an older database's schema after a verified backup; None if no upgrade was due."""
    # Local: SQLAlchemy loads when a database is opened, not with `vetdesk backup --help`.
    from vetdesk.db.engine import make_engine

    db_path = Path(path)
    _require_database(db_path)
    backup: BackupInfo | None = None
    engine = make_engine(db_path)
    try:
        migrate.check_not_newer(engine)
        if not migrate.needs_upgrade(engine):
            return None
        with DatabaseLock(db_path).acquire("migration"):
            # Checked again under the lock: another process may have upgraded meanwhile.
            if not migrate.needs_upgrade(engine):
                return None
            # An empty new file (create_database) has nothing to lose.
            if migrate.current_revision(engine) is not None:
                backup = create_backup(db_path, REASON_MIGRATION)
            migrate.upgrade(engine)
            engine.dispose()
            con = _connect_existing(db_path)
            try:
                problems = _check_problems(con, "integrity_check")
            finally:
                con.close()
            if problems:
                where = backup.path.name if backup else "—"
                raise MigrationCheckFailed(
                    _(
                        "升级数据库结构后完整性检查未通过（{detail}）。升级前的备份为 {backup}，可用 vetdesk restore 恢复。"
                    ).format(detail="; ".join(problems[:3]), backup=where)
                )
    finally:
        engine.dispose()
    if backup is not None:
        _prune_quietly(db_path, None, None)
    return backup


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_other_database(db_path: Path, restored: BackupInfo) -> None:
    role, unit_code, unit_name, _periods = _summary(db_path, live=True)
    if unit_code is None or restored.unit_code is None:
        return  # the current file is unreadable: nothing to compare with
    if (role, unit_code) != (restored.role, restored.unit_code):
        raise InputRejected(
            _("备份 {backup} 属于{other}，而数据库 {name} 属于{this}，不能用它恢复。").format(
                backup=restored.path.name,
                other=restored.unit_name or restored.unit_code,
                name=db_path.name,
                this=unit_name or unit_code,
            ),
            code="backup_other_database",
        )


def _save_current_state(db_path: Path, now: dt.datetime | None) -> BackupInfo:
    try:
        return create_backup(db_path, REASON_RESTORE, now=now)
    except BackupFailed:
        # The file is damaged (often why one restores): keep its bytes as they are, with
        # its journal, so that nothing is lost even if this restore proves the wrong choice.
        return _raw_copy(db_path, REASON_RESTORE, now)


def _restore_into_temp(backup_path: Path, db_path: Path) -> Path:
    tmp = _temp_path(db_path.parent, f".{db_path.name}.restore-")
    try:
        src = _connect_readonly(backup_path)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst, pages=-1)
                problems = _check_problems(dst, "integrity_check")
                if problems:
                    raise BackupInvalid(
                        _("恢复的副本未通过完整性检查（{detail}），数据库未改动。").format(
                            detail="; ".join(problems[:3])
                        )
                    )
                # A live VetDesk database is in WAL mode; closing checkpoints and removes
                # the temp file's own -wal/-shm.
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync_file(tmp)
    except BaseException:
        _remove_with_side_files(tmp)
        raise
    return tmp


def _still_open_message(db_path: Path) -> str:
    return _(
        "数据库 {name} 仍被其他程序打开（另一个 VetDesk 窗口或命令），请先关闭后再恢复。"
    ).format(name=db_path.name)


def _retire_journal_files(db_path: Path) -> None:
    # The old -wal/-journal would be replayed into the restored file and corrupt it, so
    # they must be gone before the replace. A healthy database is checkpointed first; the
    # journal of a damaged one is already in the raw copy.
    healthy = False
    try:
        con = _connect_existing(db_path)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            healthy = True
        finally:
            con.close()
    except sqlite3.Error:
        healthy = False
    side_files = [Path(f"{db_path}{s}") for s in _SIDE_SUFFIXES]
    # SQLite removes -wal and -shm when the *last* connection closes: if they survive
    # ours, some other connection (another process, or an engine left open) uses the file.
    if healthy and any(p.exists() for p in side_files[:2]):
        raise DatabaseInUse(_still_open_message(db_path))
    for side in side_files:
        try:
            side.unlink(missing_ok=True)
        except PermissionError as exc:
            raise DatabaseInUse(_still_open_message(db_path)) from exc


def restore_backup(
    db_path: Path | str, backup_path: Path | str, *, now: dt.datetime | None = None
) -> RestoreResult:
    """Replace a database by a verified backup, first backing up the state it replaces.

    Close every connection to the database (``Database.close()``) before calling this.
    """
    target = Path(db_path)
    source = Path(backup_path)
    if not source.is_file():
        raise UsageError(_("找不到备份文件 {path}。").format(path=source))
    if _same_path(target, source):
        raise UsageError(_("备份文件就是数据库本身，不能用它恢复。"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with DatabaseLock(target).acquire("restore"):
        problems = verify_backup(source)
        if problems:
            raise BackupInvalid(
                _("备份 {name} 不能用于恢复（{detail}），数据库未改动。").format(
                    name=source.name, detail="; ".join(problems[:3])
                )
            )
        restored = read_backup_info(source)
        safety = None
        if target.exists():
            _refuse_other_database(target, restored)
            safety = _save_current_state(target, now)
        tmp = _restore_into_temp(source, target)
        try:
            if target.exists():
                # mkstemp made the temp file private (0600): give back the database's own mode.
                shutil.copymode(target, tmp)
            _retire_journal_files(target)
            os.replace(tmp, target)
        except PermissionError as exc:
            _remove_with_side_files(tmp)
            # Windows refuses to replace a file another program has open.
            raise DatabaseInUse(_still_open_message(target)) from exc
        except BaseException:
            _remove_with_side_files(tmp)
            raise
        fsync_dir(target.parent)
    return RestoreResult(restored=restored, safety_backup=safety)
