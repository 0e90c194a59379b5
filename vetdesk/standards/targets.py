"""The ten-measure targets (东政办〔2024〕74号) and the progress toward each.

Targets are data (``resources/standards/targets-haidong-2024.json``): each names a
metric, a comparator and a target value with its deadline and lead units. Metrics
are computed from the recorded data wherever possible; the rest are entered by the
city with evidence (``target_progress`` table).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.domain.enums import BaseKind, BaseStatus, Honour, MajorStatus
from vetdesk.domain.rows import PeriodData
from vetdesk.errors import InputRejected
from vetdesk.i18n import _, localized
from vetdesk.paths import resource
from vetdesk.standards.assess import SchoolAssessment
from vetdesk.standards.formula import parse_decimal
from vetdesk.standards.labels import unit_label

DEFAULT_TARGETS_FILE = "targets-haidong-2024.json"
SETTING_KEY = "target_set"
DONE = "done"
ON_TRACK = "on_track"
BEHIND = "behind"
_READY = {BaseStatus.BUILT, BaseStatus.RECOGNISED}
_RUNNING = {MajorStatus.KEPT, MajorStatus.NEW, MajorStatus.REDIRECTED}


class TargetSetError(InputRejected):
    """A target set file is malformed."""

    code = "targets_invalid"


@dataclass(frozen=True)
class Target:
    """One target of the policy."""

    id: str
    measure: int
    indicator: str
    metric: str
    comparator: str
    target: Fraction
    target_high: Fraction | None
    unit: str
    deadline: dt.date
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    window: tuple[int, int] | None
    indicator_en: str = ""

    @property
    def label(self) -> str:
        """The target's indicator in the current language."""
        return localized(self.indicator, self.indicator_en)

    @property
    def unit_label(self) -> str:
        """The target's unit in the current language."""
        return unit_label(self.unit)

    @property
    def is_percent(self) -> bool:
        """Whether the target is a share shown as a percentage."""
        return self.unit == "%"

    def met_by(self, value: Fraction) -> bool:
        """Whether a value meets the target (a range is met from its lower end)."""
        if self.comparator == "<=":
            return value <= self.target
        return value >= self.target


