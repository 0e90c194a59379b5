"""The city on PostgreSQL: moving its database there from a SQLite file (``migrate-db``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from vetdesk.cli.common import EXIT_OK, db_target
from vetdesk.db.location import ServerUrl
from vetdesk.errors import UsageError
from vetdesk.i18n import _


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "migrate-db",
        help=_("把市级数据库从 SQLite 文件迁移到 PostgreSQL"),
        description=_(
            "把市级 SQLite 数据库的全部内容复制到一个新建的空 PostgreSQL 数据库，"
            "然后核对每张表的行数和审计日志校验链。原文件不改动。"
        ),
    )
    p.add_argument("--from", dest="source", required=True, type=Path, help=_("市级数据库文件"))
    p.add_argument(
        "--to", dest="target", required=True, type=db_target, help=_("PostgreSQL 数据库地址")
    )
    p.set_defaults(func=cmd_migrate_db)


def cmd_migrate_db(args: argparse.Namespace) -> int:
    """Run ``vetdesk migrate-db``."""
    # Local: the copy needs SQLAlchemy, the models and psycopg, loaded only when it runs.
    from vetdesk.db.transfer import migrate_to_server

    if not isinstance(args.target, ServerUrl):
        raise UsageError(_("--to 应为 PostgreSQL 数据库地址（postgresql://…）。"))
    if not args.source.is_file():
        raise UsageError(_("找不到数据库文件 {path}。").format(path=args.source))
    result = migrate_to_server(args.source, args.target)
    print(
        _(
            "已把 {source} 迁移到 {target}：{tables} 张表共 {rows} 行，行数一致，"
            "审计日志 {audit} 条，校验链完整。"
        ).format(
            source=args.source,
            target=args.target.label,
            tables=len(result.rows),
            rows=sum(result.rows.values()),
            audit=result.audit_entries,
        )
    )
    return EXIT_OK
