"""What a task package carries and what verifying, exporting and importing one report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.packages.envelope import EnvelopeVerification
from vetdesk.standards.ruleset import RuleSet
from vetdesk.workbook.rows import Record


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
class TaskVerification(EnvelopeVerification):
    """The result of verifying one task package."""

    payload: TaskPayload | None = field(default=None, repr=False)

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
        return {**self.verdict_json(), "period": self.year, "seq": self.seq, "units": self.units}


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
            lines.extend("  " + describe_rule_change(c) for c in self.rule_changes)
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


def describe_rule_change(change: RuleChange) -> str:
    """One rule change as a line for people."""
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
