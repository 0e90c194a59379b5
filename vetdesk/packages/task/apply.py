"""Importing a verified task package into a county database: plan, then apply in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.backup import REASON_TASK_IMPORT
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import install_privacy
from vetdesk.db.periods import ensure_period
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.id_privacy import from_json as privacy_from_json
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.packages.task.model import FieldChange, SchoolChange, TaskImportResult, TaskPayload
from vetdesk.packages.task.rules import rule_changes
from vetdesk.packages.task.verify import ledger_problem, verify_task
from vetdesk.signing.canonical import (
    canonical_json,
    sha256_hex,
)
from vetdesk.standards.installed import install_ruleset, ruleset_in_force
from vetdesk.standards.targets import install_targets, parse_target_set
from vetdesk.workbook.cells import shown_value
from vetdesk.workbook.rows import Record
from vetdesk.workbook.schema import SCHOOLS, Column
from vetdesk.workbook.writer import (
    cell_value,
)

# Registry fields the city decides (overwritten at the county) and those the county keeps
# (contact details it maintains itself; filled from the registry only while empty).
_AUTHORITATIVE = ("name", "level", "category", "ownership", "credit_code")
_LOCAL = ("address", "contact_person", "contact_phone")


def _require_county(db: Database) -> None:
    if db.info().is_city:
        raise UsageError(_("任务包只能导入县区数据库；市级数据库请用 vetdesk task verify 核验。"))


def _display(column: Column, value: Any) -> str:
    return shown_value(column, cell_value(column, value))


def _school_changes(session: Session, own: str, registry: Sequence[Record]) -> list[SchoolChange]:
    current = {s.school_code: s for s in session.scalars(select(models.School))}
    mine = [r for r in registry if r.get("county_code") == own]
    changes: list[SchoolChange] = []
    for row in sorted(mine, key=lambda r: str(r["school_code"])):
        code = str(row["school_code"])
        values = {c.key: row.get(c.key) for c in SCHOOLS.data_columns}
        school = current.get(code)
        if school is None:
            changes.append(SchoolChange(code, str(values["name"]), "add", (), values))
            continue
        updates: dict[str, Any] = {}
        fields: list[FieldChange] = []
        for key in (*_AUTHORITATIVE, *_LOCAL):
            new = values.get(key)
            old = getattr(school, key)
            if new is None or new == old:
                continue
            if key in _LOCAL and old not in (None, ""):
                continue  # the county's own contact details win
            column = SCHOOLS.column(key)
            updates[key] = new
            fields.append(
                FieldChange(key, _(column.header), _display(column, old), _display(column, new))
            )
        if not school.active:
            updates["active"] = True
            fields.append(FieldChange("active", _("状态"), _("停用"), _("在用")))
        if fields:
            changes.append(
                SchoolChange(code, str(values["name"]), "change", tuple(fields), updates)
            )
    listed = {str(r["school_code"]) for r in mine}
    for code in sorted(current):
        school = current[code]
        if school.county_code == own and school.active and code not in listed:
            changes.append(SchoolChange(code, school.name, "not_in_registry"))
    return changes


def _plan(session: Session, db: Database, payload: TaskPayload, result: TaskImportResult) -> None:
    period = session.scalar(select(models.Period).where(models.Period.year == payload.year))
    result.period_created = period is None
    if period is not None:
        if period.statistics_date != payload.statistics_date:
            result.statistics_date_change = (
                period.statistics_date.isoformat(),
                payload.statistics_date.isoformat(),
            )
        if payload.deadline is not None and period.deadline != payload.deadline:
            result.deadline_change = (
                period.deadline.isoformat() if period.deadline else "",
                payload.deadline.isoformat(),
            )
    result.schools = _school_changes(session, db.info().unit_code, payload.schools)
    current = ruleset_in_force(db, session)
    new = payload.ruleset
    result.ruleset_old = (current.ruleset_id, current.version)
    result.ruleset_new = (new.ruleset_id, new.version)
    if result.ruleset_old != result.ruleset_new:
        result.ruleset_installed = True
        result.rule_changes = rule_changes(current, new)
    elif sha256_hex(canonical_json(dict(current.raw))) != payload.ruleset_sha256:
        result.notes.append(
            _(
                "注意：任务包中的规则集与本单位在用的规则集编号和版本相同（{id} {version}），但内容不同；本单位的规则集未更换。请市局更新规则集版本号后重新下发。"
            ).format(id=new.ruleset_id, version=new.version)
        )


def _apply(session: Session, payload: TaskPayload, result: TaskImportResult) -> None:
    period = ensure_period(session, payload.year, payload.statistics_date)
    if period.statistics_date != payload.statistics_date:
        period.statistics_date = payload.statistics_date
    if payload.deadline is not None and period.deadline != payload.deadline:
        period.deadline = payload.deadline
    current = {s.school_code: s for s in session.scalars(select(models.School))}
    for change in result.schools:
        if change.action == "add":
            session.add(models.School(active=True, **dict(change.values)))
        elif change.action == "change":
            school = current[change.school_code]
            for key, value in change.values.items():
                setattr(school, key, value)
    if result.ruleset_installed:
        install_ruleset(session, payload.ruleset)


def _summary(result: TaskImportResult) -> str:
    return json.dumps(
        {
            "added": [s.school_code for s in result.added],
            "changed": [s.school_code for s in result.changed],
            "not_in_registry": [s.school_code for s in result.not_in_registry],
            "period_created": result.period_created,
            "statistics_date_change": result.statistics_date_change,
            "deadline_change": result.deadline_change,
            "ruleset": result.ruleset_new if result.ruleset_installed else None,
            "rule_changes": [[c.rule_id, c.action, c.old, c.new] for c in result.rule_changes],
        },
        ensure_ascii=False,
    )


def _install_target_set(session: Session, targets: Sequence[Mapping[str, Any]]) -> None:
    for item in targets:
        if item.get("kind") == "target_set" and isinstance(item.get("content"), dict):
            install_targets(session, parse_target_set(item["content"]))


def plan_task(db: Database, path: Path) -> TaskImportResult:
    """Verify a task and describe what importing it would change (nothing is written)."""
    _require_county(db)
    verification = verify_task(db, path)
    result = TaskImportResult(path.name, verification)
    if verification.ok and verification.payload is not None:
        with db.session() as session:
            _plan(session, db, verification.payload, result)
    return result


def import_task(db: Database, path: Path) -> TaskImportResult:
    """Verify a task and update the county's set-up from it in one transaction."""
    with db.session() as session:  # a city's database imports nothing but packages
        require(session, WriteAction.IMPORT_TASK)
    verification = verify_task(db, path)
    result = TaskImportResult(path.name, verification)
    payload = verification.payload
    if not verification.ok or payload is None:
        return result
    assert verification.manifest_sha256 is not None
    # Lock and verified backup as for every import (a failed backup stops the import); only
    # a task that verified gets this far, so a refusal never touches the database.
    with db.guarded_write("task-import", REASON_TASK_IMPORT), db.transaction() as session:
        # Checked again inside the transaction: another import may have run since.
        problem = ledger_problem(db, session, payload, verification.manifest_sha256)
        if problem is not None:
            verification.verdict, verification.message = problem.verdict, problem.message
            return result
        require(session, WriteAction.IMPORT_TASK, period=payload.year)
        _plan(session, db, payload, result)
        _apply(session, payload, result)
        _install_target_set(session, payload.targets)
        settings = verification.manifest.get("settings") if verification.manifest else None
        if isinstance(settings, dict) and "id_privacy" in settings:
            install_privacy(session, privacy_from_json(settings["id_privacy"]))
        session.add(
            models.TaskImport(
                period_year=payload.year,
                seq=payload.seq,
                manifest_sha256=verification.manifest_sha256,
                imported_at=dt.datetime.now().replace(microsecond=0),
                summary=_summary(result),
            )
        )
    result.applied = True
    return result
