"""The period check: indicators, 达标 verdicts, errors and warnings with their explanations."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database, DatabaseInfo
from vetdesk.db.period_data import get_period, load_period_data
from vetdesk.domain.enums import Severity
from vetdesk.domain.rows import PeriodData
from vetdesk.standards.assess import SchoolAssessment, UnitSummary, assess_period, summarise
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.standards.ruleset import RuleSet
from vetdesk.validation.checks import validate_period
from vetdesk.validation.findings import Finding


@dataclass(frozen=True)
class CheckReport:
    """Everything ``vetdesk check`` reports for a period."""

    info: DatabaseInfo
    year: int
    statistics_date: dt.date
    ruleset: RuleSet
    assessments: list[SchoolAssessment]
    summary: UnitSummary
    county_summaries: dict[str, UnitSummary]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        """Findings that must be fixed."""
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Findings that may stand with an explanation."""
        return [f for f in self.findings if f.severity == Severity.WARNING]

    @property
    def unexplained_warnings(self) -> list[Finding]:
        """Warnings that still need an explanation."""
        return [f for f in self.warnings if f.unexplained]

    @property
    def ready_to_submit(self) -> bool:
        """No errors and every warning explained: the official package may be exported."""
        return not self.errors and not self.unexplained_warnings


def load_explanations(session: Session, period_id: int) -> dict[tuple[str, str, str], str]:
    """Explanations stored for a period, keyed by (rule, record key, field)."""
    rows = session.scalars(
        select(models.WarningExplanation).where(models.WarningExplanation.period_id == period_id)
    )
    return {(r.rule_id, r.record_key, r.field): r.text for r in rows}


def _previous(session: Session, year: int) -> PeriodData | None:
    exists = session.scalar(select(models.Period.id).where(models.Period.year == year - 1))
    return load_period_data(session, year - 1) if exists else None


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector on the main thread while the check runs.

    Loading and checking a period makes objects by the hundred thousand and frees them by
    reference counting; the collector would walk all of them again and again as the
    period grows, which made the check's cost per school grow with the data. Only the
    main thread pauses it (a command or a script): in the GUI, the check runs in a worker
    and collection is already the GUI thread's own (``vetdesk/ui/gcguard.py``).
    """
    if threading.current_thread() is not threading.main_thread() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_check(db: Database, year: int) -> CheckReport:
    """Check one period of a database."""
    with _collection_paused():
        return _run_check(db, year)


def _run_check(db: Database, year: int) -> CheckReport:
    with db.session() as session:
        period = get_period(session, year)
        ruleset = ruleset_in_force(db, session)
        data = load_period_data(session, year)
        previous = _previous(session, year)
        explanations = load_explanations(session, period.id)
    assessments = assess_period(ruleset, data)
    # Only the city may hold keyed hashes instead of 身份证号 (from packages it merged).
    findings = validate_period(
        ruleset, data, assessments, db.unit_codes(), previous, allow_hashed_ids=db.info().is_city
    )
    findings = [
        f.with_explanation(explanations.get(f.explanation_key))
        if f.severity == Severity.WARNING
        else f
        for f in findings
    ]
    by_county: dict[str, list[SchoolAssessment]] = {}
    for a in assessments:
        by_county.setdefault(a.school.county_code, []).append(a)
    county_summaries = {
        code: summarise(ruleset, items, data.period.statistics_date)
        for code, items in by_county.items()
    }
    return CheckReport(
        info=db.info(),
        year=year,
        statistics_date=data.period.statistics_date,
        ruleset=ruleset,
        assessments=assessments,
        summary=summarise(ruleset, assessments, data.period.statistics_date),
        county_summaries=county_summaries,
        findings=findings,
    )
