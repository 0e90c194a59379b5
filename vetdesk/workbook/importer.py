"""Importing a workbook: a preview of what would change, then all of it or nothing.

Each data sheet replaces, for every school it mentions, that school's rows of the
period (a school's returned template is its complete roster); schools and warning
explanations are only added or updated. Any refused cell refuses the whole file, so
a half-correct roster can never remove teachers whose rows had a typo.

A column the sheet lacks leaves the stored values of that column as they are, and a
workbook without an 企业实践 sheet leaves every teacher's practices alone. Pasted rows
(``WorkbookContent.partial``) are a selection rather than a roster: they add and
update, and remove nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.backup import REASON_IMPORT
from vetdesk.db.database import Database
from vetdesk.db.period_data import load_period_data, load_schools
from vetdesk.db.periods import ensure_period
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.validation.check import load_explanations
from vetdesk.workbook.cells import shown_value
from vetdesk.workbook.import_roster import apply_roster
from vetdesk.workbook.meta import (
    KIND_DRAFT,
    KIND_EXPORT,
    KIND_PACKAGE,
    KIND_TEMPLATE,
    kind_name,
)
from vetdesk.workbook.reader import (
    ImportIssue,
    ParsedRow,
    SheetRows,
    WorkbookContent,
)
from vetdesk.workbook.rows import Record, canonical_value, sheet_records
from vetdesk.workbook.schema import (
    CONDITIONS,
    EXPLANATIONS,
    PRACTICES,
    SCHOOLS,
    SIMPLE_SHEETS,
    SUPPORTED_TEMPLATE_FORMATS,
    TEACHERS,
    TRAININGS,
    SheetSpec,
)
from vetdesk.workbook.writer import cell_value

IMPORTABLE_KINDS = (KIND_TEMPLATE, KIND_EXPORT, KIND_DRAFT, KIND_PACKAGE)
SHEET_ORDER: tuple[SheetSpec, ...] = (
    SCHOOLS,
    CONDITIONS,
    TEACHERS,
    PRACTICES,
    TRAININGS,
    *SIMPLE_SHEETS,
    EXPLANATIONS,
)
# The table behind each ten-measure sheet.
SIMPLE_MODELS: dict[str, type[Any]] = {
    "majors": models.Major,
    "enterprises": models.CooperatingEnterprise,
    "pilots": models.CertificatePilot,
    "destinations": models.GraduateDestination,
    "bases": models.TrainingBase,
}
_REPLACED_PER_SCHOOL = {
    **{spec.key: True for spec in SIMPLE_SHEETS},
    CONDITIONS.key: False,
    TEACHERS.key: True,
    PRACTICES.key: True,
    TRAININGS.key: True,
}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FieldChange:
    """One changed field: label, old value, new value (display text)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    """What an import does to one record."""

    sheet: str
    record: str
    action: str  # "add", "change", "remove"
    fields: tuple[FieldChange, ...] = ()


@dataclass
class SheetSummary:
    """Counts per sheet."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class ImportPlan:
    """The preview of an import."""

    file_name: str
    year: int | None
    kind: str
    issues: list[ImportIssue]
    changes: list[RecordChange] = field(default_factory=list)
    summary: dict[str, SheetSummary] = field(default_factory=dict)
    creates_period: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file can be imported (no refused cell)."""
        return not self.issues

    @property
    def has_changes(self) -> bool:
        """Whether importing would change anything."""
        # The counts, not the list of changes: a plan may count without naming them.
        counted = any(s.added or s.changed or s.removed for s in self.summary.values())
        return counted or self.creates_period


def _key(spec: SheetSpec, values: Record) -> tuple[Any, ...]:
    return tuple([canonical_value(column, values.get(k)) for k, column in spec.key_columns])


def _label(spec: SheetSpec, values: Record, names: dict[str, str]) -> str:
    parts = [shown_value(column, values.get(key)) for key, column in spec.key_columns]
    school = names.get(str(values.get("school_code", "")), "")
    if spec is TEACHERS and values.get("name"):
        parts.insert(1, str(values["name"]))
    return " ".join(p for p in ([school] if school else []) + parts if p)


