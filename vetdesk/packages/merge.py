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

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.backup import REASON_MERGE
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import privacy_in_force
from vetdesk.db.period_data import get_period
from vetdesk.db.periods import ensure_period
from vetdesk.db.write_policy import WriteAction, decide, require
from vetdesk.domain.id_privacy import IdPrivacy, hash_id_number, is_hashed_id
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.domain.units import load_units
from vetdesk.errors import UsageError, VetDeskError
from vetdesk.i18n import _
from vetdesk.packages.changeset import (
    ChangeSet,
    SchoolRef,
    chunks,
    compute_changeset,
    county_schools,
    record_school,
)
from vetdesk.packages.changeset_apply import apply_changeset
from vetdesk.packages.explained import RecordNames, teacher_names
from vetdesk.packages.verify import (
    Verdict,
    Verification,
    signed_statistics_date,
    verify_content,
)
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.workbook.importer import SHEET_ORDER, RecordChange, SheetSummary
from vetdesk.workbook.reader import WorkbookContent
from vetdesk.workbook.schema import ALL_SHEETS, EXPLANATIONS, EXPORT_SHEETS, SCHOOLS, TEACHERS


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
    # Sheets the package does not carry (an older format): the merge leaves them as they are.
    kept_sheets: list[str] = field(default_factory=list)
    # The county's rows in those sheets (sheet title -> rows), left exactly as they are.
    kept_rows: dict[str, int] = field(default_factory=dict)
    # What the merge writes: the preview shows it, the merge applies exactly it.
    changeset: ChangeSet | None = None

    @property
    def changeset_digest(self) -> str | None:
        """The fingerprint of the change set shown, to hand back when accepting this preview."""
        return self.changeset.digest() if self.changeset is not None else None

    @property
    def mergeable(self) -> bool:
        """Whether the package can be merged (valid, no conflicts)."""
        return self.verification.ok and not self.conflicts

    @property
    def status(self) -> str:
        """accepted, already_accepted (the same package earlier), rejected or pending (dry run)."""
        if self.applied:
            return "accepted"
        if self.rejected_reason is None and self.verification.already_accepted:
            return "already_accepted"
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


def _foreign_rows(
    content: WorkbookContent, unit: str, own: set[str], registry: dict[str, str]
) -> list[str]:
    # A package may add, change or remove only rows of its signer's schools: a valid
    # signature says who sent the rows, not that they were theirs to send.
    problems: list[str] = []
    for spec in SHEET_ORDER:
        sheet = content.sheet(spec.key)
        if sheet is None or spec is SCHOOLS:
            continue
        for row in sheet.rows:
            if not row.ok:
                problems.append(
                    _("工作表“{sheet}”第 {row} 行有无法读取的数据，整个上报包不予合并。").format(
                        sheet=sheet.title, row=row.row
                    )
                )
                continue
            code = record_school(spec.key, row.values)
            if code in own:
                continue
            owner = load_units().get(registry.get(code, ""))
            problems.append(
                _(
                    "工作表“{sheet}”第 {row} 行属于学校 {code}（{owner}），不是上报单位的学校，"
                    "整个上报包不予合并。"
                ).format(
                    sheet=sheet.title,
                    row=row.row,
                    code=code or "—",
                    owner=owner.name if owner else _("未登记在上报单位名下"),
                )
            )
    return problems


class StalePreview(VetDeskError):
    """The city's data changed after the preview the officer accepted: nothing was merged."""

    code = "stale_preview"


def _confirm_applied(session: Session, preview: MergePreview) -> None:
    # The preview is the merge: after writing, inside the same transaction, the same
    # comparison must find nothing left to do. Anything else is a bug, and the whole
    # merge is rolled back rather than leave the city with what nobody was shown.
    verification = preview.verification
    changeset = preview.changeset
    assert verification.content is not None and changeset is not None
    schools = county_schools(session, changeset.unit)  # new schools have their ids now
    again = compute_changeset(
        session,
        verification.content,
        changeset.unit,
        changeset.year,
        schools,
        same_package=changeset,
    )
    for key, sheet in again.sheets.items():
        if sheet.rows:
            summary = sheet.summary()
            raise RuntimeError(
                f"merge of {verification.file_name} differs from its preview in sheet {key}: "
                f"{summary.added} added, {summary.changed} changed, {summary.removed} removed"
            )


