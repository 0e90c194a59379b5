"""Sub-commands of the Excel exchange: template, import, export."""

from __future__ import annotations

import argparse
import sys
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
from vetdesk.cli.package_commands import add_passphrase_argument, export_signed
from vetdesk.i18n import N_, _
from vetdesk.workbook.schema import ALL_SHEETS

_ACTIONS = {"add": N_("新增"), "change": N_("修改"), "remove": N_("删除")}


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "template",
        help=_("生成发给学校填写的 Excel 模板"),
        description=_("生成带填表说明、下拉列表和格式的 Excel 模板，预填学校名录和上年数据。"),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument("--out", type=Path, required=True, help=_("输出文件（.xlsx）"))
    p.add_argument("--school", help=_("只为一所学校生成（学校标识码）"))
    p.add_argument(
        "--new-school",
        action="store_true",
        help=_("模板中附“学校名录”表，尚未登记的学校可在其中填写本校，导入时一并登记"),
    )
    p.set_defaults(func=cmd_template)

    p = sub.add_parser(
        "import",
        help=_("导入学校填好的 Excel 表"),
        description=_(
            "检查并导入 Excel 工作簿：先预览新增、修改、删除的记录；有任何错误时整个文件都不导入。"
        ),
    )
    add_db_argument(p)
    p.add_argument("file", type=Path, help=_("要导入的 .xlsx 文件"))
    p.add_argument("--period", type=int, help=_("统计年度（文件中未注明时必填）"))
    p.add_argument("--dry-run", action="store_true", help=_("只预览，不写入数据库"))
    p.add_argument(
        "--annotate",
        type=Path,
        metavar="OUT.xlsx",
        help=_("有错误时写出一份标注了错误单元格的副本，便于退回学校修改"),
    )
    add_json_argument(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export",
        help=_("导出本年度全部数据为 Excel 工作簿"),
        description=_(
            "把本单位本年度的全部数据导出为一个可读的 Excel 工作簿（封面、各数据表、核验结果）。"
        ),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument("--out", type=Path, required=True, help=_("输出文件（.xlsx）"))
    p.add_argument("--draft", action="store_true", help=_("导出未签名草稿（仅供备份和内部核对）"))
    add_json_argument(p)
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_export)


def cmd_template(args: argparse.Namespace) -> int:
    """Run ``vetdesk template``."""
    # Local: openpyxl and the workbook code load when the command runs, not for --help.
    from vetdesk.workbook.template import write_template

    db = open_database(args.db)
    try:
        result = write_template(
            db, args.period, args.out, school_code=args.school, new_school=args.new_school
        )
    finally:
        db.close()
    source = (
        _("（预填 {year} 年度数据）").format(year=result.source_year) if result.source_year else ""
    )
    print(
        _("已生成模板 {path}：{n} 所学校{source}。").format(
            path=args.out, n=len(result.schools), source=source
        )
    )
    return EXIT_OK


