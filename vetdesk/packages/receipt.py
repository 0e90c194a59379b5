"""Signed receipts from the city: "your package N was accepted" (or rejected, with reasons).

The county imports a receipt, verifies it with the city's registered key, records
what the city accepted, and marks the period submitted when the receipt accepts
the newest package it exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetdesk import __version__
from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import N_, _
from vetdesk.packages.envelope import (
    ALGORITHM,
    MANIFEST_FORMAT,
    EnvelopeKind,
    EnvelopeVerification,
    Refusal,
    Step,
    read_signed_file,
    seal,
    verify_envelope,
)
from vetdesk.packages.merge import MergePreview
from vetdesk.packages.verdict import Verdict
from vetdesk.signing.keys import (
    NAMESPACE_RECEIPT,
    fingerprint,
    key_id,
)
from vetdesk.signing.keystore import unlock_key
from vetdesk.workbook.meta import KIND_RECEIPT
from vetdesk.workbook.writer import (
    CoverLine,
    add_meta,
    new_write_only_workbook,
    save_workbook,
    standard_meta,
    write_cover,
)


class ReceiptRefused(InputRejected):
    """A receipt cannot be accepted (not a receipt, wrong key, not ours, tampered).

    Its ``code`` is the verdict's code (``tampered``, ``unknown_key`` …).
    """

    code = "receipt_refused"
    verdict: Verdict | None = None

    @classmethod
    def of(cls, verification: EnvelopeVerification) -> ReceiptRefused:
        """The refusal for a receipt that did not verify."""
        refused = cls(verification.message, code=str(verification.verdict))
        refused.verdict = verification.verdict
        return refused


@dataclass(frozen=True)
class ReceiptResult:
    """What importing a receipt recorded."""

    period: int
    seq: int
    status: str
    reasons: list[str]
    period_submitted: bool
    # The city's verdict on the package (why it was refused, when it was).
    package_verdict: Verdict | None = None


def _accepted(preview: MergePreview) -> bool:
    # Merged now, or merged before (the same package again): either way the truth is
    # "accepted" — a re-run must never tell the county its accepted package was refused.
    return preview.applied or preview.verification.already_accepted


def receipt_file_name(preview: MergePreview) -> str:
    """A readable file name for a receipt."""
    v = preview.verification
    unit = v.unit_code or "unknown"
    status = "accepted" if _accepted(preview) else "rejected"
    return f"回执-{unit}-{v.period or 'x'}-{v.seq or 'x'}-{status}.xlsx"


def issue_receipt(db: Database, preview: MergePreview, folder: Path, passphrase: str) -> Path:
    """Unlock the city's key and write the signed receipt for one package into a folder."""
    if not db.info().is_city:
        raise UsageError(_("只有市级数据库可以签发回执。"))
    return write_receipt(db, unlock_key(db, passphrase), preview, folder)