@dataclass(frozen=True)
class TargetSet:
    """A versioned set of targets."""

    target_set_id: str
    version: str
    title: str
    source: Mapping[str, Any]
    targets: tuple[Target, ...]
    raw: Mapping[str, Any]

    @property
    def label(self) -> str:
        """The set's title in the current language."""
        return localized(self.title, str(self.raw.get("title_en", "")))

    def to_json(self) -> str:
        """The set as JSON text."""
        return json.dumps(self.raw, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class Progress:
    """Where one target stands."""

    target: Target
    value: Fraction | None
    status: str
    entered: bool
    evidence: str | None

    def value_text(self) -> str:
        """The value for display."""
        return format_target_value(self.target, self.value)

    def target_text(self) -> str:
        """The target for display, e.g. '≥ 90%' or '6–8 个'."""
        t = self.target
        if t.target_high is not None:
            low = format_target_value(t, t.target).removesuffix(t.unit_label).strip()
            return f"{low}–{format_target_value(t, t.target_high)}"
        symbol = {">=": "≥", "<=": "≤"}.get(t.comparator, t.comparator)
        return f"{symbol} {format_target_value(t, t.target)}"


def format_target_value(target: Target, value: Fraction | None) -> str:
    """A metric value as people read it."""
    if value is None:
        return "—"
    if target.is_percent:
        return f"{float(value) * 100:.1f}%"
    if value.denominator == 1:
        return f"{value.numerator} {target.unit_label}".strip()
    return f"{float(value):.2f} {target.unit_label}".strip()


def parse_target_set(data: Mapping[str, Any]) -> TargetSet:
    """Check and parse a target set."""
    try:
        if data["format"] != 1:
            raise TargetSetError(_("目标任务文件格式版本 {v} 不受支持。").format(v=data["format"]))
        targets = []
        seen = set()
        for item in data["targets"]:
            if item["id"] in seen:
                raise TargetSetError(_("目标编号重复：{id}").format(id=item["id"]))
            seen.add(item["id"])
            if item["metric"] != "entered" and item["metric"] not in METRICS:
                raise TargetSetError(
                    _("目标 {id} 使用了未知的指标 {metric}。").format(
                        id=item["id"], metric=item["metric"]
                    )
                )
            window = item.get("window")
            targets.append(
                Target(
                    id=item["id"],
                    measure=int(item["measure"]),
                    indicator=item["indicator"],
                    metric=item["metric"],
                    comparator=item.get("comparator", ">="),
                    target=parse_decimal(str(item["target"])),
                    target_high=parse_decimal(str(item["target_high"]))
                    if "target_high" in item
                    else None,
                    unit=item.get("unit", ""),
                    deadline=dt.date.fromisoformat(item["deadline"]),
                    lead=tuple(item.get("lead", ())),
                    responsible=tuple(item.get("responsible", ())),
                    window=(int(window[0]), int(window[1])) if window else None,
                    indicator_en=item.get("indicator_en", ""),
                )
            )
        return TargetSet(
            data["target_set_id"],
            data["version"],
            data.get("title", ""),
            dict(data.get("source", {})),
            tuple(targets),
            dict(data),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, TargetSetError):
            raise
        raise TargetSetError(_("目标任务文件格式不正确：{err}").format(err=exc)) from exc


def load_default_targets() -> TargetSet:
    """The target set shipped with VetDesk."""
    return parse_target_set(
        json.loads(resource("standards", DEFAULT_TARGETS_FILE).read_text(encoding="utf-8"))
    )


def targets_in_force(session: Session) -> TargetSet:
    """The target set of a database (installed by the city or from a task package), else the default."""
    row = session.get(models.Setting, SETTING_KEY)
    return parse_target_set(json.loads(row.value)) if row else load_default_targets()


def install_targets(session: Session, target_set: TargetSet) -> None:
    """Make a target set the one in force."""
    row = session.get(models.Setting, SETTING_KEY)
    text = json.dumps(target_set.raw, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(models.Setting(key=SETTING_KEY, value=text))
    else:
        row.value = text


# --- metrics -------------------------------------------------------------------------------

Metric = Callable[[PeriodData, list[SchoolAssessment], Target], Fraction | None]


def _compliance_rate(
    data: PeriodData, assessments: list[SchoolAssessment], _t: Target
) -> Fraction | None:
    verdicts = [a.verdict for a in assessments if a.verdict != "not_applicable"]
    return Fraction(verdicts.count("pass"), len(verdicts)) if verdicts else None


def _cooperating_enterprises(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    # The same enterprise working with two schools counts once (by credit code, else by name).
    return Fraction(len({e.credit_code or e.name for e in data.enterprises}))


def _pilots(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    return Fraction(len({(p.school_code, p.certificate) for p in data.pilots}))


def _brand_majors(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    return Fraction(sum(m.brand and m.status in _RUNNING for m in data.majors))


def _honour_count(*honours: Honour) -> Metric:
    wanted = {str(h) for h in honours}

    def metric(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
        people = {
            t.id_number for t in data.teachers if t.honours and wanted & set(t.honours.split(","))
        }
        return Fraction(len(people))

    return metric


def _bases(kind: BaseKind) -> Metric:
    def metric(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
        return Fraction(sum(b.kind == kind and b.status in _READY for b in data.bases))

    return metric


def _employment_rate(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction | None:
    graduates = sum(d.graduates for d in data.destinations)
    if not graduates:
        return None
    return Fraction(sum(d.employed + d.further_study for d in data.destinations), graduates)


def _agriculture_majors(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    return Fraction(sum(m.agriculture and m.status in _RUNNING for m in data.majors))


def _adjusted(status: MajorStatus) -> Metric:
    def metric(data: PeriodData, _a: list[SchoolAssessment], target: Target) -> Fraction:
        low, high = target.window or (0, 9999)
        return Fraction(
            sum(
                m.status == status and m.status_year is not None and low <= m.status_year <= high
                for m in data.majors
            )
        )

    return metric


METRICS: dict[str, Metric] = {
    "compliance_rate": _compliance_rate,
    "cooperating_enterprises": _cooperating_enterprises,
    "one_plus_x_pilots": _pilots,
    "brand_majors": _brand_majors,
    "educator_principals": _honour_count(Honour.EDUCATOR_PRINCIPAL),
    "teaching_masters": _honour_count(Honour.TEACHING_MASTER, Honour.CRAFTSMAN),
    "master_studios": _bases(BaseKind.MASTER_STUDIO),
    "employment_rate": _employment_rate,
    "agriculture_majors": _agriculture_majors,
    "virtual_simulation_bases": _bases(BaseKind.VIRTUAL_SIMULATION),
    "regional_practice_centres": _bases(BaseKind.PRACTICE_CENTRE),
    "majors_revoked": _adjusted(MajorStatus.REVOKED),
    "majors_stopped": _adjusted(MajorStatus.STOPPED),
    "majors_new": _adjusted(MajorStatus.NEW),
    "majors_redirected": _adjusted(MajorStatus.REDIRECTED),
}


def status_of(target: Target, value: Fraction | None, as_of: dt.date) -> str:
    """done, on_track or behind, by the rule stated in the target set."""
    if value is not None and target.met_by(value):
        return DONE
    return ON_TRACK if as_of < target.deadline else BEHIND


def compute_progress(
    target_set: TargetSet,
    data: PeriodData,
    assessments: list[SchoolAssessment],
    entered: Mapping[str, tuple[int, str]],
) -> list[Progress]:
    """Progress toward every target for a period's data."""
    as_of = data.period.statistics_date
    result = []
    for target in target_set.targets:
        if target.metric == "entered":
            value_evidence = entered.get(target.id)
            value = Fraction(value_evidence[0]) if value_evidence else None
            evidence = value_evidence[1] if value_evidence else None
            result.append(Progress(target, value, status_of(target, value, as_of), True, evidence))
        else:
            value = METRICS[target.metric](data, assessments, target)
            result.append(Progress(target, value, status_of(target, value, as_of), False, None))
    return result


def load_entered(session: Session, period_id: int) -> dict[str, tuple[int, str]]:
    """Values entered by hand for a period, with their evidence."""
    rows = session.scalars(
        select(models.TargetProgress).where(models.TargetProgress.period_id == period_id)
    )
    return {r.target_id: (r.value, r.evidence) for r in rows}
