"""Bringing a city database's rule set up to the one this VetDesk ships (``vetdesk standards update``).

A database keeps the rule set it was created with (or the one a task package installed):
upgrading VetDesk never changes it behind the city's back, because a new rule set can
change the 达标 verdicts of the period being reported. The city adopts the shipped rule
set when it decides to, with this service; its next task packages carry it to the
counties, which refuse an older one (:mod:`vetdesk.packages.task.downgrade`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vetdesk.db.database import Database
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.packages.task.model import RuleChange, describe_rule_change
from vetdesk.packages.task.rules import rule_changes
from vetdesk.standards.installed import install_ruleset, ruleset_in_force
from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.standards.versions import is_older

UP_TO_DATE = "up_to_date"
UPDATED = "updated"
WOULD_UPDATE = "would_update"
NEWER_IN_FORCE = "newer_in_force"
OTHER_RULESET = "other_ruleset"


@dataclass
class StandardsUpdate:
    """What updating the rule set did (or, in a dry run, would do)."""

    status: str
    old: tuple[str, str]
    shipped: tuple[str, str]
    changes: list[RuleChange] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        """Whether the shipped rule set is now in force because of this update."""
        return self.status == UPDATED

    def to_json(self) -> dict[str, Any]:
        """Stable machine-readable form."""
        return {
            "status": self.status,
            "applied": self.applied,
            "old": {"id": self.old[0], "version": self.old[1]},
            "shipped": {"id": self.shipped[0], "version": self.shipped[1]},
            "changes": [
                {
                    "rule": c.rule_id,
                    "action": c.action,
                    "aspect": c.aspect,
                    "old": c.old,
                    "new": c.new,
                }
                for c in self.changes
            ],
        }

    def describe(self) -> str:
        """What happened, for people."""
        old, new = " ".join(self.old), " ".join(self.shipped)
        if self.status == UP_TO_DATE:
            return _("规则集已是本软件所带的版本（{new}），无需更新。").format(new=new)
        if self.status == NEWER_IN_FORCE:
            return _("在用的规则集 {old} 比本软件所带的 {new} 更新，未更改。").format(
                old=old, new=new
            )
        if self.status == OTHER_RULESET:
            return _("在用的规则集 {old} 不是本软件所带的 {new}，未更改。").format(old=old, new=new)
        head = (
            _("规则集已更新：{old} → {new}。下次导出的任务包会把它下发到各县区。")
            if self.applied
            else _("规则集可更新：{old} → {new}（预览，未写入数据库）。")
        ).format(old=old, new=new)
        return "\n".join([head, *("  " + describe_rule_change(c) for c in self.changes)])


def update_standards(db: Database, *, dry_run: bool = False) -> StandardsUpdate:
    """Install the rule set this VetDesk ships when it is a newer version of the one in force."""
    if not db.info().is_city:
        raise UsageError(
            _("县区的规则集由市局通过任务包下发（vetdesk task import），不能自行更新。")
        )
    shipped = load_default_ruleset()
    with db.transaction() as session:
        current = ruleset_in_force(db, session)
        result = StandardsUpdate(
            UP_TO_DATE,
            (current.ruleset_id, current.version),
            (shipped.ruleset_id, shipped.version),
        )
        if current.ruleset_id != shipped.ruleset_id:
            result.status = OTHER_RULESET
        elif is_older(current.version, shipped.version):
            result.changes = rule_changes(current, shipped)
            result.status = WOULD_UPDATE if dry_run else UPDATED
            if not dry_run:
                install_ruleset(session, shipped)
        elif current.version != shipped.version:
            result.status = NEWER_IN_FORCE
    return result