def write_receipt(
    db: Database, private: Ed25519PrivateKey, preview: MergePreview, folder: Path
) -> Path:
    """Write the city's receipt for one package, signed with the unlocked key, into a folder."""
    info = db.info()
    if not info.is_city:
        raise UsageError(_("只有市级数据库可以签发回执。"))
    v = preview.verification
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _not_written(folder, exc) from exc
    accepted = _accepted(preview)
    status = "accepted" if accepted else "rejected"
    unit = load_units().get(v.unit_code or "")
    reasons = [] if accepted else preview.reasons
    manifest = {
        "format": MANIFEST_FORMAT,
        "alg": ALGORITHM,
        "kind": KIND_RECEIPT,
        "city_unit": info.unit_code,
        "unit_code": v.unit_code,
        "period": v.period,
        "seq": v.seq,
        "package_manifest_sha256": v.manifest_sha256,
        "package_file": v.file_name,
        "status": status,
        "verdict": str(v.verdict),
        "reasons": reasons,
        "issued_local": dt.datetime.now().replace(microsecond=0).isoformat(),
        "operator": info.operator,
        "app_version": __version__,
        "key_id": key_id(private.public_key()),
    }
    manifest_text, signature = seal(private, NAMESPACE_RECEIPT, manifest)
    workbook = new_write_only_workbook()
    status_text = _("已接收") if accepted else _("未接收")
    lines = [
        CoverLine(_("上报单位"), f"{unit.name if unit else v.unit_code}（{v.unit_code}）"),
        CoverLine(_("统计年度"), str(v.period)),
        CoverLine(_("上报包序号"), str(v.seq)),
        CoverLine(_("上报包文件"), v.file_name),
        CoverLine(_("处理结果"), status_text),
        *(
            []
            if accepted or v.ok
            else [
                CoverLine(_("核验结果"), v.verdict.label),
                CoverLine(_("处理办法"), v.verdict.remedy),
            ]
        ),
        *[CoverLine(_("原因"), reason) for reason in reasons],
        CoverLine(_("签发单位"), f"{info.unit_name}（{info.unit_code}）"),
        CoverLine(_("签发时间"), str(manifest["issued_local"])),
        CoverLine(_("市局密钥指纹"), fingerprint(private.public_key())),
    ]
    write_cover(workbook, _("VetDesk 上报包回执"), lines)
    add_meta(
        workbook,
        standard_meta(
            KIND_RECEIPT,
            {
                "manifest": manifest_text,
                "signature": signature,
                "unit_code": str(v.unit_code),
                "period": str(v.period),
            },
        ),
    )
    target = folder / receipt_file_name(preview)
    try:
        save_workbook(workbook, target)
    except OSError as exc:
        raise _not_written(target, exc) from exc
    return target


def _not_written(path: Path, exc: OSError) -> InputRejected:
    return InputRejected(
        _("回执无法写入 {path}：{err}").format(path=path, err=exc.strerror or exc),
        code="receipt_not_written",
    )


@dataclass
class ReceiptVerification(EnvelopeVerification):
    """The result of verifying one receipt."""

    @property
    def period(self) -> int | None:
        """The period of the package the receipt answers."""
        value = None if self.manifest is None else self.manifest.get("period")
        return value if isinstance(value, int) else None

    @property
    def seq(self) -> int | None:
        """The sequence number of the package the receipt answers."""
        value = None if self.manifest is None else self.manifest.get("seq")
        return value if isinstance(value, int) else None

    @property
    def package_verdict(self) -> Verdict | None:
        """The city's verdict on the package, when the receipt names a known one."""
        value = None if self.manifest is None else self.manifest.get("verdict")
        return Verdict(value) if value in set(Verdict) else None


_SIGNED_BY_CITY = N_("回执不是由已登记的市局密钥签发的。请先核对并登记市局公钥。")
_NOT_RECEIPT = N_("{name} 不是 VetDesk 回执。")

_WORDING = {
    Step.NOT_THIS_KIND: lambda c: _(_NOT_RECEIPT).format(name=c.file_name),
    Step.MALFORMED: lambda c: _("回执的签名数据已损坏或被修改。"),
    Step.FORMAT: lambda c: _(
        "回执格式版本 {v} 比本软件支持的更新，请升级 VetDesk 后再导入。"
    ).format(v=c.format),
    Step.UNKNOWN_KEY: lambda c: _(_SIGNED_BY_CITY),
    Step.REVOKED_KEY: lambda c: _("签发回执的市局密钥已被吊销或更换。"),
    Step.WRONG_UNIT: lambda c: _(_SIGNED_BY_CITY),
    Step.BAD_STORED_KEY: lambda c: _("登记的市局公钥已损坏，请重新登记。"),
    Step.BAD_SIGNATURE: lambda c: _("回执的签名无效：签名后内容被修改。"),
    Step.MANIFEST_KIND: lambda c: _(_NOT_RECEIPT).format(name=c.file_name),
    Step.UNSIGNED_SHEET: lambda c: _("回执的签名无效：签名后内容被修改。"),
    Step.CHANGED_SHEET: lambda c: _("回执的签名无效：签名后内容被修改。"),
}


