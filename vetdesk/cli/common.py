"""What every sub-command shares: exit codes, error handling, output and passphrases."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetdesk.db.location import DatabaseTarget, ServerUrl, parse_target
from vetdesk.errors import InputRejected, UsageError, VetDeskError
from vetdesk.i18n import _

if TYPE_CHECKING:
    from vetdesk.db.database import Database

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


class CommandError(VetDeskError):
    """An error raised by a command with its exit code."""

    def __init__(
        self, message: str, exit_code: int = EXIT_REJECTED, *, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.exit_code = exit_code


def run_command(handler: Handler, args: argparse.Namespace) -> int:
    """Run a handler, turning user-facing errors into messages and exit codes."""
    try:
        return handler(args)
    except UsageError as exc:
        _report_error(args, exc)
        return EXIT_USAGE
    except CommandError as exc:
        _report_error(args, exc)
        return exc.exit_code
    except (InputRejected, VetDeskError) as exc:
        _report_error(args, exc)
        return EXIT_REJECTED
    except BrokenPipeError:
        # Output piped into `head` and cut off: not an error of the command.
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("已取消。"), file=sys.stderr)
        return EXIT_REJECTED


def _report_error(args: argparse.Namespace, exc: VetDeskError) -> None:
    if getattr(args, "json", False):
        print_json({"ok": False, "error": {"code": exc.code, "message": exc.message}})
    else:
        print(_("错误：{msg}").format(msg=exc.message), file=sys.stderr)


def print_json(data: Any) -> None:
    """Print JSON for machines (UTF-8, not escaped, stable key order)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))
    sys.stdout.write("\n")


def open_database(target: DatabaseTarget) -> Database:
    """Open the database a command works on (upgrading an older schema after a backup)."""
    # Local: SQLAlchemy and the models load when a command opens a database, not for --help.
    from vetdesk.db.database import open_database as open_existing

    return open_existing(target)


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """The --db option every data command takes."""
    parser.add_argument(
        "--db",
        required=True,
        type=db_target,
        help=_("数据库文件路径；市级也可为 PostgreSQL 地址 postgresql://用户@主机/库名"),
    )


def db_target(text: str) -> Path | ServerUrl:
    """``--db``'s argparse type: a path, or a PostgreSQL URL (refused with the reason)."""
    # argparse shows a TypeError/ValueError as "invalid value"; a refused URL must say why.
    try:
        return parse_target(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(exc.message) from exc


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    """The --json option of commands that report results."""
    parser.add_argument("--json", action="store_true", help=_("以 JSON 输出结果（供脚本使用）"))
