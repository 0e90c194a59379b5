"""Sub-commands of signed exchange: key, trust, export (signed), verify."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from vetdesk.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    CommandError,
    add_db_argument,
    add_json_argument,
    open_database,
    print_json,
)
from vetdesk.errors import UsageError
from vetdesk.i18n import _


def add_passphrase_argument(parser: argparse.ArgumentParser) -> None:
    """--passphrase-file, with VETDESK_PASSPHRASE and an interactive prompt as alternatives."""
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        help=_("从文件读取密钥口令（也可用环境变量 VETDESK_PASSPHRASE；否则交互输入）"),
    )


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """The passphrase from a file, the environment or the terminal."""
    if getattr(args, "passphrase_file", None):
        try:
            return str(args.passphrase_file.read_text(encoding="utf-8").rstrip("\r\n"))
        except OSError as exc:
            raise UsageError(
                _("无法读取口令文件 {path}：{err}").format(path=args.passphrase_file, err=exc)
            ) from exc
    env = os.environ.get("VETDESK_PASSPHRASE")
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError(
            _("需要密钥口令：请用 --passphrase-file 或环境变量 VETDESK_PASSPHRASE 提供。")
        )
    first = getpass.getpass(_("密钥口令："))
    if confirm and getpass.getpass(_("再次输入口令：")) != first:
        raise UsageError(_("两次输入的口令不一致。"))
    return first


def confirm(args: argparse.Namespace, question: str) -> bool:
    """Ask yes/no on a terminal; --yes answers yes; without a terminal, refuse."""
    if getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        raise UsageError(_("需要确认：请在核对无误后加上 --yes 重新运行。"))
    return input(question + " [y/N] ").strip().lower() in ("y", "yes", "是")


def register(sub: Any) -> None:
    """Register this module's sub-commands."""
    key = sub.add_parser(
        "key", help=_("本单位的签名密钥"), description=_("创建、查看、导出或更换本单位的签名密钥。")
    )
    key_sub = key.add_subparsers(dest="key_command", required=True, metavar=_("操作"))
    p = key_sub.add_parser(
        "init",
        help=_("创建签名密钥"),
        description=_(
            "创建本单位的签名密钥（Ed25519），私钥用口令加密后保存在数据目录中，不会导出。"
            "完成后显示指纹（8 组 5 位数字）：把公钥（vetdesk key export）连同盖章的登记表交给对方，"
            "对方核对指纹后登记（vetdesk trust add）。"
        ),
    )
    add_db_argument(p)
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_key_init, rotate=False)
    p = key_sub.add_parser("rotate", help=_("更换签名密钥（旧密钥停用）"))
    add_db_argument(p)
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_key_init, rotate=True)
    p = key_sub.add_parser("show", help=_("显示公钥和指纹"))
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_key_show)
    p = key_sub.add_parser("export", help=_("导出公钥文件（交给对方登记）"))
    add_db_argument(p)
    p.add_argument("--out", type=Path, required=True, help=_("公钥文件"))
    p.set_defaults(func=cmd_key_export)

    trust = sub.add_parser(
        "trust",
        help=_("登记或吊销对方单位的公钥"),
        description=_("市局登记各县区的公钥，县区登记市局的公钥；登记前须核对指纹。"),
    )
    trust_sub = trust.add_subparsers(dest="trust_command", required=True, metavar=_("操作"))
    p = trust_sub.add_parser("add", help=_("登记公钥"))
    add_db_argument(p)
    p.add_argument("--unit", required=True, help=_("对方单位代码"))
    p.add_argument("file", type=Path, help=_("对方的公钥文件"))
    p.add_argument("--fingerprint", help=_("对方书面提供的指纹（用于自动核对）"))
    p.add_argument("--yes", action="store_true", help=_("已核对指纹，不再询问"))
    p.set_defaults(func=cmd_trust_add)
    p = trust_sub.add_parser("list", help=_("列出已登记的公钥"))
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_trust_list)
    p = trust_sub.add_parser("revoke", help=_("吊销公钥"))
    add_db_argument(p)
    p.add_argument("--unit", required=True, help=_("单位代码"))
    p.add_argument("--key-id", help=_("只吊销这一个密钥"))
    p.add_argument("--yes", action="store_true", help=_("不再询问"))
    p.set_defaults(func=cmd_trust_revoke)

    p = sub.add_parser(
        "privacy",
        help=_("市局：上报包中教师身份证号的处理方式"),
        description=_(
            "hashed：县区上报包中的身份证号以带密钥的散列代替（仍可发现跨县重复）；"
            "plain：保留原号码。设置随下一次任务包下发到各县区。"
        ),
    )
    add_db_argument(p)
    p.add_argument("--mode", choices=["hashed", "plain"], required=True, help=_("hashed 或 plain"))
    p.set_defaults(func=cmd_privacy)

    p = sub.add_parser(
        "verify",
        help=_("核验上报包"),
        description=_("核验上报包的来源、完整性和新旧，给出唯一结论；不改动数据库。"),
    )
    add_db_argument(p)
    p.add_argument("files", type=Path, nargs="+", help=_("上报包文件"))
    add_json_argument(p)
    p.set_defaults(func=cmd_verify)


