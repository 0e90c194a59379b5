"""The ten-measure targets (东政办〔2024〕74号) and the progress toward each.

Targets are data (``resources/standards/targets-haidong-2024.json``): each names a
metric, a comparator and a target value with its deadline and lead units. Metrics
are computed from the recorded data wherever possible; the rest are entered by the
city with evidence (``target_progress`` table).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.domain.enums import BaseKind, BaseStatus, Honour, MajorStatus
from vetdesk.domain.rows import PeriodData
from vetdesk.domain.textnorm import normalize_text
from vetdesk.errors import InputRejected
from vetdesk.i18n import N_, _, localized
from vetdesk.paths import resource
from vetdesk.standards.assess import NOT_COUNTED, PASS, SchoolAssessment
from vetdesk.standards.formula import parse_decimal
from vetdesk.standards.labels import unit_label

DEFAULT_TARGETS_FILE = "targets-haidong-2024.json"
SETTING_KEY = "target_set"
SUPPORTED_FORMATS = (1, 2)
EVERY_YEAR = "every_year"
DONE = "done"
ON_TRACK = "on_track"
BEHIND = "behind"
OPEN = "open"  # not met, and the policy sets no deadline
MISSED_THIS_YEAR = "missed_this_year"  # a yearly requirement not met in this period
CONTRIBUTION = "contribution"  # a county's share of a city-wide target
CITY_ENTERED = "city_entered"  # entered by the city; a county database has no value
STATUSES = (DONE, ON_TRACK, BEHIND, OPEN, MISSED_THIS_YEAR, CONTRIBUTION, CITY_ENTERED)
# How each status reads (translate with vetdesk.i18n._ when shown).
STATUS_LABELS = {
    DONE: N_("已完成"),
    ON_TRACK: N_("按期推进"),
    BEHIND: N_("滞后"),
    OPEN: N_("未完成（文件未定期限）"),
    MISSED_THIS_YEAR: N_("本年未达到"),
    CONTRIBUTION: N_("本县贡献"),
    CITY_ENTERED: N_("由市局填报"),
}
_READY = {BaseStatus.BUILT, BaseStatus.RECOGNISED}
_RUNNING = {MajorStatus.KEPT, MajorStatus.NEW, MajorStatus.REDIRECTED}
_ARTICLE_NUMERALS = "一二三四五六七八九十"


class TargetSetError(InputRejected):
    """A target set file is malformed."""

    code = "targets_invalid"


def article_label(number: int) -> str:
    """An article of the policy as it is cited, e.g. 第五条."""
    numeral = _ARTICLE_NUMERALS[number - 1] if 1 <= number <= 10 else str(number)
    return localized(f"第{numeral}条", f"Article {number}")


@dataclass(frozen=True)
class Article:
    """One article (措施) of the policy with its units, as the text gives them."""

    number: int
    title: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    lead_schools: tuple[str, ...] = ()
    lead_enterprises: str = ""


@dataclass(frozen=True)
class Alternative:
    """The other reading of an ambiguous target, computed and shown beside the chosen one."""

    metric: str
    label: str
    label_en: str = ""

    @property
    def label_text(self) -> str:
        """The reading's name in the current language."""
        return localized(self.label, self.label_en)


