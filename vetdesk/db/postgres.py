"""The city's database on a PostgreSQL server: engine, connection check and the write lock.

Connections go through libpq (psycopg 3) with the URL exactly as given, so libpq finds
the password itself (``~/.pgpass``, ``PGPASSWORD``, a service file) and VetDesk never
sees, stores or logs one. Each connection names itself in ``application_name``
(VetDesk, the OS user, the computer), which is how a refused writer learns who holds
the database.

Large writes (a merge, an import, a migration) hold a session-level advisory lock on a
dedicated connection for as long as they run, the PostgreSQL counterpart of the SQLite
lock file: a second writer is refused at once and told who holds it; readers are never
blocked (MVCC). A killed VetDesk loses its connections, which frees the lock and rolls
its transaction back.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from vetdesk.db import fairness
from vetdesk.db.engine import WRITE_OPTION
from vetdesk.db.location import ServerUrl
from vetdesk.db.lock import DatabaseInUse
from vetdesk.errors import InputRejected
from vetdesk.i18n import _

# pg_try_advisory_lock(int4, int4): a namespace for VetDesk ("VD" in ASCII) and the lock.
LOCK_NAMESPACE = 0x5644
WRITE_LOCK = 1
# Taken by every writing transaction (pg_advisory_xact_lock), PostgreSQL's counterpart of
# SQLite's BEGIN IMMEDIATE: the audit log is a hash chain whose head each writer reads
# before appending, so two writers must never interleave, however small their writes.
WRITE_TRANSACTION_LOCK = 2
# How long a writer queues behind another before it is told the database is busy.
WRITE_QUEUE_TIMEOUT = "30s"
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout
# PostgreSQL keeps only printable ASCII of application_name, at most 63 bytes.
_APP_NAME_LIMIT = 63


class ServerUnreachable(InputRejected):
    """The PostgreSQL server refused or could not be reached: nothing was read or written."""

    code = "db_server_unreachable"


def application_name(purpose: str = "") -> str:
    """How this VetDesk names its connections: app, purpose, OS user, computer, process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container's numeric user)
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    words = ["VetDesk", purpose, f"{user}@{socket.gethostname()}", f"pid {os.getpid()}"]
    name = " ".join(w for w in words if w)
    ascii_name = name.encode("ascii", "replace").decode("ascii")
    return ascii_name[:_APP_NAME_LIMIT]


def _before_execute(*_args: Any) -> None:
    fairness.share_the_gil()


def _on_begin(connection: Connection) -> None:
    # Only writing transactions queue; readers see the last committed state (MVCC).
    if connection.get_execution_options().get(WRITE_OPTION):
        take_write_transaction_lock(connection)


def take_write_transaction_lock(connection: Connection) -> None:
    """Queue for the writers' transaction lock (held until this transaction ends; re-entrant)."""
    connection.exec_driver_sql(
        f"SET LOCAL lock_timeout = '{WRITE_QUEUE_TIMEOUT}'; "
        f"SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, {WRITE_TRANSACTION_LOCK}); "
        "SET LOCAL lock_timeout = 0"
    )


def is_lock_timeout(exc: DBAPIError) -> bool:
    """Whether a statement failed because another writer held a lock past the timeout."""
    return getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


def make_server_engine(target: ServerUrl) -> Engine:
    """An engine on a PostgreSQL database; libpq reads the URL and finds the password."""
    name = application_name()

    def connect() -> psycopg.Connection[Any]:
        # TCP keepalives: a connection whose network dropped is noticed within about a
        # minute instead of hanging a statement (libpq's defaults leave it to the OS, hours).
        return psycopg.connect(
            target.url,
            application_name=name,
            connect_timeout=15,
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )

    engine = create_engine("postgresql+psycopg://", creator=connect, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "begin", _on_begin)
    return engine


