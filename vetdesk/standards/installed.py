"""The rule set installed in a database: creating a database with one, installing another, reading it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database, create_database_file
from vetdesk.db.location import DatabaseTarget
from vetdesk.standards.ruleset import RuleSet, load_default_ruleset, load_ruleset_text


def ruleset_in_force(db: Database, session: Session | None = None) -> RuleSet:
    """The rule set in force in this database."""
    if session is None:
        with db.session() as own:
            return ruleset_in_force(db, own)
    record = session.scalar(select(models.RuleSetRecord).where(models.RuleSetRecord.active))
    return load_ruleset_text(record.content) if record else load_default_ruleset()


def install_ruleset(session: Session, ruleset: RuleSet) -> bool:
    """Install a rule set and make it the one in force; False if it was already in force."""
    current = session.scalar(select(models.RuleSetRecord).where(models.RuleSetRecord.active))
    if current and (current.ruleset_id, current.version) == (ruleset.ruleset_id, ruleset.version):
        return False
    if current:
        current.active = False
    existing = session.scalar(
        select(models.RuleSetRecord).where(
            models.RuleSetRecord.ruleset_id == ruleset.ruleset_id,
            models.RuleSetRecord.version == ruleset.version,
        )
    )
    if existing:
        existing.active = True
    else:
        session.add(
            models.RuleSetRecord(
                ruleset_id=ruleset.ruleset_id,
                version=ruleset.version,
                content=ruleset.to_json(),
                installed_at=dt.datetime.now().replace(microsecond=0),
                active=True,
            )
        )
    return True


def _install_default_ruleset(session: Session) -> None:
    install_ruleset(session, load_default_ruleset())


def create_database(
    path: DatabaseTarget | str, *, role: str, unit_code: str, operator: str
) -> Database:
    """Create a new database (a file, or the city's on PostgreSQL) with the schema and set-up."""
    return create_database_file(
        path, role=role, unit_code=unit_code, operator=operator, setup=_install_default_ruleset
    )
