"""Sub-commands that set an office up: ``period add|list`` and ``school add|list|edit``."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from vetdesk.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    add_db_argument,
    add_json_argument,
    open_database,
    print_json,
)
from vetdesk.db.location import command_argument, parse_target
from vetdesk.domain.enums import Ownership, PeriodState, SchoolCategory, SchoolLevel
from vetdesk.domain.units import load_units
from vetdesk.i18n import N_, _
from vetdesk.services.entities import SCHOOL
from vetdesk.services.records import FORM_FIELDS, Draft, list_periods
from vetdesk.services.registry import (
    add_period,
    default_county,
    edit_school,
    list_schools,
    register_school,
    school_fields,
    school_input,
)

# The school options: command-line option, form field, help text.
_SCHOOL_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--name", "name", N_("学校全称")),
    ("--county", "county_code", N_("所属县区：6 位区划代码或名称；县区数据库可省略（默认本县区）")),
    ("--level", "level", N_("办学层次：中职、高职或技工")),
    (
        "--category",
        "category",
        N_("标准类别，如 一般类、艺术类、边远脱贫地区（中职、技工默认一般类）"),
    ),
    ("--ownership", "ownership", N_("举办性质：公办或民办（默认公办）")),
    ("--credit-code", "credit_code", N_("18 位统一社会信用代码（可不填）")),
    ("--address", "address", N_("地址")),
    ("--contact", "contact_person", N_("联系人")),
    ("--phone", "contact_phone", N_("联系电话")),
)


def _date_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期“{text}”无效，请按 YYYY-MM-DD 填写，如 2025-08-31。").format(text=text)
        ) from None


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    period = sub.add_parser(
        "period",
        help=_("统计期：新建、列出、锁定、重新打开"),
        description=_(
            "新建、列出、锁定或重新打开本数据库的统计期（统计年度）。"
            "填报、模板和导入都需要先有统计期。"
        ),
    )
    period_sub = period.add_subparsers(dest="period_command", required=True, metavar=_("操作"))
    p = period_sub.add_parser(
        "add", help=_("新建统计期"), description=_("新建一个统计年度，状态为“填报中”。")
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度，如 2025"))
    p.add_argument(
        "--statistics-date",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help=_("统计时点（默认该年 12 月 31 日）"),
    )
    add_json_argument(p)
    p.set_defaults(func=cmd_period_add)
    p = period_sub.add_parser(
        "list", help=_("列出统计期"), description=_("列出本数据库的统计期（新的在前）。")
    )
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_period_list)

    school = sub.add_parser(
        "school",
        help=_("学校名录：登记、列出、修改"),
        description=_(
            "登记新学校、列出或修改学校名录。学校标识码以市局下发的为准；名录也随市局的任务包更新。"
        ),
    )
    school_sub = school.add_subparsers(dest="school_command", required=True, metavar=_("操作"))
    p = school_sub.add_parser(
        "add",
        help=_("登记一所学校"),
        description=_("在学校名录中登记一所学校；输入按与图形界面学校表单相同的规则检查。"),
    )
    add_db_argument(p)
    p.add_argument("--code", required=True, help=_("10 位学校标识码，如 3663230001"))
    for option, _name, text in _SCHOOL_OPTIONS:
        p.add_argument(option, required=option in ("--name", "--level"), help=_(text))
    add_json_argument(p)
    p.set_defaults(func=cmd_school_add)

    p = school_sub.add_parser(
        "list", help=_("列出学校名录"), description=_("列出学校名录中的全部学校（含已停用的）。")
    )
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_school_list)

    p = school_sub.add_parser(
        "edit",
        help=_("修改一所学校的登记信息"),
        description=_("修改学校名录中一所学校的登记信息；只改给出的项，其余不变。"),
    )
    add_db_argument(p)
    p.add_argument("--code", required=True, help=_("要修改的学校的标识码"))
    for option, _name, text in _SCHOOL_OPTIONS:
        p.add_argument(option, help=_(text))
    state = p.add_mutually_exclusive_group()
    state.add_argument(
        "--inactive", dest="active", action="store_false", default=None, help=_("停用（已停办）")
    )
    state.add_argument("--active", dest="active", action="store_true", help=_("重新启用"))
    add_json_argument(p)
    p.set_defaults(func=cmd_school_edit)


def _state_label(state: str) -> str:
    member = PeriodState.from_text(state)
    return member.label if member is not None else state


def cmd_period_add(args: argparse.Namespace) -> int:
    """Run ``vetdesk period add``."""
    db = open_database(args.db)
    try:
        info = add_period(db, args.period, args.statistics_date)
        is_city = db.info().is_city
    finally:
        db.close()
    if args.json:
        print_json(
            {"ok": True, "period": info.year, "statistics_date": info.statistics_date.isoformat()}
        )
        return EXIT_OK
    print(
        _("已新建 {year} 年度统计期（统计时点 {date}，{state}）。").format(
            year=info.year, date=info.statistics_date.isoformat(), state=_state_label(info.state)
        )
    )
    next_step = (
        _(
            "下一步：登记学校（vetdesk school add --db {db} …），再导出任务包"
            "（vetdesk task export --db {db} --period {year} --out 任务包.xlsx）。"
        )
        if is_city
        else _(
            "下一步：登记学校（vetdesk school add --db {db} …），再生成模板"
            "（vetdesk template --db {db} --period {year} --out 模板.xlsx）。"
        )
    )
    print(next_step.format(db=command_argument(parse_target(args.db)), year=info.year))
    return EXIT_OK


def cmd_period_list(args: argparse.Namespace) -> int:
    """Run ``vetdesk period list``."""
    db = open_database(args.db)
    try:
        periods = list_periods(db)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    "period": p.year,
                    "statistics_date": p.statistics_date.isoformat(),
                    "deadline": p.deadline.isoformat() if p.deadline else None,
                    "state": p.state,
                }
                for p in periods
            ]
        )
        return EXIT_OK
    if not periods:
        print(
            _("还没有统计期。新建：vetdesk period add --db {db} --period 年度").format(
                db=command_argument(parse_target(args.db))
            )
        )
        return EXIT_OK
    for p in periods:
        deadline = _("，截止 {date}").format(date=p.deadline.isoformat()) if p.deadline else ""
        print(
            _("{year} 年度：统计时点 {date}，{state}{deadline}").format(
                year=p.year,
                date=p.statistics_date.isoformat(),
                state=_state_label(p.state),
                deadline=deadline,
            )
        )
    return EXIT_OK


def _typed_options(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        name: getattr(args, option[2:].replace("-", "_")) for option, name, _t in _SCHOOL_OPTIONS
    }


def _print_problems(draft: Draft[Any]) -> None:
    labels = {spec.name: spec.label for spec in FORM_FIELDS[SCHOOL]}
    for problem in draft.problems:
        where = labels.get(problem.field, "")
        tag = _("错误") if problem.is_error else _("警告")
        print(f"  [{tag}] " + (f"{where}：" if where else "") + problem.message)


def cmd_school_add(args: argparse.Namespace) -> int:
    """Run ``vetdesk school add``."""
    db = open_database(args.db)
    try:
        typed = _typed_options(args)
        level = SchoolLevel.from_text(typed["level"] or "")
        # The defaults a new school usually has; the form starts from the same.
        if typed["county_code"] is None:
            typed["county_code"] = default_county(db)
        if typed["category"] is None and level in (SchoolLevel.SECONDARY, SchoolLevel.TECHNICIAN):
            typed["category"] = SchoolCategory.GENERAL.value
        if typed["ownership"] is None:
            typed["ownership"] = Ownership.PUBLIC.value
        draft = register_school(db, {"school_code": args.code, **school_input(typed)})
    finally:
        db.close()
    return _report_school(args, draft, _("已登记学校 {name}（{code}），所属 {county}。"))


def cmd_school_edit(args: argparse.Namespace) -> int:
    """Run ``vetdesk school edit``."""
    changes: dict[str, object] = school_input(_typed_options(args))
    if args.active is not None:
        changes["active"] = args.active
    db = open_database(args.db)
    try:
        draft = edit_school(db, args.code.strip(), changes)
    finally:
        db.close()
    return _report_school(args, draft, _("已修改学校 {name}（{code}），所属 {county}。"))


def _report_school(args: argparse.Namespace, draft: Draft[Any], done: str) -> int:
    if args.json:
        print_json(
            {
                "ok": draft.ok,
                "school": school_fields(draft.row) if draft.ok and draft.row else None,
                "problems": [
                    {"field": p.field, "severity": str(p.severity), "message": p.message}
                    for p in draft.problems
                ],
            }
        )
        return EXIT_OK if draft.ok else EXIT_REJECTED
    if not draft.ok or draft.row is None:
        print(_("学校未保存，请改正以下问题："))
        _print_problems(draft)
        return EXIT_REJECTED
    unit = load_units().get(draft.row.county_code)
    print(
        done.format(
            name=draft.row.name,
            code=draft.row.school_code,
            county=unit.label if unit else draft.row.county_code,
        )
    )
    _print_problems(draft)
    return EXIT_OK


def cmd_school_list(args: argparse.Namespace) -> int:
    """Run ``vetdesk school list``."""
    db = open_database(args.db)
    try:
        schools = list_schools(db)
    finally:
        db.close()
    if args.json:
        print_json([school_fields(s) for s in schools])
        return EXIT_OK
    if not schools:
        print(
            _(
                "学校名录为空。登记：vetdesk school add --db {db} --code 标识码 --name 名称 --level 中职"
            ).format(db=args.db)
        )
        return EXIT_OK
    units = load_units()
    for s in schools:
        unit = units.get(s.county_code)
        level = SchoolLevel.from_text(s.level)
        category = SchoolCategory.from_text(s.category)
        ownership = Ownership.from_text(s.ownership)
        parts = [
            s.school_code,
            s.name,
            unit.label if unit else s.county_code,
            level.label if level else s.level,
            category.label if category else s.category,
            ownership.label if ownership else s.ownership,
        ]
        if not s.active:
            parts.append(_("已停用"))
        print("  ".join(parts))
    return EXIT_OK
