"""Verifying a county's package: exactly one answer, with a stable reason code.

Order (exchange-and-safety.md §1.10): safe file type → VetDesk package? → format
version → key registered, not revoked, bound to the unit the package claims →
signature → every sheet's hash recomputed from the visible cells → ledger (replay,
fork). The steps are the shared envelope pipeline (:mod:`vetdesk.packages.envelope`);
this module words them for packages and adds the package's ledger policy. Nothing
touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.i18n import _
from vetdesk.packages.envelope import (
    EnvelopeKind,
    EnvelopeVerification,
    Refusal,
    Step,
    StepContext,
    read_signed_file,
    readable_digest,
    unit_name,
    verify_envelope,
)
from vetdesk.packages.verdict import Verdict
from vetdesk.signing.keys import NAMESPACE_PACKAGE
from vetdesk.workbook.meta import (
    KIND_PACKAGE,
    KIND_RECEIPT,
    KIND_TASK,
    kind_name,
)
from vetdesk.workbook.reader import WorkbookContent
from vetdesk.workbook.schema import ALL_SHEETS

__all__ = ["Verdict", "Verification", "verify_content", "verify_package"]


@dataclass
class Verification(EnvelopeVerification):
    """The result of verifying one package."""

    # A replay of the very package the ledger holds: accepted before, so a receipt says so.
    already_accepted: bool = False
    # A fork only because packages after this accepted sequence number never arrived.
    gap_after: int | None = None

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
            **self.verdict_json(),
            "unit_code": self.unit_code,
            "period": self.period,
            "seq": self.seq,
        }


def _claimed(c: StepContext) -> str:
    return unit_name(c.manifest.get("unit_code", ""))


def _not_a_package(kind: object) -> str:
    """Say in words what a file of another kind is (never by its manifest code)."""
    if not kind:
        return _(
            "这不是 VetDesk 上报包（是普通工作簿）。请确认对方发送的是用“导出上报包”生成的文件。"
        )
    return _("这是 VetDesk {kind}，不是上报包，不能在这里核验。").format(kind=kind_name(str(kind)))


def _other_kind_remedy(c: StepContext) -> str:
    """Which command takes a task package or a receipt (they are imported, not verified here)."""
    kind = c.file_kind if c.file_kind != KIND_PACKAGE else c.manifest.get("kind")
    if kind == KIND_TASK:
        return _("任务包由县区导入：vetdesk task import --db 县区数据库 文件。")
    if kind == KIND_RECEIPT:
        return _("回执由县区导入：vetdesk receipt import --db 县区数据库 文件。")
    return ""


_WORDING = {
    Step.NOT_THIS_KIND: lambda c: _not_a_package(c.file_kind),
    Step.MALFORMED: lambda c: _("签名数据已被修改或损坏（隐藏的 _vetdesk 工作表），上报包不可信。"),
    Step.FORMAT: lambda c: _(
        "上报包格式版本 {v} 比本软件支持的更新，请升级 VetDesk 后再核验。"
    ).format(v=c.format),
    Step.UNKNOWN_KEY: lambda c: _(
        "上报包的签名密钥（{key}）未在本单位登记。请向{unit}索取公钥文件和签字盖章的登记表，核对指纹后登记（“签名密钥”页面的“登记对方公钥”，或命令 vetdesk trust add）。"
    ).format(key=c.key_id, unit=_claimed(c)),
    Step.REVOKED_KEY: lambda c: _(
        "上报包的签名密钥（指纹 {fp}）已被吊销或更换，不再接受其签名的上报包。"
    ).format(fp=c.key.fingerprint if c.key else ""),
    Step.WRONG_UNIT: lambda c: _(
        "上报包自称来自{claimed}，但签名密钥登记给的是单位 {real}。"
    ).format(claimed=_claimed(c), real=c.key.unit_code if c.key else ""),
    Step.BAD_STORED_KEY: lambda c: _("登记的公钥已损坏，请重新登记。"),
    Step.BAD_SIGNATURE: lambda c: _(
        "签名数据在签名后被修改（隐藏的 _vetdesk 工作表），上报包不可信。"
    ),
    Step.MANIFEST_KIND: lambda c: _not_a_package(c.manifest.get("kind")),
    Step.UNSIGNED_SHEET: lambda c: _(
        "工作表“{sheet}”不在签名范围内（签名数据没有列出它），是签名后加入的，上报包不可信。请让对方重新导出。"
    ).format(sheet=c.sheet),
    Step.CHANGED_SHEET: lambda c: _(
        "工作表“{sheet}”的数据在签名后被修改（增删行或改动了数值），上报包不可信。请让对方重新导出。"
    ).format(sheet=c.sheet),
}


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


def _valid(db: Database, result: Verification) -> None:
    manifest = result.manifest
    content = result.content
    assert manifest is not None and content is not None and result.manifest_sha256 is not None
    result.message = _("上报包有效：来自{unit}，{year} 年度，第 {seq} 号。").format(
        unit=unit_name(manifest.get("unit_code", "")),
        year=manifest.get("period"),
        seq=manifest.get("seq"),
    )
    result.notes.extend(
        readable_warnings(manifest, content, result.fingerprint or "", result.manifest_sha256)
    )
    del db


def _ledger(db: Database, session: Session, result: Verification) -> None:
    del db
    _check_ledger(session, result)
    _check_statistics_date(session, result)


def signed_statistics_date(manifest: dict[str, Any]) -> dt.date | None:
    """The statistics date the package signed (None when its manifest has none)."""
    text = manifest.get("statistics_date")
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _check_statistics_date(session: Session, result: Verification) -> None:
    # A county may have counted at another date than the city's period (统计时点): the data
    # is still that county's signed report, so the merge goes on, but never silently — as
    # a task package's import shows a changed statistics date, the city sees both dates.
    manifest = result.manifest
    assert manifest is not None
    signed = signed_statistics_date(manifest)
    held = session.scalar(
        select(models.Period.statistics_date).where(models.Period.year == result.period)
    )
    if signed is None or held is None or signed == held:
        return
    result.notes.append(
        _(
            "注意：上报包的统计时点是 {signed}，与本库 {year} 年度统计期的统计时点 {held} 不同。"
            "合并后该年度的统计时点仍为 {held}；如对方填报时用错了统计时点，请与对方核实后"
            "让其改正重报。"
        ).format(signed=signed.isoformat(), year=result.period, held=held.isoformat())
    )


PACKAGE = EnvelopeKind(
    kind=KIND_PACKAGE,
    namespace=NAMESPACE_PACKAGE,
    wrong_kind=Verdict.NOT_PACKAGE,
    wording=_WORDING,
    remedies={
        Step.NOT_THIS_KIND: _other_kind_remedy,
        Step.MANIFEST_KIND: _other_kind_remedy,
    },
    sheets=ALL_SHEETS,
    content_check=_valid,
    ledger=_ledger,
)


def verify_content(
    db: Database,
    content: WorkbookContent,
    *,
    check_ledger: bool = True,
    session: Session | None = None,
) -> Verification:
    """Verify an already read workbook (keys and ledger read in ``session`` when given)."""
    result = Verification(content.file_name, Verdict.VALID, "")
    verify_envelope(db, content, PACKAGE, result, session=session, check_ledger=check_ledger)
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
    content = read_signed_file(path, PACKAGE)
    if isinstance(content, Refusal):
        return Verification(path.name, content.verdict, content.message, own_remedy=content.remedy)
    return verify_content(db, content, check_ledger=check_ledger)
