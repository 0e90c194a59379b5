"""The city's signed task package: a period's set-up sent to the counties.

The city issues, per period, a workbook carrying the period (statistics date and
deadline), the authoritative school registry of one county or of all six, the rule set
in force and the targets; a county verifies it with the city's registered key and
updates its own set-up from it in one transaction (a county can also start from one).

Layout of the workbook:

* ``封面`` — for people: city, period, dates, sequence number, key fingerprint, counts;
* ``学校名录`` — the registry rows (the ``SCHOOLS`` sheet of :mod:`vetdesk.workbook.schema`);
* ``规则集`` — the rule set made readable, one row per rule (``RULES`` below);
* ``_vetdesk`` (very hidden) — the signed manifest and signature, and the rule set as
  compact canonical JSON under the key ``ruleset``. A cell holds at most 32,767
  characters; a longer rule set is cut into consecutive pieces stored under
  ``ruleset.1``, ``ruleset.2`` … (joined in that order when read; there is then no plain
  ``ruleset`` key).

The manifest (signed under ``NAMESPACE_TASK``) holds the digests of both visible data
sheets and the SHA-256 of the canonical rule-set JSON, so a change to the registry, to
the readable rules or to the rule set itself is detected and named.

Sequence numbers grow per period at the city (``task_issues``, and a small file beside
the key in case the database is restored). A county refuses a task it has already
imported or one older than the newest it imported for the period.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetdesk import __version__
from vetdesk.db import models
from vetdesk.db.backup import REASON_TASK_IMPORT
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import install_privacy, privacy_in_force
from vetdesk.db.period_data import get_period, load_schools
from vetdesk.db.periods import ensure_period
from vetdesk.domain.enums import SchoolCategory, SchoolLevel
from vetdesk.domain.id_privacy import from_json as privacy_from_json
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import N_, _
from vetdesk.packages.envelope import (
    ALGORITHM,
    MANIFEST_FORMAT,
    Envelope,
    EnvelopeError,
    content_digests,
    manifest_hash,
    open_envelope,
    seal,
    sheet_digest,
)
from vetdesk.packages.sequence import remember_seq, remembered_seq
from vetdesk.signing.canonical import (
    StrictJSONError,
    canonical_json,
    parse_strict_json,
    sha256_hex,
)
from vetdesk.signing.keys import (
    NAMESPACE_TASK,
    KeyFileError,
    fingerprint,
    key_id,
    public_key_from_text,
)
from vetdesk.signing.keystore import active_key, unlock_key
from vetdesk.standards.assess import threshold_text
from vetdesk.standards.installed import install_ruleset, ruleset_in_force
from vetdesk.standards.ruleset import RuleSet, RuleSetError, parse_ruleset
from vetdesk.standards.targets import install_targets, parse_target_set, targets_in_force
from vetdesk.workbook.cells import CellError, parse_cell, shown_value
from vetdesk.workbook.export import check_target
from vetdesk.workbook.filesafety import UnsafeFileError
from vetdesk.workbook.meta import KIND_TASK
from vetdesk.workbook.reader import WorkbookContent, read_workbook
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import SCHOOLS, Column, Kind, SheetSpec
from vetdesk.workbook.writer import (
    MAX_CELL_TEXT,
    CoverLine,
    add_meta,
    cell_value,
    check_records,
    new_write_only_workbook,
    save_workbook,
    standard_meta,
    write_cover,
    write_data_sheet,
)

# --- the readable rule-set sheet ------------------------------------------------------------

_LONG = 2000  # citations and articles can be long; the default 200 would refuse them
RULES = SheetSpec(
    key="rules",
    title=N_("规则集"),
    natural_key=("rule_id",),
    description=N_("市局下发的核验规则，每条规则一行（仅供阅读，以签名的规则集为准）。"),
    columns=(
        Column("rule_id", N_("规则编号"), Kind.TEXT, required=True, width=30),
        Column("indicator", N_("指标"), Kind.TEXT, required=True, width=24),
        Column("levels", N_("适用层次"), Kind.TEXT, width=14),
        Column("categories", N_("适用类别"), Kind.TEXT, width=30, max_length=_LONG),
        Column("threshold", N_("标准"), Kind.TEXT, required=True, width=14),
        Column("purpose", N_("用途"), Kind.TEXT, width=12),
        Column("source", N_("依据"), Kind.TEXT, width=44, max_length=_LONG),
        Column("article", N_("条款"), Kind.TEXT, width=44, max_length=_LONG),
        Column("verified", N_("核实情况"), Kind.TEXT, width=16),
    ),
)
# The data sheets of a task package, by manifest key.
TASK_SHEETS: dict[str, SheetSpec] = {SCHOOLS.key: SCHOOLS, RULES.key: RULES}

# Written as data (the same in every language, as enum labels are), so not translated.
_PURPOSE_TEXT = {"compliance": "达标指标", "warning": "设置标准（警告）", "monitor": "监测"}
_VERIFIED_TEXT = {
    "primary": "已核对原文",
    "secondary": "据二手资料",
    "assumption": "暂定（假设）",
    "unverified": "未核实",
}

RULESET_KEY = "ruleset"
# One meta cell per piece; a module constant so tests can force the split.
RULESET_CHUNK = MAX_CELL_TEXT
SEQ_FILE = "last_task_seq.json"

# Registry fields the city decides (overwritten at the county) and those the county keeps
# (contact details it maintains itself; filled from the registry only while empty).
_AUTHORITATIVE = ("name", "level", "category", "ownership", "credit_code")
_LOCAL = ("address", "contact_person", "contact_phone")

_NOT_A_TASK_FILE = {
    "legacy_xls",
    "csv_or_text",
    "html",
    "not_xlsx",
    "encrypted",
    "macro",
    "empty_file",
}


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskResult:
    """What ``export_task`` wrote."""

    path: Path
    year: int
    seq: int
    manifest_sha256: str
    fingerprint: str
    units: tuple[str, ...]
    deadline: dt.date | None
    counts: dict[str, int]


class TaskVerdict(enum.StrEnum):
    """The one answer task verification gives (stable codes for --json)."""

    VALID = "valid"
    NOT_TASK = "not_task"
    DAMAGED = "damaged"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    WRONG_UNIT = "wrong_unit"
    TAMPERED = "tampered"
    NOT_FOR_THIS_UNIT = "not_for_this_unit"
    REPLAY = "replay"
    FORK = "fork"


@dataclass(frozen=True)
class TaskPayload:
    """The verified content of a task package."""

    unit_code: str
    year: int
    statistics_date: dt.date
    deadline: dt.date | None
    seq: int
    units: tuple[str, ...]
    ruleset: RuleSet
    ruleset_sha256: str
    targets: tuple[Mapping[str, Any], ...]
    schools: tuple[Record, ...]


@dataclass
class TaskVerification:
    """The result of verifying one task package."""

    file_name: str
    verdict: TaskVerdict
    message: str
    sheet: str | None = None
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None
    fingerprint: str | None = None
    notes: list[str] = field(default_factory=list)
    payload: TaskPayload | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the task may be imported."""
        return self.verdict == TaskVerdict.VALID

    @property
    def year(self) -> int | None:
        """The period the task sets up."""
        period = None if self.manifest is None else self.manifest.get("period")
        value = period.get("year") if isinstance(period, dict) else None
        return value if isinstance(value, int) else None

    @property
    def seq(self) -> int | None:
        """The task's sequence number."""
        value = None if self.manifest is None else self.manifest.get("seq")
        return value if isinstance(value, int) else None

    @property
    def units(self) -> list[str]:
        """The county codes the task covers."""
        value = None if self.manifest is None else self.manifest.get("units")
        return [str(u) for u in value] if isinstance(value, list) else []

    def to_json(self) -> dict[str, Any]:
        """Stable machine-readable form."""
        return {
            "file": self.file_name,
            "verdict": str(self.verdict),
            "ok": self.ok,
            "message": self.message,
            "sheet": self.sheet,
            "period": self.year,
            "seq": self.seq,
            "units": self.units,
            "manifest_sha256": self.manifest_sha256,
            "fingerprint": self.fingerprint,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class FieldChange:
    """One changed registry field: key, label, old and new (display text)."""

    key: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class SchoolChange:
    """What a task does to one school of the county."""

    school_code: str
    name: str
    action: str  # "add", "change" or "not_in_registry"
    fields: tuple[FieldChange, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class RuleChange:
    """One difference between the county's rule set and the task's."""

    rule_id: str
    indicator: str
    action: str  # "add", "remove", "threshold", "change" or "target"
    old: str = ""
    new: str = ""
    aspect: str = ""


@dataclass
class TaskImportResult:
    """What importing a task does (or, in a dry run, would do) to a county database."""

    file_name: str
    verification: TaskVerification
    applied: bool = False
    period_created: bool = False
    statistics_date_change: tuple[str, str] | None = None
    deadline_change: tuple[str, str] | None = None
    schools: list[SchoolChange] = field(default_factory=list)
    ruleset_old: tuple[str, str] | None = None
    ruleset_new: tuple[str, str] | None = None
    ruleset_installed: bool = False
    rule_changes: list[RuleChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the task was accepted."""
        return self.verification.ok

    @property
    def added(self) -> list[SchoolChange]:
        """Schools the task adds."""
        return [s for s in self.schools if s.action == "add"]

    @property
    def changed(self) -> list[SchoolChange]:
        """Schools whose registry entry the task changes."""
        return [s for s in self.schools if s.action == "change"]

    @property
    def not_in_registry(self) -> list[SchoolChange]:
        """The county's schools missing from the city's registry (kept, only reported)."""
        return [s for s in self.schools if s.action == "not_in_registry"]

    @property
    def has_changes(self) -> bool:
        """Whether importing changes anything besides recording the task."""
        return bool(
            self.period_created
            or self.statistics_date_change
            or self.deadline_change
            or self.added
            or self.changed
            or self.ruleset_installed
        )

    def to_json(self) -> dict[str, Any]:
        """Stable machine-readable form."""
        payload = self.verification.payload
        return {
            "ok": self.ok,
            "applied": self.applied,
            "verification": self.verification.to_json(),
            "period": None
            if payload is None
            else {
                "year": payload.year,
                "statistics_date": payload.statistics_date.isoformat(),
                "deadline": payload.deadline.isoformat() if payload.deadline else None,
                "created": self.period_created,
                "statistics_date_change": _pair(self.statistics_date_change),
                "deadline_change": _pair(self.deadline_change),
            },
            "schools": {
                "added": [_school_json(s) for s in self.added],
                "changed": [_school_json(s) for s in self.changed],
                "not_in_registry": [_school_json(s) for s in self.not_in_registry],
            },
            "ruleset": {
                "old": _ruleset_json(self.ruleset_old),
                "new": _ruleset_json(self.ruleset_new),
                "installed": self.ruleset_installed,
                "changes": [
                    {
                        "rule": c.rule_id,
                        "indicator": c.indicator,
                        "action": c.action,
                        "aspect": c.aspect,
                        "old": c.old,
                        "new": c.new,
                    }
                    for c in self.rule_changes
                ],
            },
            "notes": self.notes,
        }

    def describe(self) -> str:
        """What changed (or would change), for people."""
        v = self.verification
        payload = v.payload
        if not v.ok or payload is None:
            return v.message
        units = load_units()
        lines = [
            (
                _("已导入任务包：{unit} {year} 年度，第 {seq} 号。")
                if self.applied
                else _("任务包预览（未写入数据库）：{unit} {year} 年度，第 {seq} 号。")
            ).format(unit=units.city.name, year=payload.year, seq=payload.seq)
        ]
        if self.period_created:
            lines.append(
                _("新建 {year} 年度统计期：统计时点 {date}，截止日期 {deadline}。").format(
                    year=payload.year,
                    date=payload.statistics_date.isoformat(),
                    deadline=payload.deadline.isoformat() if payload.deadline else _("未定"),
                )
            )
        if self.statistics_date_change:
            old, new = self.statistics_date_change
            lines.append(_("统计时点：{old} → {new}").format(old=old, new=new))
        if self.deadline_change:
            old, new = self.deadline_change
            lines.append(_("截止日期：{old} → {new}").format(old=old or _("未定"), new=new))
        if self.added:
            lines.append(_("新增学校 {n} 所：").format(n=len(self.added)))
            lines.extend(f"  + {s.name}（{s.school_code}）" for s in self.added)
        if self.changed:
            lines.append(_("学校信息变更 {n} 所：").format(n=len(self.changed)))
            for s in self.changed:
                detail = "；".join(f"{f.label} {f.old or '—'} → {f.new or '—'}" for f in s.fields)
                lines.append(f"  · {s.name}（{s.school_code}）：{detail}")
        if self.not_in_registry:
            lines.append(_("以下学校不在市局的学校名录中（未删除，请与市局核对）："))
            lines.extend(f"  ? {s.name}（{s.school_code}）" for s in self.not_in_registry)
        if self.ruleset_installed and self.ruleset_old and self.ruleset_new:
            lines.append(
                _("规则集：{old} → {new}").format(
                    old=" ".join(self.ruleset_old), new=" ".join(self.ruleset_new)
                )
            )
            lines.extend("  " + _describe_rule_change(c) for c in self.rule_changes)
        lines.extend(self.notes)
        if not self.has_changes:
            lines.append(_("本单位的设置已与任务包一致，没有需要更改的内容。"))
        return "\n".join(lines)


def _pair(value: tuple[str, str] | None) -> dict[str, str] | None:
    return None if value is None else {"old": value[0], "new": value[1]}


def _ruleset_json(value: tuple[str, str] | None) -> dict[str, str] | None:
    return None if value is None else {"id": value[0], "version": value[1]}


def _school_json(change: SchoolChange) -> dict[str, Any]:
    return {
        "school_code": change.school_code,
        "name": change.name,
        "fields": [
            {"field": f.key, "label": f.label, "old": f.old, "new": f.new} for f in change.fields
        ],
    }


def _describe_rule_change(change: RuleChange) -> str:
    if change.action == "add":
        return _("+ 新增规则 {indicator}（{rule}）：{new}").format(
            indicator=change.indicator, rule=change.rule_id, new=change.new
        )
    if change.action == "remove":
        return _("− 删除规则 {indicator}（{rule}）：{old}").format(
            indicator=change.indicator, rule=change.rule_id, old=change.old
        )
    if change.action == "threshold":
        return _("· {indicator}（{rule}）标准：{old} → {new}").format(
            indicator=change.indicator, rule=change.rule_id, old=change.old, new=change.new
        )
    if change.action == "target":
        return _("· 达标学校比例目标（{date}）：{old} → {new}").format(
            date=change.rule_id, old=change.old or "—", new=change.new or "—"
        )
    return _("· {indicator}（{rule}）{aspect}：{old} → {new}").format(
        indicator=change.indicator,
        rule=change.rule_id,
        aspect=change.aspect,
        old=change.old or "—",
        new=change.new or "—",
    )


# --- the rule set in a workbook ---------------------------------------------------------------


def ruleset_text(ruleset: RuleSet) -> str:
    """The rule set as compact canonical JSON (what the manifest's hash covers)."""
    try:
        return canonical_json(dict(ruleset.raw)).decode("utf-8")
    except (TypeError, ValueError) as exc:
        # Signed data never holds floats (thresholds are decimal strings): such a rule set
        # could not be verified identically at the county.
        raise InputRejected(
            _("规则集 {id} {version} 含有无法签名的数据（{err}），请修正规则集文件。").format(
                id=ruleset.ruleset_id, version=ruleset.version, err=exc
            ),
            code="ruleset_unsignable",
        ) from exc


def ruleset_meta(text: str, chunk: int | None = None) -> dict[str, str]:
    """The meta entries holding the rule-set text: one cell, or numbered pieces if too long."""
    size = chunk or RULESET_CHUNK
    if len(text) <= size:
        return {RULESET_KEY: text}
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    return {f"{RULESET_KEY}.{n}": piece for n, piece in enumerate(pieces, start=1)}


def ruleset_from_meta(values: Mapping[str, str]) -> str | None:
    """The rule-set text stored in a workbook's meta (None when missing)."""
    if RULESET_KEY in values:
        return values[RULESET_KEY]
    pieces = []
    n = 1
    while f"{RULESET_KEY}.{n}" in values:
        pieces.append(values[f"{RULESET_KEY}.{n}"])
        n += 1
    return "".join(pieces) if pieces else None


def _level_labels(values: Iterable[str]) -> str:
    labels = []
    for value in values:
        member = SchoolLevel.from_text(value)
        labels.append(member.label_zh if member else value)
    return "、".join(labels)


def _category_labels(values: Iterable[str]) -> str:
    labels = []
    for value in values:
        member = SchoolCategory.from_text(value)
        labels.append(member.label_zh if member else value)
    return "、".join(labels)


def rule_records(ruleset: RuleSet) -> list[Record]:
    """The readable rows of the 规则集 sheet, exactly as they read back from a workbook."""
    records = []
    for rule in ruleset.rules:
        indicator = ruleset.indicators[rule.indicator]
        source = ruleset.sources.get(rule.source)
        raw: Record = {
            "rule_id": rule.id,
            "indicator": indicator.name,
            "levels": _level_labels(rule.levels),
            "categories": _category_labels(rule.categories),
            "threshold": threshold_text(indicator, rule),
            "purpose": _PURPOSE_TEXT.get(rule.purpose, rule.purpose),
            "source": source.citation() if source else rule.source,
            "article": rule.article,
            "verified": _VERIFIED_TEXT.get(rule.verified, rule.verified),
        }
        # Normalised as the reader will (NFC, trimmed), so the digest computed here is
        # the one the county computes from the cells.
        record: Record = {}
        for column in RULES.columns:
            try:
                record[column.key] = parse_cell(column, raw[column.key])
            except CellError as exc:
                raise InputRejected(
                    _("规则 {rule} 的“{col}”无法写入任务包：{err}").format(
                        rule=rule.id, col=_(column.header), err=exc
                    ),
                    code="ruleset_unsignable",
                ) from exc
        records.append(record)
    return records


def _targets(ruleset: RuleSet, target_set: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    # A list on purpose: the ten-measure targets of 东政办〔2024〕74号 are added to it later,
    # each entry saying its own kind.
    targets: list[dict[str, Any]] = []
    for raw in ruleset.raw.get("compliance_targets", []):
        targets.append({"kind": "compliance_share", **{k: raw[k] for k in sorted(raw)}})
    if target_set is not None:
        # The city's ten-measure target set (东政办〔2024〕74号) travels whole, signed.
        targets.append({"kind": "target_set", "content": target_set})
    return targets


# --- export (city) ------------------------------------------------------------------------


def _covered_units(unit_code: str | None) -> tuple[str, ...]:
    units = load_units()
    if unit_code is None:
        return tuple(c.code for c in units.counties)
    unit = units.get(unit_code)
    if unit is None or unit.is_city:
        raise UsageError(_("单位代码 {code} 不是海东市所辖县区的代码。").format(code=unit_code))
    return (unit.code,)


def export_task(
    db: Database,
    year: int,
    target: Path,
    passphrase: str,
    *,
    unit_code: str | None = None,
    deadline: dt.date | None = None,
) -> TaskResult:
    """Issue the signed task package of a period for one county (or all of them)."""
    check_target(target)
    info = db.info()
    if not info.is_city:
        raise UsageError(_("只有市级数据库可以下发任务包；县区请用 vetdesk task import 导入。"))
    covered = _covered_units(unit_code)
    active_key(db)  # no key: say so before any work is done
    with db.session() as session:
        period = get_period(session, year)
        statistics_date = period.statistics_date
        due = deadline or period.deadline
        ruleset = ruleset_in_force(db, session)
        target_set = dict(targets_in_force(session).raw)
        id_privacy = privacy_in_force(session).to_json()
        schools = [
            {c.key: getattr(s, c.key) for c in SCHOOLS.data_columns}
            for s in load_schools(session, active_only=True)
            if s.county_code in covered
        ]
        db_seq = (
            session.scalar(
                select(func.max(models.TaskIssue.seq)).where(models.TaskIssue.period_year == year)
            )
            or 0
        )
    if due is not None and due < statistics_date:
        raise UsageError(
            _("截止日期 {deadline} 早于统计时点 {date}，请核对。").format(
                deadline=due.isoformat(), date=statistics_date.isoformat()
            )
        )
    text = ruleset_text(ruleset)
    rules = rule_records(ruleset)
    check_records(SCHOOLS, schools)
    check_records(RULES, rules)
    private = unlock_key(db, passphrase)
    seq = max(db_seq, remembered_seq(info.unit_code, year, SEQ_FILE)) + 1
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "alg": ALGORITHM,
        "kind": KIND_TASK,
        "unit_code": info.unit_code,
        "unit_name": info.unit_name,
        "period": {
            "year": year,
            "statistics_date": statistics_date.isoformat(),
            "deadline": due.isoformat() if due else None,
        },
        "seq": seq,
        "task_uuid": str(uuid.uuid4()),
        "ruleset": {
            "id": ruleset.ruleset_id,
            "version": ruleset.version,
            "sha256": sha256_hex(text.encode("utf-8")),
        },
        "targets": _targets(ruleset, target_set),
        "settings": {"id_privacy": id_privacy},
        "units": list(covered),
        "sheets": {
            SCHOOLS.key: sheet_digest(SCHOOLS, schools),
            RULES.key: sheet_digest(RULES, rules),
        },
        "created_local": dt.datetime.now().replace(microsecond=0).isoformat(),
        "app_version": __version__,
        "key_id": key_id(private.public_key()),
        "operator": info.operator,
    }
    manifest_text, signature = seal(private, NAMESPACE_TASK, manifest)
    if len(manifest_text) > MAX_CELL_TEXT:
        raise InputRejected(
            _("任务包清单过长（{n} 个字符），无法写入一个单元格。").format(n=len(manifest_text)),
            code="manifest_too_long",
        )
    digest = manifest_hash(manifest)
    fp = fingerprint(private.public_key())
    units = load_units()
    covered_names = "、".join(
        f"{u.name}（{u.code}）" for u in (units.get(c) for c in covered) if u is not None
    )
    cover = [
        CoverLine(_("下发单位"), f"{info.unit_name}（{info.unit_code}）"),
        CoverLine(_("适用县区"), covered_names),
        CoverLine(_("统计年度"), str(year)),
        CoverLine(_("统计时点"), statistics_date.isoformat()),
        CoverLine(_("上报截止日期"), due.isoformat() if due else _("未定")),
        CoverLine(_("任务包序号"), str(seq)),
        CoverLine(_("规则集"), f"{ruleset.ruleset_id} {ruleset.version}"),
        CoverLine(_("学校（所）"), str(len(schools))),
        CoverLine(_("规则（条）"), str(len(rules))),
        CoverLine(_("签名密钥指纹"), fp),
        CoverLine(_("任务包标识（SHA-256）"), digest),
        CoverLine(
            _("说明"),
            _("县区用 vetdesk task import 核验并导入本文件；请勿修改，改动后将无法通过核验。"),
        ),
    ]
    workbook = new_write_only_workbook()
    write_cover(
        workbook, _("VetDesk 任务包 · {unit} {year}").format(unit=info.unit_name, year=year), cover
    )
    write_data_sheet(workbook, SCHOOLS, schools)
    write_data_sheet(workbook, RULES, rules)
    add_meta(
        workbook,
        standard_meta(
            KIND_TASK,
            {
                "unit_code": info.unit_code,
                "unit_name": info.unit_name,
                "role": info.role,
                "period": str(year),
                "statistics_date": statistics_date.isoformat(),
                "deadline": due.isoformat() if due else "",
                "units": ",".join(covered),
                "seq": str(seq),
                "fingerprint": fp,
                "key_id": str(manifest["key_id"]),
                "manifest": manifest_text,
                "signature": signature,
                **ruleset_meta(text),
            },
        ),
    )

    def verify_and_record(tmp: Path) -> None:
        # Read the written file back with the counties' own verifier, then record the
        # issue (and the deadline) in the same step: a file that would not verify is never
        # recorded, and a recorded task always has its file.
        content = read_workbook(tmp, sheets=TASK_SHEETS.values())
        content.file_name = target.name
        result = verify_content(db, content, check_ledger=False)
        if not result.ok:
            if content.issues:
                raise InputRejected(
                    _("学校名录中有无法读回的数据，任务包未导出：")
                    + "；".join(issue.describe() for issue in content.issues[:5]),
                    code="export_refused",
                )
            raise RuntimeError(f"task failed its own verification: {result.verdict} {result.sheet}")
        with db.transaction() as session:
            session.add(
                models.TaskIssue(
                    period_year=year,
                    seq=seq,
                    manifest_sha256=digest,
                    issued_at=dt.datetime.now().replace(microsecond=0),
                )
            )
            if deadline is not None:
                get_period(session, year).deadline = deadline
        remember_seq(info.unit_code, year, seq, SEQ_FILE)

    save_workbook(workbook, target, verify_and_record)
    return TaskResult(
        target,
        year,
        seq,
        digest,
        fp,
        covered,
        due,
        {SCHOOLS.key: len(schools), RULES.key: len(rules)},
    )


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyRecord:
    unit_code: str
    public_key: str
    fingerprint: str
    status: str


def _find_key(db: Database, wanted: str) -> _KeyRecord | None:
    with db.session() as session:
        row = session.scalar(select(models.TrustedKey).where(models.TrustedKey.key_id == wanted))
        if row is not None:
            return _KeyRecord(row.unit_code, row.public_key, row.fingerprint, row.status)
        # The city verifies its own tasks with its own key; at a county, its own key is
        # found here too and then refused as belonging to the wrong unit.
        own = session.scalar(select(models.SigningKey).where(models.SigningKey.key_id == wanted))
        if own is not None:
            status = "active" if own.active else "retired"
            return _KeyRecord(db.info().unit_code, own.public_key, own.fingerprint, status)
    return None


def _check_sheets(envelope: Envelope, content: WorkbookContent) -> str | None:
    """The title of the first sheet whose data differs from what was signed (or _vetdesk)."""
    sheets = envelope.manifest.get("sheets")
    if not isinstance(sheets, dict) or SCHOOLS.key not in sheets:
        return "_vetdesk"
    if any(key not in TASK_SHEETS for key in sheets):
        return "_vetdesk"
    specs = [TASK_SHEETS[key] for key in sheets]
    actual = content_digests(content, specs)
    for spec in specs:
        expected = sheets[spec.key]
        found = actual[spec.key]
        if found is None or not isinstance(expected, dict):
            return spec.sheet_title
        if found["rows"] != expected.get("rows") or found["sha256"] != expected.get("sha256"):
            return spec.sheet_title
    return None


class _Refused(Exception):
    """A verification step failed with a verdict."""

    def __init__(self, verdict: TaskVerdict, message: str, sheet: str | None = None) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message
        self.sheet = sheet


def _ruleset_of(manifest: Mapping[str, Any], meta_values: Mapping[str, str]) -> tuple[RuleSet, str]:
    tampered = _Refused(
        TaskVerdict.TAMPERED,
        _("任务包中的规则集数据（隐藏的 _vetdesk 工作表）在签名后被修改或缺失，任务包不可信。"),
        "_vetdesk",
    )
    declared = manifest.get("ruleset")
    text = ruleset_from_meta(meta_values)
    if not isinstance(declared, dict) or text is None:
        raise tampered
    try:
        data = parse_strict_json(text)
        canonical = canonical_json(data)
    except (StrictJSONError, TypeError, ValueError):
        raise tampered from None
    digest = sha256_hex(canonical)
    if digest != declared.get("sha256"):
        raise tampered
    try:
        ruleset = parse_ruleset(data)
    except RuleSetError as exc:
        verdict = (
            TaskVerdict.UNSUPPORTED_FORMAT if exc.code == "ruleset_format" else TaskVerdict.DAMAGED
        )
        raise _Refused(verdict, exc.message) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _Refused(
            TaskVerdict.DAMAGED, _("任务包中的规则集格式不正确：{err}").format(err=exc)
        ) from exc
    if (ruleset.ruleset_id, ruleset.version) != (declared.get("id"), declared.get("version")):
        raise tampered
    return ruleset, digest


def _payload(
    manifest: Mapping[str, Any], content: WorkbookContent, ruleset: RuleSet, digest: str
) -> TaskPayload:
    try:
        period = manifest["period"]
        year = period["year"]
        seq = manifest["seq"]
        units = manifest["units"]
        targets = manifest["targets"]
        if not (isinstance(year, int) and isinstance(seq, int) and seq >= 1):
            raise ValueError("year or seq")
        if not isinstance(units, list) or not isinstance(targets, list):
            raise ValueError("units or targets")
        statistics_date = dt.date.fromisoformat(period["statistics_date"])
        deadline_text = period.get("deadline")
        deadline = dt.date.fromisoformat(deadline_text) if deadline_text else None
        known = {c.code for c in load_units().counties}
        if not units or any(u not in known for u in units):
            raise ValueError("units")
    except (KeyError, TypeError, ValueError) as exc:
        raise _Refused(
            TaskVerdict.DAMAGED,
            _("任务包清单的内容不完整或格式不正确（{err}），请让市局重新导出。").format(err=exc),
        ) from exc
    sheet = content.sheet(SCHOOLS.key)
    schools = tuple(r.values for r in sheet.rows) if sheet else ()
    return TaskPayload(
        unit_code=str(manifest.get("unit_code")),
        year=year,
        statistics_date=statistics_date,
        deadline=deadline,
        seq=seq,
        units=tuple(str(u) for u in units),
        ruleset=ruleset,
        ruleset_sha256=digest,
        targets=tuple(t for t in targets if isinstance(t, dict)),
        schools=schools,
    )


def _ledger_problem(
    session: Session, year: int, seq: int, digest: str
) -> tuple[TaskVerdict, str] | None:
    same = session.scalar(
        select(models.TaskImport).where(models.TaskImport.manifest_sha256 == digest)
    )
    if same is not None:
        return TaskVerdict.REPLAY, _(
            "该任务包（第 {seq} 号）已于 {at} 导入过，无需重复导入。"
        ).format(seq=same.seq, at=same.imported_at.isoformat(sep=" "))
    newest = session.scalar(
        select(models.TaskImport)
        .where(models.TaskImport.period_year == year)
        .order_by(models.TaskImport.seq.desc())
        .limit(1)
    )
    if newest is None:
        return None
    if seq < newest.seq:
        return TaskVerdict.REPLAY, _(
            "该任务包（第 {seq} 号）比已导入的第 {last} 号更旧，不能覆盖较新的设置。"
        ).format(seq=seq, last=newest.seq)
    if seq == newest.seq:
        return TaskVerdict.FORK, _(
            "已导入过另一个同为第 {seq} 号的任务包，两者内容不同（市局可能从备份恢复后重复下发）。请与市局核实。"
        ).format(seq=seq)
    return None


def verify_content(
    db: Database, content: WorkbookContent, *, check_ledger: bool = True
) -> TaskVerification:
    """Verify an already read task workbook (nothing is written)."""
    name = content.file_name
    meta = content.meta
    if meta is None or meta.kind != KIND_TASK:
        kind = meta.kind if meta else ""
        return TaskVerification(
            name,
            TaskVerdict.NOT_TASK,
            _(
                "这不是 VetDesk 任务包（文件类型：{kind}）。请确认市局发送的是用“导出任务包”生成的文件。"
            ).format(kind=kind or _("普通工作簿")),
        )
    try:
        envelope = open_envelope(meta.get("manifest"), meta.get("signature"))
    except EnvelopeError:
        return TaskVerification(
            name,
            TaskVerdict.TAMPERED,
            _("签名数据已被修改或损坏（隐藏的 _vetdesk 工作表），任务包不可信。"),
            sheet="_vetdesk",
        )
    manifest = envelope.manifest
    result = TaskVerification(
        name, TaskVerdict.VALID, "", manifest=manifest, manifest_sha256=envelope.sha256
    )
    try:
        result.payload = _verify_steps(db, envelope, content, result)
    except _Refused as refused:
        result.verdict, result.message, result.sheet = (
            refused.verdict,
            refused.message,
            refused.sheet,
        )
        return result
    payload = result.payload
    info = db.info()
    city = load_units().city
    result.message = _("任务包有效：{city} {year} 年度，第 {seq} 号。").format(
        city=city.name, year=payload.year, seq=payload.seq
    )
    if info.is_city:
        return result  # the city checks its own file: no county scope, no import ledger
    if info.unit_code not in payload.units:
        names = "、".join(
            u.name for u in (load_units().get(c) for c in payload.units) if u is not None
        )
        result.verdict = TaskVerdict.NOT_FOR_THIS_UNIT
        result.message = _("该任务包是下发给{units}的，不是本单位（{own}）的。").format(
            units=names, own=info.unit_name
        )
        return result
    if check_ledger:
        with db.session() as session:
            problem = _ledger_problem(session, payload.year, payload.seq, envelope.sha256)
        if problem is not None:
            result.verdict, result.message = problem
    return result


def _verify_steps(
    db: Database, envelope: Envelope, content: WorkbookContent, result: TaskVerification
) -> TaskPayload:
    manifest = envelope.manifest
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > MANIFEST_FORMAT:
        raise _Refused(
            TaskVerdict.UNSUPPORTED_FORMAT,
            _("任务包格式版本 {v} 比本软件支持的更新，请升级 VetDesk 后再导入。").format(v=fmt),
        )
    city = load_units().city
    key = _find_key(db, str(manifest.get("key_id", "")))
    if key is None:
        raise _Refused(
            TaskVerdict.UNKNOWN_KEY,
            _(
                "任务包的签名密钥（{key}）未在本单位登记。请向市局索取公钥文件和签字盖章的登记表，核对指纹后登记（“签名密钥”页面的“登记对方公钥”，或命令 vetdesk trust add --unit {city}）。"
            ).format(key=manifest.get("key_id"), city=city.code),
        )
    result.fingerprint = key.fingerprint
    if key.status != "active":
        raise _Refused(
            TaskVerdict.REVOKED_KEY,
            _("任务包的签名密钥（指纹 {fp}）已被吊销或更换，不再接受其签名的任务包。").format(
                fp=key.fingerprint
            ),
        )
    if key.unit_code != city.code or manifest.get("unit_code") != city.code:
        raise _Refused(
            TaskVerdict.WRONG_UNIT,
            _("任务包只能由{city}签名，但签名密钥登记给的是单位 {real}。").format(
                city=city.name, real=key.unit_code
            ),
        )
    try:
        public_key = public_key_from_text(key.public_key)
    except KeyFileError:
        raise _Refused(TaskVerdict.UNKNOWN_KEY, _("登记的公钥已损坏，请重新登记。")) from None
    if not envelope.verifies_with(public_key, NAMESPACE_TASK):
        raise _Refused(
            TaskVerdict.TAMPERED,
            _("签名数据在签名后被修改（隐藏的 _vetdesk 工作表），任务包不可信。"),
            "_vetdesk",
        )
    if manifest.get("kind") != KIND_TASK:
        raise _Refused(TaskVerdict.NOT_TASK, _("该文件的签名清单不是任务包。"))
    changed = _check_sheets(envelope, content)
    if changed is not None:
        raise _Refused(
            TaskVerdict.TAMPERED,
            _(
                "工作表“{sheet}”的数据在签名后被修改（增删行或改动了内容），任务包不可信。请让市局重新下发。"
            ).format(sheet=changed),
            changed,
        )
    assert content.meta is not None
    ruleset, digest = _ruleset_of(manifest, content.meta.values)
    if content.issues:
        # Signed as it is, yet unreadable: written by a faulty exporter, not tampered with.
        raise _Refused(
            TaskVerdict.DAMAGED,
            _("任务包中有无法读取的数据：")
            + "；".join(issue.describe() for issue in content.issues[:5]),
        )
    return _payload(manifest, content, ruleset, digest)


def verify_task(db: Database, path: Path) -> TaskVerification:
    """Verify a task file; never raises for a bad file, always returns a verdict."""
    try:
        content = read_workbook(path, sheets=TASK_SHEETS.values())
    except UnsafeFileError as exc:
        verdict = TaskVerdict.NOT_TASK if exc.code in _NOT_A_TASK_FILE else TaskVerdict.DAMAGED
        return TaskVerification(path.name, verdict, exc.message)
    return verify_content(db, content)


# --- import (county) --------------------------------------------------------------------------


def _require_county(db: Database) -> None:
    if db.info().is_city:
        raise UsageError(_("任务包只能导入县区数据库；市级数据库请用 vetdesk task verify 核验。"))


def _display(column: Column, value: Any) -> str:
    return shown_value(column, cell_value(column, value))


def _school_changes(session: Session, own: str, registry: Sequence[Record]) -> list[SchoolChange]:
    current = {s.school_code: s for s in session.scalars(select(models.School))}
    mine = [r for r in registry if r.get("county_code") == own]
    changes: list[SchoolChange] = []
    for row in sorted(mine, key=lambda r: str(r["school_code"])):
        code = str(row["school_code"])
        values = {c.key: row.get(c.key) for c in SCHOOLS.data_columns}
        school = current.get(code)
        if school is None:
            changes.append(SchoolChange(code, str(values["name"]), "add", (), values))
            continue
        updates: dict[str, Any] = {}
        fields: list[FieldChange] = []
        for key in (*_AUTHORITATIVE, *_LOCAL):
            new = values.get(key)
            old = getattr(school, key)
            if new is None or new == old:
                continue
            if key in _LOCAL and old not in (None, ""):
                continue  # the county's own contact details win
            column = SCHOOLS.column(key)
            updates[key] = new
            fields.append(
                FieldChange(key, _(column.header), _display(column, old), _display(column, new))
            )
        if not school.active:
            updates["active"] = True
            fields.append(FieldChange("active", _("状态"), _("停用"), _("在用")))
        if fields:
            changes.append(
                SchoolChange(code, str(values["name"]), "change", tuple(fields), updates)
            )
    listed = {str(r["school_code"]) for r in mine}
    for code in sorted(current):
        school = current[code]
        if school.county_code == own and school.active and code not in listed:
            changes.append(SchoolChange(code, school.name, "not_in_registry"))
    return changes


def _rule_text(ruleset: RuleSet, rule_id: str) -> str:
    rule = next(r for r in ruleset.rules if r.id == rule_id)
    return threshold_text(ruleset.indicators[rule.indicator], rule)


def _share_text(value: Any) -> str:
    return f"{float(value) * 100:g}%"


def rule_changes(old: RuleSet, new: RuleSet) -> list[RuleChange]:
    """How a new rule set differs from the one in force: rules added, removed, changed."""
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    changes: list[RuleChange] = []
    for rule_id, rule in after.items():
        name = new.indicators[rule.indicator].name
        previous = before.get(rule_id)
        if previous is None:
            changes.append(RuleChange(rule_id, name, "add", new=_rule_text(new, rule_id)))
            continue
        threshold_old = (previous.comparator, previous.threshold, previous.threshold_high)
        threshold_new = (rule.comparator, rule.threshold, rule.threshold_high)
        if threshold_old != threshold_new:
            changes.append(
                RuleChange(
                    rule_id,
                    name,
                    "threshold",
                    old=_rule_text(old, rule_id),
                    new=_rule_text(new, rule_id),
                )
            )
        aspects = (
            (_("适用层次"), _level_labels(previous.levels), _level_labels(rule.levels)),
            (
                _("适用类别"),
                _category_labels(previous.categories),
                _category_labels(rule.categories),
            ),
            (
                _("用途"),
                _PURPOSE_TEXT.get(previous.purpose, previous.purpose),
                _PURPOSE_TEXT.get(rule.purpose, rule.purpose),
            ),
            (_("指标"), previous.indicator, rule.indicator),
        )
        for aspect, was, now in aspects:
            if was != now:
                changes.append(RuleChange(rule_id, name, "change", was, now, aspect))
    for rule_id, rule in before.items():
        if rule_id not in after:
            name = old.indicators[rule.indicator].name
            changes.append(RuleChange(rule_id, name, "remove", old=_rule_text(old, rule_id)))
    old_targets = {t.date.isoformat(): t.share for t in old.compliance_targets}
    new_targets = {t.date.isoformat(): t.share for t in new.compliance_targets}
    for date in sorted(set(old_targets) | set(new_targets)):
        share_old, share_new = old_targets.get(date), new_targets.get(date)
        if share_old != share_new:
            changes.append(
                RuleChange(
                    date,
                    _("达标学校比例目标"),
                    "target",
                    "" if share_old is None else _share_text(share_old),
                    "" if share_new is None else _share_text(share_new),
                )
            )
    return changes


def _plan(session: Session, db: Database, payload: TaskPayload, result: TaskImportResult) -> None:
    period = session.scalar(select(models.Period).where(models.Period.year == payload.year))
    result.period_created = period is None
    if period is not None:
        if period.statistics_date != payload.statistics_date:
            result.statistics_date_change = (
                period.statistics_date.isoformat(),
                payload.statistics_date.isoformat(),
            )
        if payload.deadline is not None and period.deadline != payload.deadline:
            result.deadline_change = (
                period.deadline.isoformat() if period.deadline else "",
                payload.deadline.isoformat(),
            )
    result.schools = _school_changes(session, db.info().unit_code, payload.schools)
    current = ruleset_in_force(db, session)
    new = payload.ruleset
    result.ruleset_old = (current.ruleset_id, current.version)
    result.ruleset_new = (new.ruleset_id, new.version)
    if result.ruleset_old != result.ruleset_new:
        result.ruleset_installed = True
        result.rule_changes = rule_changes(current, new)
    elif sha256_hex(canonical_json(dict(current.raw))) != payload.ruleset_sha256:
        result.notes.append(
            _(
                "注意：任务包中的规则集与本单位在用的规则集编号和版本相同（{id} {version}），但内容不同；本单位的规则集未更换。请市局更新规则集版本号后重新下发。"
            ).format(id=new.ruleset_id, version=new.version)
        )


def _apply(session: Session, payload: TaskPayload, result: TaskImportResult) -> None:
    period = ensure_period(session, payload.year, payload.statistics_date)
    if period.statistics_date != payload.statistics_date:
        period.statistics_date = payload.statistics_date
    if payload.deadline is not None and period.deadline != payload.deadline:
        period.deadline = payload.deadline
    current = {s.school_code: s for s in session.scalars(select(models.School))}
    for change in result.schools:
        if change.action == "add":
            session.add(models.School(active=True, **dict(change.values)))
        elif change.action == "change":
            school = current[change.school_code]
            for key, value in change.values.items():
                setattr(school, key, value)
    if result.ruleset_installed:
        install_ruleset(session, payload.ruleset)


def _summary(result: TaskImportResult) -> str:
    return json.dumps(
        {
            "added": [s.school_code for s in result.added],
            "changed": [s.school_code for s in result.changed],
            "not_in_registry": [s.school_code for s in result.not_in_registry],
            "period_created": result.period_created,
            "statistics_date_change": result.statistics_date_change,
            "deadline_change": result.deadline_change,
            "ruleset": result.ruleset_new if result.ruleset_installed else None,
            "rule_changes": [[c.rule_id, c.action, c.old, c.new] for c in result.rule_changes],
        },
        ensure_ascii=False,
    )


def _install_target_set(session: Session, targets: Sequence[Mapping[str, Any]]) -> None:
    for item in targets:
        if item.get("kind") == "target_set" and isinstance(item.get("content"), dict):
            install_targets(session, parse_target_set(item["content"]))


def plan_task(db: Database, path: Path) -> TaskImportResult:
    """Verify a task and describe what importing it would change (nothing is written)."""
    _require_county(db)
    verification = verify_task(db, path)
    result = TaskImportResult(path.name, verification)
    if verification.ok and verification.payload is not None:
        with db.session() as session:
            _plan(session, db, verification.payload, result)
    return result


def import_task(db: Database, path: Path) -> TaskImportResult:
    """Verify a task and update the county's set-up from it in one transaction."""
    _require_county(db)
    verification = verify_task(db, path)
    result = TaskImportResult(path.name, verification)
    payload = verification.payload
    if not verification.ok or payload is None:
        return result
    assert verification.manifest_sha256 is not None
    # Lock and verified backup as for every import (a failed backup stops the import); only
    # a task that verified gets this far, so a refusal never touches the database.
    with db.guarded_write("task-import", REASON_TASK_IMPORT), db.transaction() as session:
        # Checked again inside the transaction: another import may have run since.
        problem = _ledger_problem(session, payload.year, payload.seq, verification.manifest_sha256)
        if problem is not None:
            verification.verdict, verification.message = problem
            return result
        _plan(session, db, payload, result)
        _apply(session, payload, result)
        _install_target_set(session, payload.targets)
        settings = verification.manifest.get("settings") if verification.manifest else None
        if isinstance(settings, dict) and "id_privacy" in settings:
            install_privacy(session, privacy_from_json(settings["id_privacy"]))
        session.add(
            models.TaskImport(
                period_year=payload.year,
                seq=payload.seq,
                manifest_sha256=verification.manifest_sha256,
                imported_at=dt.datetime.now().replace(microsecond=0),
                summary=_summary(result),
            )
        )
    result.applied = True
    return result
