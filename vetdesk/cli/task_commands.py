"""Sub-commands of task packages: the city exports them, counties verify and import them."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from vetdesk.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    add_db_argument,
    add_json_argument,
    open_database,
    print_json,
)
from vetdesk.cli.package_commands import add_passphrase_argument, read_passphrase
from vetdesk.errors import UsageError
from vetdesk.i18n import _


def _date_argument(text: str) -> dt.date:
    """A YYYY-MM-DD date given on the command line."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期“{text}”无效，请按 YYYY-MM-DD 填写，如 2026-03-31。").format(text=text)
        ) from None


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    task = sub.add_parser(
        "task",
        help=_("市局下发的任务包"),
        description=_(
            "市局导出签名的任务包（统计期与截止日期、学校名录、规则集、目标）；县区用市局登记的公钥核验后导入，更新本单位的设置。"
        ),
    )
    task_sub = task.add_subparsers(dest="task_command", required=True, metavar=_("操作"))

    p = task_sub.add_parser("export", help=_("导出任务包（市级数据库）"))
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument("--out", type=Path, required=True, help=_("任务包文件（.xlsx）"))
    p.add_argument(
        "--unit",
        metavar="CODE",
        help=_("只为这个县区导出（6 位区划代码）；不填则导出一个适用于全部县区的任务包"),
    )
    p.add_argument(
        "--deadline",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help=_("上报截止日期；同时记入本库的统计期"),
    )
    add_passphrase_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_task_export)

    p = task_sub.add_parser("import", help=_("核验并导入任务包（县区数据库）"))
    add_db_argument(p)
    p.add_argument("file", type=Path, help=_("任务包文件"))
    p.add_argument("--dry-run", action="store_true", help=_("只核验并显示将要进行的更改，不写入"))
    add_json_argument(p)
    p.set_defaults(func=cmd_task_import)

    p = task_sub.add_parser("verify", help=_("核验任务包（不改动数据库）"))
    add_db_argument(p)
    p.add_argument("file", type=Path, help=_("任务包文件"))
    add_json_argument(p)
    p.set_defaults(func=cmd_task_verify)


def cmd_task_export(args: argparse.Namespace) -> int:
    """Run ``vetdesk task export``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.task import export_task

    db = open_database(args.db)
    try:
        if not db.info().is_city:
            raise UsageError(_("只有市级数据库可以下发任务包；县区请用 vetdesk task import 导入。"))
        passphrase = read_passphrase(args)
        result = export_task(
            db,
            args.period,
            args.out,
            passphrase,
            unit_code=args.unit,
            deadline=args.deadline,
        )
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "ok": True,
                "path": str(result.path),
                "period": result.year,
                "seq": result.seq,
                "units": list(result.units),
                "deadline": result.deadline.isoformat() if result.deadline else None,
                "fingerprint": result.fingerprint,
                "manifest_sha256": result.manifest_sha256,
                "counts": result.counts,
            }
        )
    else:
        print(
            _(
                "已导出任务包 {path}：{year} 年度第 {seq} 号，适用县区 {units}，学校 {schools} 所，规则 {rules} 条。"
            ).format(
                path=result.path,
                year=result.year,
                seq=result.seq,
                units="、".join(result.units),
                schools=result.counts.get("schools", 0),
                rules=result.counts.get("rules", 0),
            )
        )
        print(_("签名密钥指纹：{fp}").format(fp=result.fingerprint))
    return EXIT_OK


def cmd_task_import(args: argparse.Namespace) -> int:
    """Run ``vetdesk task import``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.cli.verdicts import print_verification
    from vetdesk.packages.task import import_task, plan_task

    db = open_database(args.db)
    try:
        result = plan_task(db, args.file) if args.dry_run else import_task(db, args.file)
    finally:
        db.close()
    if args.json:
        print_json(result.to_json())
    else:
        v = result.verification
        if not result.ok:
            print_verification(v, notes=False)
            print(_("任务包未导入，数据库未改动。"))
        else:
            print(result.describe())
            if not result.applied:
                print(_("预览完成，未写入数据库（去掉 --dry-run 以导入）。"))
    return EXIT_OK if result.ok else EXIT_REJECTED


def cmd_task_verify(args: argparse.Namespace) -> int:
    """Run ``vetdesk task verify``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.cli.verdicts import print_verification
    from vetdesk.packages.task import verify_task

    db = open_database(args.db)
    try:
        result = verify_task(db, args.file)
    finally:
        db.close()
    if args.json:
        print_json(result.to_json())
    else:
        print_verification(result)
    return EXIT_OK if result.ok else EXIT_REJECTED
