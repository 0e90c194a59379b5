"""The data model of a county's or the city's database.

Quantities are integers in the smallest unit the statistics forms use (m², 元, 册,
persons): no floats are ever stored, so values round-trip exactly through Excel and
through signed packages. Teacher counts used by the indicators are never stored: they
are derived from the roster.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vetdesk.db.base import Base
from vetdesk.domain.entityspecs import enum_check, enumerated_columns


class DatabaseInfo(Base):
    """The one row saying whose database this is."""

    __tablename__ = "database_info"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("role IN ('county', 'city')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    operator: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by_version: Mapped[str] = mapped_column(String(20))


class Setting(Base):
    """A small key–value setting kept with the data (not user interface preferences)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Unit(Base):
    """Haidong City or one of its county-level divisions (GB/T 2260 code)."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))


class Period(Base):
    """A reporting period: one statistics year."""

    __tablename__ = "periods"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'submitted', 'locked')", name="state"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    statistics_date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="open")


class School(Base):
    """A vocational school of the registry."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    ownership: Mapped[str] = mapped_column(String(10))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Schema 0005: what decides whether the school counts in the 达标 rate.
    founded_year: Mapped[int | None] = mapped_column(Integer)
    attached_class: Mapped[bool | None] = mapped_column(Boolean)


