"""Sub-commands of reports: the PDF report, the merged city workbook, single charts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from vetdesk.cli.common import EXIT_OK, add_db_argument, open_database
from vetdesk.errors import UsageError
from vetdesk.i18n import _

CHART_KINDS = ("progress", "compliance", "gaps", "double_teacher", "training", "trend")


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "report",
        help=_("生成报告：PDF 报告或市级合并工作簿"),
        description=_(
            "生成本年度报告。输出为 .pdf 时生成可打印的报告（封面、汇总表、图表、未达标学校、"
            "警告说明、签字栏）；市级数据库输出为 .xlsx 时生成合并工作簿（各县区数据、"
            "各县区汇总表、全市合计和图表）。"
        ),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument(
        "--out", type=Path, required=True, help=_("输出文件（.pdf 报告，或市级 .xlsx 合并工作簿）")
    )
    p.add_argument("--unit", help=_("市级数据库：只生成该县区的 PDF 报告（县区代码）"))
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "chart",
        help=_("把一张图表保存为 PNG 或 SVG"),
        description=_(
            "按当前数据绘制一张图表并保存。图表：compliance（各单位达标率）、gaps（未达标指标及差距）、"
            "double_teacher（各校“双师型”教师占比）、training（培训参训人次）、trend（历年变化）。"
        ),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument("--kind", required=True, choices=CHART_KINDS, help=_("图表种类"))
    p.add_argument("--out", type=Path, required=True, help=_("输出文件（.png 或 .svg）"))
    p.add_argument("--unit", help=_("市级数据库：只画该县区（县区代码）"))
    p.set_defaults(func=cmd_chart)


def cmd_report(args: argparse.Namespace) -> int:
    """Run ``vetdesk report``."""
    # Local: the report code (SQLAlchemy; matplotlib for charts) loads when the command runs.
    from vetdesk.reports.summary import percent_text

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UsageError(
            _("输出文件应为 .pdf（报告）或 .xlsx（市级合并工作簿）：{path}").format(path=args.out)
        )
    if suffix == ".xlsx" and args.unit:
        raise UsageError(_("合并工作簿包含全部县区，不能用 --unit 限定；请改为输出 .pdf。"))
    db = open_database(args.db)
    try:
        if suffix == ".xlsx":
            # Local, per branch: only the workbook needs openpyxl.
            from vetdesk.reports.city_workbook import write_city_workbook

            result = write_city_workbook(db, args.period, args.out)
            print(
                _("已生成合并工作簿 {path}：{sheets} 个汇总表，{images} 张图表。").format(
                    path=args.out, sheets=len(result.summary_sheets), images=result.images
                )
            )
            return EXIT_OK
        # Local, per branch: only the PDF needs the PDF writer and the targets.
        from vetdesk.reports.pdf import write_report_pdf
        from vetdesk.services.targets import progress_chart_items

        # Ten-measure progress is city-wide: it goes into the city's report, not one county's.
        items = (
            progress_chart_items(db, args.period) if db.info().is_city and not args.unit else None
        )
        summary = write_report_pdf(db, args.period, args.out, unit=args.unit, progress_items=items)
    finally:
        db.close()
    total = summary.total
    print(
        _(
            "已生成报告 {path}：{unit} {year} 年度，参评学校 {assessed} 所，达标 {passing} 所（{rate}）。"
        ).format(
            path=args.out,
            unit=summary.scope_name,
            year=summary.year,
            assessed=total.assessed,
            passing=total.passing,
            rate=percent_text(total.rate),
        )
    )
    return EXIT_OK


def cmd_chart(args: argparse.Namespace) -> int:
    """Run ``vetdesk chart``."""
    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise UsageError(_("图表文件应为 .png 或 .svg：{path}").format(path=args.out))
    if not args.out.parent.is_dir():
        raise UsageError(_("保存位置不存在：{folder}").format(folder=args.out.parent))
    # Local: the report code (SQLAlchemy; matplotlib for charts) loads when the command runs.
    from vetdesk.reports import charts
    from vetdesk.reports.summary import build_summary

    db = open_database(args.db)
    try:
        summary = build_summary(db, args.period, unit=args.unit)
        if args.kind == "progress":
            # Local, per branch: only the progress chart needs the targets.
            from vetdesk.services.targets import progress_chart_items

            items = progress_chart_items(db, args.period)
    finally:
        db.close()
    if args.kind == "progress":
        fig = charts.ten_measure_progress(items)
    elif args.kind == "compliance":
        fig = charts.compliance_by_county(summary.units, summary.total)
    elif args.kind == "gaps":
        fig = charts.failing_indicators(summary.gaps)
    elif args.kind == "double_teacher":
        fig = charts.double_teacher_share(summary.double_shares, summary.double_threshold)
    elif args.kind == "training":
        fig = charts.training_participants(summary.total)
    else:
        fig = charts.trend(summary.trend, summary.double_threshold)
    charts.save_figure(fig, args.out)
    print(_("已保存图表 {path}。").format(path=args.out))
    return EXIT_OK
