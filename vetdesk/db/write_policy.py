"""The write policy: who may write what, by the database's role, the period's state and keys.

Every service that writes calls :func:`require` inside its transaction, so the command
line, the GUI and scripts obey the same rules; the GUI calls :func:`decide` only to
enable or disable its actions and to show the reason as a tooltip.

The rules (README, "Who may write what"):

- A **city** database holds what the counties' signed packages carried: its record tables
  are read-only and it imports nothing but packages (no templates, pastes, explanations,
  task packages or receipts, and it signs no county package). It merges and rejects
  packages and locks and reopens its periods.
- A **county** database records and imports while a period is *open* (填报中). When the
  city's receipt accepting its newest package arrives the period becomes *submitted*
  (已上报): the city holds those figures, so nothing in the period changes any more until
  the county reopens it. Reopening a submitted period is the county's own decision; the
  period is open again, and it shows that the city still holds the old figures until a new
  package is accepted (see :func:`period_status`).
- A *locked* (已锁定) period is closed by the city for good: no merges into it in the city,
  nothing written into it anywhere; only the city can reopen it.
- Signing a package needs the unit's active signing key.
- Restoring a backup is always allowed (see :data:`WriteAction.RESTORE_BACKUP`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.location import session_db_argument
from vetdesk.domain.enums import PeriodState, Role
from vetdesk.errors import InputRejected
from vetdesk.i18n import _


class WriteAction(StrEnum):
    """What someone wants to write."""

    EDIT_RECORD = "edit_record"  # forms, measure records, delete, undo/redo
    # The school registry (学校名录) has no period. The city keeps the registry that its task
    # packages carry down; a county registers its own schools. Neither role is refused.
    EDIT_REGISTRY = "edit_registry"
    IMPORT_TEMPLATE = "import_template"  # a school's returned template (county)
    ISSUE_TEMPLATE = "issue_template"  # a template for a school to fill in (county)
    PASTE_ROWS = "paste_rows"
    EXPLAIN_WARNING = "explain_warning"
    IMPORT_TASK = "import_task"  # county imports a city task package
    IMPORT_RECEIPT = "import_receipt"
    MERGE_PACKAGE = "merge_package"  # city accepts a county package
    REJECT_PACKAGE = "reject_package"
    EXPORT_PACKAGE = "export_package"  # county signs its package
    LOCK_PERIOD = "lock_period"
    REOPEN_PERIOD = "reopen_period"
    # Restoring replaces the whole file by a verified backup after backing up the current
    # state; it is the way out of a damaged database, so no rule may stand in its way.
    RESTORE_BACKUP = "restore_backup"


@dataclass(frozen=True)
class WriteDecision:
    """Whether a write is allowed and, if not, why (translated, user-facing)."""

    allowed: bool
    reason: str = ""
    # Why, for machines (--json, the GUI): role, period_submitted, period_locked, period_open,
    # no_period, no_key; "" when allowed.
    code: str = ""


ALLOWED = WriteDecision(True)


class WriteRefused(InputRejected):
    """A write the policy does not allow; ``str()`` is the translated reason."""

    code = "write_refused"

    def __init__(self, decision: WriteDecision) -> None:
        super().__init__(decision.reason, code=decision.code or None)
        self.decision = decision


# Actions that write a period's records: allowed only while the period is open.
_PERIOD_DATA = frozenset(
    {
        WriteAction.EDIT_RECORD,
        WriteAction.IMPORT_TEMPLATE,
        WriteAction.PASTE_ROWS,
        WriteAction.EXPLAIN_WARNING,
    }
)
# What only a county does, and what only the city does.
_COUNTY_ONLY = _PERIOD_DATA | {
    WriteAction.ISSUE_TEMPLATE,
    WriteAction.IMPORT_TASK,
    WriteAction.IMPORT_RECEIPT,
    WriteAction.EXPORT_PACKAGE,
}
_CITY_ONLY = frozenset(
    {WriteAction.MERGE_PACKAGE, WriteAction.REJECT_PACKAGE, WriteAction.LOCK_PERIOD}
)


@dataclass(frozen=True)
class PeriodStatus:
    """A period's state as users see it: the stored state and what the city holds."""

    year: int
    state: PeriodState
    # The sequence number of the newest package the city accepted (its receipt arrived),
    # while the period is open again after being reported: the city holds older figures.
    reported_seq: int | None = None

    @property
    def resubmission_needed(self) -> bool:
        """Whether the period was reported, reopened, and must be reported again."""
        return self.state is PeriodState.OPEN and self.reported_seq is not None

    @property
    def label(self) -> str:
        """The state in words (已上报, 填报中, 已重新打开…)."""
        if self.resubmission_needed:
            return _("已重新打开（市局持有第 {seq} 号上报包的数据，需重新上报）").format(
                seq=self.reported_seq
            )
        return self.state.label


