"""Verifying a county's package: exactly one answer, with a stable reason code.

Order (exchange-and-safety.md §1.10): safe file type → VetDesk package? → format
version → key registered, not revoked, bound to the unit the package claims →
signature → every sheet's hash recomputed from the visible cells → ledger (replay,
fork). Nothing touches the database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.packages.envelope import (
    MANIFEST_FORMAT,
    Envelope,
    EnvelopeError,
    as_signed,
    content_digests,
    open_envelope,
    readable_digest,
)
from vetdesk.signing.keys import NAMESPACE_PACKAGE, KeyFileError, public_key_from_text
from vetdesk.signing.trust import find_key
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
    # A replay of the very package the ledger holds: accepted before, so a receipt says so.
    already_accepted: bool = False
    # A fork only because packages after this accepted sequence number never arrived.
    gap_after: int | None = None
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


@contextmanager
def _reading(db: Database, session: Session | None) -> Iterator[Session]:
    # Inside a merge the caller's write transaction is used, so that the key and the
    # ledger are read under the same lock as the write that depends on them.
    if session is not None:
        yield session
        return
    with db.session() as own:
        yield own


def read_envelope(content: WorkbookContent) -> Envelope:
    """The manifest and signature stored in a read workbook."""
    meta = content.meta
    assert meta is not None
    return open_envelope(meta.get("manifest"), meta.get("signature"))


def unsigned_sheet(envelope: Envelope, content: WorkbookContent) -> str | None:
    """The title of a data sheet the manifest does not list, or None."""
    sheets = envelope.manifest.get("sheets")
    listed = sheets if isinstance(sheets, dict) else {}
    for key, sheet in content.sheets.items():
        if key not in listed:
            # The merge applies every data sheet it recognises, so one the signature does
            # not cover would be merged unchecked (an older build's package plus an added
            # sheet): the manifest is the whole truth.
            return sheet.title
    return None


def check_sheets(envelope: Envelope, content: WorkbookContent) -> str | None:
    """The title of the first sheet whose data differs from what was signed, or None."""
    sheets = envelope.manifest.get("sheets")
    if not isinstance(sheets, dict):
        return "_vetdesk"
    specs = [as_signed(ALL_SHEETS[k], sheets[k]) for k in sheets if k in ALL_SHEETS]
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


def readable_warnings(
    manifest: dict[str, Any], content: WorkbookContent, fingerprint: str, digest: str
) -> list[str]:
    """Warnings when the cover or the 核验结果 sheet no longer shows what was signed.

    The merge never reads them (it reads the signed data sheets), but a person does: an
    edited cover or verdict must not pass unnoticed.
    """
    signed = manifest.get("readable")
    if not isinstance(signed, dict):
        return [
            _(
                "较早版本的上报包：封面和“核验结果”工作表不在签名范围内，其内容请以数据表和本软件显示的结果为准。"
            )
        ]
    warnings = []
    cover = content.readable.get("cover", [])
    # The last three cover lines name the package itself (sequence number, key fingerprint,
    # manifest hash): they cannot be inside the manifest, so they are compared with it.
    shown = [row[1] if len(row) > 1 else "" for row in cover[-3:]]
    if readable_digest(cover[:-3]) != signed.get("cover") or shown != [
        str(manifest.get("seq")),
        fingerprint,
        digest,
    ]:
        warnings.append(
            _(
                "上报包的封面与签名数据不一致（签名后被改动过）。合并只使用已签名的数据表；请以本软件显示的内容为准，并与对方核实。"
            )
        )
    if readable_digest(content.readable.get("indicators", [])) != signed.get("indicators"):
        warnings.append(
            _(
                "上报包的“核验结果”工作表与签名数据不一致（签名后被改动过）。达标判定请以本软件根据数据重新计算的结果为准，并与对方核实。"
            )
        )
    return warnings


def _fail(name: str, verdict: Verdict, message: str, **kw: Any) -> Verification:
    return Verification(name, verdict, message, **kw)


def verify_content(
    db: Database,
    content: WorkbookContent,
    *,
    check_ledger: bool = True,
    session: Session | None = None,
) -> Verification:
    """Verify an already read workbook (keys and ledger read in ``session`` when given)."""
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
    with _reading(db, session) as reader:
        key_record = find_key(reader, str(manifest.get("key_id", "")), db.info().unit_code)
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
    unsigned = unsigned_sheet(envelope, content)
    if unsigned is not None:
        return _fail(
            name,
            Verdict.TAMPERED,
            _(
                "工作表“{sheet}”不在签名范围内（签名数据没有列出它），是签名后加入的，上报包不可信。请让对方重新导出。"
            ).format(sheet=unsigned),
            sheet=unsigned,
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
    result.notes.extend(readable_warnings(manifest, content, key_record.fingerprint, digest))
    if check_ledger:
        with _reading(db, session) as reader:
            _check_ledger(reader, result)
    return result


def _check_ledger(session: Session, result: Verification) -> None:
    manifest = result.manifest
    assert manifest is not None
    unit, period, seq = result.unit_code, result.period, result.seq
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
        result.already_accepted = True
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
    elif manifest.get("prev_manifest_sha256") == last.manifest_sha256:
        if seq > last.seq + 1:
            result.notes.append(
                _(
                    "已接收的最新上报包是第 {last} 号，本包为第 {seq} 号，声明接在第 {last} 号之后。"
                ).format(last=last.seq, seq=seq)
            )
    elif seq == last.seq + 1:
        result.verdict = Verdict.FORK
        result.message = _(
            "该上报包声明的上一个上报包与已接收的第 {last} 号不一致（导出链断开），请与对方核实。"
        ).format(last=last.seq)
    else:
        # Packages in between never arrived: nothing shows that this one descends from
        # the last accepted one (a forked export looks exactly like this), so it is a fork
        # unless the city, having asked the county, accepts the gap with a reason.
        result.verdict = Verdict.FORK
        result.gap_after = last.seq
        result.message = _(
            "该上报包（第 {seq} 号）不接在已接收的第 {last} 号之后：中间的上报包未送达，"
            "无法确认它不是另一份分叉的导出。请与对方核实；确认无误后可说明原因接受这一缺口"
            "（vetdesk merge --accept-gap 原因）。"
        ).format(seq=seq, last=last.seq)


def verify_package(db: Database, path: Path, *, check_ledger: bool = True) -> Verification:
    """Verify a package file; never raises for a bad file, always returns a verdict."""
    try:
        content = read_workbook(path)
    except UnsafeFileError as exc:
        verdict = Verdict.NOT_PACKAGE if exc.code in _NOT_A_PACKAGE_FILE else Verdict.DAMAGED
        return Verification(path.name, verdict, exc.message)
    return verify_content(db, content, check_ledger=check_ledger)
