"""Ten-measure progress for a period, and the values the city enters by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.period_data import get_period, load_period_data
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _
from vetdesk.reports.charts import ProgressItem
from vetdesk.standards.assess import assess_period
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.standards.targets import (
    Progress,
    TargetSet,
    compute_progress,
    install_targets,
    load_entered,
    parse_target_set,
    targets_in_force,
)


def target_progress(db: Database, year: int) -> tuple[TargetSet, list[Progress]]:
    """The targets in force and where each stands for a period."""
    with db.session() as session:
        period = get_period(session, year)
        target_set = targets_in_force(session)
        data = load_period_data(session, year)
        entered = load_entered(session, period.id)
        ruleset = ruleset_in_force(db, session)
    return target_set, compute_progress(target_set, data, assess_period(ruleset, data), entered)


def enter_progress(db: Database, year: int, target_id: str, value: int, evidence: str) -> None:
    """Record (or update) a hand-entered value with its evidence; only for targets marked entered."""
    if value < 0:
        raise UsageError(_("数值不能为负数。"))
    if not evidence.strip():
        raise UsageError(_("请填写佐证材料（文件名称、文号或说明）。"))
    with db.transaction() as session:
        period = get_period(session, year)
        target = next((t for t in targets_in_force(session).targets if t.id == target_id), None)
        if target is None:
            raise InputRejected(
                _("没有编号为 {id} 的目标。").format(id=target_id), code="no_target"
            )
        if target.metric != "entered":
            raise InputRejected(
                _("目标“{name}”由数据自动计算，不能手工填写。").format(name=target.indicator),
                code="computed_target",
            )
        row = session.scalar(
            select(models.TargetProgress).where(
                models.TargetProgress.period_id == period.id,
                models.TargetProgress.target_id == target_id,
            )
        )
        now = dt.datetime.now().replace(microsecond=0)
        if row is None:
            session.add(
                models.TargetProgress(
                    period_id=period.id,
                    target_id=target_id,
                    value=value,
                    evidence=evidence.strip(),
                    operator=db.info().operator,
                    updated_at=now,
                )
            )
        else:
            row.value, row.evidence, row.updated_at = value, evidence.strip(), now


def install_target_file(db: Database, path: Path) -> TargetSet:
    """Install an edited target set (city); it travels to the counties in task packages."""
    if not db.info().is_city:
        raise UsageError(_("目标任务由市局设定并通过任务包下发。"))
    try:
        target_set = parse_target_set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputRejected(
            _("无法读取目标任务文件 {name}：{err}").format(name=path.name, err=exc)
        ) from exc
    with db.transaction() as session:
        install_targets(session, target_set)
    return target_set


def current_target_json(db: Database) -> str:
    """The target set in force, as JSON to edit."""
    with db.session() as session:
        return targets_in_force(session).to_json()


def progress_chart_items(db: Database, year: int) -> list[Any]:
    """The ten-measure progress as chart items (vetdesk.reports.charts.ProgressItem)."""
    _set, progress = target_progress(db, year)
    items = []
    for p in progress:
        measure = _("第{n}条").format(n=p.target.measure)
        actual: Any = p.value if p.value is not None else 0
        target: Any = p.target.target
        indicator = p.target.label
        if p.target.is_percent:
            # Shares read as percentages on the chart (66.7 / 90, not 0.6667 / 0.9).
            actual, target = round(float(actual) * 100, 1), round(float(target) * 100, 1)
            indicator = f"{indicator}（%）"
        items.append(ProgressItem(measure, indicator, target, actual, p.target.deadline, p.status))
    return items
