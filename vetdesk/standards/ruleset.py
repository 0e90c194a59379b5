"""Loading and checking standards rule sets (JSON data files with their sources)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from vetdesk.errors import InputRejected
from vetdesk.i18n import _, localized
from vetdesk.paths import resource
from vetdesk.standards.formula import FormulaError, formula_names, parse_decimal, parse_formula
from vetdesk.standards.labels import unit_label

SUPPORTED_FORMAT = 1
DEFAULT_RULESET_FILE = "cn-vet-2022.json"
COMPARATORS = (">=", "<=", ">", "<", "between")
PURPOSES = ("compliance", "warning", "monitor")


class RuleSetError(InputRejected):
    """A rule set file is malformed."""

    code = "ruleset_invalid"


@dataclass(frozen=True)
class Source:
    """A document a rule comes from."""

    key: str
    title: str
    number: str
    date: str
    issuer: str
    url: str
    verified: str

    def citation(self) -> str:
        """Short citation such as 《职业学校办学条件达标工程实施方案》（教职成〔2022〕5号）."""
        number = f"（{self.number}）" if self.number else ""
        return f"《{self.title}》{number}"


@dataclass(frozen=True)
class Indicator:
    """A quantity computed per school and period."""

    id: str
    name: str
    name_en: str
    unit: str
    formula: str
    decimals: int
    percent: bool = False
    boolean: bool = False

    @property
    def label(self) -> str:
        """The indicator's name in the current language."""
        return localized(self.name, self.name_en)

    @property
    def unit_label(self) -> str:
        """The indicator's unit in the current language."""
        return unit_label(self.unit)


@dataclass(frozen=True)
class Rule:
    """A threshold on an indicator for some school levels and categories."""

    id: str
    indicator: str
    levels: tuple[str, ...]
    categories: tuple[str, ...]
    comparator: str
    threshold: Fraction
    threshold_high: Fraction | None
    threshold_text: str
    purpose: str
    source: str
    article: str
    verified: str

    def applies_to(self, level: str, category: str) -> bool:
        """Whether this rule applies to a school of this level and category."""
        return level in self.levels and category in self.categories

    def passes(self, value: Fraction) -> bool:
        """Whether a value satisfies the rule."""
        if self.comparator == ">=":
            return value >= self.threshold
        if self.comparator == "<=":
            return value <= self.threshold
        if self.comparator == ">":
            return value > self.threshold
        if self.comparator == "<":
            return value < self.threshold
        assert self.threshold_high is not None
        return self.threshold <= value <= self.threshold_high


@dataclass(frozen=True)
class ComplianceTarget:
    """A target share of 达标 schools by a date."""

    date: dt.date
    share: Fraction
    source: str
    article: str


@dataclass(frozen=True)
class RuleSet:
    """A complete, versioned set of standards."""

    ruleset_id: str
    version: str
    title: str
    effective_from: str
    sources: Mapping[str, Source]
    indicators: Mapping[str, Indicator]
    rules: tuple[Rule, ...]
    category_notes: Mapping[str, str]
    teacher_rules: Mapping[str, Mapping[str, Any]]
    compliance_targets: tuple[ComplianceTarget, ...]
    validation: Mapping[str, Any]
    raw: Mapping[str, Any] = field(repr=False)

    def rules_for(self, level: str, category: str) -> list[Rule]:
        """The rules that apply to a school of this level and category."""
        return [r for r in self.rules if r.applies_to(level, category)]

    def target_for(self, on: dt.date) -> ComplianceTarget | None:
        """The first target whose deadline is on or after a date (else the last one)."""
        ordered = sorted(self.compliance_targets, key=lambda t: t.date)
        for target in ordered:
            if target.date >= on:
                return target
        return ordered[-1] if ordered else None

    def to_json(self) -> str:
        """The rule set as the JSON text it was loaded from."""
        return json.dumps(self.raw, ensure_ascii=False, indent=1)


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise RuleSetError(_("规则集缺少字段 {key}（位置：{where}）").format(key=key, where=where))
    return data[key]