def _differences(
    spec: SheetSpec, old: Record, new: Record, present: Collection[str] | None
) -> tuple[FieldChange, ...]:
    changes = []
    for column in spec.data_columns:
        if present is not None and column.key not in present:
            continue  # a column the sheet lacks leaves the stored value as it is
        before = canonical_value(column, old.get(column.key))
        after = canonical_value(column, new.get(column.key))
        if before != after:
            changes.append(
                FieldChange(
                    _(column.header),
                    shown_value(column, cell_value(column, old.get(column.key))),
                    shown_value(column, cell_value(column, new.get(column.key))),
                )
            )
    return tuple(changes)


@dataclass
class _State:
    """The database side of the comparison."""

    school_codes: dict[str, str]  # code -> county
    names: dict[str, str]
    records: dict[str, dict[tuple[Any, ...], Record]]
    period_exists: bool


def _current_state(session: Session, db: Database, year: int) -> _State:
    schools = load_schools(session)
    names = {s.school_code: s.name for s in schools}
    codes = {s.school_code: s.county_code for s in schools}
    period = session.scalar(select(models.Period).where(models.Period.year == year))
    records: dict[str, dict[tuple[Any, ...], Record]] = {spec.key: {} for spec in SHEET_ORDER}
    for s in schools:
        records[SCHOOLS.key][(s.school_code,)] = {
            c.key: getattr(s, c.key) for c in SCHOOLS.data_columns
        }
    if period is not None:
        data = load_period_data(session, year)
        explanations = load_explanations(session, period.id)
        for spec in SHEET_ORDER[1:]:
            for record in sheet_records(spec, data, explanations):
                records[spec.key][_key(spec, record)] = record
    del db
    return _State(codes, names, records, period is not None)


def _resolve_year(content: WorkbookContent, year: int | None) -> int:
    meta_year = content.meta.period if content.meta else None
    if year is not None and meta_year is not None and year != meta_year:
        raise UsageError(
            _("文件属于 {file} 年度，与指定的 {given} 年度不一致。").format(
                file=meta_year, given=year
            )
        )
    resolved = year if year is not None else meta_year
    if resolved is None:
        raise UsageError(
            _("无法从文件中判断统计年度（文件不是由 VetDesk 模板生成的），请用 --period 指定。")
        )
    return resolved


def _check_meta(content: WorkbookContent, db: Database) -> list[ImportIssue]:
    issues: list[ImportIssue] = []
    meta = content.meta
    if meta is None:
        return issues
    if meta.kind not in IMPORTABLE_KINDS:
        issues.append(
            ImportIssue(
                "",
                0,
                "",
                "",
                meta.kind,
                _("该文件是 VetDesk 的{kind}，不是可导入的数据表。").format(
                    kind=kind_name(meta.kind)
                ),
                "wrong_kind",
            )
        )
    if meta.format not in SUPPORTED_TEMPLATE_FORMATS:
        issues.append(
            ImportIssue(
                "",
                0,
                "",
                "",
                str(meta.format),
                _("模板格式版本 {v} 不受支持，请使用当前版本 VetDesk 生成的模板。").format(
                    v=meta.format
                ),
                "template_format",
            )
        )
    unit = meta.get("unit_code")
    info = db.info()
    if unit and not info.is_city and unit != info.unit_code:
        issues.append(
            ImportIssue(
                "",
                0,
                "",
                "",
                unit,
                _("文件属于单位 {file}（{name}），不是本单位 {own}。").format(
                    file=unit, name=meta.get("unit_name"), own=info.unit_code
                ),
                "wrong_unit",
            )
        )
    return issues