def _package_codes(content: WorkbookContent) -> set[str]:
    codes = set()
    for spec in SHEET_ORDER:
        sheet = content.sheet(spec.key)
        for row in sheet.rows if sheet else []:
            codes.add(record_school(spec.key, row.values))
    return codes


def _other_counties_teachers(
    session: Session, year: int, unit: str, narrow: ColumnElement[bool]
) -> dict[str, tuple[str, str]]:
    # 身份证号 -> (school, county) of the period's teachers outside ``unit`` that ``narrow``
    # (a condition on models.Teacher) selects.
    teacher, school, period = (
        models.Teacher.__table__,
        models.School.__table__,
        models.Period.__table__,
    )
    stmt = (
        select(teacher.c.id_number, school.c.school_code, school.c.county_code)
        .join(school, teacher.c.school_id == school.c.id)
        .join(period, teacher.c.period_id == period.c.id)
        .where(period.c.year == year, school.c.county_code != unit, narrow)
    )
    return {ident: (code, county) for ident, code, county in session.execute(stmt)}


def _teachers_elsewhere(
    session: Session, year: int, unit: str, idents: set[str]
) -> dict[str, tuple[str, str]]:
    # Only the package's own 身份证号 (and their keyed hashes) are looked up: the cost is
    # that of one county, however many counties were merged before.
    found: dict[str, tuple[str, str]] = {}
    for part in chunks(sorted(idents)):
        narrow = models.Teacher.id_number.in_(part)
        found.update(_other_counties_teachers(session, year, unit, narrow))
    return found


def _plain_ids_elsewhere(session: Session, year: int, unit: str) -> dict[str, tuple[str, str]]:
    # Hashed mode with counties that sent plain numbers before the switch: those numbers
    # must be hashed to be compared, so they are read (only the plain ones).
    plain = models.Teacher.id_number.not_like("H%")
    return _other_counties_teachers(session, year, unit, plain)


def preview_merge(
    db: Database, verification: Verification, session: Session | None = None
) -> MergePreview:
    """Compare a verified package with what the city holds for that county and period.

    The comparison is the change set the merge applies (``preview.changeset``); it reads
    only the sending county's schools and rows.
    """
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
        # Inside the merge's own transaction when it applies: a period locked meanwhile refuses.
        decision = decide(session, WriteAction.MERGE_PACKAGE, period=year)
        if not decision.allowed:
            preview.conflicts.append(decision.reason)
        registry = county_schools(session, unit, _package_codes(content))
        schools = _own_schools(preview, content, unit, registry)
        preview.conflicts.extend(
            _foreign_rows(
                content, unit, set(schools), {c: ref.county_code for c, ref in registry.items()}
            )
        )
        changeset = compute_changeset(session, content, unit, year, schools)
        privacy = privacy_in_force(session)
        preview.duplicates = _duplicates(session, content, unit, year, privacy)
        indicators = {i.id: i.label for i in ruleset_in_force(db, session).indicators.values()}
    finally:
        if own:
            session.close()
    names = {code: ref.name for code, ref in schools.items()}
    schools_sheet = content.sheet(SCHOOLS.key)
    for row in schools_sheet.rows if schools_sheet else []:
        names[str(row.values.get("school_code"))] = str(row.values.get("name"))
    preview.changeset = changeset
    preview.summary = changeset.summary()
    roster = content.sheet(TEACHERS.key)
    explanations = changeset.sheets.get(EXPLANATIONS.key)
    # Teachers are named only in the labels of explanations: without one to list, the
    # roster's keys (a SHA-256 per teacher) are not made.
    teachers = (
        teacher_names(
            [*changeset.teacher_records(), *(row.values for row in (roster.rows if roster else []))]
        )
        if explanations is not None and explanations.rows
        else {}
    )
    preview.changes = changeset.describe(names, RecordNames(names, teachers, indicators))
    preview.kept_sheets = [s.sheet_title for s in EXPORT_SHEETS if content.sheet(s.key) is None]
    preview.kept_rows = {ALL_SHEETS[k].sheet_title: n for k, n in changeset.kept.items()}
    return preview


