"""Sub-commands of the ten-measure tracker: targets, targets set/export/install."""

from __future__ import annotations

import argparse
from pathlib import Path
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
    from vetdesk.standards.targets import Progress, TargetSet


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "targets",
        help=_("十条措施目标任务进展"),
        description=_("按东政办〔2024〕74号的目标任务，计算或列出本年度各项目标的进展。"),
    )
    targets_sub = p.add_subparsers(dest="targets_command", required=True, metavar=_("操作"))
    q = targets_sub.add_parser("show", help=_("显示各项目标的进展"))
    add_db_argument(q)
    q.add_argument("--period", type=int, required=True, help=_("统计年度"))
    add_json_argument(q)
    q.set_defaults(func=cmd_targets)
    q = targets_sub.add_parser("set", help=_("填写无法自动计算的目标进展（附佐证）"))
    add_db_argument(q)
    q.add_argument("--period", type=int, required=True, help=_("统计年度"))
    q.add_argument("--target", required=True, help=_("目标编号"))
    q.add_argument("--value", type=int, required=True, help=_("完成数"))
    q.add_argument("--evidence", required=True, help=_("佐证材料（文件名称、文号或说明）"))
    q.set_defaults(func=cmd_targets_set)
    q = targets_sub.add_parser("export", help=_("导出目标任务文件（供市局编辑）"))
    add_db_argument(q)
    q.add_argument("--out", type=Path, required=True, help=_("输出文件（.json）"))
    q.set_defaults(func=cmd_targets_export)
    q = targets_sub.add_parser("install", help=_("市局：启用编辑后的目标任务文件（随任务包下发）"))
    add_db_argument(q)
    q.add_argument("file", type=Path, help=_("目标任务文件（.json）"))
    q.set_defaults(func=cmd_targets_install)


def cmd_targets(args: argparse.Namespace) -> int:
    """Run ``vetdesk targets show``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.targets import target_progress

    db = open_database(args.db)
    try:
        target_set, progress = target_progress(db, args.period)
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "target_set": {
                    "id": target_set.target_set_id,
                    "version": target_set.version,
                    "source": dict(target_set.source),
                },
                "period": args.period,
                "targets": [_target_json(p, target_set) for p in progress],
            }
        )
        return EXIT_OK
    print(
        _("{title}（{version}）{year} 年度进展").format(
            title=target_set.label, version=target_set.version, year=args.period
        )
    )
    # Local: standards.targets stands on SQLAlchemy and the models, not loaded for --help.
    from vetdesk.standards.targets import CITY_ENTERED

    for p in progress:
        mark = _MARKS.get(p.status, "·")
        # "由市局填报" already says the figure is entered by hand: no second "（填报）".
        source = _("（填报）") if p.entered and p.status != CITY_ENTERED else ""
        alternative = f"  [{p.alternative_text()}]" if p.target.alternative else ""
        print(
            f"  {mark} [{p.target.articles_text}] {p.target.label}：{p.value_text()} / "
            f"{p.target_text()}{alternative}  {p.status_text}{source}  "
            f"{_('期限')} {p.target.deadline_text}"
        )
    return EXIT_OK


_MARKS = {"done": "✓", "on_track": "…", "behind": "✗", "missed_this_year": "✗", "open": "…"}


def _target_json(p: Progress, target_set: TargetSet) -> dict[str, Any]:
    t = p.target
    by_article = []
    for number in t.articles:
        article = target_set.articles.get(number)
        if article is not None:
            by_article.append(
                {
                    "article": number,
                    "title": article.title,
                    "lead": list(article.lead),
                    "lead_schools": list(article.lead_schools),
                    "lead_enterprises": article.lead_enterprises or None,
                    "responsible": list(article.responsible),
                }
            )
    return {
        "id": t.id,
        "articles": list(t.articles),
        "articles_text": t.articles_text,
        "measure": t.measure,
        "indicator": t.indicator,
        "target": p.target_text(),
        "value": None if p.value is None else f"{float(p.value):.4f}",
        "display": p.value_text(),
        "denominator": None if p.basis is None else p.basis.denominator,
        "numerator": None if p.basis is None else p.basis.numerator,
        "status": p.status,
        "deadline": "every_year"
        if t.every_year
        else (t.deadline.isoformat() if t.deadline else None),
        "entered": p.entered,
        "evidence": p.evidence,
        "lead": list(t.lead),
        "responsible": list(t.responsible),
        "lead_schools": list(t.lead_schools),
        "named": list(t.named),
        "reading": t.reading or None,
        "alternative": None
        if t.alternative is None
        else {
            "metric": t.alternative.metric,
            "label": t.alternative.label,
            "value": None if p.alternative_value is None else f"{float(p.alternative_value):.4f}",
        },
        "source": {"document": t.document, "article": t.articles_text, "verified": t.verified},
        "quote": list(t.quote),
        "units_by_article": by_article,
    }


def cmd_targets_set(args: argparse.Namespace) -> int:
    """Run ``vetdesk targets set``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.targets import enter_progress

    db = open_database(args.db)
    try:
        enter_progress(db, args.period, args.target, args.value, args.evidence)
    finally:
        db.close()
    print(_("已记录。"))
    return EXIT_OK


def cmd_targets_export(args: argparse.Namespace) -> int:
    """Run ``vetdesk targets export``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.targets import current_target_json
    from vetdesk.workbook.atomic import write_atomically

    db = open_database(args.db)
    try:
        text = current_target_json(db)
    finally:
        db.close()

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    write_atomically(args.out, write)
    print(_("已导出目标任务文件 {path}。").format(path=args.out))
    return EXIT_OK


def cmd_targets_install(args: argparse.Namespace) -> int:
    """Run ``vetdesk targets install``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.services.targets import install_target_file

    db = open_database(args.db)
    try:
        target_set = install_target_file(db, args.file)
    finally:
        db.close()
    print(
        _("已启用目标任务 {id} {version}，下次导出任务包时一并下发。").format(
            id=target_set.target_set_id, version=target_set.version
        )
    )
    return EXIT_OK