def _cross_checks(content: WorkbookContent, state: _State, db: Database) -> list[ImportIssue]:
    issues: list[ImportIssue] = []
    info = db.info()
    allowed_units = db.unit_codes()
    file_schools: dict[str, str] = {}
    schools_sheet = content.sheet(SCHOOLS.key)
    if schools_sheet:
        for row in schools_sheet.rows:
            if not row.ok:
                continue
            code, county = row.values["school_code"], row.values["county_code"]
            if county not in allowed_units:
                issues.append(
                    ImportIssue(
                        schools_sheet.title,
                        row.row,
                        row.columns["county_code"],
                        _("所属县区"),
                        county,
                        _("该校不属于本单位（{unit}），不能导入本数据库。").format(
                            unit=info.unit_name
                        ),
                        "wrong_county",
                    )
                )
            file_schools[code] = county
    known = set(state.school_codes) | set(file_schools)
    teachers_in_file: dict[str, set[str]] = defaultdict(set)
    teachers_sheet = content.sheet(TEACHERS.key)
    if teachers_sheet:
        for row in teachers_sheet.rows:
            if row.ok:
                teachers_in_file[row.values["school_code"]].add(row.values["id_number"])
    # One bad school code gives one issue naming it (where it is first used, with the
    # other rows that refer to it), not one per row of every sheet.
    unknown: dict[str, list[tuple[SheetRows, ParsedRow]]] = defaultdict(list)
    for spec in SHEET_ORDER[1:5]:
        sheet = content.sheet(spec.key)
        if sheet is None:
            continue
        for row in sheet.rows:
            if not row.ok:
                continue
            code = row.values.get("school_code")
            if code not in known:
                unknown[str(code)].append((sheet, row))
                continue
            if spec is PRACTICES:
                ident = row.values["id_number"]
                in_file = code in teachers_in_file
                exists = (
                    (ident in teachers_in_file[code])
                    if in_file
                    else (code, ident) in state.records[TEACHERS.key]
                )
                if not exists:
                    issues.append(
                        ImportIssue(
                            sheet.title,
                            row.row,
                            row.columns["id_number"],
                            _("身份证号"),
                            mask_id_number(ident),
                            _("教师名册中没有这个身份证号，请先在“教师名册”中登记该教师。"),
                            "unknown_teacher",
                        )
                    )
    issues.extend(_unknown_school_issue(code, uses) for code, uses in unknown.items())
    return issues


def _unknown_school_issue(code: str, uses: list[tuple[SheetRows, ParsedRow]]) -> ImportIssue:
    first_sheet, first_row = uses[0]
    places: dict[str, list[int]] = defaultdict(list)
    for sheet, row in uses:
        places[sheet.title].append(row.row)
    where = "；".join(
        _("“{sheet}”第 {rows} 行").format(sheet=title, rows=_row_list(rows))
        for title, rows in places.items()
    )
    return ImportIssue(
        first_sheet.title,
        first_row.row,
        first_row.columns["school_code"],
        _("学校标识码"),
        code,
        _(
            "学校标识码 {code} 不在本单位学校名录中，请核对（本文件共 {n} 行使用此代码：{where}）。"
        ).format(code=code, n=len(uses), where=where),
        "unknown_school",
    )


def _row_list(rows: list[int], shown: int = 8) -> str:
    text = "、".join(str(r) for r in rows[:shown])
    return text + (_("等") if len(rows) > shown else "")


def plan_from_content(
    db: Database,
    content: WorkbookContent,
    year: int | None = None,
    session: Session | None = None,
    *,
    describe: bool = True,
    refusal_only: bool = False,
) -> ImportPlan:
    """Compare a read workbook with the database and describe what importing would do.

    ``describe=False`` counts the changes without naming each one (for a yes/no check);
    ``refusal_only=True`` stops before comparing the rows when nothing is refused (the plan
    then has issues and no counts), and otherwise returns the refused plan in full.
    """
    resolved = _resolve_year(content, year)
    kind = content.meta.kind if content.meta else "unknown"
    plan = ImportPlan(content.file_name, resolved, kind, list(content.issues))
    file_issues = _check_meta(content, db)
    if file_issues:
        # The wrong file altogether (another unit's, a receipt, an old format): one message
        # about the file, not hundreds about rows that were never meant for this database.
        plan.issues = file_issues
        return plan
    if not content.sheets and not plan.issues:
        plan.issues.append(
            ImportIssue(
                "",
                0,
                "",
                "",
                "",
                _("文件中没有可识别的数据表（如“办学条件”“教师名册”）。"),
                "no_sheets",
            )
        )
    own = session is None
    session = session or db.session()
    try:
        state = _current_state(session, db, resolved)
    finally:
        if own:
            session.close()
    cross_issues = _cross_checks(content, state, db)
    plan.issues.extend(cross_issues)
    # Rows refused by a cross-check (unknown school, another county's school …) are counted
    # as refused, not as additions the preview would promise.
    refused_rows = {(i.sheet, i.row) for i in cross_issues if i.row}
    plan.creates_period = not state.period_exists
    if refusal_only and plan.ok:
        return plan
    names = dict(state.names)
    if content.sheet(SCHOOLS.key):
        for row in content.sheets[SCHOOLS.key].rows:
            if row.ok:
                names.setdefault(row.values["school_code"], row.values["name"])
    for spec in SHEET_ORDER:
        sheet = content.sheet(spec.key)
        if sheet is None:
            continue
        incoming = {
            _key(spec, r.values): r.values
            for r in sheet.rows
            if r.ok and (sheet.title, r.row) not in refused_rows
        }
        removable: Callable[[Record], bool] | None = None
        if _REPLACED_PER_SCHOOL.get(spec.key) and not content.partial:
            scope = _scope(spec, sheet.rows, content)

            def removable(record: Record, scope: set[str] = scope) -> bool:
                return record.get("school_code") in scope

        summary, changes = diff_sheet(
            spec,
            state.records[spec.key],
            incoming,
            names,
            removable,
            sheet.column_letters,
            describe=describe,
        )
        summary.rejected = sum(not r.ok or (sheet.title, r.row) in refused_rows for r in sheet.rows)
        plan.summary[spec.key] = summary
        plan.changes.extend(changes)
    return plan