def _own_schools(
    preview: MergePreview, content: WorkbookContent, unit: str, registry: dict[str, SchoolRef]
) -> dict[str, SchoolRef]:
    # The sender's registered schools, plus the new schools its 学校名录 registers.
    schools = {code: ref for code, ref in registry.items() if ref.county_code == unit}
    schools_sheet = content.sheet(SCHOOLS.key)
    for row in schools_sheet.rows if schools_sheet else []:
        code = str(row.values.get("school_code"))
        county = row.values.get("county_code")
        if county != unit:
            preview.conflicts.append(
                _("上报包中的学校 {code} 属于县区 {county}，不属于上报单位。").format(
                    code=code, county=county
                )
            )
        elif code in registry and registry[code].county_code != unit:
            owner = load_units().get(registry[code].county_code)
            preview.conflicts.append(
                _(
                    "学校标识码 {code} 已登记在{owner}名下，不能同时属于两个县区。请与两县核实。"
                ).format(code=code, owner=owner.name if owner else registry[code].county_code)
            )
        elif code not in schools:
            schools[code] = SchoolRef(0, unit, str(row.values.get("name")))  # new: no id yet
    return schools


def _duplicates(
    session: Session, content: WorkbookContent, unit: str, year: int, privacy: IdPrivacy
) -> list[str]:
    teachers = content.sheet("teachers")
    rows = teachers.rows if teachers else []
    idents = {str(r.values.get("id_number")) for r in rows if r.values.get("id_number")}
    if privacy.hashed:
        # Counties that sent plain numbers and counties that sent hashes are compared alike.
        idents |= {hash_id_number(privacy, i) for i in idents if not is_hashed_id(i)}
    others = _teachers_elsewhere(session, year, unit, idents)
    if privacy.hashed and any(is_hashed_id(i) for i in idents):
        for plain, where in _plain_ids_elsewhere(session, year, unit).items():
            others.setdefault(hash_id_number(privacy, plain), where)
    found = []
    for row in rows:
        ident: Any = row.values.get("id_number")
        if privacy.hashed and ident not in others and not is_hashed_id(str(ident)):
            ident = hash_id_number(privacy, str(ident)) if str(ident) else ident
        if ident in others:
            code, county = others[ident]
            owner = load_units().get(county)
            found.append(
                _("教师 {name}（{id}）同时登记在{owner}的学校 {school}。").format(
                    name=row.values.get("name"),
                    id=_("身份证号已加密")
                    if is_hashed_id(str(ident))
                    else mask_id_number(str(ident)),
                    owner=owner.name if owner else county,
                    school=code,
                )
            )
    return found


def accept_gap(verification: Verification, reason: str | None) -> str | None:
    """Let the city accept a sequence gap with a reason; the reason to record, or None."""
    reason = (reason or "").strip()
    if not reason or verification.verdict != Verdict.FORK or verification.gap_after is None:
        return None
    verification.verdict = Verdict.VALID
    verification.notes.append(
        _("市局接受第 {last} 号之后的序号缺口，原因：{reason}").format(
            last=verification.gap_after, reason=reason
        )
    )
    return reason


def apply_merge(
    db: Database,
    verification: Verification,
    *,
    file_name: str = "",
    gap_reason: str | None = None,
    expected: str | None = None,
) -> MergePreview:
    """Merge the package a verification read, verifying it again inside the write transaction.

    The verification only supplies the workbook as read: signature, keys and ledger are
    checked anew under the write lock, so a verification from an earlier moment (before
    a newer package was merged, a key revoked) can apply nothing. ``expected``: the
    digest of the change set shown to the officer (refused if it is no longer what the
    merge would write).
    """
    if verification.content is None:
        return preview_merge(db, verification)
    # A first check without the lock spares an invalid package the pre-merge backup; the
    # decisive one runs again inside the write transaction.
    current = verify_content(db, verification.content)
    accept_gap(current, gap_reason)
    if not current.ok:
        return preview_merge(db, current)
    with db.guarded_write("merge", REASON_MERGE), db.transaction() as session:
        return merge_in_transaction(
            db,
            session,
            verification.content,
            file_name=file_name,
            gap_reason=gap_reason,
            expected=expected,
        )


