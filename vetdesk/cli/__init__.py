"""The ``vetdesk`` command: sub-commands for scripts and people, the GUI when given none.

Each sub-command is a thin front on a service in :mod:`vetdesk.services`; exit codes
are 0 on success, 1 when the data or input is rejected, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from vetdesk import __version__
from vetdesk.cli import argparse_zh, display
from vetdesk.cli.common import EXIT_REJECTED, EXIT_USAGE, CommandError, run_command
from vetdesk.db.location import is_server_url, parse_server_url
from vetdesk.errors import UsageError
from vetdesk.i18n import _, set_language

# Modules that register sub-commands, in the order they appear in --help. They are
# imported when the parser is built, not with this package: `vetdesk --version` need not
# load SQLAlchemy, the rule engine and openpyxl.
_COMMAND_MODULE_NAMES = (
    "core_commands",
    "setup_commands",
    "exchange_commands",
    "package_commands",
    "merge_commands",
    "task_commands",
    "target_commands",
    "standards_commands",
    "report_commands",
    "policy_commands",
    "maintenance_commands",
    "server_commands",
)


def _command_modules() -> list[ModuleType]:
    modules: list[ModuleType] | None = globals().get("COMMAND_MODULES")
    if modules is None:
        modules = [importlib.import_module(f"vetdesk.cli.{name}") for name in _COMMAND_MODULE_NAMES]
        globals()["COMMAND_MODULES"] = modules
    return modules


def __getattr__(name: str) -> Any:
    """``COMMAND_MODULES``, imported on first use."""
    if name == "COMMAND_MODULES":
        return _command_modules()
    raise AttributeError(name)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    argparse_zh.install()
    parser = argparse.ArgumentParser(
        prog="vetdesk",
        description=_("VetDesk 职业教育数据填报与核验工具。不带子命令时打开图形界面。"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"VetDesk {__version__}",
        help=_("显示版本号并退出"),
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=_("界面与消息语言（默认中文）"))
    parser.add_argument("--db", help=_("图形界面打开的数据库文件"))
    parser.add_argument("--self-test", action="store_true", help=_("不显示窗口，运行自检后退出"))
    parser.add_argument("--screenshot", metavar="DIR", help=_("把各主要界面截图保存到目录后退出"))
    sub = parser.add_subparsers(dest="command", metavar=_("子命令"))
    for module in _command_modules():
        module.register(sub)
    return parser


def _preparse_language(argv: Sequence[str]) -> None:
    # The language must be set before the parser is built, so that --help is translated.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            set_language(argv[i + 1])
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
            if lang in ("zh", "en"):
                set_language(lang)


def _language_first(args: list[str]) -> list[str]:
    """``--lang`` moved before the sub-command, where argparse accepts it.

    Users add ``--lang en`` at the end of a command they already typed (README says
    "add --lang en"); argparse takes it only before the sub-command.
    """
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("zh", "en"):
            moved += args[i : i + 2]
            i += 2
            continue
        if arg in ("--lang=zh", "--lang=en"):
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return moved + rest


def _only_version(args: list[str]) -> bool:
    """Whether the command is just ``--version`` (with at most a language option)."""
    if not args or args[-1] != "--version":
        return False
    rest = args[:-1]
    if len(rest) == 2 and rest[0] == "--lang":
        return True
    return not rest or (len(rest) == 1 and rest[0].startswith("--lang="))


# Options of the top-level parser that take a value (skipped when looking for a workbook).
_VALUE_OPTIONS = ("--db", "--lang", "--screenshot")


def opened_workbook(args: list[str]) -> tuple[list[str], str | None]:
    """Split ``vetdesk [options] FILE.xlsx`` (how a desktop opens a file) into options and file.

    The file manager's "open with" and Explorer's file association call VetDesk with the
    path as the only positional argument. A sub-command's own ``.xlsx`` arguments are not
    touched: only a first positional argument ending in ``.xlsx`` is taken.
    """
    skip_value = False
    for i, arg in enumerate(args):
        if skip_value:
            skip_value = False
            continue
        if arg in _VALUE_OPTIONS:
            skip_value = True
            continue
        if arg.startswith("-"):
            continue
        if arg.lower().endswith(".xlsx"):
            return [*args[:i], *args[i + 1 :]], arg
        return args, None
    return args, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if _only_version(args_list):
        print(f"VetDesk {__version__}")
        return 0
    _preparse_language(args_list)
    args_list, workbook = opened_workbook(_language_first(args_list))
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 after --help
        return int(exc.code or 0)
    if workbook is not None and args.command is not None:
        # `vetdesk book.xlsx import …`: the file belongs after the sub-command.
        parser.print_usage(sys.stderr)
        print(_("工作簿 {file} 应写在子命令之后。").format(file=workbook), file=sys.stderr)
        return EXIT_USAGE
    if args.command is None:
        return _run_gui(args, workbook)
    return run_command(args.func, args)


def _run_gui(args: argparse.Namespace, workbook: str | None = None) -> int:
    if args.self_test:
        # Local: the self-test's modules load only when it is asked for.
        from vetdesk.selftest import run_self_test

        return int(run_self_test())
    if args.db and is_server_url(args.db):
        # The city's database on PostgreSQL opens in the window too; a URL with a password
        # is refused here, before any window, with the same reason as for a command.
        try:
            parse_server_url(args.db)
        except UsageError as exc:
            print(exc.message, file=sys.stderr)
            return EXIT_USAGE
    if not args.screenshot and not display.has_display():
        # Qt would abort with a message about libxcb instead of saying what is wrong.
        print(display.no_display_message(args.db), file=sys.stderr)
        if workbook is not None:
            print(display.workbook_commands(Path(workbook), args.db), file=sys.stderr)
        return EXIT_REJECTED
    try:
        # Imported by name: Qt loads only when the GUI is asked for.
        app_module = importlib.import_module("vetdesk.ui.app")
    except ImportError as exc:
        print(_("图形界面无法启动：{err}").format(err=exc), file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(
            app_module.run_app(
                db=args.db,
                screenshot_dir=args.screenshot,
                language=args.lang,
                open_workbook=Path(workbook) if workbook is not None else None,
            )
        )
    except CommandError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
