"""Sub-commands that change a period's state: ``vetdesk period lock`` and ``period reopen``.

Other modules may add their own ``period`` operations: the ``period`` command is shared,
so whichever module registers first creates it and the others add to it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from vetdesk.cli.common import (
    EXIT_OK,
    add_db_argument,
    add_json_argument,
    open_database,
    print_json,
)
from vetdesk.i18n import _

if TYPE_CHECKING:
    from vetdesk.db.write_policy import PeriodStatus


def period_operations(sub: Any) -> Any:
    """The sub-parsers of the shared ``period`` command, created on first use."""
    parser = sub.choices.get("period")
    if parser is None:
        parser = sub.add_parser(
            "period",
            help=_("统计年度：锁定、重新打开等"),
            description=_("管理统计年度的状态。"),
        )
        parser.add_subparsers(dest="period_command", required=True, metavar=_("操作"))
    for action in parser._actions:  # argparse offers no public accessor for its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the period command has no sub-commands")


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    operations = period_operations(sub)
    q = operations.add_parser(
        "lock",
        help=_("市局：锁定年度，此后不再合并该年度的上报包"),
        description=_(
            "市局锁定一个统计年度：此后不再合并该年度的上报包，任何数据都不能写入该年度。"
            "市局可以用 period reopen 重新打开。"
        ),
    )
    add_db_argument(q)
    q.add_argument("--period", type=int, required=True, help=_("统计年度"))
    add_json_argument(q)
    q.set_defaults(func=cmd_period_lock)
    q = operations.add_parser(
        "reopen",
        help=_("重新打开年度：县区重新打开已上报的年度，市局重新打开已锁定的年度"),
        description=_(
            "县区重新打开已上报（已收到市局接收回执）的年度，以便修改后重新上报；"
            "市局已锁定的年度县区不能重新打开。市局可以重新打开自己锁定的年度。"
        ),
    )
    add_db_argument(q)
    q.add_argument("--period", type=int, required=True, help=_("统计年度"))
    add_json_argument(q)
    q.set_defaults(func=cmd_period_reopen)


def cmd_period_lock(args: argparse.Namespace) -> int:
    """Run ``vetdesk period lock``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.period_lock import lock_period

    db = open_database(args.db)
    try:
        status = lock_period(db, args.period)
    finally:
        db.close()
    _print_status(
        args, status, _("{year} 年度已锁定：此后不再合并该年度的上报包。").format(year=status.year)
    )
    return EXIT_OK


def cmd_period_reopen(args: argparse.Namespace) -> int:
    """Run ``vetdesk period reopen``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.period_lock import reopen_period

    db = open_database(args.db)
    try:
        status = reopen_period(db, args.period)
    finally:
        db.close()
    message = _("{year} 年度已重新打开，可以修改数据。").format(year=status.year)
    if status.resubmission_needed:
        message += _(
            "市局仍持有第 {seq} 号上报包中的旧数据：改完后请重新导出上报包并报送市局。"
        ).format(seq=status.reported_seq)
    _print_status(args, status, message)
    return EXIT_OK


def _print_status(args: argparse.Namespace, status: PeriodStatus, message: str) -> None:
    if args.json:
        print_json(
            {
                "ok": True,
                "period": status.year,
                "state": status.state.value,
                "reported_seq": status.reported_seq,
                "resubmission_needed": status.resubmission_needed,
            }
        )
    else:
        print(message)