def merge_in_transaction(
    db: Database,
    session: Session,
    content: WorkbookContent,
    *,
    file_name: str = "",
    gap_reason: str | None = None,
    expected: str | None = None,
) -> MergePreview:
    """Verify a read package in the caller's write transaction and, when valid, merge it.

    The change set is computed here, under the write lock, and applied exactly; with
    ``expected`` (the digest of the preview the officer saw) a change set that differs
    raises :class:`StalePreview` and nothing is written.
    """
    verification = verify_content(db, content, session=session)
    accepted_gap = accept_gap(verification, gap_reason)
    preview = preview_merge(db, verification, session)
    if preview.mergeable:
        if expected is not None and preview.changeset_digest != expected:
            raise StalePreview(
                _(
                    "自预览以来，市局数据库中{unit}的数据已有变化，预览已不是合并将写入的内容。"
                    "本次未合并任何数据，请重新预览后再接收。"
                ).format(unit=_unit_name(str(verification.unit_code)))
            )
        _write_merge(db, session, preview, file_name or verification.file_name, accepted_gap)
    return preview


def _unit_name(code: str) -> str:
    unit = load_units().get(code)
    return unit.name if unit else code


def _write_merge(
    db: Database, session: Session, preview: MergePreview, file_name: str, gap_reason: str | None
) -> None:
    verification = preview.verification
    manifest = verification.manifest
    changeset = preview.changeset
    assert manifest is not None and changeset is not None
    unit = str(verification.unit_code)
    year = verification.period
    assert year is not None
    period = ensure_period(session, year, signed_statistics_date(manifest))
    session.flush()
    # Exactly the change set the preview showed: no row it does not list is touched.
    apply_changeset(session, changeset, period.id, db.info().operator)
    session.expire_all()  # the ORM's copies predate the bulk statements
    _confirm_applied(session, preview)
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
            file_name=file_name,
            errors=int(check.get("errors", 0)),
            warnings=int(check.get("warnings", 0)),
            warnings_explained=int(check.get("warnings_explained", 0)),
            counts=json.dumps(manifest.get("counts", {}), ensure_ascii=False, sort_keys=True),
            gap_reason=gap_reason,
        )
    )
    preview.applied = True


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
        if not rows and not refusals:
            # A year the city has neither created nor received a package for has no board:
            # say so and how to create it. (A refused first package leaves no period but is
            # on the board: the county must send again.)
            get_period(session, year)
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


def rejection_reason(reason: str) -> str:
    """The reason recorded for a refusal (a default when none was given)."""
    return reason.strip() or _("市局审核未通过。")


def record_rejection(db: Database, session: Session, preview: MergePreview) -> None:
    """Remember a refused package for the status board, in the caller's transaction."""
    verification = preview.verification
    unit, year = verification.unit_code, verification.period
    if unit is None or year is None:
        return
    require(session, WriteAction.REJECT_PACKAGE, period=year)
    session.add(
        models.PackageRejection(
            unit_code=unit,
            period_year=year,
            seq=verification.seq,
            manifest_sha256=verification.manifest_sha256,
            file_name=verification.file_name,
            reason=preview.rejected_reason or rejection_reason(""),
            rejected_at=dt.datetime.now().replace(microsecond=0),
            operator=db.info().operator,
        )
    )


def reject(db: Database, preview: MergePreview, reason: str) -> MergePreview:
    """Refuse a previewed package with a reason, remembered for the status board."""
    preview.rejected_reason = rejection_reason(reason)
    with db.transaction() as session:
        record_rejection(db, session, preview)
    return preview
