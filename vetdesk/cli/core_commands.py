"""Sub-commands of the core: init, demo, demo-city, check, explain."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetdesk.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    add_db_argument,
    add_json_argument,
    db_target,
    open_database,
    print_json,
)
from vetdesk.domain.enums import Severity
from vetdesk.domain.fields import field_label
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.standards.assess import VERDICT_LABELS, threshold_text
from vetdesk.validation.findings import EXPLANATION_PLACEHOLDER, Finding

if TYPE_CHECKING:
    from vetdesk.validation.check import CheckReport


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    p = sub.add_parser(
        "init",
        help=_("新建县区或市级数据库"),
        description=_("新建一个 VetDesk 数据库，并指定其单位、角色和操作员。"),
    )
    p.add_argument("--db", required=True, type=db_target, help=_("要创建的数据库文件"))
    p.add_argument(
        "--role", required=True, choices=["county", "city"], help=_("county（县区）或 city（市级）")
    )
    p.add_argument("--unit", help=_("单位代码：县区代码如 630223；市级为 630200（可省略）"))
    p.add_argument("--operator", required=True, help=_("操作员姓名，记入审计日志"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "demo",
        help=_("生成演示数据库"),
        description=_("生成逼真且可复现的海东市演示数据（学校、办学条件、教师、培训项目）。"),
    )
    p.add_argument(
        "--db", required=True, type=db_target, help=_("要创建的数据库文件（不能已存在）")
    )
    p.add_argument("--role", choices=["county", "city"], default="county", help=_("默认 county"))
    p.add_argument("--unit", help=_("县区代码，默认 630223（互助县）；市级为 630200"))
    p.add_argument("--period", type=int, default=dt.date.today().year - 1, help=_("统计年度"))
    p.add_argument("--scale", type=int, default=1, help=_("数据量倍数，用于压力测试"))
    p.add_argument("--seed", type=int, default=2024, help=_("随机种子（相同种子生成相同数据）"))
    p.add_argument("--operator", default="演示操作员", help=_("操作员姓名"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "demo-city",
        help=_("生成市级演示：市级数据库和一个装有县区上报包的文件夹"),
        description=_(
            "在一个新文件夹中生成市级演示数据库、五个县区的演示数据和签名密钥（双方已互相登记），"
            "以及各县区的签名上报包（在“U盘”子文件夹中），用于试用收件箱、合并和上报情况。"
            "演示密钥保存在该文件夹的 data 子文件夹中，不影响本机的正式密钥。"
        ),
    )
    p.add_argument("--out", required=True, type=Path, help=_("要创建的新文件夹"))
    p.add_argument("--period", type=int, default=dt.date.today().year - 1, help=_("统计年度"))
    p.set_defaults(func=cmd_demo_city)

    p = sub.add_parser(
        "check",
        help=_("核验数据：指标、达标判定、错误与警告"),
        description=_("计算每所学校的指标和达标判定，列出错误与警告。有错误时退出码为 1。"),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    add_json_argument(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "explain",
        help=_("为警告填写说明"),
        description=_(
            "为一条警告填写（或用空文本删除）说明。警告用 vetdesk check 列出的编号指明"
            "（--finding），也可用 check --json 中的规则编号、记录键和字段指明。"
            "不对应当前任何警告的说明不会保存。"
        ),
    )
    add_db_argument(p)
    p.add_argument("--period", type=int, required=True, help=_("统计年度"))
    p.add_argument("--finding", metavar="ID", help=_("警告编号，如 W1a2b3c4d（见 check 的输出）"))
    p.add_argument("--rule", help=_("规则编号"))
    p.add_argument("--record", help=_("记录键"))
    p.add_argument("--field", help=_("字段名（该记录只有一条此规则的警告时可省略）"))
    p.add_argument("--text", required=True, help=_("说明文字；为空则删除已有说明"))
    p.set_defaults(func=cmd_explain)


def cmd_init(args: argparse.Namespace) -> int:
    """Run ``vetdesk init``."""
    # Local: SQLAlchemy, the models and the rule set load when the command runs, not for --help.
    from vetdesk.standards.installed import create_database

    unit = args.unit or (load_units().city.code if args.role == "city" else None)
    if unit is None:
        raise UsageError(_("县区数据库必须用 --unit 指定县区代码，例如 630223。"))
    db = create_database(args.db, role=args.role, unit_code=unit, operator=args.operator)
    info = db.info()
    db.close()
    print(
        _("已创建{role}数据库 {path}（{unit}）。").format(
            role=_("市级") if info.is_city else _("县区"), path=args.db, unit=info.unit_name
        )
    )
    return EXIT_OK


def cmd_demo_city(args: argparse.Namespace) -> int:
    """Run ``vetdesk demo-city``."""
    # Local: the demo world (keys, packages, databases) loads when the command runs.
    from vetdesk.services.demo_world import build_demo_world, open_command

    world = build_demo_world(args.out, year=args.period, progress=print)
    print(
        _(
            "已生成市级演示：{city}\n"
            "县区上报包：{packages}（{n} 个）\n"
            "演示密钥口令：{passphrase}\n"
            "打开：{command}\n"
            "然后在“上报包收件箱”中点“添加文件夹”，选择上面的上报包文件夹。"
        ).format(
            city=world.city_db,
            packages=world.packages,
            n=len(world.county_dbs),
            passphrase=world.passphrase,
            command=open_command(world),
        )
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Run ``vetdesk demo``."""
    # Local: the generator, SQLAlchemy and the rule set load when the command runs.
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database
    from vetdesk.validation.check import run_check

    units = load_units()
    unit = args.unit or (units.city.code if args.role == "city" else "630223")
    if args.scale < 1 or args.scale > 1000:
        raise UsageError(_("--scale 应在 1 到 1000 之间。"))
    db = create_database(args.db, role=args.role, unit_code=unit, operator=args.operator)
    try:
        generate_demo(db, year=args.period, scale=args.scale, seed=args.seed)
        report = run_check(db, args.period)
    except BaseException:
        db.close()
        if isinstance(args.db, Path):  # a server database is the administrator's to drop
            args.db.unlink(missing_ok=True)
        raise
    db.close()
    print(
        _("已生成演示数据库 {path}：{unit}，{year} 年度，{n} 所学校，达标 {p} 所。").format(
            path=args.db,
            unit=report.info.unit_name,
            year=args.period,
            n=report.summary.schools_assessed,
            p=report.summary.schools_passing,
        )
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Run ``vetdesk check``."""
    # Local: the check and its database queries load when the command runs, not for --help.
    from vetdesk.services.check import report_to_json
    from vetdesk.validation.check import run_check

    db = open_database(args.db)
    try:
        report = run_check(db, args.period)
    finally:
        db.close()
    if args.json:
        print_json(report_to_json(report))
    else:
        print_report(report, db_path=str(args.db))
    return EXIT_REJECTED if report.errors else EXIT_OK


def _percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def print_report(report: CheckReport, out: Any = None, db_path: str = "") -> None:
    """Print a check report for people."""
    out = out or sys.stdout
    # The explain command printed under each warning is complete, so it runs as printed.
    db_arg = quote_arg(db_path) if db_path else _("数据库文件")
    w = out.write
    w(
        _("{unit} {year} 年度核验结果（规则集 {rs} {ver}）\n").format(
            unit=report.info.unit_name,
            year=report.year,
            rs=report.ruleset.ruleset_id,
            ver=report.ruleset.version,
        )
    )
    w("\n" + _("学校达标情况") + "\n")
    for a in report.assessments:
        verdict = _(VERDICT_LABELS.get(a.verdict, a.verdict))
        w(f"  {a.school.school_code}  {a.school.name}  【{verdict}】\n")
        if a.excluded_reason:
            w("      " + a.excluded_reason + "\n")
        for r in a.failing:
            assert r.rule is not None
            w(
                "      "
                + _("✗ {name}：{value}（标准 {thr}，{src}）").format(
                    name=r.indicator.label,
                    value=r.value_text(),
                    thr=threshold_text(r.indicator, r.rule),
                    src=report.ruleset.sources[r.rule.source].number,
                )
                + "\n"
            )
        for r in a.missing:
            w("      " + _("? {name}：无法计算（数据缺失）").format(name=r.indicator.label) + "\n")
    s = report.summary
    w(
        "\n"
        + (
            _("另有 {n} 所学校按规定不计入达标率（见上）。").format(n=s.schools_excluded) + "\n"
            if s.schools_excluded
            else ""
        )
        + _("达标率：{p}/{n} = {rate}；目标 {target}（{date} 前）{ok}").format(
            p=s.schools_passing,
            n=s.schools_assessed,
            rate=_percent(s.rate),
            target=_percent(s.target_share),
            date=s.target_date or "—",
            ok=("✓" if s.meets_target else "✗") if s.meets_target is not None else "",
        )
        + "\n"
    )
    w(
        "\n"
        + _("错误 {e} 条，警告 {wn} 条（已说明 {x} 条，待说明 {u} 条）").format(
            e=len(report.errors),
            wn=len(report.warnings),
            x=len(report.warnings) - len(report.unexplained_warnings),
            u=len(report.unexplained_warnings),
        )
        + "\n"
    )
    for f in report.findings:
        if f.severity == Severity.WARNING and not f.unexplained:
            continue
        tag = _("错误") if f.severity == Severity.ERROR else _("警告")
        where = " · ".join(p for p in (f.record_label, _field_label(f)) if p)
        w(f"  [{tag}] {f.school_code} {where}：{f.message}\n")
        if f.severity == Severity.WARNING:
            w(
                "         "
                + _(
                    "编号 {id}；说明：vetdesk explain --db {db} --period {year} --finding {id}"
                    " --text {text}"
                ).format(
                    id=f.finding_id,
                    year=report.year,
                    db=db_arg,
                    text=quote_arg(_(EXPLANATION_PLACEHOLDER)),
                )
                + "\n"
            )
    if report.info.is_city:
        # The city exports no package: its data comes from the counties' packages.
        if report.unexplained_warnings and not report.errors:
            w("\n" + _("待说明的警告须由所属县区改正数据或填写说明后重新上报。") + "\n")
        return
    if report.unexplained_warnings and not report.errors:
        w("\n" + _("每条警告改正数据或填写说明后，才能导出正式上报包。") + "\n")
    if report.ready_to_submit:
        w("\n" + _("数据已就绪，可以导出正式上报包。") + "\n")


def quote_arg(value: str) -> str:
    """A command-line argument as typed: in double quotes when it holds a space."""
    return f'"{value}"' if any(c.isspace() for c in value) else value


def _field_label(finding: Finding) -> str:
    """The field of a finding in the user's words (empty for a whole record)."""
    if not finding.field:
        return ""
    label = field_label(finding.entity, finding.field)
    # A field without a label of its own is named by the record, never by its identifier.
    return "" if label == finding.field else label


def cmd_explain(args: argparse.Namespace) -> int:
    """Run ``vetdesk explain``."""
    # Local: the policy and the check load when the command runs, not for --help.
    from vetdesk.db.write_policy import changed_after_report_note
    from vetdesk.services.check import explain_finding

    if not args.finding and not (args.rule and args.record):
        raise UsageError(_("请用 --finding 给出警告编号，或同时给出 --rule 和 --record。"))
    db = open_database(args.db)
    try:
        finding = explain_finding(
            db,
            args.period,
            args.text,
            finding_id=args.finding,
            rule=args.rule,
            record_key=args.record,
            field=args.field,
        )
        with db.session() as session:
            note = changed_after_report_note(session, args.period)
    finally:
        db.close()
    what = " ".join(p for p in (finding.school_code, finding.record_label, finding.message) if p)
    if args.text.strip():
        print(_("说明已保存：{what}").format(what=what))
    else:
        print(_("说明已删除。"))
    if note:
        print(note)
    return EXIT_OK
