"""Writing explanations of a period's warnings, and the check report as JSON (``vetdesk check --json``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.period_data import get_period
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.standards.assess import UnitSummary, threshold_text
from vetdesk.validation.check import CheckReport


def explain_warnings(db: Database, year: int, items: Iterable[tuple[str, str, str, str]]) -> int:
    """Store explanations (rule, record key, field, text) in one transaction; empty text removes one.

    Returns the number of explanations written or removed.
    """
    changed = 0
    with db.transaction() as session:
        period = get_period(session, year)
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
                operator=db.info().operator,
                created_at=now,
            )
            session.add(record)
            stored[(rule, record_key, field)] = record
            changed += 1
    return changed


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