def period_status(session: Session, year: int) -> PeriodStatus | None:
    """The period's status, or None when the database has no such period."""
    period = session.scalar(select(models.Period).where(models.Period.year == year))
    if period is None:
        return None
    # The column's CHECK constraint admits only the three states.
    state = next(s for s in PeriodState if s.value == period.state)
    reported = session.scalar(
        select(models.PackageExport.seq)
        .where(
            models.PackageExport.period_year == year,
            models.PackageExport.receipt_status == "accepted",
        )
        .order_by(models.PackageExport.seq.desc())
        .limit(1)
    )
    return PeriodStatus(year, state, reported)


def changed_after_report_note(session: Session, year: int) -> str:
    """What to tell a county that changed a period the city already holds ("" if nothing)."""
    status = period_status(session, year)
    if status is None or not status.resubmission_needed:
        return ""
    return _(
        "注意：{year} 年度已重新打开，市局仍持有第 {seq} 号上报包中的旧数据；"
        "这次改动不在其中，请重新导出上报包并报送市局。"
    ).format(year=year, seq=status.reported_seq)


def decide(session: Session, action: WriteAction, *, period: int | None = None) -> WriteDecision:
    """Whether ``action`` may be written now (``period``: the year it writes into, if any)."""
    if action is WriteAction.RESTORE_BACKUP:
        return ALLOWED
    info = session.get(models.DatabaseInfo, 1)
    if info is None:  # being created: nothing to protect yet
        return ALLOWED
    role = Role.CITY if info.role == Role.CITY.value else Role.COUNTY
    refusal = _role_refusal(role, action)
    if refusal:
        return WriteDecision(False, refusal, "role")
    status = period_status(session, period) if period is not None else None
    rule = _STATE_RULES.get(action)
    if rule is not None:
        refusal = rule(role, period, status, session_db_argument(session))
        if refusal:
            return WriteDecision(False, refusal, _state_code(status))
    if action is WriteAction.EXPORT_PACKAGE and not _has_active_key(session):
        return WriteDecision(
            False,
            _(
                "本单位还没有签名密钥：请先在“签名密钥与公钥登记”中创建（vetdesk key init --db {db}）。"
            ).format(db=session_db_argument(session)),
            "no_key",
        )
    return ALLOWED


def require(session: Session, action: WriteAction, *, period: int | None = None) -> None:
    """Raise :class:`WriteRefused` unless the policy allows ``action``."""
    decision = decide(session, action, period=period)
    if not decision.allowed:
        raise WriteRefused(decision)


def decide_all(session: Session, *, period: int | None) -> Mapping[WriteAction, WriteDecision]:
    """Every action's decision for one period (what the GUI enables)."""
    return {action: decide(session, action, period=period) for action in WriteAction}


# --- the rules --------------------------------------------------------------------------------


