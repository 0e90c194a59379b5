"""The rule set inside a task package: its readable sheet, its signed text, how it differs.

``规则集`` shows the rule set one rule per row (``RULES``); the rule set itself travels as
compact canonical JSON in the hidden ``_vetdesk`` sheet under ``ruleset`` (or, when
longer than a cell holds, ``ruleset.1``, ``ruleset.2`` … joined in that order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vetdesk.domain.enums import SchoolCategory, SchoolLevel
from vetdesk.errors import InputRejected
from vetdesk.i18n import N_, _
from vetdesk.packages.task.model import RuleChange
from vetdesk.signing.canonical import (
    canonical_json,
)
from vetdesk.standards.assess import threshold_text
from vetdesk.standards.ruleset import RuleSet
from vetdesk.workbook.cells import CellError, parse_cell
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import SCHOOLS, Column, Kind, SheetSpec
from vetdesk.workbook.writer import (
    MAX_CELL_TEXT,
)

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


def task_targets(
    ruleset: RuleSet, target_set: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The targets a task carries: the rule set's compliance shares and the ten-measure set."""
    # A list on purpose: the ten-measure targets of 东政办〔2024〕74号 are added to it later,
    # each entry saying its own kind.
    targets: list[dict[str, Any]] = []
    for raw in ruleset.raw.get("compliance_targets", []):
        targets.append({"kind": "compliance_share", **{k: raw[k] for k in sorted(raw)}})
    if target_set is not None:
        # The city's ten-measure target set (东政办〔2024〕74号) travels whole, signed.
        targets.append({"kind": "target_set", "content": target_set})
    return targets


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
