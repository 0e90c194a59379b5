"""Creating and opening a VetDesk database."""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vetdesk import __version__
from vetdesk.db import backup, migrate, models
from vetdesk.db.audit import TXN_HEAD_AFTER, TXN_HEAD_BEFORE, install_audit
from vetdesk.db.data_version import OwnWrites
from vetdesk.db.engine import make_engine, make_session_factory
from vetdesk.db.location import (
    DB_ARGUMENT,
    DatabaseTarget,
    ServerUrl,
    command_argument,
    county_on_server,
    database_file,
    parse_target,
    target_label,
)
from vetdesk.db.lock import DatabaseLock
from vetdesk.domain.enums import Role
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _


@dataclass(frozen=True)
class DatabaseInfo:
    """Whose database this is."""

    role: str
    unit_code: str
    unit_name: str
    operator: str
    created_at: dt.datetime

    @property
    def is_city(self) -> bool:
        """Whether this is the city bureau's database."""
        return self.role == Role.CITY


class Database:
    """An open VetDesk database: engine, sessions with auditing, and its set-up."""

    def __init__(self, location: DatabaseTarget, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self._factory: sessionmaker[Session] = make_session_factory(engine)
        self._write_factory: sessionmaker[Session] = make_session_factory(engine, write=True)
        self._info: DatabaseInfo | None = None
        self._server_lock: WriteLock | None = None
        # The audit-head steps of this process's commits: a window polling the data's
        # version reloads on another process's change, not on its own (data_version.py).
        self.own_writes = OwnWrites()

    @property
    def on_server(self) -> bool:
        """Whether this database lives on a PostgreSQL server rather than in a file."""
        return isinstance(self.location, ServerUrl)

    @property
    def label(self) -> str:
        """The database as messages name it: the file's name, or ``dbname@host``."""
        return target_label(self.location)

    @property
    def argument(self) -> str:
        """The database as a suggested command's ``--db`` value (so the command runs as printed)."""
        return command_argument(self.location)

    @property
    def path(self) -> Path:
        """The database file; refused for a database on a PostgreSQL server."""
        return database_file(self.location)

    def session(self, *, write: bool = False) -> Session:
        """A new session whose changes are recorded in the audit log (``write``: takes the write lock)."""
        session = (self._write_factory if write else self._factory)()
        # Messages raised deep in the core suggest complete commands: they need the --db value.
        session.info[DB_ARGUMENT] = self.argument
        try:
            operator = self.info().operator
        except InputRejected:  # being initialised: create_database sets the operator
            operator = ""
        install_audit(session, operator)
        event.listen(session, "after_commit", self._note_own_write)
        return session

    def _note_own_write(self, session: Session) -> None:
        before = session.info.get(TXN_HEAD_BEFORE)
        after = session.info.get(TXN_HEAD_AFTER)
        if before is not None and after is not None:
            self.own_writes.record(str(before), str(after))

    @contextmanager
    def guarded_write(self, purpose: str, backup_reason: str | None = None) -> Iterator[None]:
        """Hold the database lock (and take a verified backup first) around a large write.

        On PostgreSQL the lock is the server's advisory lock and no file backup is taken:
        the write is one transaction (all or nothing), and backups are ``pg_dump``'s.
        """
        if isinstance(self.location, ServerUrl):
            if self._server_lock is None:
                from vetdesk.db.postgres import WriteLock

                self._server_lock = WriteLock(self.engine, self.location)
            with self._server_lock.hold(purpose):
                yield
            return
        with DatabaseLock(self.path).acquire(purpose):
            if backup_reason is not None:
                backup.pre_operation_backup(self, backup_reason)
            yield

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        try:
            with self.session(write=True) as session, session.begin():
                yield session
        except OperationalError as exc:
            if isinstance(self.location, ServerUrl):
                from vetdesk.db.postgres import (
                    is_lock_timeout,
                    lost_connection,
                    unreachable,
                    write_failed,
                )

                if is_lock_timeout(exc):
                    raise _busy(self.label) from exc
                if lost_connection(exc):
                    raise unreachable(self.location, exc) from exc
                raise write_failed(self.location, exc) from exc
            raise _write_error(self.path, exc) from exc

    def info(self) -> DatabaseInfo:
        """The database's role, unit and operator."""
        if self._info is None:
            with self._factory() as session:
                row = session.get(models.DatabaseInfo, 1)
                if row is None:
                    raise InputRejected(
                        _("数据库 {path} 尚未初始化，请先运行 vetdesk init。").format(
                            path=self.label
                        ),
                        code="not_initialised",
                    )
                unit = session.get(models.Unit, row.unit_code)
                self._info = DatabaseInfo(
                    row.role,
                    row.unit_code,
                    unit.name if unit else row.unit_code,
                    row.operator,
                    row.created_at,
                )
        return self._info

    def unit_codes(self) -> set[str]:
        """The unit codes whose schools this database may hold."""
        info = self.info()
        units = load_units()
        if info.is_city:
            return {u.code for u in units.all_units()}
        return {info.unit_code}

    def close(self) -> None:
        """Release the database file."""
        self.engine.dispose()


if TYPE_CHECKING:
    from vetdesk.db.postgres import WriteLock


class DatabaseWriteFailed(InputRejected):
    """SQLite could not write the database file (read-only, disk full, I/O error)."""

    code = "db_write_failed"


class DatabaseBusy(InputRejected):
    """Another connection holds the database's write lock: nothing was written."""

    code = "db_busy"


def _busy(name: str) -> DatabaseBusy:
    return DatabaseBusy(
        _(
            "数据库 {name} 正忙：另一个程序正在写入它。本次操作没有写入任何内容，请稍后重试。"
        ).format(name=name)
    )


def _write_error(path: Path, exc: OperationalError) -> Exception:
    text = str(exc.orig).lower()
    if "readonly" in text or "read-only" in text:
        return DatabaseWriteFailed(
            _(
                "数据库文件 {name} 是只读的，无法保存更改。请检查文件属性或把数据库复制到本机可写的位置。"
            ).format(name=path.name)
        )
    if "database is locked" in text or "database is busy" in text:
        # Another program (or another VetDesk) holds SQLite's write lock longer than the
        # busy timeout: nothing was written; the user can simply try again.
        return _busy(path.name)
    if "full" in text or "disk i/o" in text or "i/o error" in text:
        return DatabaseWriteFailed(
            _(
                "写入数据库 {name} 失败：磁盘空间不足或磁盘出错。更改已全部撤销，请腾出空间后重试。"
            ).format(name=path.name)
        )
    return exc


def _seed_units(session: Session) -> None:
    units = load_units()
    session.add(models.Unit(code=units.city.code, name=units.city.name, parent_code=None))
    session.flush()
    for county in units.counties:
        session.add(models.Unit(code=county.code, name=county.name, parent_code=units.city.code))


def create_database_file(
    path: DatabaseTarget | str,
    *,
    role: str,
    unit_code: str,
    operator: str,
    setup: Callable[[Session], object],
) -> Database:
    """Create a new database file for a county or the city; ``setup`` completes it in the same transaction.

    The rules layer's :func:`vetdesk.standards.installed.create_database` passes the
    installation of the shipped rule set as ``setup``; that is the function to call.
    """
    if Role.from_text(role) is None:
        raise UsageError(_("角色应为 county（县区）或 city（市级）。"))
    units = load_units()
    unit = units.get(unit_code)
    if unit is None:
        raise UsageError(_("单位代码 {code} 不是海东市或其所辖县区的代码。").format(code=unit_code))
    if (role == Role.CITY) != unit.is_city:
        raise UsageError(
            _(
                "单位代码 {code}（{name}）与角色 {role} 不符：市级数据库使用 630200，县区数据库使用县区代码。"
            ).format(code=unit_code, name=unit.name, role=role)
        )
    if not operator.strip():
        raise UsageError(_("请填写操作员姓名（--operator）。"))
    target = parse_target(path)
    if isinstance(target, ServerUrl):
        if role != Role.CITY:
            raise county_on_server()
        db = _new_server_database(target)
    else:
        if target.exists() and target.stat().st_size > 0:
            raise UsageError(_("文件 {path} 已存在，不会覆盖。").format(path=target))
        target.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(target)
        migrate.upgrade(engine)
        db = Database(target, engine)
    with db.transaction() as session:
        session.info["operator"] = operator.strip()
        _seed_units(session)
        session.flush()
        session.add(
            models.DatabaseInfo(
                id=1,
                role=str(role),
                unit_code=unit_code,
                operator=operator.strip(),
                created_at=dt.datetime.now().replace(microsecond=0),
                created_by_version=__version__,
            )
        )
        setup(session)
    return db


def build_server_schema(engine: Engine, target: ServerUrl) -> None:
    """Build the schema in an empty PostgreSQL database; refuse one that already has tables."""
    from vetdesk.db import postgres

    if not postgres.is_empty(engine):
        raise UsageError(
            _("PostgreSQL 数据库 {db} 中已有数据表，不会覆盖；请使用一个新建的空数据库。").format(
                db=target.label
            )
        )
    migrate.upgrade(engine)


def _new_server_database(target: ServerUrl) -> Database:
    """An empty PostgreSQL database given its schema, under the write lock."""
    from vetdesk.db import postgres

    engine = postgres.make_server_engine(target)
    try:
        postgres.check_connection(engine, target)
        db = Database(target, engine)
        with db.guarded_write("init"):
            build_server_schema(engine, target)
    except Exception:
        engine.dispose()
        raise
    return db


def _open_on_server(target: ServerUrl, *, upgrade: bool) -> Database:
    """Open the city's database on a PostgreSQL server, upgrading its schema under the lock."""
    from vetdesk.db import postgres

    engine = postgres.make_server_engine(target)
    try:
        postgres.check_connection(engine, target)
        if migrate.current_revision(engine) is None:
            raise InputRejected(
                _("数据库 {path} 尚未初始化，请先运行 vetdesk init。").format(path=target.label),
                code="not_initialised",
            )
        migrate.check_not_newer(engine)
        db = Database(target, engine)
        if upgrade and migrate.needs_upgrade(engine):
            # PostgreSQL's DDL is transactional: a failed migration leaves the schema as it
            # was, so no file backup is needed (and none could be taken) first.
            with db.guarded_write("migration"):
                migrate.upgrade(engine)
        if not db.info().is_city:
            raise county_on_server()
    except Exception:
        engine.dispose()
        raise
    return db


def open_read_only(path: Path) -> Database:
    """Open a database for reading only (a damaged one, or one another program holds)."""
    if not path.exists():
        raise UsageError(_("找不到数据库文件 {path}。").format(path=path))
    return Database(path, make_engine(path, read_only=True))


def open_database(target: DatabaseTarget | str, *, upgrade: bool = True) -> Database:
    """Open an existing database, upgrading its schema if it is older than this version."""
    location = parse_target(target)
    if isinstance(location, ServerUrl):
        return _open_on_server(location, upgrade=upgrade)
    path = location
    if not path.exists():
        raise UsageError(_("找不到数据库文件 {path}。").format(path=path))
    if upgrade:
        try:
            backup.upgrade_with_backup(path)  # refuses a newer schema; backs up before migrating
        except OperationalError as exc:
            raise _write_error(path, exc) from exc
    engine = make_engine(path)
    try:
        migrate.check_not_newer(engine)
    except Exception:
        engine.dispose()
        raise
    db = Database(path, engine)
    db.info()
    return db


def open_for_use(db_path: DatabaseTarget | str) -> Database:
    """Check and open a database at start-up; a damaged one raises DatabaseDamaged."""
    location = parse_target(db_path)
    if isinstance(location, ServerUrl):  # the server checks its own files
        return _open_on_server(location, upgrade=True)
    path = location
    backup._require_database(path)
    backup._clean_stale_temps(path.parent, f".{glob.escape(path.name)}.restore-*.tmp")
    problems = backup.quick_check(path)
    if problems:
        raise backup.DatabaseDamaged(path, problems, backup.list_backups(path))
    backup.upgrade_with_backup(path)
    return open_database(path, upgrade=False)
