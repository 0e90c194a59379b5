"""Sub-commands that look after the database file: backup and restore."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vetdesk.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    CommandError,
    add_db_argument,
    add_json_argument,
    print_json,
)
from vetdesk.db.backup import (
    REASON_MANUAL,
    BackupInfo,
    backup_dir,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
)
from vetdesk.db.location import NoFileBackup, ServerUrl
from vetdesk.errors import UsageError
from vetdesk.i18n import _

_YES_ANSWERS = frozenset({"y", "yes", "是", "好", "确定"})


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "backup",
        help=_("备份数据库（经完整性检查）、列出或清理备份"),
        description=_(
            "为数据库制作一个经过完整性检查的备份，保存在用户数据目录的 backups 文件夹中。"
            "加 --list 只列出已有备份，加 --prune 只按保留规则删除多余的备份（两者都不新建备份）。"
        ),
    )
    add_db_argument(p)
    p.add_argument(
        "--reason",
        help=_("备份原因，写入文件名（字母、数字、连字符），默认 manual"),
    )
    p.add_argument("--list", action="store_true", help=_("列出已有备份，不新建备份"))
    p.add_argument("--prune", action="store_true", help=_("按保留规则删除多余的备份，不新建备份"))
    add_json_argument(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help=_("从备份恢复数据库"),
        description=_(
            "用一个备份替换数据库。先检查备份，再把数据库当前状态另存为备份，然后替换。"
            "另一个 VetDesk 窗口正在使用该数据库时拒绝恢复。"
        ),
    )
    add_db_argument(p)
    p.add_argument("backup", type=Path, help=_("备份文件：路径，或 backup --list 列出的文件名"))
    p.add_argument("--yes", action="store_true", help=_("不询问，直接恢复（脚本使用）"))
    add_json_argument(p)
    p.set_defaults(func=cmd_restore)


def _file_only(target: Path | ServerUrl) -> Path:
    # VetDesk's backups are verified copies of a SQLite file. A server database is backed
    # up by the server's own tools; saying so beats pretending a backup ran.
    if isinstance(target, Path):
        return target
    raise NoFileBackup(target)


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(size, 1) / 1024:.0f} KB"


def _describe(info: BackupInfo) -> str:
    unit = info.unit_name or info.unit_code or "—"
    periods = _("、").join(str(y) for y in info.periods) or "—"
    mark = "" if info.verified else "  " + _("（损坏数据库的原样副本）")
    return (
        f"{info.path.name}  {info.created:%Y-%m-%d %H:%M:%S}  {info.reason_label}  "
        f"{_size_text(info.size)}  {unit}  {periods}{mark}"
    )


def cmd_backup(args: argparse.Namespace) -> int:
    """Run ``vetdesk backup``."""
    db_path: Path = _file_only(args.db)
    if (args.list or args.prune) and args.reason:
        raise UsageError(_("--reason 只用于新建备份，不能与 --list 或 --prune 同用。"))
    if not db_path.is_file():
        raise UsageError(_("找不到数据库文件 {path}。").format(path=db_path))
    if not (args.list or args.prune):
        info = create_backup(db_path, args.reason or REASON_MANUAL)
        if args.json:
            print_json({"ok": True, "backup": info.to_json()})
        else:
            print(
                _("已备份数据库 {db}，备份文件 {path}（已通过完整性检查）。").format(
                    db=db_path, path=info.path
                )
            )
        return EXIT_OK
    result: dict[str, Any] = {"ok": True, "database": str(db_path)}
    if args.prune:
        deleted = prune_backups(db_path)
        result["deleted"] = [b.to_json() for b in deleted]
        if not args.json:
            print(_("按保留规则删除了 {n} 个备份。").format(n=len(deleted)))
    if args.list:
        backups = list_backups(db_path)
        result["folder"] = str(backup_dir(db_path))
        result["backups"] = [b.to_json() for b in backups]
        if not args.json:
            _print_list(db_path, backups)
    if args.json:
        print_json(result)
    return EXIT_OK


def _print_list(db_path: Path, backups: list[BackupInfo]) -> None:
    if not backups:
        print(_("数据库 {name} 还没有备份。").format(name=db_path.name))
        return
    print(
        _("数据库 {name} 的备份（目录 {folder}），最新的在前：").format(
            name=db_path.name, folder=backup_dir(db_path)
        )
    )
    for info in backups:
        print("  " + _describe(info))
    print(_("共 {n} 个备份。").format(n=len(backups)))


def _resolve_backup(db_path: Path, given: Path) -> Path:
    if given.is_file():
        return given
    # A bare name as shown by `backup --list`.
    candidate = backup_dir(db_path) / given.name
    if given.name == str(given) and candidate.is_file():
        return candidate
    raise UsageError(_("找不到备份文件 {path}。").format(path=given))


def _confirmed(db_path: Path, backup: Path) -> bool:
    # The question goes to stderr so that --json output on stdout stays machine-readable.
    sys.stderr.write(
        _("将用备份 {backup} 替换数据库 {db}（当前状态会先另存为备份）。确定吗？[y/N] ").format(
            backup=backup.name, db=db_path
        )
    )
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in _YES_ANSWERS


def cmd_restore(args: argparse.Namespace) -> int:
    """Run ``vetdesk restore``."""
    db_path: Path = _file_only(args.db)
    backup = _resolve_backup(db_path, args.backup)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(_("恢复会替换整个数据库：非交互方式运行时请加 --yes 确认。"))
        if not _confirmed(db_path, backup):
            raise CommandError(_("已取消，数据库未改动。"), EXIT_REJECTED, code="cancelled")
    result = restore_backup(db_path, backup)
    if args.json:
        print_json(
            {
                "ok": True,
                "database": str(db_path),
                "restored": result.restored.to_json(),
                "safety_backup": result.safety_backup.to_json() if result.safety_backup else None,
            }
        )
        return EXIT_OK
    print(
        _("已用备份 {backup}（{created}）恢复数据库 {db}。").format(
            backup=result.restored.path.name,
            created=f"{result.restored.created:%Y-%m-%d %H:%M:%S}",
            db=db_path,
        )
    )
    if result.safety_backup is not None:
        print(
            _("恢复前的状态已另存为备份 {path}。").format(path=result.safety_backup.path)
            if result.safety_backup.verified
            else _("恢复前的数据库已损坏，其原样副本保存在 {path}。").format(
                path=result.safety_backup.path
            )
        )
    return EXIT_OK
