"""Declarative base with a constraint naming convention.

Every constraint is named so that Alembic's batch mode can drop and recreate it on
SQLite (unnamed SQLite constraints cannot be addressed; see alembic#1834).
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every VetDesk table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