class SchoolCondition(Base):
    """The school-condition figures of one school in one period."""

    __tablename__ = "school_conditions"
    __table_args__ = (
        UniqueConstraint("school_id", "period_id"),
        CheckConstraint(
            "full_time_students >= 0 AND land_area_m2 >= 0 AND building_area_m2 >= 0"
            " AND equipment_value_yuan >= 0 AND books >= 0",
            name="non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    full_time_students: Mapped[int | None] = mapped_column(Integer)
    converted_students: Mapped[int | None] = mapped_column(Integer)
    land_area_m2: Mapped[int | None] = mapped_column(Integer)
    building_area_m2: Mapped[int | None] = mapped_column(Integer)
    teaching_admin_area_m2: Mapped[int | None] = mapped_column(Integer)
    dormitory_area_m2: Mapped[int | None] = mapped_column(Integer)
    equipment_value_yuan: Mapped[int | None] = mapped_column(Integer)
    books: Mapped[int | None] = mapped_column(Integer)
    teaching_computers: Mapped[int | None] = mapped_column(Integer)
    training_places: Mapped[int | None] = mapped_column(Integer)
    majors_count: Mapped[int | None] = mapped_column(Integer)
    has_running_track: Mapped[bool | None] = mapped_column(Boolean)
    practice_area_m2: Mapped[int | None] = mapped_column(Integer)

    school: Mapped[School] = relationship(lazy="raise")


class Teacher(Base):
    """One member of a school's teaching staff in one period's roster."""

    __tablename__ = "teachers"
    __table_args__ = (UniqueConstraint("period_id", "school_id", "id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18))
    role: Mapped[str] = mapped_column(String(30))
    education: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(20))
    double_teacher_level: Mapped[str] = mapped_column(String(20), default="none")
    double_teacher_date: Mapped[dt.date | None] = mapped_column(Date)
    double_teacher_body: Mapped[str | None] = mapped_column(String(100))
    honours: Mapped[str | None] = mapped_column(String(200))
    hired_date: Mapped[dt.date | None] = mapped_column(Date)
    degree: Mapped[str | None] = mapped_column(String(20))

    school: Mapped[School] = relationship(lazy="raise")
    practices: Mapped[list[EnterprisePractice]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class EnterprisePractice(Base):
    """A stretch of enterprise practice (企业实践) done by a teacher."""

    __tablename__ = "enterprise_practices"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="date_order"),
        UniqueConstraint("teacher_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    enterprise: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class TrainingProgramme(Base):
    """A training programme organised by a school in one period."""

    __tablename__ = "training_programmes"
    __table_args__ = (
        CheckConstraint(
            "enrolled >= 0 AND completed >= 0 AND certified >= 0 AND hours >= 0",
            name="non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    target_group: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    certified: Mapped[int] = mapped_column(Integer)
    funding_yuan: Mapped[int | None] = mapped_column(Integer)
    funding_source: Mapped[str | None] = mapped_column(String(100))
    partner_enterprise: Mapped[str | None] = mapped_column(String(100))

    school: Mapped[School] = relationship(lazy="raise")


class RuleSetRecord(Base):
    """A standards rule set installed in this database (shipped default or from the city)."""

    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("ruleset_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    installed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class WarningExplanation(Base):
    """A written explanation that lets a warning stand; it travels with the data."""

    __tablename__ = "warning_explanations"
    __table_args__ = (UniqueConstraint("period_id", "rule_id", "record_key", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    record_key: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(50), default="")
    text: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One change to the data: who, when, which record, old → new.

    Entries form a hash chain (``entry_hash`` covers ``prev_hash`` and the entry's
    content), so editing history afterwards is detectable.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(50))
    record_key: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(50), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class SigningKey(Base):
    """This unit's own signing key pair (the private half lives encrypted in a file, never here)."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    public_key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(60))
    key_file: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TrustedKey(Base):
    """Another unit's public key, registered after checking its fingerprint."""

    __tablename__ = "trusted_keys"
    __table_args__ = (
        UniqueConstraint("key_id"),
        CheckConstraint("status IN ('active', 'retired', 'revoked')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default="active")
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(String(200))


class PackageExport(Base):
    """A signed package this county exported, and what the city answered."""

    __tablename__ = "package_exports"
    __table_args__ = (UniqueConstraint("period_year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prev_manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(200))
    receipt_status: Mapped[str | None] = mapped_column(String(10))
    receipt_reason: Mapped[str | None] = mapped_column(Text)
    receipt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PackageLedger(Base):
    """The city's record of every package it accepted."""

    __tablename__ = "package_ledger"
    __table_args__ = (UniqueConstraint("unit_code", "period_year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    period_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prev_manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    export_uuid: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(32))
    package_created: Mapped[str] = mapped_column(String(40))
    county_operator: Mapped[str] = mapped_column(String(50))
    accepted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(200))
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    warnings_explained: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[str] = mapped_column(Text, default="{}")
    # Set when the city accepted a package whose chain does not link to the last accepted
    # one (packages in between never arrived): why, in the city's words.
    gap_reason: Mapped[str | None] = mapped_column(Text, default=None)


class PackageRejection(Base):
    """A package the city refused, with the reason sent back in its receipt."""

    __tablename__ = "package_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    period_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    rejected_at: Mapped[dt.datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))


class TaskImport(Base):
    """A task package from the city this county imported (guards against replays)."""

    __tablename__ = "task_imports"
    __table_args__ = (UniqueConstraint("manifest_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text, default="")


class TaskIssue(Base):
    """A task package the city issued (its sequence grows per period)."""

    __tablename__ = "task_issues"
    __table_args__ = (UniqueConstraint("period_year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Major(Base):
    """A major (专业) a school runs or adjusted, in one period."""

    __tablename__ = "majors"
    __table_args__ = (
        UniqueConstraint("period_id", "school_id", "major_code"),
        CheckConstraint("enrolment >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    major_code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    status_year: Mapped[int | None] = mapped_column(Integer)
    brand: Mapped[bool] = mapped_column(Boolean, default=False)
    double_excellent: Mapped[bool] = mapped_column(Boolean, default=False)
    agriculture: Mapped[bool] = mapped_column(Boolean, default=False)
    enrolment: Mapped[int | None] = mapped_column(Integer)


class CooperatingEnterprise(Base):
    """An enterprise a school cooperates with, in one period."""

    __tablename__ = "cooperating_enterprises"
    __table_args__ = (UniqueConstraint("period_id", "school_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    industry: Mapped[str | None] = mapped_column(String(100))
    forms: Mapped[str] = mapped_column(String(200))
    since_year: Mapped[int | None] = mapped_column(Integer)


class CertificatePilot(Base):
    """A 1+X certificate pilot run by a school, in one period."""

    __tablename__ = "certificate_pilots"
    __table_args__ = (
        UniqueConstraint("period_id", "school_id", "certificate", "level"),
        CheckConstraint("candidates >= 0 AND certified >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    certificate: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    candidates: Mapped[int] = mapped_column(Integer)
    certified: Mapped[int] = mapped_column(Integer)


class GraduateDestination(Base):
    """Where a school's graduates of the period went."""

    __tablename__ = "graduate_destinations"
    __table_args__ = (
        UniqueConstraint("period_id", "school_id"),
        CheckConstraint(
            "graduates >= 0 AND employed >= 0 AND further_study >= 0", name="non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    graduates: Mapped[int] = mapped_column(Integer)
    employed: Mapped[int] = mapped_column(Integer)
    further_study: Mapped[int] = mapped_column(Integer)


class TrainingBase(Base):
    """A practice centre, virtual-simulation base or master studio of a school."""

    __tablename__ = "training_bases"
    __table_args__ = (UniqueConstraint("period_id", "school_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)


class TargetProgress(Base):
    """Progress toward a ten-measure target entered by hand, with its evidence."""

    __tablename__ = "target_progress"
    __table_args__ = (UniqueConstraint("period_id", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(50))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


def _declare_enum_checks() -> None:
    """Restrict every enumerated column to its enumeration's codes, as the record kinds say.

    The columns and codes come from the one description of each kind
    (:mod:`vetdesk.domain.entityspecs`), so a new enumerated column gets its CHECK here;
    migration 0007 added them to existing databases (``ck_<table>_<column>_enum``).
    """
    for table_name, columns in enumerated_columns().items():
        table = Base.metadata.tables[table_name]
        for column in columns:
            table.append_constraint(CheckConstraint(enum_check(column), name=f"{column.key}_enum"))


_declare_enum_checks()
