"""Sub-commands of the city's round trip: merge, status, receipt."""

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
    open_database,
    print_json,
)
from vetdesk.cli.package_commands import add_passphrase_argument, read_passphrase
from vetdesk.errors import VetDeskError
from vetdesk.i18n import N_, _
from vetdesk.workbook.schema import ALL_SHEETS

_ACTIONS = {"add": N_("新增"), "change": N_("修改"), "remove": N_("删除")}


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "merge",
        help=_("市局：核验并合并各县区上报包"),
        description=_(
            "逐个核验上报包；对有效的上报包显示与该县区上次接收数据的差异，"
            "并以整体替换的方式合并（每个上报包一个事务）。"
        ),
    )
    add_db_argument(p)
    p.add_argument(
        "files", type=Path, nargs="+", help=_("上报包文件（可以是 U 盘上的文件夹中的多个文件）")
    )
    p.add_argument("--dry-run", action="store_true", help=_("只核验和预览，不合并"))
    p.add_argument(
        "--reject",
        metavar=_("原因"),
        help=_("拒收这些上报包（不合并），原因写入回执并显示在上报情况中"),
    )
    p.add_argument(
        "--accept-gap",
        metavar=_("原因"),
        help=_(
            "接受序号缺口：中间的上报包未送达、本包不接在已接收的上一包之后时，"
            "经与县区核实后说明原因接收（原因记入接收记录）"
        ),
    )
    p.add_argument(
        "--receipts", type=Path, metavar="DIR", help=_("为每个上报包签发回执，写入此文件夹")
    )
    add_passphrase_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser(
        "status",
        help=_("市局：各县区上报情况"),
        description=_("显示各县区本年度是否已上报、何时、第几号上报包、警告说明情况。"),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    add_json_argument(p)
    p.set_defaults(func=cmd_status)

    receipt = sub.add_parser("receipt", help=_("县区：导入市局回执"))
    receipt_sub = receipt.add_subparsers(dest="receipt_command", required=True, metavar=_("操作"))
    p = receipt_sub.add_parser("import", help=_("导入并核验市局回执"))
    add_db_argument(p)
    p.add_argument("file", type=Path, help=_("回执文件"))
    add_json_argument(p)
    p.set_defaults(func=cmd_receipt_import)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
            )
        else:
            files.append(path)
    return files