@dataclass(frozen=True)
class Target:
    """One target of the policy."""

    id: str
    articles: tuple[int, ...]
    indicator: str
    metric: str
    comparator: str
    target: Fraction
    target_high: Fraction | None
    unit: str
    deadline: dt.date | None
    every_year: bool
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    window: tuple[int, int] | None
    indicator_en: str = ""
    named: tuple[str, ...] = ()
    flag: str = ""
    quote: tuple[str, ...] = ()
    verified: str = "unverified"
    reading: str = ""
    alternative: Alternative | None = None
    lead_schools: tuple[str, ...] = ()
    lead_enterprises: tuple[str, ...] = ()
    document: str = ""

    @property
    def measure(self) -> int:
        """The article that sets the target (the first one when two name it)."""
        return self.articles[0]

    @property
    def articles_text(self) -> str:
        """The articles as cited, e.g. 第二条、第八条."""
        return "、".join(article_label(n) for n in self.articles)

    @property
    def deadline_text(self) -> str:
        """The deadline as the text gives it: a date, every year, or none."""
        if self.every_year:
            return _("每年")
        return self.deadline.isoformat() if self.deadline else _("文件未定期限")

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
    articles: Mapping[int, Article] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The set's title in the current language."""
        return localized(self.title, str(self.raw.get("title_en", "")))

    def to_json(self) -> str:
        """The set as JSON text."""
        return json.dumps(self.raw, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class Count:
    """A share with its numerator and denominator, e.g. 7 of 9 schools."""

    numerator: int
    denominator: int


@dataclass(frozen=True)
class Progress:
    """Where one target stands."""

    target: Target
    value: Fraction | None
    status: str
    entered: bool
    evidence: str | None
    alternative_value: Fraction | None = None
    basis: Count | None = None
    note: str = ""

    def value_text(self) -> str:
        """The value for display, with its denominator when it is a share."""
        text = format_target_value(self.target, self.value)
        if self.basis is not None:
            text += _("（{n}/{d}）").format(n=self.basis.numerator, d=self.basis.denominator)
        return text

    def alternative_text(self) -> str:
        """The other reading's figure, e.g. '不含升学：81.6%', or empty."""
        alt = self.target.alternative
        if alt is None:
            return ""
        return f"{alt.label_text}：{format_target_value(self.target, self.alternative_value)}"

    @property
    def status_text(self) -> str:
        """The status in words."""
        return _(STATUS_LABELS[self.status])

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


def _units(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(v) for v in value or ())


def _merged(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    # A target named in two articles is led by both articles' units, each named once.
    return tuple(dict.fromkeys(unit for group in groups for unit in group))


def _parse_deadline(value: Any) -> tuple[dt.date | None, bool]:
    if value is None:
        return None, False
    if value == EVERY_YEAR:
        return None, True
    return dt.date.fromisoformat(str(value)), False


def _parse_articles(data: Mapping[str, Any]) -> dict[int, Article]:
    articles = {}
    for key, item in dict(data.get("articles", {})).items():
        number = int(key)
        articles[number] = Article(
            number,
            str(item.get("title", "")),
            _units(item.get("lead")),
            _units(item.get("responsible")),
            _units(item.get("lead_schools")),
            str(item.get("lead_enterprises", "")),
        )
    return articles


def _parse_target(
    item: Mapping[str, Any], articles: Mapping[int, Article], document: str
) -> Target:
    if "articles" in item:
        numbers = tuple(int(n) for n in item["articles"])
    else:  # format 1: one measure per target
        numbers = (int(item["measure"]),)
    if not numbers:
        raise TargetSetError(_("目标 {id} 未注明所属条款。").format(id=item["id"]))
    known = [articles[n] for n in numbers if n in articles]
    lead = _units(item["lead"]) if "lead" in item else _merged(a.lead for a in known)
    responsible = (
        _units(item["responsible"])
        if "responsible" in item
        else tuple(u for u in _merged(a.responsible for a in known) if u not in lead)
    )
    deadline, every_year = _parse_deadline(item.get("deadline"))
    window = item.get("window")
    alt = item.get("alternative")
    alternative = None
    if alt:
        alternative = Alternative(
            str(alt["metric"]), str(alt.get("label", "")), str(alt.get("label_en", ""))
        )
    for metric in (item["metric"], alternative.metric if alternative else "entered"):
        if metric != "entered" and metric not in METRICS:
            raise TargetSetError(
                _("目标 {id} 使用了未知的指标 {metric}。").format(id=item["id"], metric=metric)
            )
    return Target(
        id=item["id"],
        articles=numbers,
        indicator=item["indicator"],
        metric=item["metric"],
        comparator=item.get("comparator", ">="),
        target=parse_decimal(str(item["target"])),
        target_high=parse_decimal(str(item["target_high"])) if "target_high" in item else None,
        unit=item.get("unit", ""),
        deadline=deadline,
        every_year=every_year,
        lead=lead,
        responsible=responsible,
        window=(int(window[0]), int(window[1])) if window else None,
        indicator_en=item.get("indicator_en", ""),
        named=_units(item.get("named")),
        flag=str(item.get("flag", "")),
        quote=_units(item.get("quote")),
        verified=str(item.get("verified", "unverified")),
        reading=str(item.get("reading", "")),
        alternative=alternative,
        lead_schools=_merged(a.lead_schools for a in known),
        lead_enterprises=tuple(a.lead_enterprises for a in known if a.lead_enterprises),
        document=str(item.get("document", document)),
    )


def parse_target_set(data: Mapping[str, Any]) -> TargetSet:
    """Check and parse a target set (format 2, or the older format 1)."""
    try:
        if data["format"] not in SUPPORTED_FORMATS:
            raise TargetSetError(_("目标任务文件格式版本 {v} 不受支持。").format(v=data["format"]))
        articles = _parse_articles(data)
        targets = []
        seen = set()
        for item in data["targets"]:
            if item["id"] in seen:
                raise TargetSetError(_("目标编号重复：{id}").format(id=item["id"]))
            seen.add(item["id"])
            document = str(dict(data.get("source", {})).get("number", ""))
            targets.append(_parse_target(item, articles, document))
        return TargetSet(
            data["target_set_id"],
            data["version"],
            data.get("title", ""),
            dict(data.get("source", {})),
            tuple(targets),
            dict(data),
            articles,
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
    basis = compliance_basis(assessments)
    return Fraction(basis.numerator, basis.denominator) if basis.denominator else None


def compliance_basis(assessments: Iterable[SchoolAssessment]) -> Count:
    """Schools passing out of the schools counted in the 达标 rate."""
    verdicts = [a.verdict for a in assessments if a.verdict not in NOT_COUNTED]
    return Count(verdicts.count(PASS), len(verdicts))


def _cooperating_enterprises(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    # The same enterprise working with two schools counts once (by credit code, else by name).
    return Fraction(len({e.credit_code or e.name for e in data.enterprises}))


def _pilots(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    return Fraction(len({(p.school_code, p.certificate) for p in data.pilots}))


def _certificate_types(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction:
    return Fraction(len({p.certificate for p in data.pilots}))


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


def _named_practice_centres(data: PeriodData, _a: list[SchoolAssessment], t: Target) -> Fraction:
    # 各建设1个: each named school counts once, whatever else it builds; others not at all.
    names = {s.school_code: s.name for s in data.schools}
    with_centre = {
        b.school_code
        for b in data.bases
        if b.kind == BaseKind.PRACTICE_CENTRE and b.status in _READY
    }
    return Fraction(
        sum(any(named in names.get(code, "") for code in with_centre) for named in t.named)
    )


def _same_name(a: str, b: str) -> bool:
    return normalize_text(a).replace(" ", "") == normalize_text(b).replace(" ", "")


def _named_majors(data: PeriodData, _a: list[SchoolAssessment], t: Target) -> Fraction:
    # Only the majors the article names count, each once however many schools run it.
    running = [
        m for m in data.majors if m.status in _RUNNING and (not t.flag or getattr(m, t.flag))
    ]
    return Fraction(sum(any(_same_name(m.name, named) for m in running) for named in t.named))


def _destinations(data: PeriodData, with_further_study: bool) -> Count | None:
    graduates = sum(d.graduates for d in data.destinations)
    if not graduates:
        return None
    employed = sum(
        d.employed + (d.further_study if with_further_study else 0) for d in data.destinations
    )
    return Count(employed, graduates)


def _employment_rate(data: PeriodData, _a: list[SchoolAssessment], _t: Target) -> Fraction | None:
    basis = _destinations(data, True)
    return Fraction(basis.numerator, basis.denominator) if basis else None


def _employment_rate_excl(
    data: PeriodData, _a: list[SchoolAssessment], _t: Target
) -> Fraction | None:
    basis = _destinations(data, False)
    return Fraction(basis.numerator, basis.denominator) if basis else None


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
    "one_plus_x_certificate_types": _certificate_types,
    "brand_majors": _brand_majors,
    "educator_principals": _honour_count(Honour.EDUCATOR_PRINCIPAL),
    "teaching_masters": _honour_count(Honour.TEACHING_MASTER, Honour.CRAFTSMAN),
    "master_studios": _bases(BaseKind.MASTER_STUDIO),
    "employment_rate": _employment_rate,
    "employment_rate_excl_further_study": _employment_rate_excl,
    "agriculture_majors": _agriculture_majors,
    "named_majors": _named_majors,
    "virtual_simulation_bases": _bases(BaseKind.VIRTUAL_SIMULATION),
    "regional_practice_centres": _bases(BaseKind.PRACTICE_CENTRE),
    "named_practice_centres": _named_practice_centres,
    "majors_revoked": _adjusted(MajorStatus.REVOKED),
    "majors_stopped": _adjusted(MajorStatus.STOPPED),
    "majors_new": _adjusted(MajorStatus.NEW),
    "majors_redirected": _adjusted(MajorStatus.REDIRECTED),
}
_BASES: dict[str, Callable[[PeriodData, list[SchoolAssessment]], Count | None]] = {
    "compliance_rate": lambda _d, a: compliance_basis(a),
    "employment_rate": lambda d, _a: _destinations(d, True),
    "employment_rate_excl_further_study": lambda d, _a: _destinations(d, False),
}


def status_of(target: Target, value: Fraction | None, as_of: dt.date) -> str:
    """The status by the rule stated in the target set (see STATUS_LABELS)."""
    if value is not None and target.met_by(value):
        return DONE
    if target.every_year:
        return MISSED_THIS_YEAR
    if target.deadline is None:
        return OPEN
    return ON_TRACK if as_of < target.deadline else BEHIND


def compute_progress(
    target_set: TargetSet,
    data: PeriodData,
    assessments: list[SchoolAssessment],
    entered: Mapping[str, tuple[int, str]],
    *,
    county: bool = False,
) -> list[Progress]:
    """Progress toward every target for a period's data.

    In a county database the figures are the county's contribution to the city-wide
    targets, not a verdict on the county; the hand-entered targets are the city's.
    """
    as_of = data.period.statistics_date
    result = []
    for target in target_set.targets:
        if target.metric == "entered":
            if county:
                result.append(Progress(target, None, CITY_ENTERED, True, None))
                continue
            value_evidence = entered.get(target.id)
            value = Fraction(value_evidence[0]) if value_evidence else None
            evidence = value_evidence[1] if value_evidence else None
            result.append(Progress(target, value, status_of(target, value, as_of), True, evidence))
            continue
        value = METRICS[target.metric](data, assessments, target)
        basis_of = _BASES.get(target.metric)
        basis = basis_of(data, assessments) if basis_of else None
        alternative = None
        if target.alternative is not None:
            alternative = METRICS[target.alternative.metric](data, assessments, target)
        status = CONTRIBUTION if county else status_of(target, value, as_of)
        result.append(Progress(target, value, status, False, None, alternative, basis))
    return result


def load_entered(session: Session, period_id: int) -> dict[str, tuple[int, str]]:
    """Values entered by hand for a period, with their evidence."""
    rows = session.scalars(
        select(models.TargetProgress).where(models.TargetProgress.period_id == period_id)
    )
    return {r.target_id: (r.value, r.evidence) for r in rows}
