"""Locking a period (the city) and reopening one (the city its locked, a county its submitted)."""

from __future__ import annotations

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.write_policy import PeriodStatus, WriteAction, period_status, require
from vetdesk.domain.enums import PeriodState


def lock_period(db: Database, year: int) -> PeriodStatus:
    """Lock a period for good (city): no package is merged into it any more."""
    return _set_state(db, year, WriteAction.LOCK_PERIOD, PeriodState.LOCKED)


def reopen_period(db: Database, year: int) -> PeriodStatus:
    """Open a period for entry again, as the write policy allows; return its new status."""
    return _set_state(db, year, WriteAction.REOPEN_PERIOD, PeriodState.OPEN)


def _set_state(db: Database, year: int, action: WriteAction, state: PeriodState) -> PeriodStatus:
    with db.transaction() as session:
        require(session, action, period=year)
        period = session.scalar(select(models.Period).where(models.Period.year == year))
        assert period is not None  # the policy refuses a period that does not exist
        period.state = state.value  # the audit log records who changed it, and when
        session.flush()
        status = period_status(session, year)
        assert status is not None
        return status