def diff_sheet(
    spec: SheetSpec,
    current: dict[tuple[Any, ...], Record],
    incoming: dict[tuple[Any, ...], Record],
    names: dict[str, str],
    removable: Callable[[Record], bool] | None,
    present: Collection[str] | None = None,
    *,
    describe: bool = True,
) -> tuple[SheetSummary, list[RecordChange]]:
    """Compare a sheet's incoming records with the current ones.

    ``removable`` says which current records may go; ``present`` names the columns the
    sheet has (None: all), the others being left as stored.
    """
    summary = SheetSummary()
    changes: list[RecordChange] = []
    for key, values in incoming.items():
        old = current.get(key)
        if old is None:
            summary.added += 1
            if describe:
                changes.append(RecordChange(spec.sheet_title, _label(spec, values, names), "add"))
            continue
        diff = _differences(spec, old, values, present)
        if diff:
            summary.changed += 1
            if describe:
                changes.append(
                    RecordChange(spec.sheet_title, _label(spec, values, names), "change", diff)
                )
        else:
            summary.unchanged += 1
    if removable is not None:
        for key, old in current.items():
            if key not in incoming and removable(old):
                summary.removed += 1
                if describe:
                    changes.append(
                        RecordChange(spec.sheet_title, _label(spec, old, names), "remove")
                    )
    return summary, changes


def _scope(spec: SheetSpec, rows: list[ParsedRow], content: WorkbookContent) -> set[str]:
    schools = {r.values["school_code"] for r in rows if r.ok}
    if spec is PRACTICES and content.sheet(TEACHERS.key):
        schools |= {r.values["school_code"] for r in content.sheets[TEACHERS.key].rows if r.ok}
    return schools


