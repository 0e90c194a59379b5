"""Sub-commands of the national standards: ``vetdesk standards update``."""

from __future__ import annotations

import argparse
from typing import Any

from vetdesk.cli.common import (
    EXIT_OK,
    add_db_argument,
    add_json_argument,
    open_database,
    print_json,
)
from vetdesk.i18n import _


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "standards",
        help=_("规则集（国家标准）"),
        description=_("市局数据库启用本软件所带的新版规则集；县区的规则集由任务包下发。"),
    )
    standards_sub = p.add_subparsers(dest="standards_command", required=True, metavar=_("操作"))
    q = standards_sub.add_parser(
        "update", help=_("市局：启用本软件所带的新版规则集（随任务包下发）")
    )
    add_db_argument(q)
    q.add_argument("--dry-run", action="store_true", help=_("只显示将要更改的规则，不写入"))
    add_json_argument(q)
    q.set_defaults(func=cmd_standards_update)


def cmd_standards_update(args: argparse.Namespace) -> int:
    """Run ``vetdesk standards update``."""
    # Local: the rule-set service (SQLAlchemy, the models) loads when the command runs.
    from vetdesk.services.standards_update import update_standards

    db = open_database(args.db)
    try:
        result = update_standards(db, dry_run=args.dry_run)
    finally:
        db.close()
    if args.json:
        print_json(result.to_json())
    else:
        print(result.describe())
    return EXIT_OK