def _plan_json(plan: Any, annotated: Path | None) -> dict[str, Any]:
    return {
        "ok": plan.ok,
        "applied": plan.applied,
        "file": plan.file_name,
        "period": plan.year,
        "kind": plan.kind,
        "creates_period": plan.creates_period,
        "summary": {k: vars(v) for k, v in plan.summary.items()},
        "changes": [
            {
                "sheet": c.sheet,
                "record": c.record,
                "action": c.action,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in plan.changes
        ],
        "issues": [
            {
                "sheet": i.sheet,
                "row": i.row,
                "column": i.column,
                "header": i.header,
                "value": i.value,
                "message": i.message,
                "code": i.code,
            }
            for i in plan.issues
        ],
        "annotated": str(annotated) if annotated else None,
    }


def print_plan(plan: Any, out: Any = None) -> None:
    """Print an import preview for people."""
    w = (out or sys.stdout).write
    w(_("文件 {name}，{year} 年度").format(name=plan.file_name, year=plan.year) + "\n")
    for key, s in plan.summary.items():
        title = ALL_SHEETS[key].sheet_title if key in ALL_SHEETS else key
        w(
            "  "
            + _("{sheet}：新增 {a}，修改 {c}，删除 {r}，不变 {u}，有错误 {x}").format(
                sheet=title, a=s.added, c=s.changed, r=s.removed, u=s.unchanged, x=s.rejected
            )
            + "\n"
        )
    shown = plan.changes[:200]
    for change in shown:
        w(f"  [{_(_ACTIONS[change.action])}] {change.sheet} · {change.record}\n")
        for f in change.fields:
            w(f"        {f.field}: {f.old or '（空）'} → {f.new or '（空）'}\n")
    if len(plan.changes) > len(shown):
        w(
            "  "
            + _("……另有 {n} 项变更未列出（用 --json 查看全部）").format(
                n=len(plan.changes) - len(shown)
            )
            + "\n"
        )
    if plan.issues:
        w("\n" + _("发现 {n} 个问题，文件未导入：").format(n=len(plan.issues)) + "\n")
        for issue in plan.issues:
            w("  " + issue.describe() + "\n")


def cmd_import(args: argparse.Namespace) -> int:
    """Run ``vetdesk import``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.db.write_policy import (
        ALLOWED,
        WriteAction,
        changed_after_report_note,
        decide,
        require,
    )
    from vetdesk.workbook.annotate import annotate_workbook
    from vetdesk.workbook.importer import apply_import, plan_from_content
    from vetdesk.workbook.reader import read_workbook

    db = open_database(args.db)
    note = ""
    refusal = ALLOWED
    try:
        with db.session() as session:  # a city imports no workbooks, not even to preview one
            require(session, WriteAction.IMPORT_TEMPLATE)
        content = read_workbook(args.file)
        plan = plan_from_content(db, content, args.period)
        if plan.ok and args.dry_run and plan.year is not None:
            # The preview tells what the real import would do, refusal included.
            with db.session() as session:
                refusal = decide(session, WriteAction.IMPORT_TEMPLATE, period=plan.year)
        if plan.ok and not args.dry_run:
            plan = apply_import(db, content, year=args.period)
        if plan.applied and plan.has_changes and plan.year is not None:
            with db.session() as session:
                note = changed_after_report_note(session, plan.year)
    finally:
        db.close()
    annotated = None
    if plan.issues and args.annotate:
        annotate_workbook(args.file, plan.issues, args.annotate)
        annotated = args.annotate
    if args.json:
        payload = {**_plan_json(plan, annotated), "note": note}
        if not refusal.allowed:
            payload.update(ok=False, refused=refusal.reason, code=refusal.code)
        print_json(payload)
    else:
        print_plan(plan)
        if annotated:
            print(_("已写出标注错误的工作簿：{path}").format(path=annotated))
        if plan.applied:
            print(_("导入完成。"))
            if note:
                print(note)
        elif plan.ok and not refusal.allowed:
            print(
                _("预览完成，未写入数据库。正式导入将被拒绝：{reason}").format(
                    reason=refusal.reason
                )
            )
        elif plan.ok:
            print(_("预览完成，未写入数据库（去掉 --dry-run 以导入）。"))
    return EXIT_OK if plan.ok and refusal.allowed else EXIT_REJECTED


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``vetdesk export``."""
    # Local: openpyxl and the workbook code load when the command runs, not for --help.
    from vetdesk.workbook.export import export_period
    from vetdesk.workbook.schema import EXPORT_SHEETS

    if not args.draft:
        return export_signed(args)
    db = open_database(args.db)
    try:
        snapshot = export_period(db, args.period, args.out, draft=args.draft)
    finally:
        db.close()
    if args.json:
        print_json({"ok": True, "path": str(args.out), "counts": snapshot.counts()})
    else:
        counts = snapshot.counts()
        # Each sheet by the name the workbook shows, never by its internal key.
        print(
            _("已导出未签名草稿 {path}（仅供备份，不能作为正式上报包）：").format(path=args.out)
            + _("，").join(
                _("{sheet} {count} 条").format(sheet=spec.sheet_title, count=counts[spec.key])
                for spec in EXPORT_SHEETS
            )
        )
    return EXIT_OK
