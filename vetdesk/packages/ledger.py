"""What the city's package ledger says, in queries light enough for the GUI's first load.

:mod:`vetdesk.packages.merge` reads and writes packages (and so loads openpyxl); these
only count what was accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import distinct, func, select

from vetdesk.db import models

if TYPE_CHECKING:
    from vetdesk.db.database import Database


def counties_submitted(db: Database, year: int) -> int:
    """How many counties have a package of the period accepted at the city."""
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count(distinct(models.PackageLedger.unit_code))).where(
                    models.PackageLedger.period_year == year
                )
            )
            or 0
        )
