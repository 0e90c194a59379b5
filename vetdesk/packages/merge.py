"""The city's merge: verified packages replace each county-period's data, all or nothing.

Each accepted package is a full snapshot of one county and period: its data replaces
what the city last accepted from that county for that period, in one transaction
per package, and the ledger records it. A preview shows rows added, removed and
changed (old → new) against that data; cross-county duplicates are flagged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.backup import REASON_MERGE
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import privacy_in_force
from vetdesk.db.periods import ensure_period
from vetdesk.domain.id_privacy import hash_id_number, is_hashed_id
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.packages.verify import Verification
from vetdesk.workbook.importer import (
    SHEET_ORDER,
    SIMPLE_MODELS,
    RecordChange,
    SheetSummary,
    _apply,
    _current_state,
    _key,
    diff_sheet,
    statistics_date_of,
)
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import EXPLANATIONS, SCHOOLS


@dataclass
class MergePreview:
    """What merging one verified package would do."""

    verification: Verification
    summary: dict[str, SheetSummary] = field(default_factory=dict)
    changes: list[RecordChange] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    applied: bool = False
    rejected_reason: str | None = None

    @property
    def mergeable(self) -> bool:
        """Whether the package can be merged (valid, no conflicts)."""
        return self.verification.ok and not self.conflicts

    @property
    def status(self) -> str:
        """accepted, rejected or pending (dry run)."""
        if self.applied:
            return "accepted"
        if self.rejected_reason is not None or not self.mergeable:
            return "rejected"
        return "pending"

    @property
    def reasons(self) -> list[str]:
        """Why a package was rejected."""
        if self.rejected_reason:
            return [self.rejected_reason]
        if not self.verification.ok:
            return [self.verification.message]
        return list(self.conflicts)


def _record_school(spec_key: str, record: Record) -> str:
    if spec_key == EXPLANATIONS.key:
        parts = str(record.get("record_key", "")).split(":")
        return parts[1] if len(parts) > 1 else ""
    return str(record.get("school_code", ""))


def preview_merge(
    db: Database, verification: Verification, session: Session | None = None
) -> MergePreview:
    """Compare a verified package with what the city holds for that county and period."""
    preview = MergePreview(verification)
    if not verification.ok or verification.content is None:
        return preview
    if not db.info().is_city:
        raise UsageError(_("只有市级数据库可以合并上报包。"))
    content = verification.content
    unit = str(verification.unit_code)
    year = verification.period
    assert year is not None
    own = session is None
    session = session or db.session()
    try:
        state = _current_state(session, db, year)
        others = {
            t_id: (code, county)
            for t_id, code, county in session.execute(
                select(
                    models.Teacher.id_number, models.School.school_code, models.School.county_code
                )
                .join(models.School, models.Teacher.school_id == models.School.id)
                .join(models.Period, models.Teacher.period_id == models.Period.id)
                .where(models.Period.year == year, models.School.county_code != unit)
            ).all()
        }
        privacy = privacy_in_force(session)
    finally:
        if own:
            session.close()
    if privacy.hashed:
        # Counties that sent plain numbers and counties that sent hashes are compared alike.
        others.update(
            {
                hash_id_number(privacy, ident): where
                for ident, where in list(others.items())
                if not is_hashed_id(ident)
            }
        )
    county_schools = {code for code, county in state.school_codes.items() if county == unit}
    names = dict(state.names)
    schools_sheet = content.sheet(SCHOOLS.key)
    for row in schools_sheet.rows if schools_sheet else []:
        code = row.values.get("school_code")
        county = row.values.get("county_code")
        names[str(code)] = str(row.values.get("name"))
        if county != unit:
            preview.conflicts.append(
                _("上报包中的学校 {code} 属于县区 {county}，不属于上报单位。").format(
                    code=code, county=county
                )
            )
        elif code in state.school_codes and state.school_codes[code] != unit:
            owner = load_units().get(state.school_codes[code])
            preview.conflicts.append(
                _(
                    "学校标识码 {code} 已登记在{owner}名下，不能同时属于两个县区。请与两县核实。"
                ).format(code=code, owner=owner.name if owner else state.school_codes[code])
            )
        county_schools.add(str(code))
    for spec in SHEET_ORDER:
        sheet = content.sheet(spec.key)
        if sheet is None:
            continue
        incoming = {_key(spec, r.values): r.values for r in sheet.rows if r.ok}
        current = {
            k: v
            for k, v in state.records[spec.key].items()
            if _record_school(spec.key, v) in county_schools
        }
        removable = None if spec is SCHOOLS else (lambda _record: True)
        summary, changes = diff_sheet(spec, current, incoming, names, removable)
        preview.summary[spec.key] = summary
        preview.changes.extend(changes)
    teachers = content.sheet("teachers")
    for row in teachers.rows if teachers else []:
        ident = row.values.get("id_number")
        if privacy.hashed and ident not in others and not is_hashed_id(str(ident)):
            ident = hash_id_number(privacy, str(ident)) if str(ident) else ident
        if ident in others:
            code, county = others[ident]
            owner = load_units().get(county)
            preview.duplicates.append(
                _("教师 {name}（{id}）同时登记在{owner}的学校 {school}。").format(
                    name=row.values.get("name"),
                    id=_("身份证号已加密")
                    if is_hashed_id(str(ident))
                    else mask_id_number(str(ident)),
                    owner=owner.name if owner else county,
                    school=code,
                )
            )
    return preview


def apply_merge(db: Database, verification: Verification, *, file_name: str = "") -> MergePreview:
    """Merge one verified package: replace the county-period's data and record it, or nothing."""
    with db.guarded_write("merge", REASON_MERGE), db.transaction() as session:
        preview = preview_merge(db, verification, session)
        if not preview.mergeable:
            return preview
        content = verification.content
        manifest = verification.manifest
        assert content is not None and manifest is not None
        unit = str(verification.unit_code)
        year = verification.period
        assert year is not None
        period = ensure_period(session, year, statistics_date_of(content))
        school_ids = list(
            session.scalars(select(models.School.id).where(models.School.county_code == unit))
        )
        codes = set(
            session.scalars(
                select(models.School.school_code).where(models.School.county_code == unit)
            )
        )
        if school_ids:
            tables: tuple[Any, ...] = (
                models.SchoolCondition,
                models.Teacher,
                models.TrainingProgramme,
                *SIMPLE_MODELS.values(),
            )
            for table in tables:
                for obj in session.scalars(
                    select(table).where(
                        table.period_id == period.id, table.school_id.in_(school_ids)
                    )
                ):
                    session.delete(obj)
        for expl in session.scalars(
            select(models.WarningExplanation).where(
                models.WarningExplanation.period_id == period.id
            )
        ):
            if _record_school(EXPLANATIONS.key, {"record_key": expl.record_key}) in codes:
                session.delete(expl)
        session.flush()
        _apply(session, db, content, period, None)
        raw_check = manifest.get("check")
        check: dict[str, Any] = raw_check if isinstance(raw_check, dict) else {}
        session.add(
            models.PackageLedger(
                unit_code=unit,
                period_year=year,
                seq=int(manifest["seq"]),
                manifest_sha256=str(verification.manifest_sha256),
                prev_manifest_sha256=manifest.get("prev_manifest_sha256"),
                export_uuid=str(manifest.get("export_uuid", "")),
                key_id=str(manifest.get("key_id", "")),
                package_created=str(manifest.get("created_local", "")),
                county_operator=str(manifest.get("operator", "")),
                accepted_at=dt.datetime.now().replace(microsecond=0),
                operator=db.info().operator,
                file_name=file_name or verification.file_name,
                errors=int(check.get("errors", 0)),
                warnings=int(check.get("warnings", 0)),
                warnings_explained=int(check.get("warnings_explained", 0)),
                counts=json.dumps(manifest.get("counts", {}), ensure_ascii=False, sort_keys=True),
            )
        )
        preview.applied = True
    return preview