def parse_ruleset(data: Mapping[str, Any]) -> RuleSet:
    """Check and parse a rule set's JSON content."""
    if not isinstance(data, Mapping):
        raise RuleSetError(_("规则集文件格式不正确：顶层应为对象"))
    fmt = _require(data, "format", "顶层")
    if fmt != SUPPORTED_FORMAT:
        raise RuleSetError(
            _("规则集格式版本 {fmt} 不受支持，请升级 VetDesk。").format(fmt=fmt),
            code="ruleset_format",
        )
    sources = {
        key: Source(
            key,
            s["title"],
            s.get("number", ""),
            s.get("date", ""),
            s.get("issuer", ""),
            s.get("url", ""),
            s.get("verified", "unverified"),
        )
        for key, s in _require(data, "sources", "顶层").items()
    }
    variables = set(_require(data, "variables", "顶层"))
    indicators: dict[str, Indicator] = {}
    for item in _require(data, "indicators", "顶层"):
        where = f"indicators/{item.get('id', '?')}"
        ind = Indicator(
            id=_require(item, "id", where),
            name=_require(item, "name", where),
            name_en=item.get("name_en", item["name"]),
            unit=item.get("unit", ""),
            formula=_require(item, "formula", where),
            decimals=int(item.get("decimals", 2)),
            percent=bool(item.get("percent", False)),
            boolean=bool(item.get("boolean", False)),
        )
        try:
            parse_formula(ind.formula)
        except FormulaError as exc:
            raise RuleSetError(
                _("规则集指标 {id} 的公式无效：{err}").format(id=ind.id, err=exc)
            ) from exc
        unknown = formula_names(ind.formula) - variables
        if unknown:
            raise RuleSetError(
                _("规则集指标 {id} 使用了未定义的变量：{names}").format(
                    id=ind.id, names="、".join(sorted(unknown))
                )
            )
        indicators[ind.id] = ind
    rules: list[Rule] = []
    seen: set[str] = set()
    for item in _require(data, "rules", "顶层"):
        where = f"rules/{item.get('id', '?')}"
        rule_id = _require(item, "id", where)
        if rule_id in seen:
            raise RuleSetError(_("规则集中规则编号重复：{id}").format(id=rule_id))
        seen.add(rule_id)
        comparator = _require(item, "comparator", where)
        purpose = _require(item, "purpose", where)
        indicator = _require(item, "indicator", where)
        source = _require(item, "source", where)
        if comparator not in COMPARATORS or purpose not in PURPOSES:
            raise RuleSetError(_("规则 {id} 的比较方式或用途无效").format(id=rule_id))
        if indicator not in indicators or source not in sources:
            raise RuleSetError(_("规则 {id} 引用了不存在的指标或来源").format(id=rule_id))
        high = item.get("threshold_high")
        if comparator == "between" and high is None:
            raise RuleSetError(_("规则 {id} 为区间比较，缺少上限").format(id=rule_id))
        rules.append(
            Rule(
                id=rule_id,
                indicator=indicator,
                levels=tuple(_require(item, "levels", where)),
                categories=tuple(_require(item, "categories", where)),
                comparator=comparator,
                threshold=parse_decimal(str(_require(item, "threshold", where))),
                threshold_high=parse_decimal(str(high)) if high is not None else None,
                threshold_text=str(item["threshold"]),
                purpose=purpose,
                source=source,
                article=item.get("article", ""),
                verified=item.get("verified", "unverified"),
            )
        )
    targets = tuple(
        ComplianceTarget(
            dt.date.fromisoformat(t["date"]),
            parse_decimal(str(t["share"])),
            t.get("source", ""),
            t.get("article", ""),
        )
        for t in data.get("compliance_targets", [])
    )
    return RuleSet(
        ruleset_id=_require(data, "ruleset_id", "顶层"),
        version=_require(data, "version", "顶层"),
        title=data.get("title", ""),
        effective_from=data.get("effective_from", ""),
        sources=sources,
        indicators=indicators,
        rules=tuple(rules),
        category_notes=dict(data.get("category_notes", {})),
        teacher_rules=dict(data.get("teacher_rules", {})),
        compliance_targets=targets,
        validation=dict(data.get("validation", {})),
        raw=dict(data),
    )


def load_ruleset_text(text: str) -> RuleSet:
    """Parse a rule set from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleSetError(
            _("规则集文件不是有效的 JSON：第 {line} 行 {msg}").format(line=exc.lineno, msg=exc.msg)
        ) from exc
    return parse_ruleset(data)


def load_default_ruleset() -> RuleSet:
    """The rule set shipped with this version of VetDesk."""
    return load_ruleset_text(
        resource("standards", DEFAULT_RULESET_FILE).read_text(encoding="utf-8")
    )
