"""Whether the GUI can open a window here, and what to do instead when it cannot."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from vetdesk.db.location import is_server_url
from vetdesk.i18n import _

# Qt platforms that draw into no window (screenshots, tests) and need no display.
_WINDOWLESS_PLATFORMS = ("offscreen", "minimal", "vnc")


def has_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a window can be shown (always on Windows and macOS; X11 or Wayland elsewhere)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    if env.get("QT_QPA_PLATFORM", "").split(":")[0] in _WINDOWLESS_PLATFORMS:
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def no_display_message(db: str | None) -> str:
    """What to tell someone who started the GUI where no window can be shown."""
    lines = [_("此处没有图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开 VetDesk 窗口。")]
    if db and not is_server_url(db) and Path(db).exists():
        lines.append(_("数据库已就绪：{path}").format(path=Path(db).absolute()))
    target = _db_argument(db)
    lines.append(
        _("可以改用命令行（vetdesk --help），或把各主要界面保存为截图查看：")
        + f"\n    vetdesk --db {target} --screenshot "
        + _("截图文件夹")
    )
    return "\n".join(lines)


def _db_argument(db: str | None) -> str:
    # A server URL is used as given (it never holds a password: refused before); a file
    # is named absolutely so the command runs from anywhere.
    if not db:
        return _("数据库文件")
    return db if is_server_url(db) else str(Path(db).absolute())


def workbook_commands(path: Path, db: str | None) -> str:
    """What the workbook opened without a display is, and the commands that handle it."""
    # Imported here: reading a workbook needs openpyxl, which the rest of this module does not.
    from vetdesk.errors import VetDeskError
    from vetdesk.services.open_workbook import commands_for, plan_open, workbook_kind
    from vetdesk.workbook.meta import kind_name

    try:
        kind = workbook_kind(path)
    except VetDeskError as exc:
        return exc.message
    is_city, period = _role_and_newest_period(db)
    if is_city is not None:
        plan = plan_open(path, is_city=is_city)
        if plan.refused:
            return plan.message
    target = _db_argument(db)
    lines = [_("{name} 是{what}。在命令行中处理它：").format(name=path.name, what=kind_name(kind))]
    lines += [
        f"    vetdesk {command} --db {target} {path}"
        for command in commands_for(kind, is_city=is_city, period=period)
    ]
    return "\n".join(lines)


def _role_and_newest_period(db: str | None) -> tuple[bool | None, int | None]:
    # Whether the database is the city's, and its newest period; (None, None) when it
    # cannot be read (not given, missing, locked): the commands of both sides are shown.
    if not db or not Path(db).is_file():
        return None, None
    # Imported here: only this message opens the database.
    from vetdesk.db.database import open_database
    from vetdesk.errors import VetDeskError
    from vetdesk.services.records import list_periods

    try:
        database = open_database(db, upgrade=False)
    except (VetDeskError, OSError):
        return None, None
    try:
        periods = list_periods(database)
        return database.info().is_city, periods[0].year if periods else None
    except Exception:  # an old schema (not upgraded here) or a damaged file: say less
        return None, None
    finally:
        database.close()
