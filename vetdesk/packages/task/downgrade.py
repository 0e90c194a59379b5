"""A task package never takes a county back to an older rule set or target set."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vetdesk.db.database import Database
from vetdesk.i18n import _
from vetdesk.packages.envelope import Refusal
from vetdesk.packages.task.model import TaskPayload
from vetdesk.packages.verdict import Verdict
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.standards.targets import TargetSetError, parse_target_set, targets_in_force
from vetdesk.standards.versions import is_older


def downgrade_problem(db: Database, session: Session, payload: TaskPayload) -> Refusal | None:
    """The refusal when the task carries an older version of the county's rule set or targets."""
    current = ruleset_in_force(db, session)
    new = payload.ruleset
    if new.ruleset_id == current.ruleset_id and is_older(new.version, current.version):
        return Refusal(
            Verdict.DOWNGRADE,
            _(
                "任务包中的规则集 {id} {new} 比本单位在用的 {old} 更旧，不能替换较新的规则集。"
                "请市局更新规则集（vetdesk standards update）后重新下发任务包。"
            ).format(id=new.ruleset_id, new=new.version, old=current.version),
        )
    installed = targets_in_force(session)
    for item in payload.targets:
        content = item.get("content")
        if item.get("kind") != "target_set" or not isinstance(content, dict):
            continue
        try:
            offered = parse_target_set(content)
        except (TargetSetError, KeyError, TypeError, ValueError):
            continue  # an unreadable target set is refused when it is installed
        if offered.target_set_id == installed.target_set_id and is_older(
            offered.version, installed.version
        ):
            return Refusal(
                Verdict.DOWNGRADE,
                _(
                    "任务包中的目标任务 {id} {new} 比本单位在用的 {old} 更旧，不能替换较新的目标任务。"
                    "请市局更新目标任务后重新下发任务包。"
                ).format(id=offered.target_set_id, new=offered.version, old=installed.version),
            )
    return None