def check_connection(engine: Engine, target: ServerUrl) -> None:
    """Connect once, turning libpq's refusal into a message that names the database."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise unreachable(target, exc) from exc


def unreachable(target: ServerUrl, exc: DBAPIError) -> ServerUnreachable:
    """The message for a failed connection (libpq's reason; libpq never echoes a password)."""
    return ServerUnreachable(
        _(
            "无法连接 PostgreSQL 数据库 {db}：{reason}。请检查地址、服务器是否运行，"
            "以及密码是否已写入 ~/.pgpass、PGPASSWORD 或服务文件。"
        ).format(db=target.label, reason=_server_reason(exc))
    )


def _server_reason(exc: DBAPIError) -> str:
    # The first line of libpq's or the server's own message (libpq never echoes a password).
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


class ServerWriteFailed(InputRejected):
    """The server refused or broke off a write (disk full, cancelled, …): nothing was written."""

    code = "db_server_write_failed"


def lost_connection(exc: DBAPIError) -> bool:
    """Whether a failed statement means the connection failed (SQLSTATE class 08, or none)."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate is None or str(sqlstate).startswith("08")


def write_failed(target: ServerUrl, exc: DBAPIError) -> ServerWriteFailed:
    """The message for a write the server refused though the connection held."""
    return ServerWriteFailed(
        _(
            "PostgreSQL 数据库 {db} 拒绝了这次写入：{reason}。更改已全部撤销，"
            "请稍后重试；问题持续时请联系数据库管理员。"
        ).format(db=target.label, reason=_server_reason(exc))
    )


def is_empty(engine: Engine) -> bool:
    """Whether the database has no table in its current schema (a fresh one for init)."""
    with engine.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        ).scalar_one()
    return int(count) == 0


class WriteLock:
    """The advisory write lock of one server database, re-entrant within this process."""

    def __init__(self, engine: Engine, target: ServerUrl) -> None:
        self.engine = engine
        self.target = target
        self._mutex = threading.RLock()  # this process's threads queue here, not on the server
        self._depth = 0
        self._conn: Connection | None = None

    @contextmanager
    def hold(self, purpose: str) -> Iterator[None]:
        """Hold the lock for a large write; DatabaseInUse naming the holder if another has it."""
        with self._mutex:
            if self._depth == 0:
                self._conn = self._take(purpose)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._conn is not None:
                    conn, self._conn = self._conn, None
                    try:
                        # The pooled connection goes back under its plain name, so that
                        # pg_stat_activity does not show a finished merge as running.
                        conn.execute(
                            text(
                                "SELECT pg_advisory_unlock(:ns, :key), "
                                "set_config('application_name', :name, false)"
                            ),
                            {"ns": LOCK_NAMESPACE, "key": WRITE_LOCK, "name": application_name()},
                        )
                    except DBAPIError:
                        # The write is committed or rolled back by now: a failed unlock must
                        # not report it as failed. Discarding the connection (not returning
                        # it to the pool) ends its server session, which frees the lock.
                        conn.invalidate()
                    finally:
                        conn.close()

    def _take(self, purpose: str) -> Connection:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            conn.execute(
                text("SELECT set_config('application_name', :name, false)"),
                {"name": application_name(purpose)},
            )
            taken = conn.execute(
                text("SELECT pg_try_advisory_lock(:ns, :key)"),
                {"ns": LOCK_NAMESPACE, "key": WRITE_LOCK},
            ).scalar_one()
            if not taken:
                raise DatabaseInUse(self._holder_message(conn))
        except DBAPIError as exc:
            conn.close()
            raise unreachable(self.target, exc) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def _holder_message(self, conn: Connection) -> str:
        row = conn.execute(
            text(
                "SELECT a.application_name, a.usename, "
                "coalesce(a.client_hostname, host(a.client_addr), ''), a.backend_start "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.classid = :ns AND l.objid = :key AND l.objsubid = 2 "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"ns": LOCK_NAMESPACE, "key": WRITE_LOCK},
        ).first()
        if row is None:  # released between the two statements
            return _("数据库 {db} 刚才正被另一位操作员写入，请再试一次。").format(
                db=self.target.label
            )
        app, role, client, started = row
        since = started.strftime("%Y-%m-%d %H:%M") if isinstance(started, dt.datetime) else ""
        return _(
            "数据库 {db} 正被另一位操作员写入（{app}，数据库用户 {role}，来自 {client}，"
            "连接于 {since}）。本次操作没有写入任何内容，请等对方完成后再试。"
        ).format(
            db=self.target.label,
            app=app or "?",
            role=role or "?",
            client=client or _("本机"),
            since=since,
        )
