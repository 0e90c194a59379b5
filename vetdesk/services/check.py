"""Writing explanations of a period's warnings, and the check report as JSON (``vetdesk check --json``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.period_data import get_period
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.enums import Severity
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _
from vetdesk.standards.assess import UnitSummary, threshold_text
from vetdesk.validation.check import CheckReport, load_explanations, run_check
from vetdesk.validation.findings import EXPLANATION_PLACEHOLDER, Finding


def explain_warnings(db: Database, year: int, items: Iterable[tuple[str, str, str, str]]) -> int:
    """Store explanations (rule, record key, field, text) in one transaction; empty text removes one.

    Returns the number of explanations written or removed.
    """
    with db.transaction() as session:
        period = get_period(session, year)
        require(session, WriteAction.EXPLAIN_WARNING, period=year)
        return store_explanations(session, period, items, db.info().operator)


def store_explanations(
    session: Session,
    period: models.Period,
    items: Iterable[tuple[str, str, str, str]],
    operator: str,
) -> int:
    """Write explanations in a caller's transaction, without the write policy (the demo's data).

    A user's explanation goes through :func:`explain_warnings`, which asks the policy first.
    """
    changed = 0
    stored = {
        (r.rule_id, r.record_key, r.field): r
        for r in session.scalars(
            select(models.WarningExplanation).where(
                models.WarningExplanation.period_id == period.id
            )
        )
    }
    now = dt.datetime.now().replace(microsecond=0)
    for rule, record_key, field, text in items:
        cleaned = text.strip()
        existing = stored.get((rule, record_key, field))
        if not cleaned:
            if existing is not None:
                session.delete(existing)
                changed += 1
            continue
        if existing is not None:
            if existing.text != cleaned:
                existing.text = cleaned
                changed += 1
            continue
        record = models.WarningExplanation(
            period_id=period.id,
            rule_id=rule,
            record_key=record_key,
            field=field,
            text=cleaned,
            operator=operator,
            created_at=now,
        )
        session.add(record)
        stored[(rule, record_key, field)] = record
        changed += 1
    return changed


def _warning_text(rule: str, record_key: str, field: str) -> str:
    return (
        _("规则 {rule}、记录 {key}、字段 {field}").format(rule=rule, key=record_key, field=field)
        if field
        else _("规则 {rule}、记录 {key}").format(rule=rule, key=record_key)
    )


def find_warning(
    report: CheckReport,
    *,
    finding_id: str | None = None,
    rule: str | None = None,
    record_key: str | None = None,
    field: str | None = None,
) -> Finding:
    """The current warning a user addresses, by its identifier or by rule, record and field.

    Without a field, a rule and record with exactly one warning address that warning.
    Refuses (naming what it looked for) anything that matches no current warning, so an
    explanation is never stored where ``check`` will not find it.
    """
    if finding_id:
        wanted = finding_id.strip().upper()
        for f in report.findings:
            if f.finding_id.upper() == wanted:
                if f.severity == Severity.ERROR:
                    raise InputRejected(
                        _("{id} 是错误，不是警告：错误须改正，不能用说明代替。").format(
                            id=f.finding_id
                        ),
                        code="not_a_warning",
                    )
                return f
        raise InputRejected(
            _(
                "{year} 年度的核验结果中没有编号为 {id} 的警告。编号见 vetdesk check 的输出；"
                "数据改动后，已不存在的警告不再需要说明。"
            ).format(year=report.year, id=finding_id.strip()),
            code="no_such_warning",
        )
    if not rule or not record_key:
        raise UsageError(_("请用 --finding 给出警告编号，或同时给出 --rule 和 --record。"))
    candidates = [f for f in report.findings if f.rule == rule and f.record_key == record_key]
    if field:
        candidates = [f for f in candidates if f.field == field]
    warnings = [f for f in candidates if f.severity == Severity.WARNING]
    if len(warnings) == 1:
        return warnings[0]
    if not warnings and candidates:
        raise InputRejected(
            _("{what} 是错误，不是警告：错误须改正，不能用说明代替。").format(
                what=_warning_text(rule, record_key, field or "")
            ),
            code="not_a_warning",
        )
    if len(warnings) > 1:
        raise InputRejected(
            _(
                "{what} 有 {n} 条警告，请用 --field 指明字段（{fields}），或用 --finding 给出编号。"
            ).format(
                what=_warning_text(rule, record_key, ""),
                n=len(warnings),
                fields="、".join(f.field for f in warnings),
            ),
            code="ambiguous_warning",
        )
    raise InputRejected(
        _("{year} 年度的核验结果中没有 {what} 的警告；请按 vetdesk check 列出的编号填写。").format(
            year=report.year, what=_warning_text(rule, record_key, field or "")
        ),
        code="no_such_warning",
    )


_QUOTES = "\"'“”‘’「」『』<>《》()（）[]【】 \t"


def is_placeholder_text(text: str) -> bool:
    """Whether an explanation is only a placeholder (an ellipsis, or the printed example)."""
    core = text.strip().strip(_QUOTES).strip()
    if not core:
        return bool(text.strip())  # only quotes or brackets: nothing was written
    if all(c in ".。…·" for c in core):
        return True
    return core in (EXPLANATION_PLACEHOLDER, _(EXPLANATION_PLACEHOLDER))


def explain_finding(
    db: Database,
    year: int,
    text: str,
    *,
    finding_id: str | None = None,
    rule: str | None = None,
    record_key: str | None = None,
    field: str | None = None,
) -> Finding:
    """Store (or, with empty text, remove) the explanation of one current warning.

    Removing also works for an explanation whose warning is gone (given by rule, record
    and field exactly), so that stale explanations can be cleaned up.
    """
    # The policy first: a database that may not be explained in says so, whatever was typed.
    with db.session() as session:
        require(session, WriteAction.EXPLAIN_WARNING, period=year)
    if is_placeholder_text(text):
        raise InputRejected(
            _(
                "说明文字“{text}”只是占位符，未保存：请把 --text 后面换成真实的说明"
                "（为什么这条数据虽触发警告但属实）。"
            ).format(text=text.strip()),
            code="placeholder_text",
        )
    report = run_check(db, year)
    try:
        target = find_warning(
            report, finding_id=finding_id, rule=rule, record_key=record_key, field=field
        )
    except InputRejected:
        if text.strip() or not (rule and record_key):
            raise
        key = (rule, record_key, field or "")
        with db.session() as session:
            stored = load_explanations(session, get_period(session, year).id)
        if key not in stored:
            raise
        explain_warnings(db, year, [(*key, "")])
        return Finding(Severity.WARNING, rule, "", record_key, "", "", field or "", "", "")
    explain_warnings(db, year, [(*target.explanation_key, text)])
    return target


def _fraction_text(value: Fraction | None, digits: int = 4) -> str | None:
    return None if value is None else f"{float(value):.{digits}f}"


def report_to_json(report: CheckReport) -> dict[str, Any]:
    """The stable JSON form of a check report (documented in README, "check --json")."""

    def summary_json(s: UnitSummary) -> dict[str, Any]:
        return {
            "schools_assessed": s.schools_assessed,
            "schools_passing": s.schools_passing,
            "schools_failing": s.schools_failing,
            "schools_incomplete": s.schools_incomplete,
            "schools_excluded": s.schools_excluded,
            "rate": _fraction_text(s.rate),
            "target": None
            if s.target_share is None
            else {
                "share": _fraction_text(s.target_share, 2),
                "date": s.target_date.isoformat() if s.target_date else None,
            },
            "meets_target": s.meets_target,
        }

    schools = []
    for a in report.assessments:
        indicators = []
        for r in a.results:
            rule = r.rule
            source = report.ruleset.sources[rule.source] if rule else None
            indicators.append(
                {
                    "indicator": r.indicator.id,
                    "name": r.indicator.name,
                    "unit": r.indicator.unit,
                    "value": _fraction_text(r.value),
                    "display": r.value_text(),
                    "rule": rule.id if rule else None,
                    "purpose": rule.purpose if rule else None,
                    "comparator": rule.comparator if rule else None,
                    "threshold": rule.threshold_text if rule else None,
                    "threshold_display": threshold_text(r.indicator, rule) if rule else None,
                    "passed": r.passed,
                    "source": source.citation() if source else None,
                    "article": rule.article if rule else None,
                    "verified": rule.verified if rule else None,
                }
            )
        schools.append(
            {
                "school_code": a.school.school_code,
                "name": a.school.name,
                "county_code": a.school.county_code,
                "level": a.school.level,
                "category": a.school.category,
                "verdict": a.verdict,
                "failing": [r.rule.id for r in a.failing if r.rule],
                "missing": [r.rule.id for r in a.missing if r.rule],
                "teacher_counts": dict(a.counts),
                "indicators": indicators,
                "category_note": report.ruleset.category_notes.get(a.school.category),
                "excluded_reason": a.excluded_reason or None,
            }
        )
    return {
        "format": 1,
        "unit": {
            "code": report.info.unit_code,
            "name": report.info.unit_name,
            "role": report.info.role,
        },
        "period": report.year,
        "statistics_date": report.statistics_date.isoformat(),
        "ruleset": {"id": report.ruleset.ruleset_id, "version": report.ruleset.version},
        "summary": summary_json(report.summary),
        "counties": {code: summary_json(s) for code, s in sorted(report.county_summaries.items())},
        "schools": schools,
        "findings": [
            {
                "severity": str(f.severity),
                "rule": f.rule,
                "entity": f.entity,
                "record_key": f.record_key,
                "school_code": f.school_code,
                "record": f.record_label,
                "field": f.field,
                "value": mask_id_number(f.value) if f.field == "id_number" else f.value,
                "message": f.message,
                "explanation": f.explanation,
                "id": f.finding_id,
            }
            for f in report.findings
        ],
        "counts": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "warnings_explained": len(report.warnings) - len(report.unexplained_warnings),
            "warnings_unexplained": len(report.unexplained_warnings),
        },
        "ready_to_submit": report.ready_to_submit,
    }
