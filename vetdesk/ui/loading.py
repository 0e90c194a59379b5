"""What the main window reads in the background: opening a database, and one period's snapshot.

Plain functions that run in a worker thread (:class:`~vetdesk.ui.background.DbOp`) and
return plain data; the window only shows what they return.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from vetdesk.services.entities import CONDITION, SCHOOL, TEACHER, TRAINING

if TYPE_CHECKING:
    from vetdesk.db.backup import RestoreResult
    from vetdesk.db.database import Database
    from vetdesk.db.location import DatabaseTarget
    from vetdesk.db.write_policy import WriteDecision
    from vetdesk.domain.rows import PeriodInfo
    from vetdesk.services.records import Tables
    from vetdesk.standards.ruleset import RuleSet
    from vetdesk.ui.background import Progress
    from vetdesk.validation.check import CheckReport

log = logging.getLogger(__name__)


class Snapshot(NamedTuple):  # not a dataclass: see vetdesk.ui.actions.Decision
    """What one background load returns."""

    periods: list[PeriodInfo]
    tables: Tables | None
    report: CheckReport | None
    ruleset: RuleSet
    unit_codes: frozenset[str]
    # Each record table's search texts, built in the worker (see RecordPage.set_records).
    search_texts: Mapping[str, list[str]] = MappingProxyType({})
    # City: how many counties' packages for the period have been accepted.
    submitted_counties: int | None = None
    # The write policy's answer for each action (keys: WriteAction values), and the
    # period's state in words (saying so when the city holds older figures).
    write_decisions: Mapping[str, WriteDecision] = MappingProxyType({})
    period_state_text: str | None = None
    # The data's version when the load began (vetdesk.db.data_version): the window polls
    # for a newer one. Read first, so a change during the load shows as one more change.
    data_version: str = ""


def open_database(path: DatabaseTarget) -> Database:
    """Check and open a database (runs in a worker); take the day's backup if due.

    A city database on PostgreSQL gets no file backup: the server's administrator backs
    it up (``pg_dump``), as for the command line.
    """
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.backup import BackupFailed, backup_if_due
    from vetdesk.db.database import open_for_use

    db = open_for_use(path)  # raises DatabaseDamaged when the quick check finds damage
    if not isinstance(path, Path):
        return db
    try:
        backup_if_due(path)
    except (BackupFailed, OSError):  # a missed daily backup must not keep anyone from working
        log.warning("daily backup of %s failed", path, exc_info=True)
    return db


def open_read_only(path: Path) -> Database:
    """Open a (damaged) database read-only: nothing can be written to it (runs in a worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.database import Database
    from vetdesk.db.engine import make_engine

    db = Database(path, make_engine(path, read_only=True))
    try:
        db.info()
    except BaseException:
        db.close()
        raise
    return db


def restore_and_open(path: Path, backup: Path, outcome: list[RestoreResult]) -> Database:
    """Restore a backup over a closed database, then open it (runs in a worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.backup import restore_backup

    outcome.append(restore_backup(path, backup))
    return open_database(path)


def load_snapshot(db: Database, year: int | None, progress: Progress) -> Snapshot:
    """Read the periods, a period's tables and its check (runs in a worker)."""
    # Local: the core and the table models load in this worker, not before the window's
    # first paint.
    from sqlalchemy.exc import SQLAlchemyError

    # Local: the same reason (the core loads in this worker, not before the first paint).
    from vetdesk.db.data_version import data_version
    from vetdesk.services import records
    from vetdesk.standards.installed import ruleset_in_force
    from vetdesk.ui.tablemodels import record_search_texts
    from vetdesk.validation.check import run_check

    try:
        version = data_version(db)
    except SQLAlchemyError:
        # A damaged audit log (the database opened read-only): the data is shown, but
        # another process's change is not followed.
        log.warning("could not read the data's version of %s", db.label, exc_info=True)
        version = ""
    periods = records.list_periods(db)
    ruleset = ruleset_in_force(db)
    codes = frozenset(db.unit_codes())
    if year is None or year not in {p.year for p in periods}:
        year = periods[0].year if periods else None
    decisions, state_text = _policy_view(db, year)
    if year is None:
        return Snapshot(
            periods, None, None, ruleset, codes, write_decisions=decisions, data_version=version
        )
    tables = records.load_tables(db, year, lambda d, t: progress.update(d, t + 1))
    progress.check()
    report = run_check(db, year)
    names = {r.row.school_code: r.row.name for r in tables.schools}
    search = {
        entity: record_search_texts(entity, items, names)
        for entity, items in (
            (SCHOOL, tables.schools),
            (CONDITION, tables.conditions),
            (TEACHER, tables.teachers),
            (TRAINING, tables.trainings),
        )
    }
    submitted = None
    if db.info().is_city:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.packages.ledger import counties_submitted

        submitted = counties_submitted(db, year)
    progress.update(1, 1)
    return Snapshot(
        periods, tables, report, ruleset, codes, search, submitted, decisions, state_text, version
    )


def _policy_view(db: Database, year: int | None) -> tuple[dict[str, WriteDecision], str | None]:
    """What the write policy allows for the period, and its state in words (runs in a worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.write_policy import decide_all, period_status

    with db.session() as session:
        decisions = {str(k): v for k, v in decide_all(session, period=year).items()}
        status = period_status(session, year) if year is not None else None
    return decisions, status.label if status is not None else None
