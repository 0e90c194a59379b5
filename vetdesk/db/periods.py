"""Reporting periods."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.errors import UsageError
from vetdesk.i18n import _


def default_statistics_date(year: int) -> dt.date:
    """The statistics date used when none is given: the last day of the year."""
    return dt.date(year, 12, 31)


def ensure_period(
    session: Session, year: int, statistics_date: dt.date | None = None
) -> models.Period:
    """Return the period of a year, creating it (open) if needed."""
    if not 2000 <= year <= 2100:
        raise UsageError(_("年度 {year} 无效。").format(year=year))
    period = session.scalar(select(models.Period).where(models.Period.year == year))
    if period is None:
        period = models.Period(
            year=year,
            statistics_date=statistics_date or default_statistics_date(year),
            state="open",
        )
        session.add(period)
        session.flush()
    return period
