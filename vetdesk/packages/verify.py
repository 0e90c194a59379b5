"""Verifying a county's package: exactly one answer, with a stable reason code.

Order (exchange-and-safety.md §1.10): safe file type → VetDesk package? → format
version → key registered, not revoked, bound to the unit the package claims →
signature → every sheet's hash recomputed from the visible cells → ledger (replay,
fork). Nothing touches the database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.packages.envelope import (
    MANIFEST_FORMAT,
    Envelope,
    EnvelopeError,
    content_digests,
    open_envelope,
)
from vetdesk.signing.keys import NAMESPACE_PACKAGE, KeyFileError, public_key_from_text
from vetdesk.workbook.filesafety import UnsafeFileError
from vetdesk.workbook.meta import KIND_PACKAGE
from vetdesk.workbook.reader import WorkbookContent, read_workbook
from vetdesk.workbook.schema import ALL_SHEETS

_NOT_A_PACKAGE_FILE = {
    "legacy_xls",
    "csv_or_text",
    "html",
    "not_xlsx",
    "encrypted",
    "macro",
    "empty_file",
}


class Verdict(enum.StrEnum):
    """The one answer verification gives (stable codes for --json)."""

    VALID = "valid"
    NOT_PACKAGE = "not_package"
    DAMAGED = "damaged"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    WRONG_UNIT = "wrong_unit"
    TAMPERED = "tampered"
    REPLAY = "replay"
    FORK = "fork"


@dataclass
class Verification:
    """The result of verifying one package."""

    file_name: str
    verdict: Verdict
    message: str
    sheet: str | None = None
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None
    fingerprint: str | None = None
    notes: list[str] = field(default_factory=list)
    content: WorkbookContent | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the package may be merged."""
        return self.verdict == Verdict.VALID

    @property
    def unit_code(self) -> str | None:
        """The unit the package claims to come from."""
        return None if self.manifest is None else str(self.manifest.get("unit_code"))

    @property
    def period(self) -> int | None:
        """The period the package covers."""
        value = None if self.manifest is None else self.manifest.get("period")
        return value if isinstance(value, int) else None

    @property
    def seq(self) -> int | None:
        """The package's sequence number."""
        value = None if self.manifest is None else self.manifest.get("seq")
        return value if isinstance(value, int) else None

    def to_json(self) -> dict[str, Any]:
        """Stable machine-readable form."""
        return {
            "file": self.file_name,
            "verdict": str(self.verdict),
            "ok": self.ok,
            "message": self.message,
            "sheet": self.sheet,
            "unit_code": self.unit_code,
            "period": self.period,
            "seq": self.seq,
            "manifest_sha256": self.manifest_sha256,
            "fingerprint": self.fingerprint,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class KeyRecord:
    """A key the verifier may use: a registered one, or this unit's own."""

    unit_code: str
    public_key: str
    fingerprint: str
    status: str


def _find_key(db: Database, key_id: str) -> KeyRecord | None:
    with db.session() as session:
        row = session.scalar(select(models.TrustedKey).where(models.TrustedKey.key_id == key_id))
        if row is not None:
            return KeyRecord(row.unit_code, row.public_key, row.fingerprint, row.status)
        own = session.scalar(select(models.SigningKey).where(models.SigningKey.key_id == key_id))
        if own is not None:
            status = "active" if own.active else "retired"
            return KeyRecord(db.info().unit_code, own.public_key, own.fingerprint, status)
    return None


def read_envelope(content: WorkbookContent) -> Envelope:
    """The manifest and signature stored in a read workbook."""
    meta = content.meta
    assert meta is not None
    return open_envelope(meta.get("manifest"), meta.get("signature"))


def check_sheets(envelope: Envelope, content: WorkbookContent) -> str | None:
    """The title of the first sheet whose data differs from what was signed, or None."""
    sheets = envelope.manifest.get("sheets")
    if not isinstance(sheets, dict):
        return "_vetdesk"
    specs = [ALL_SHEETS[k] for k in sheets if k in ALL_SHEETS]
    if len(specs) != len(sheets):
        return "_vetdesk"
    actual = content_digests(content, specs)
    for spec in specs:
        expected = sheets[spec.key]
        found = actual[spec.key]
        if found is None or not isinstance(expected, dict):
            return spec.sheet_title
        if found["rows"] != expected.get("rows") or found["sha256"] != expected.get("sha256"):
            return spec.sheet_title
    return None


def _fail(name: str, verdict: Verdict, message: str, **kw: Any) -> Verification:
    return Verification(name, verdict, message, **kw)


def verify_content(
    db: Database, content: WorkbookContent, *, check_ledger: bool = True
) -> Verification:
    """Verify an already read workbook."""
    name = content.file_name
    meta = content.meta
    if meta is None or meta.kind != KIND_PACKAGE:
        kind = meta.kind if meta else ""
        return _fail(
            name,
            Verdict.NOT_PACKAGE,
            _(
                "这不是 VetDesk 上报包（文件类型：{kind}）。请确认对方发送的是用“导出上报包”生成的文件。"
            ).format(kind=kind or _("普通工作簿")),
        )
    try:
        envelope = read_envelope(content)
    except EnvelopeError:
        return _fail(
            name,
            Verdict.TAMPERED,
            _("签名数据已被修改或损坏（隐藏的 _vetdesk 工作表），上报包不可信。"),
            sheet="_vetdesk",
        )
    manifest = envelope.manifest
    digest = envelope.sha256
    base: dict[str, Any] = {"manifest": manifest, "manifest_sha256": digest, "content": content}
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > MANIFEST_FORMAT:
        return _fail(
            name,
            Verdict.UNSUPPORTED_FORMAT,
            _("上报包格式版本 {v} 比本软件支持的更新，请升级 VetDesk 后再核验。").format(v=fmt),
            **base,
        )
    key_record = _find_key(db, str(manifest.get("key_id", "")))
    claimed = str(manifest.get("unit_code", ""))
    unit = load_units().get(claimed)
    unit_name = unit.name if unit else claimed
    if key_record is None:
        return _fail(
            name,
            Verdict.UNKNOWN_KEY,
            _(
                "上报包的签名密钥（{key}）未在本单位登记。请向{unit}索取公钥文件和签字盖章的登记表，核对指纹后登记（“签名密钥”页面的“登记对方公钥”，或命令 vetdesk trust add）。"
            ).format(key=manifest.get("key_id"), unit=unit_name),
            **base,
        )
    base["fingerprint"] = key_record.fingerprint
    if key_record.status != "active":
        return _fail(
            name,
            Verdict.REVOKED_KEY,
            _("上报包的签名密钥（指纹 {fp}）已被吊销或更换，不再接受其签名的上报包。").format(
                fp=key_record.fingerprint
            ),
            **base,
        )
    if key_record.unit_code != claimed:
        return _fail(
            name,
            Verdict.WRONG_UNIT,
            _("上报包自称来自{claimed}，但签名密钥登记给的是单位 {real}。").format(
                claimed=unit_name, real=key_record.unit_code
            ),
            **base,
        )
    try:
        public_key = public_key_from_text(key_record.public_key)
    except KeyFileError:
        return _fail(name, Verdict.UNKNOWN_KEY, _("登记的公钥已损坏，请重新登记。"), **base)
    if not envelope.verifies_with(public_key, NAMESPACE_PACKAGE):
        return _fail(
            name,
            Verdict.TAMPERED,
            _("签名数据在签名后被修改（隐藏的 _vetdesk 工作表），上报包不可信。"),
            sheet="_vetdesk",
            **base,
        )
    changed = check_sheets(envelope, content)
    if changed is not None:
        return _fail(
            name,
            Verdict.TAMPERED,
            _(
                "工作表“{sheet}”的数据在签名后被修改（增删行或改动了数值），上报包不可信。请让对方重新导出。"
            ).format(sheet=changed),
            sheet=changed,
            **base,
        )
    result = Verification(
        name,
        Verdict.VALID,
        _("上报包有效：来自{unit}，{year} 年度，第 {seq} 号。").format(
            unit=unit_name, year=manifest.get("period"), seq=manifest.get("seq")
        ),
        **base,
    )
    if check_ledger:
        _check_ledger(db, result)
    return result


def _check_ledger(db: Database, result: Verification) -> None:
    manifest = result.manifest
    assert manifest is not None
    unit, period, seq = result.unit_code, result.period, result.seq
    with db.session() as session:
        rows = list(
            session.scalars(
                select(models.PackageLedger)
                .where(
                    models.PackageLedger.unit_code == unit,
                    models.PackageLedger.period_year == period,
                )
                .order_by(models.PackageLedger.seq)
            )
        )
    if not rows or seq is None:
        if seq is not None and seq > 1:
            result.notes.append(
                _(
                    "这是该单位本年度第一次被接收的上报包，但序号为 {seq}（此前的上报包未被接收）。"
                ).format(seq=seq)
            )
        return
    same_seq = next((r for r in rows if r.seq == seq), None)
    last = rows[-1]
    if same_seq is not None and same_seq.manifest_sha256 == result.manifest_sha256:
        result.verdict = Verdict.REPLAY
        result.message = _("该上报包（第 {seq} 号）已于 {at} 接收过，无需重复合并。").format(
            seq=seq, at=same_seq.accepted_at
        )
    elif same_seq is not None:
        result.verdict = Verdict.FORK
        result.message = _(
            "已接收过另一个同为第 {seq} 号的上报包，两者内容不同（可能从备份恢复后重复导出）。请与对方核实。"
        ).format(seq=seq)
    elif seq < last.seq:
        result.verdict = Verdict.REPLAY
        result.message = _(
            "该上报包（第 {seq} 号）比已接收的第 {last} 号更旧，不能覆盖较新的数据。"
        ).format(seq=seq, last=last.seq)
    elif seq == last.seq + 1 and manifest.get("prev_manifest_sha256") != last.manifest_sha256:
        result.verdict = Verdict.FORK
        result.message = _(
            "该上报包声明的上一个上报包与已接收的第 {last} 号不一致（导出链断开），请与对方核实。"
        ).format(last=last.seq)
    elif seq > last.seq + 1:
        result.notes.append(
            _(
                "已接收的最新上报包是第 {last} 号，本包为第 {seq} 号，中间的上报包未送达（每个上报包都是完整数据，可以接收）。"
            ).format(last=last.seq, seq=seq)
        )


def verify_package(db: Database, path: Path, *, check_ledger: bool = True) -> Verification:
    """Verify a package file; never raises for a bad file, always returns a verdict."""
    try:
        content = read_workbook(path)
    except UnsafeFileError as exc:
        verdict = Verdict.NOT_PACKAGE if exc.code in _NOT_A_PACKAGE_FILE else Verdict.DAMAGED
        return Verification(path.name, verdict, exc.message)
    return verify_content(db, content, check_ledger=check_ledger)
