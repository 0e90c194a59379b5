"""Where a database lives: a SQLite file, or (the city only) a PostgreSQL server's URL.

``--db`` takes either. A URL is libpq's own (``postgresql://user@host:port/dbname``,
``postgresql:///dbname?service=city``), handed to libpq unchanged, so the password is
found where PostgreSQL users keep it (``~/.pgpass``, ``PGPASSWORD``, a service file).
A password written into the URL is refused: it would sit in the shell history, the
process list and the recent-files list. Nothing here imports SQLAlchemy or psycopg, so
the command line can parse ``--db`` before deciding whether a database is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The key under which a session of a Database holds its command_argument().
DB_ARGUMENT = "vetdesk_db_argument"

SCHEMES = ("postgresql://", "postgres://")


# A named tuple, not a dataclass: the window imports this module before its first paint,
# and importing dataclasses (with copy) costs it several milliseconds.
class ServerUrl(NamedTuple):
    """A PostgreSQL database named by a libpq URL without a password."""

    url: str

    @property
    def label(self) -> str:
        """The database as messages name it: ``dbname@host`` (never a password)."""
        parts = urlsplit(self.url)
        query = dict(parse_qsl(parts.query))
        name = parts.path.lstrip("/") or query.get("dbname", "")
        host = parts.hostname or query.get("host", "") or "localhost"
        service = query.get("service")
        if service and not name:
            return f"service={service}"
        return f"{name}@{host}" if name else host

    def __str__(self) -> str:
        return self.url


DatabaseTarget = Path | ServerUrl


class OnServer(UsageError):
    """A file operation (backup file, lock file) asked of a database on a PostgreSQL server."""

    code = "db_on_server"

    def __init__(self, target: ServerUrl) -> None:
        super().__init__(
            _("数据库 {db} 在 PostgreSQL 服务器上，不是本机文件，此操作不适用。").format(
                db=target.label
            )
        )


def database_file(target: DatabaseTarget) -> Path:
    """The database file a target names; OnServer for a database on a PostgreSQL server."""
    if isinstance(target, ServerUrl):
        raise OnServer(target)
    return target


class NoFileBackup(InputRejected):
    """VetDesk's file backup or restore asked of a server database: nothing was done."""

    code = "backup_on_server"

    def __init__(self, target: ServerUrl) -> None:
        super().__init__(
            _(
                "数据库 {db} 在 PostgreSQL 服务器上：VetDesk 的备份只适用于 SQLite 文件，未做任何备份。"
                "请使用数据库管理员的备份（PostgreSQL 的转储工具，恢复到一个新建的空数据库）。"
            ).format(db=target.label)
        )


def is_server_url(text: str) -> bool:
    """Whether ``--db`` names a PostgreSQL server rather than a file."""
    return text.strip().lower().startswith(SCHEMES)


def parse_server_url(text: str) -> ServerUrl:
    """Check a PostgreSQL URL: refused when it carries a password."""
    url = text.strip()
    try:
        parts = urlsplit(url)
        has_password = parts.password is not None
    except ValueError as exc:
        # Not urlsplit's own text: for a full-width character it quotes the whole host part,
        # password included.
        raise UsageError(
            _(
                "数据库地址 {url} 无法解析：请检查主机部分是否含全角字符（如 ／＠：？）"
                "或不成对的方括号。"
            ).format(url=_redacted(url))
        ) from exc
    if has_password or any(key == "password" for key, _v in parse_qsl(parts.query)):
        raise UsageError(
            _(
                "数据库地址中不能写密码（会留在命令历史和日志里）。请把密码写入 ~/.pgpass（Windows："
                "%APPDATA%\\postgresql\\pgpass.conf）、环境变量 PGPASSWORD 或 PostgreSQL 服务文件。"
            )
        )
    return ServerUrl(url)


def parse_target(text: str | DatabaseTarget) -> DatabaseTarget:
    """``--db``'s value: a PostgreSQL URL, or else a file path."""
    if isinstance(text, Path | ServerUrl):
        return text
    if is_server_url(text):
        return parse_server_url(text)
    return Path(text)


def county_on_server() -> UsageError:
    """The refusal of a county database on a URL, in the command line's and the wizard's words."""
    # Counties stay on a SQLite file on their own PC (offline, one operator, a USB stick to
    # the city); only the city's database may live on a server.
    return UsageError(
        _(
            "县区数据库只能是本机文件（SQLite）；PostgreSQL 数据库地址只用于市级数据库（--role city）。"
        )
    )


def new_database_target(text: str, role: str) -> DatabaseTarget:
    """Where a new database of ``role`` goes: a URL only for the city, never with a password."""
    # Imported here: the window imports this module before its first paint, the enums after.
    from vetdesk.domain.enums import Role

    target = parse_target(text)
    if isinstance(target, ServerUrl) and role != Role.CITY:
        raise county_on_server()
    return target


def command_argument(target: DatabaseTarget) -> str:
    """The database as a suggested command's ``--db`` value: as given, quoted if it holds a space."""
    text = str(target)  # a server URL never holds a password (parse_server_url refuses one)
    return f'"{text}"' if any(c.isspace() for c in text) else text


def session_db_argument(session: Session) -> str:
    """The ``--db`` value of a session's database, for a suggested command (a stand-in if unknown)."""
    value = session.info.get(DB_ARGUMENT)
    return value if isinstance(value, str) else _("数据库文件")


def target_label(target: DatabaseTarget) -> str:
    """The database as messages name it (a file's name, a server database's name@host)."""
    return target.label if isinstance(target, ServerUrl) else target.name


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest.split("/", 1)[0]:
        credentials, _at, host = rest.partition("@")
        return f"{scheme}{sep}{credentials.split(':', 1)[0]}@{host}"
    return url