def _content_check(db: Database, result: ReceiptVerification) -> None:
    del db
    if result.period is None or result.seq is None:
        raise Refusal(Verdict.TAMPERED, _("回执内容不完整。"))
    result.message = _("回执有效：{year} 年度第 {seq} 号上报包。").format(
        year=result.period, seq=result.seq
    )


def _scope(db: Database, result: ReceiptVerification) -> None:
    assert result.manifest is not None
    addressed = result.manifest.get("unit_code")
    if addressed != db.info().unit_code:
        raise Refusal(
            Verdict.NOT_FOR_THIS_UNIT,
            _("这份回执是发给单位 {unit} 的，不是本单位。").format(unit=addressed),
        )


def _answered_export(session: Session, result: ReceiptVerification) -> models.PackageExport:
    """The package this database exported that the receipt answers (the receipt's ledger rule)."""
    assert result.manifest is not None
    export = session.scalar(
        select(models.PackageExport).where(
            models.PackageExport.period_year == result.period,
            models.PackageExport.seq == result.seq,
        )
    )
    if export is None or export.manifest_sha256 != result.manifest.get("package_manifest_sha256"):
        raise Refusal(
            Verdict.UNKNOWN_PACKAGE,
            _("本数据库没有导出过回执所指的上报包（{year} 年度第 {seq} 号）。").format(
                year=result.period, seq=result.seq
            ),
        )
    return export


def _ledger(db: Database, session: Session, result: ReceiptVerification) -> None:
    del db
    _answered_export(session, result)


RECEIPT = EnvelopeKind(
    kind=KIND_RECEIPT,
    namespace=NAMESPACE_RECEIPT,
    wrong_kind=Verdict.NOT_RECEIPT,
    wording=_WORDING,
    signer_field="city_unit",
    signed_by_city=True,
    content_check=_content_check,
    scope=_scope,
    ledger=_ledger,
)


def verify_receipt(db: Database, path: Path) -> ReceiptVerification:
    """Verify a receipt file; never raises for a bad file, always returns a verdict."""
    content = read_signed_file(path, RECEIPT, ())
    if isinstance(content, Refusal):
        return ReceiptVerification(path.name, content.verdict, content.message)
    result = ReceiptVerification(content.file_name, Verdict.VALID, "")
    verify_envelope(db, content, RECEIPT, result)
    return result


def import_receipt(db: Database, path: Path) -> ReceiptResult:
    """Verify a receipt with the city's key and record what the city answered."""
    with db.session() as session:
        require(session, WriteAction.IMPORT_RECEIPT)
    verification = verify_receipt(db, path)
    if not verification.ok:
        raise ReceiptRefused.of(verification)
    manifest = verification.manifest
    period, seq = verification.period, verification.seq
    assert manifest is not None and period is not None and seq is not None
    status = str(manifest.get("status"))
    reasons = [str(r) for r in manifest.get("reasons", [])]
    with db.transaction() as session:
        require(session, WriteAction.IMPORT_RECEIPT, period=period)
        try:
            # Again in the transaction that records the answer.
            export = _answered_export(session, verification)
        except Refusal as refusal:
            verification.verdict, verification.message = refusal.verdict, refusal.message
            raise ReceiptRefused.of(verification) from None
        export.receipt_status = status
        export.receipt_reason = "\n".join(reasons) or None
        export.receipt_at = dt.datetime.now().replace(microsecond=0)
        newest = session.scalar(
            select(func.max(models.PackageExport.seq)).where(
                models.PackageExport.period_year == period
            )
        )
        submitted = status == "accepted" and seq == newest
        if submitted:
            row = session.scalar(select(models.Period).where(models.Period.year == period))
            if row is not None and row.state == "open":
                row.state = "submitted"
    return ReceiptResult(
        int(period), int(seq), status, reasons, submitted, verification.package_verdict
    )
