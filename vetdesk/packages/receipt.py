"""Signed receipts from the city: "your package N was accepted" (or rejected, with reasons).

The county imports a receipt, verifies it with the city's registered key, records
what the city accepted, and marks the period submitted when the receipt accepts
the newest package it exported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from vetdesk import __version__
from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _
from vetdesk.packages.envelope import ALGORITHM, MANIFEST_FORMAT, EnvelopeError, open_envelope, seal
from vetdesk.packages.merge import MergePreview
from vetdesk.signing.keys import (
    NAMESPACE_RECEIPT,
    KeyFileError,
    fingerprint,
    key_id,
    public_key_from_text,
)
from vetdesk.signing.keystore import unlock_key
from vetdesk.workbook.filesafety import UnsafeFileError
from vetdesk.workbook.meta import KIND_RECEIPT
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.writer import (
    CoverLine,
    add_meta,
    new_write_only_workbook,
    save_workbook,
    standard_meta,
    write_cover,
)


class ReceiptRefused(InputRejected):
    """A receipt cannot be accepted (not a receipt, wrong key, not ours, tampered)."""

    code = "receipt_refused"


@dataclass(frozen=True)
class ReceiptResult:
    """What importing a receipt recorded."""

    period: int
    seq: int
    status: str
    reasons: list[str]
    period_submitted: bool


def receipt_file_name(preview: MergePreview) -> str:
    """A readable file name for a receipt."""
    v = preview.verification
    unit = v.unit_code or "unknown"
    return f"回执-{unit}-{v.period or 'x'}-{v.seq or 'x'}-{preview.status}.xlsx"


def issue_receipt(db: Database, preview: MergePreview, folder: Path, passphrase: str) -> Path:
    """Write the city's signed receipt for one package into a folder."""
    info = db.info()
    if not info.is_city:
        raise UsageError(_("只有市级数据库可以签发回执。"))
    private = unlock_key(db, passphrase)
    v = preview.verification
    status = "accepted" if preview.applied else "rejected"
    unit = load_units().get(v.unit_code or "")
    reasons = [] if preview.applied else preview.reasons
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
        "reasons": [] if preview.applied else preview.reasons,
        "issued_local": dt.datetime.now().replace(microsecond=0).isoformat(),
        "operator": info.operator,
        "app_version": __version__,
        "key_id": key_id(private.public_key()),
    }
    manifest_text, signature = seal(private, NAMESPACE_RECEIPT, manifest)
    workbook = new_write_only_workbook()
    status_text = _("已接收") if preview.applied else _("未接收")
    lines = [
        CoverLine(_("上报单位"), f"{unit.name if unit else v.unit_code}（{v.unit_code}）"),
        CoverLine(_("统计年度"), str(v.period)),
        CoverLine(_("上报包序号"), str(v.seq)),
        CoverLine(_("上报包文件"), v.file_name),
        CoverLine(_("处理结果"), status_text),
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
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / receipt_file_name(preview)
    save_workbook(workbook, target)
    return target


def import_receipt(db: Database, path: Path) -> ReceiptResult:
    """Verify a receipt with the city's key and record what the city answered."""
    info = db.info()
    if info.is_city:
        raise UsageError(_("回执由县区数据库导入。"))
    try:
        content = read_workbook(path, sheets=())
    except UnsafeFileError as exc:
        raise ReceiptRefused(exc.message) from exc
    meta = content.meta
    if meta is None or meta.kind != KIND_RECEIPT:
        raise ReceiptRefused(
            _("{name} 不是 VetDesk 回执。").format(name=path.name), code="not_receipt"
        )
    try:
        envelope = open_envelope(meta.get("manifest"), meta.get("signature"))
    except EnvelopeError as exc:
        raise ReceiptRefused(_("回执的签名数据已损坏或被修改。"), code="tampered") from exc
    manifest = envelope.manifest
    city = load_units().city.code
    with db.session() as session:
        key = session.scalar(
            select(models.TrustedKey).where(models.TrustedKey.key_id == manifest.get("key_id"))
        )
    if key is None or key.unit_code != city:
        raise ReceiptRefused(
            _("回执不是由已登记的市局密钥签发的。请先核对并登记市局公钥。"), code="unknown_key"
        )
    if key.status != "active":
        raise ReceiptRefused(_("签发回执的市局密钥已被吊销或更换。"), code="revoked_key")
    try:
        public = public_key_from_text(key.public_key)
    except KeyFileError as exc:
        raise ReceiptRefused(_("登记的市局公钥已损坏，请重新登记。"), code="unknown_key") from exc
    if not envelope.verifies_with(public, NAMESPACE_RECEIPT):
        raise ReceiptRefused(_("回执的签名无效：签名后内容被修改。"), code="tampered")
    if manifest.get("unit_code") != info.unit_code:
        raise ReceiptRefused(
            _("这份回执是发给单位 {unit} 的，不是本单位。").format(unit=manifest.get("unit_code")),
            code="wrong_unit",
        )
    period, seq = manifest.get("period"), manifest.get("seq")
    if not isinstance(period, int) or not isinstance(seq, int):
        raise ReceiptRefused(_("回执内容不完整。"), code="tampered")
    status = str(manifest.get("status"))
    reasons = [str(r) for r in manifest.get("reasons", [])]
    with db.transaction() as session:
        export = session.scalar(
            select(models.PackageExport).where(
                models.PackageExport.period_year == period, models.PackageExport.seq == seq
            )
        )
        if export is None or export.manifest_sha256 != manifest.get("package_manifest_sha256"):
            raise ReceiptRefused(
                _("本数据库没有导出过回执所指的上报包（{year} 年度第 {seq} 号）。").format(
                    year=period, seq=seq
                ),
                code="unknown_package",
            )
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
    return ReceiptResult(int(period), int(seq), status, reasons, submitted)