@dataclass(frozen=True)
class UnitStatus:
    """One row of the submission status board."""

    unit_code: str
    unit_name: str
    submitted: bool
    seq: int | None
    accepted_at: dt.datetime | None
    county_operator: str
    errors: int
    warnings: int
    warnings_explained: int
    counts: dict[str, Any]
    packages: int
    # The latest refusal after the last accepted package, if any: what the county must redo.
    rejected_at: dt.datetime | None = None
    rejected_seq: int | None = None
    rejected_reason: str = ""


def status_board(db: Database, year: int) -> list[UnitStatus]:
    """Which counties have submitted for a period, when, which sequence, with how many warnings explained."""
    if not db.info().is_city:
        raise UsageError(_("提交情况只在市级数据库中查看。"))
    with db.session() as session:
        rows = list(
            session.scalars(
                select(models.PackageLedger)
                .where(models.PackageLedger.period_year == year)
                .order_by(models.PackageLedger.seq)
            )
        )
        refusals = list(
            session.scalars(
                select(models.PackageRejection)
                .where(models.PackageRejection.period_year == year)
                .order_by(models.PackageRejection.rejected_at, models.PackageRejection.id)
            )
        )
    board = []
    for county in load_units().counties:
        mine = [r for r in rows if r.unit_code == county.code]
        last = mine[-1] if mine else None
        refused = [r for r in refusals if r.unit_code == county.code]
        latest_refusal = refused[-1] if refused else None
        if latest_refusal is not None and last is not None:
            refused_seq = latest_refusal.seq
            if (refused_seq is not None and last.seq > refused_seq) or (
                (refused_seq is None or last.seq == refused_seq)
                and last.accepted_at >= latest_refusal.rejected_at
            ):
                latest_refusal = None  # a later (or the same, reconsidered) package was accepted
        board.append(
            UnitStatus(
                county.code,
                county.name,
                last is not None,
                last.seq if last else None,
                last.accepted_at if last else None,
                last.county_operator if last else "",
                last.errors if last else 0,
                last.warnings if last else 0,
                last.warnings_explained if last else 0,
                json.loads(last.counts) if last else {},
                len(mine),
                latest_refusal.rejected_at if latest_refusal else None,
                latest_refusal.seq if latest_refusal else None,
                latest_refusal.reason if latest_refusal else "",
            )
        )
    return board


def reject(db: Database, preview: MergePreview, reason: str) -> MergePreview:
    """Refuse a previewed package with a reason, remembered for the status board."""
    preview.rejected_reason = reason.strip() or _("市局审核未通过。")
    verification = preview.verification
    unit, year = verification.unit_code, verification.period
    if unit is not None and year is not None:
        with db.transaction() as session:
            session.add(
                models.PackageRejection(
                    unit_code=unit,
                    period_year=year,
                    seq=verification.seq,
                    manifest_sha256=verification.manifest_sha256,
                    file_name=verification.file_name,
                    reason=preview.rejected_reason,
                    rejected_at=dt.datetime.now().replace(microsecond=0),
                    operator=db.info().operator,
                )
            )
    return preview