def _outcome_json(outcome: Any) -> dict[str, Any]:
    preview, receipt = outcome.preview, outcome.receipt
    return {
        **preview.verification.to_json(),
        "status": outcome.status,
        "error": outcome.error,
        "applied": preview.applied,
        "summary": {k: vars(v) for k, v in preview.summary.items()},
        "changes": [
            {
                "sheet": c.sheet,
                "record": c.record,
                "action": c.action,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in preview.changes
        ],
        "conflicts": preview.conflicts,
        "kept_sheets": preview.kept_sheets,
        "kept_rows": preview.kept_rows,
        "changeset_digest": preview.changeset_digest,
        "duplicates": preview.duplicates,
        "reasons": preview.reasons,
        "receipt": str(receipt) if receipt else None,
    }


def _print_outcome(outcome: Any) -> None:
    # Loaded with the packages (cryptography, openpyxl), not at every start of the CLI.
    from vetdesk.cli.verdicts import detail_lines, verdict_line

    preview, receipt = outcome.preview, outcome.receipt
    v = preview.verification
    w = sys.stdout.write
    for line in [verdict_line(v), *detail_lines(v)]:
        w(line + "\n")
    for key, s in preview.summary.items():
        w(
            "    "
            + _("{sheet}：新增 {a}，修改 {c}，删除 {r}，不变 {u}").format(
                sheet=ALL_SHEETS[key].sheet_title,
                a=s.added,
                c=s.changed,
                r=s.removed,
                u=s.unchanged,
            )
            + "\n"
        )
    for change in preview.changes[:50]:
        w(f"      [{_(_ACTIONS[change.action])}] {change.sheet} · {change.record}\n")
        for f in change.fields:
            w(f"          {f.field}: {f.old} → {f.new}\n")
    if len(preview.changes) > 50:
        w(
            "      "
            + _("……另有 {n} 项变更未列出（用 --json 查看全部）").format(n=len(preview.changes) - 50)
            + "\n"
        )
    if preview.kept_sheets and preview.verification.ok:
        w(
            "    "
            + _(
                "上报包没有这些工作表（较早版本的格式），合并时保持市局现有数据不变：{sheets}"
            ).format(
                sheets="、".join(
                    _("{sheet}（{rows} 行）").format(sheet=title, rows=preview.kept_rows[title])
                    if title in preview.kept_rows
                    else title
                    for title in preview.kept_sheets
                )
            )
            + "\n"
        )
    for text in preview.conflicts:
        w("    " + _("冲突：{text}").format(text=text) + "\n")
    for text in preview.duplicates:
        w("    " + _("重复：{text}").format(text=text) + "\n")
    result = {
        "accepted": _("已合并。"),
        "already_accepted": _("此前已接收并合并过这个上报包，未重复合并。"),
        "rejected": _("未合并。"),
        "pending": _("预览完成，未合并。"),
        "failed": _("未合并：{error}").format(error=outcome.error),
    }
    w("    " + result[outcome.status] + "\n")
    if receipt:
        w("    " + _("回执：{path}").format(path=receipt) + "\n")


def cmd_merge(args: argparse.Namespace) -> int:
    """Run ``vetdesk merge``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.accept import PackageOutcome, merge_batch, unlock_receipts

    files = _expand(args.files)
    if not files:
        raise CommandError(
            _("没有找到上报包：{paths} 中没有 .xlsx 文件。").format(
                paths="、".join(str(p) for p in args.files)
            ),
            EXIT_REJECTED,
            code="no_packages",
        )
    db = open_database(args.db)
    try:
        receipts = None
        if args.receipts and not args.dry_run:
            try:
                receipts = unlock_receipts(db, args.receipts, read_passphrase(args))
            except VetDeskError as exc:
                raise CommandError(
                    exc.message + "\n" + _("未合并任何上报包，也未签发回执。"),
                    EXIT_REJECTED,
                    code=exc.code,
                ) from exc
        outcomes: list[PackageOutcome] = merge_batch(
            db,
            files,
            dry_run=args.dry_run,
            reject_reason=args.reject,
            receipts=receipts,
            gap_reason=args.accept_gap,
        )
    finally:
        db.close()
    if args.json:
        print_json([_outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            _print_outcome(outcome)
    ok = all(o.preview.mergeable and o.status in ("accepted", "pending") for o in outcomes)
    return EXIT_OK if ok else EXIT_REJECTED


def cmd_status(args: argparse.Namespace) -> int:
    """Run ``vetdesk status``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.merge import status_board

    db = open_database(args.db)
    try:
        board = status_board(db, args.period)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    **vars(row),
                    "accepted_at": row.accepted_at.isoformat() if row.accepted_at else None,
                }
                for row in board
            ]
        )
        return EXIT_OK
    print(_("{year} 年度各县区上报情况").format(year=args.period))
    for row in board:
        if row.submitted:
            print(
                "  ✓ "
                + _(
                    "{name}：第 {seq} 号，{at} 接收，填报人 {op}；警告 {w} 条（已说明 {x} 条）"
                ).format(
                    name=row.unit_name,
                    seq=row.seq,
                    at=row.accepted_at,
                    op=row.county_operator,
                    w=row.warnings,
                    x=row.warnings_explained,
                )
            )
        elif row.rejected_at is None:
            print("  ✗ " + _("{name}：尚未上报").format(name=row.unit_name))
        if row.rejected_at is not None:
            print(
                "  ↩ "
                + _("{name}：{at} 退回第 {seq} 号包，原因：{reason}").format(
                    name=row.unit_name,
                    at=row.rejected_at,
                    seq=row.rejected_seq or "?",
                    reason=row.rejected_reason,
                )
            )
    done = sum(r.submitted for r in board)
    print(_("已上报 {done}/{total} 个县区。").format(done=done, total=len(board)))
    return EXIT_OK


def cmd_receipt_import(args: argparse.Namespace) -> int:
    """Run ``vetdesk receipt import``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.receipt import ReceiptRefused, import_receipt

    db = open_database(args.db)
    try:
        result = import_receipt(db, args.file)
    except ReceiptRefused as exc:
        if exc.verdict is None or not exc.verdict.remedy:
            raise
        remedy = _("处理办法：{remedy}").format(remedy=exc.verdict.remedy)
        raise ReceiptRefused(f"{exc.message}\n{remedy}", code=exc.code) from exc
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "ok": True,
                "period": result.period,
                "seq": result.seq,
                "status": result.status,
                "reasons": result.reasons,
                "period_submitted": result.period_submitted,
            }
        )
    elif result.status == "accepted":
        print(
            _("市局已接收 {year} 年度第 {seq} 号上报包。").format(
                year=result.period, seq=result.seq
            )
            + (_("本年度状态已改为“已上报”。") if result.period_submitted else "")
        )
    else:
        print(
            _("市局未接收 {year} 年度第 {seq} 号上报包，原因：").format(
                year=result.period, seq=result.seq
            )
        )
        for reason in result.reasons:
            print("  · " + reason)
        verdict = result.package_verdict
        if verdict is not None and verdict.remedy:
            print(_("处理办法：{remedy}").format(remedy=verdict.remedy))
    return EXIT_OK
