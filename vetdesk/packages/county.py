"""The county's official, signed package for a period.

Refused while validation errors remain or warnings lack explanations. The sequence
number only grows per unit and period (kept in the database and, in case the
database is restored from a backup, in a small file beside the key), and each
manifest names the hash of the previous one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from vetdesk import __version__
from vetdesk.db import migrate, models
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import privacy_in_force
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.id_privacy import IdPrivacy, hash_id_number
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.packages.envelope import (
    ALGORITHM,
    MANIFEST_FORMAT,
    manifest_hash,
    readable_digest,
    seal,
    sheet_digest,
)
from vetdesk.packages.sequence import remember_seq, remembered_seq
from vetdesk.packages.verify import verify_content
from vetdesk.signing.keys import NAMESPACE_PACKAGE, fingerprint, key_id
from vetdesk.signing.keystore import active_key, unlock_key
from vetdesk.validation.check import CheckReport
from vetdesk.validation.findings import teacher_key
from vetdesk.workbook.atomic import temp_space_errors
from vetdesk.workbook.export import (
    ExportSnapshot,
    build_export_workbook,
    check_target,
    cover_lines,
    cover_title,
    indicator_headers,
    indicator_rows,
    take_snapshot,
)
from vetdesk.workbook.meta import KIND_PACKAGE
from vetdesk.workbook.reader import read_workbook, text_rows
from vetdesk.workbook.schema import EXPORT_SHEETS
from vetdesk.workbook.writer import CoverLine, save_workbook


class NotReadyToSubmit(InputRejected):
    """Checks still fail: the official package cannot be exported."""

    code = "not_ready"

    def __init__(self, message: str, report: CheckReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class PackageResult:
    """What was exported."""

    path: Path
    seq: int
    manifest_sha256: str
    fingerprint: str
    counts: dict[str, int]


SEQ_FILE = "last_seq.json"


def _hash_id_numbers(snapshot: ExportSnapshot, privacy: IdPrivacy) -> None:
    # The city asked for keyed hashes: no 身份证号 leaves the county in this package, nor
    # anything derived from one without the key. A teacher's explanation key is an
    # unkeyed digest of the number (brute-forced in a minute over region × birth date ×
    # sequence), so it is rebuilt from the keyed hash — the key the city's own checks
    # compute from the hashed number it stores, so the explanations still attach there.
    rekeyed = {
        teacher_key(str(t["school_code"]), str(t["id_number"])): teacher_key(
            str(t["school_code"]), hash_id_number(privacy, str(t["id_number"]))
        )
        for t in snapshot.records["teachers"]
    }
    for key in ("teachers", "practices"):
        snapshot.records[key] = [
            {**record, "id_number": hash_id_number(privacy, str(record["id_number"]))}
            for record in snapshot.records[key]
        ]
    snapshot.records["explanations"] = [
        {**record, "record_key": rekeyed.get(str(record["record_key"]), record["record_key"])}
        for record in snapshot.records["explanations"]
    ]


def refusal_message(report: CheckReport) -> str:
    """Why the official package cannot be exported yet."""
    lines = [
        _("数据尚未通过核验，不能导出正式上报包：错误 {e} 条，未说明的警告 {w} 条。").format(
            e=len(report.errors), w=len(report.unexplained_warnings)
        )
    ]
    for finding in [*report.errors, *report.unexplained_warnings][:10]:
        lines.append(f"  · {finding.record_label}：{finding.message}")
    lines.append(_("请修正错误并为警告填写说明后再导出；如只需备份，可导出未签名草稿（--draft）。"))
    return "\n".join(lines)


def export_package(
    db: Database, year: int, target: Path, passphrase: str | Callable[[], str]
) -> PackageResult:
    """Export the signed package of a period.

    ``passphrase`` may be a function asking for it: it is called only once the package can
    be made (the unit has a key, the data is ready), so nobody types a passphrase for a key
    that does not exist or for data that will be refused anyway.
    """
    check_target(target)
    info = db.info()
    with db.session() as session:
        require(session, WriteAction.EXPORT_PACKAGE, period=year)
    own = active_key(db)
    snapshot = take_snapshot(db, year)
    report = snapshot.report
    if not report.ready_to_submit:
        raise NotReadyToSubmit(refusal_message(report), report)
    private = unlock_key(db, passphrase() if callable(passphrase) else passphrase)
    with db.session() as session:
        privacy = privacy_in_force(session)
    if privacy.hashed:
        _hash_id_numbers(snapshot, privacy)
    with db.session() as session:
        last = session.scalar(
            select(models.PackageExport)
            .where(models.PackageExport.period_year == year)
            .order_by(models.PackageExport.seq.desc())
            .limit(1)
        )
        db_seq = (
            session.scalar(
                select(func.max(models.PackageExport.seq)).where(
                    models.PackageExport.period_year == year
                )
            )
            or 0
        )
    seq = max(db_seq, remembered_seq(info.unit_code, year, SEQ_FILE)) + 1
    # The cover and the 核验结果 sheet are signed as the text they show, so that the city
    # is warned when someone edits what a person reads (the merge reads the data sheets).
    cover = cover_lines(db, snapshot, KIND_PACKAGE)
    cover_rows = text_rows(
        [[cover_title(db, snapshot, KIND_PACKAGE)], *[[line.label, line.value] for line in cover]]
    )
    indicators = text_rows([indicator_headers(), *indicator_rows(snapshot.report)])
    explained = len(report.warnings)
    manifest = {
        "format": MANIFEST_FORMAT,
        "alg": ALGORITHM,
        "kind": KIND_PACKAGE,
        "unit_code": info.unit_code,
        "unit_name": info.unit_name,
        "period": year,
        # Signed: the city stores it as the period's statistics date and sends it on.
        "statistics_date": snapshot.data.period.statistics_date.isoformat(),
        "seq": seq,
        "prev_manifest_sha256": last.manifest_sha256 if last else None,
        "export_uuid": str(uuid.uuid4()),
        "key_id": key_id(private.public_key()),
        "created_local": dt.datetime.now().replace(microsecond=0).isoformat(),
        "app_version": __version__,
        "schema_version": migrate.head_revision(),
        "operator": info.operator,
        "ruleset": {"id": report.ruleset.ruleset_id, "version": report.ruleset.version},
        "check": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "warnings_explained": explained,
        },
        "counts": snapshot.counts(),
        "id_privacy": {"mode": privacy.mode, "key_id": privacy.key_id},
        "sheets": {
            spec.key: sheet_digest(spec, snapshot.records[spec.key]) for spec in EXPORT_SHEETS
        },
        "readable": {
            "cover": readable_digest(cover_rows),
            "indicators": readable_digest(indicators),
        },
    }
    manifest_text, signature = seal(private, NAMESPACE_PACKAGE, manifest)
    digest = manifest_hash(manifest)
    fp = fingerprint(private.public_key())
    extra = [
        CoverLine(_("上报包序号"), str(seq)),
        CoverLine(_("签名密钥指纹"), fp),
        CoverLine(_("上报包标识（SHA-256）"), digest),
    ]
    with temp_space_errors(target):
        workbook, _meta = build_export_workbook(
            db,
            snapshot,
            KIND_PACKAGE,
            {
                "manifest": manifest_text,
                "signature": signature,
                "fingerprint": fp,
                "seq": str(seq),
                "key_id": str(manifest["key_id"]),
            },
            extra_cover=extra,
            cover=cover,
        )

    def verify_and_record(tmp: Path) -> None:
        # Read the written file back with the city's own verifier: a writer/reader
        # mismatch is caught here, not at the city.
        content = read_workbook(tmp)
        content.file_name = target.name
        result = verify_content(db, content, check_ledger=False)
        if not result.ok:
            raise RuntimeError(
                f"package failed its own verification: {result.verdict} {result.sheet}"
            )
        with db.transaction() as session:
            # Again in the transaction that records the package: the period may have changed.
            require(session, WriteAction.EXPORT_PACKAGE, period=year)
            session.add(
                models.PackageExport(
                    period_year=year,
                    seq=seq,
                    manifest_sha256=digest,
                    prev_manifest_sha256=manifest["prev_manifest_sha256"],
                    key_id=manifest["key_id"],
                    created_at=dt.datetime.now().replace(microsecond=0),
                    operator=info.operator,
                    file_name=target.name,
                )
            )
        remember_seq(info.unit_code, year, seq, SEQ_FILE)

    with temp_space_errors(target):
        save_workbook(workbook, target, verify_and_record)
    del own
    return PackageResult(target, seq, digest, fp, snapshot.counts())