def cmd_key_init(args: argparse.Namespace) -> int:
    """Run ``vetdesk key init / rotate``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.keystore import create_key

    db = open_database(args.db)
    try:
        passphrase = read_passphrase(args, confirm=True)
        own = create_key(db, passphrase, rotate=args.rotate)
    finally:
        db.close()
    print(
        _("已创建签名密钥。请把下面的指纹打印在登记表上，签字盖章后交对方核对：")
        if not args.rotate
        else _("已更换签名密钥，旧密钥停用。请把新公钥交对方重新登记：")
    )
    print(f"  {own.fingerprint}")
    print(_("密钥文件：{path}（只保存在本机，不要复制给他人）").format(path=own.key_file))
    return EXIT_OK


def cmd_key_show(args: argparse.Namespace) -> int:
    """Run ``vetdesk key show``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.keystore import active_key

    db = open_database(args.db)
    try:
        own = active_key(db)
        info = db.info()
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "unit_code": info.unit_code,
                "key_id": own.key_id,
                "fingerprint": own.fingerprint,
                "public_key": own.public_key,
                "created_at": own.created_at.isoformat(),
            }
        )
    else:
        print(_("单位：{unit}（{code}）").format(unit=info.unit_name, code=info.unit_code))
        print(_("公钥：{key}").format(key=own.public_key))
        print(_("指纹：{fp}").format(fp=own.fingerprint))
    return EXIT_OK


def cmd_key_export(args: argparse.Namespace) -> int:
    """Run ``vetdesk key export``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.keystore import active_key, public_key_file_text
    from vetdesk.workbook.atomic import write_atomically

    db = open_database(args.db)
    try:
        text = public_key_file_text(db)
        own = active_key(db)
    finally:
        db.close()

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomically(args.out, write)
    print(_("已导出公钥 {path}，指纹 {fp}").format(path=args.out, fp=own.fingerprint))
    return EXIT_OK


def cmd_trust_add(args: argparse.Namespace) -> int:
    """Run ``vetdesk trust add``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.trust import add_trusted_key, fingerprints_match, read_key_file

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            _("无法读取公钥文件 {path}：{err}").format(path=args.file, err=exc)
        ) from exc
    candidate = read_key_file(text)
    print(_("公钥指纹：{fp}").format(fp=candidate.fingerprint))
    if args.fingerprint is not None:
        if not fingerprints_match(args.fingerprint, candidate.fingerprint):
            raise CommandError(
                _("指纹不一致，公钥未登记。请与对方核实。"),
                EXIT_REJECTED,
                code="fingerprint_mismatch",
            )
    elif not args.yes and not sys.stdin.isatty():
        # No one to compare the fingerprint: the one from the enrolment form must be given.
        raise UsageError(
            _(
                '无法当面核对指纹：请加上 --fingerprint "…" 重新运行，'
                "填入对方签字盖章的登记表上的指纹，由本软件逐位核对。"
            )
        )
    elif not confirm(args, _("请与对方书面登记表上的指纹逐位核对。是否一致？")):
        print(_("未登记。"))
        return EXIT_REJECTED
    db = open_database(args.db)
    try:
        info = add_trusted_key(db, args.unit, candidate)
    finally:
        db.close()
    print(_("已登记{unit}的公钥（{key}）。").format(unit=info.unit_name, key=info.key_id))
    return EXIT_OK