def _role_refusal(role: Role, action: WriteAction) -> str:
    if role is Role.CITY and action in _COUNTY_ONLY:
        if action in (WriteAction.IMPORT_TEMPLATE, WriteAction.ISSUE_TEMPLATE):
            return _("市级数据库只接收各县区签名的上报包，不导入学校填报模板：请由县区导入并上报。")
        if action in (WriteAction.IMPORT_TASK, WriteAction.IMPORT_RECEIPT):
            return _("任务包和回执由县区数据库导入，市级数据库只导入各县区的上报包。")
        if action is WriteAction.EXPORT_PACKAGE:
            return _("上报包由县区签名导出；市级数据库下发任务包。")
        return _("市级数据库的数据来自各县区的上报包，不能在这里修改：请由县区修改后重新上报。")
    if role is Role.COUNTY and action in _CITY_ONLY:
        if action is WriteAction.LOCK_PERIOD:
            return _("只有市局可以锁定年度。")
        return _("只有市级数据库可以接收或退回上报包。")
    return ""


# The rules get the database's --db value for the commands their refusals suggest.
StateRule = Callable[[Role, int | None, PeriodStatus | None, str], str]


def _period_data_rule(role: Role, year: int | None, status: PeriodStatus | None, db: str) -> str:
    # A period not created yet is created open by the write itself.
    if status is None or status.state is PeriodState.OPEN:
        return ""
    if status.state is PeriodState.SUBMITTED:
        return _(
            "{year} 年度已上报，市局持有上报包中的数据，不能再修改。"
            "如确需修改，请先重新打开该年度（vetdesk period reopen --db {db} --period {year}），改完后重新上报。"
        ).format(year=year, db=db)
    return _("{year} 年度已由市局锁定，不能再修改数据。").format(year=year)


def _export_rule(role: Role, year: int | None, status: PeriodStatus | None, db: str) -> str:
    if status is None or status.state is PeriodState.OPEN:
        return ""
    if status.state is PeriodState.SUBMITTED:
        return _(
            "{year} 年度已上报，市局已接收最新的上报包。"
            "如需修改后重新上报，请先重新打开该年度（vetdesk period reopen --db {db} --period {year}）。"
        ).format(year=year, db=db)
    return _("{year} 年度已由市局锁定，不再上报。").format(year=year)


def _locked_rule(role: Role, year: int | None, status: PeriodStatus | None, db: str) -> str:
    if status is not None and status.state is PeriodState.LOCKED:
        return _("{year} 年度已锁定，不再接收数据。").format(year=year)
    return ""


def _lock_rule(role: Role, year: int | None, status: PeriodStatus | None, db: str) -> str:
    if status is None:
        return _("没有 {year} 年度。").format(year=year)
    if status.state is PeriodState.LOCKED:
        return _("{year} 年度已经锁定。").format(year=year)
    return ""


def _reopen_rule(role: Role, year: int | None, status: PeriodStatus | None, db: str) -> str:
    if status is None:
        return _("没有 {year} 年度。").format(year=year)
    if status.state is PeriodState.OPEN:
        return _("{year} 年度本来就在填报中，无需重新打开。").format(year=year)
    if role is Role.COUNTY and status.state is PeriodState.LOCKED:
        return _("{year} 年度已由市局锁定，县区不能重新打开。").format(year=year)
    return ""


_STATE_RULES: dict[WriteAction, StateRule] = {
    **{action: _period_data_rule for action in _PERIOD_DATA},
    WriteAction.EXPORT_PACKAGE: _export_rule,
    WriteAction.IMPORT_TASK: _locked_rule,
    WriteAction.MERGE_PACKAGE: _locked_rule,
    WriteAction.LOCK_PERIOD: _lock_rule,
    WriteAction.REOPEN_PERIOD: _reopen_rule,
}


def _state_code(status: PeriodStatus | None) -> str:
    return "no_period" if status is None else f"period_{status.state.value}"


def _has_active_key(session: Session) -> bool:
    return session.scalar(select(models.SigningKey.id).where(models.SigningKey.active)) is not None