def apply_import(
    db: Database,
    content: WorkbookContent,
    *,
    year: int | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Import a read workbook in one transaction; refuse (changing nothing) if it has issues."""
    # A quick yes/no before the backup and the write lock (the rows are compared only in
    # the transaction); the plan returned is the one made there, with every change named.
    action = import_action(content)
    with db.session() as session:  # refused before any cell is read: a city imports no rows
        require(session, action, period=year)
    plan = plan_from_content(db, content, year, describe=False, refusal_only=True)
    if not plan.ok:
        return plan
    if plan.year != year:  # the workbook named the period: refused before the backup
        with db.session() as session:
            require(session, action, period=plan.year)
    with db.guarded_write("import", REASON_IMPORT), db.transaction() as session:
        plan = plan_from_content(db, content, year, session)
        if not plan.ok:
            return plan
        assert plan.year is not None
        # Checked again in the transaction: the period may have been reported meanwhile.
        require(session, action, period=plan.year)
        period = ensure_period(session, plan.year, statistics_date_of(content))
        _apply(session, db, content, period, progress)
        plan.applied = True
    return plan


def import_action(content: WorkbookContent) -> WriteAction:
    """What the write policy calls this import: rows pasted (partial) or a returned workbook."""
    return WriteAction.PASTE_ROWS if content.partial else WriteAction.IMPORT_TEMPLATE


def statistics_date_of(content: WorkbookContent) -> dt.date | None:
    """The statistics date a VetDesk workbook states, if any."""
    text = content.meta.get("statistics_date") if content.meta else ""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _apply(
    session: Session,
    db: Database,
    content: WorkbookContent,
    period: models.Period,
    progress: Progress | None,
) -> None:
    total = len(content.sheets)
    done = 0
    schools = {s.school_code: s for s in session.scalars(select(models.School))}
    sheet = content.sheet(SCHOOLS.key)
    if sheet:
        present = sheet.column_letters
        for row in sheet.rows:
            values = {c.key: row.values.get(c.key) for c in SCHOOLS.data_columns}
            school = schools.get(str(values["school_code"]))
            if school is None:
                school = models.School(active=True, **values)
                session.add(school)
                schools[school.school_code] = school
            else:
                _assign(school, values, present)
        session.flush()
        done += 1
        if progress:
            progress(done, total)
    ids = {code: s.id for code, s in schools.items()}
    sheet = content.sheet(CONDITIONS.key)
    if sheet:
        existing = {
            c.school_id: c
            for c in session.scalars(
                select(models.SchoolCondition).where(models.SchoolCondition.period_id == period.id)
            )
        }
        for row in sheet.rows:
            values = {
                c.key: row.values.get(c.key)
                for c in CONDITIONS.data_columns
                if c.key != "school_code"
            }
            school_id = ids[row.values["school_code"]]
            cond = existing.get(school_id)
            if cond is None:
                session.add(
                    models.SchoolCondition(school_id=school_id, period_id=period.id, **values)
                )
            else:
                _assign(cond, values, sheet.column_letters)
        done += 1
        if progress:
            progress(done, total)
    apply_roster(session, content, period, ids)
    for spec in (TRAININGS, *SIMPLE_SHEETS):
        _apply_per_school(session, content, spec, period, ids)
    sheet = content.sheet(EXPLANATIONS.key)
    if sheet:
        existing_expl = {
            (e.rule_id, e.record_key, e.field): e
            for e in session.scalars(
                select(models.WarningExplanation).where(
                    models.WarningExplanation.period_id == period.id
                )
            )
        }
        now = dt.datetime.now().replace(microsecond=0)
        for row in sheet.rows:
            key = (row.values["rule"], row.values["record_key"], row.values.get("field") or "")
            record = existing_expl.get(key)
            if record is None:
                session.add(
                    models.WarningExplanation(
                        period_id=period.id,
                        rule_id=key[0],
                        record_key=key[1],
                        field=key[2],
                        text=row.values["text"],
                        operator=db.info().operator,
                        created_at=now,
                    )
                )
            elif record.text != row.values["text"]:
                record.text = row.values["text"]
    if progress:
        progress(total, total)


def _assign(obj: Any, values: Record, present: Collection[str] | None = None) -> None:
    for key, value in values.items():
        if present is not None and key not in present:
            continue  # a column the sheet lacks: the stored value stays
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def _apply_per_school(
    session: Session,
    content: WorkbookContent,
    spec: SheetSpec,
    period: models.Period,
    ids: dict[str, int],
) -> None:
    sheet = content.sheet(spec.key)
    if sheet is None:
        return
    model = models.TrainingProgramme if spec is TRAININGS else SIMPLE_MODELS[spec.key]
    code_of = {v: k for k, v in ids.items()}
    fields_of = [c.key for c in spec.data_columns if c.key != "school_code"]
    key_fields = [k for k in spec.natural_key if k != "school_code"]
    current = {
        (code_of[row.school_id], *(getattr(row, k) for k in key_fields)): row
        for row in session.scalars(select(model).where(model.period_id == period.id))
    }
    incoming = {
        (r.values["school_code"], *(r.values[k] for k in key_fields)): r.values for r in sheet.rows
    }
    scope = set() if content.partial else {k[0] for k in incoming}
    for key, old in current.items():
        if key[0] in scope and key not in incoming:
            session.delete(old)
    session.flush()
    for key, values in incoming.items():
        fields = {name: values.get(name) for name in fields_of}
        for name in ("brand", "double_excellent", "agriculture"):
            if name in fields and fields[name] is None:
                fields[name] = False  # an empty yes/no cell means no
        row = current.get(key)
        if row is None:
            session.add(model(school_id=ids[key[0]], period_id=period.id, **fields))
        else:
            _assign(row, fields, sheet.column_letters)