def cmd_trust_list(args: argparse.Namespace) -> int:
    """Run ``vetdesk trust list``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.trust import list_trusted_keys

    db = open_database(args.db)
    try:
        keys = list_trusted_keys(db)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    "unit_code": k.unit_code,
                    "unit_name": k.unit_name,
                    "key_id": k.key_id,
                    "fingerprint": k.fingerprint,
                    "status": k.status,
                    "registered_at": k.registered_at.isoformat(),
                }
                for k in keys
            ]
        )
    else:
        for k in keys:
            print(f"{k.unit_code} {k.unit_name}  {k.key_id}  {k.fingerprint}  [{k.status}]")
        if not keys:
            print(_("尚未登记任何公钥。"))
    return EXIT_OK


def cmd_trust_revoke(args: argparse.Namespace) -> int:
    """Run ``vetdesk trust revoke``."""
    # Local: cryptography and the key store load when the command runs, not for --help.
    from vetdesk.signing.trust import revoke_trusted_key

    if not confirm(args, _("吊销后该密钥签名的上报包将被拒收。确定吊销？")):
        return EXIT_REJECTED
    db = open_database(args.db)
    try:
        revoked = revoke_trusted_key(db, args.unit, args.key_id)
    finally:
        db.close()
    for k in revoked:
        print(_("已吊销 {unit} 的密钥 {key}。").format(unit=k.unit_name, key=k.key_id))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """Run ``vetdesk verify``."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.verify import verify_package

    db = open_database(args.db)
    try:
        results = [verify_package(db, path) for path in args.files]
    finally:
        db.close()
    if args.json:
        print_json(results[0].to_json() if len(results) == 1 else [r.to_json() for r in results])
    else:
        # Local: verdicts stands on the package code (cryptography, openpyxl), loaded only to verify.
        from vetdesk.cli.verdicts import print_verification

        for r in results:
            print_verification(r)
    return EXIT_OK if all(r.ok for r in results) else EXIT_REJECTED


def cmd_privacy(args: argparse.Namespace) -> int:
    """Run ``vetdesk privacy``."""
    # Local: SQLAlchemy loads when the command runs, not for --help.
    from vetdesk.db.id_privacy import install_privacy, privacy_in_force
    from vetdesk.domain.id_privacy import IdPrivacy, new_hashed_privacy

    db = open_database(args.db)
    try:
        if not db.info().is_city:
            raise UsageError(_("身份证号的处理方式由市局设定，并通过任务包下发。"))
        with db.transaction() as session:
            current = privacy_in_force(session)
            if args.mode == "hashed":
                privacy = current if current.hashed else new_hashed_privacy()
            else:
                privacy = IdPrivacy("plain")
            install_privacy(session, privacy)
    finally:
        db.close()
    if privacy.hashed:
        print(
            _(
                "已设定：上报包中的身份证号以带密钥的散列代替（密钥编号 {key}）。请导出并下发任务包。"
            ).format(key=privacy.key_id)
        )
    else:
        print(_("已设定：上报包保留身份证号原文。请导出并下发任务包。"))
    return EXIT_OK


def export_signed(args: argparse.Namespace) -> int:
    """Vetdesk export without --draft: the official signed package."""
    # Local: the package code (SQLAlchemy, openpyxl, cryptography) loads when the command runs.
    from vetdesk.packages.county import NotReadyToSubmit, export_package

    db = open_database(args.db)
    try:
        if db.info().is_city:
            raise UsageError(_("市级数据库不导出上报包；请用 vetdesk report 生成全市汇总工作簿。"))
        try:
            result = export_package(db, args.period, args.out, lambda: read_passphrase(args))
        except NotReadyToSubmit as exc:
            if args.json:
                print_json({"ok": False, "error": {"code": exc.code, "message": exc.message}})
            else:
                print(exc.message, file=sys.stderr)
            return EXIT_REJECTED
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "ok": True,
                "path": str(result.path),
                "seq": result.seq,
                "fingerprint": result.fingerprint,
                "manifest_sha256": result.manifest_sha256,
                "counts": result.counts,
            }
        )
    else:
        print(
            _("已导出正式上报包 {path}：第 {seq} 号，签名密钥指纹 {fp}。").format(
                path=result.path, seq=result.seq, fp=result.fingerprint
            )
        )
    return EXIT_OK


del EXIT_USAGE
