"""The main window's status bar: whose database, the period's state and the two finding counters.

The counters follow the one rule on the finding (:attr:`Finding.unexplained`); clicking
one shows the checks page filtered to what it counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from vetdesk.i18n import _

if TYPE_CHECKING:
    from vetdesk.domain.rows import PeriodInfo
    from vetdesk.validation.findings import Finding

# The domain's enums and unit catalogue are imported where they are read: the status line
# is built before the window's first paint, the counts and the period only after it.
UNEXPLAINED = "unexplained"  # the checks page's filter of warnings waiting for an explanation


def finding_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """(errors, unexplained warnings)."""
    from vetdesk.domain.enums import Severity  # Local: see the module's top.

    return (
        sum(1 for f in findings if f.severity == Severity.ERROR),
        sum(1 for f in findings if f.unexplained),
    )


def record_marks(findings: Sequence[Finding]) -> dict[str, str]:
    """Record key to "error" or "warning" (unexplained), for tinting table rows."""
    from vetdesk.domain.enums import Severity  # Local: see the module's top.

    marks: dict[str, str] = {}
    for f in findings:
        if f.severity == Severity.ERROR:
            marks[f.record_key] = "error"
        elif f.unexplained:
            marks.setdefault(f.record_key, "warning")
    return marks


def _errors_filter() -> str:
    """The checks page's filter of errors."""
    from vetdesk.domain.enums import Severity  # Local: see the module's top.

    return str(Severity.ERROR)


class StatusLine:
    """The widgets of the status bar and what they say."""

    def __init__(self, status: QStatusBar, show_findings: Callable[[str], None]) -> None:
        self.unit_label = QLabel()
        self.read_only_label = QLabel(_("只读：数据库已损坏"))
        self.read_only_label.setObjectName("read_only")
        self.read_only_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.read_only_label.setVisible(False)
        self.period_label = QLabel()
        self.period_label.setObjectName("period_state")
        self.errors_button = QToolButton()
        self.errors_button.setObjectName("errors")
        self.errors_button.setAutoRaise(True)
        self.errors_button.clicked.connect(lambda: show_findings(_errors_filter()))
        self.warnings_button = QToolButton()
        self.warnings_button.setObjectName("unexplained")
        self.warnings_button.setAutoRaise(True)
        self.warnings_button.clicked.connect(lambda: show_findings(UNEXPLAINED))
        status.addWidget(self.unit_label)
        status.addWidget(self.read_only_label)
        status.addWidget(self.period_label)
        status.addPermanentWidget(self.errors_button)
        status.addPermanentWidget(self.warnings_button)

    def show_unit(self, text: str, *, read_only: bool) -> None:
        """Whose database is open, and whether it is read-only."""
        self.unit_label.setText(text)
        self.read_only_label.setVisible(read_only)

    def show_no_period(self) -> None:
        """Say that there is no period yet, and how to make one."""
        self.period_label.setText(_("尚无统计期：请用“文件 → 新建统计期”创建"))
        self.errors_button.setText("")
        self.warnings_button.setText("")

    def show_period(
        self,
        period: PeriodInfo,
        submitted_counties: int | None,
        policy_state: str | None = None,
    ) -> None:
        """The period's year, state (the city: how many counties sent) and statistics date.

        ``policy_state`` is the write policy's words for the state ("reopened, the city
        holds package n" after a report), shown instead of the bare state when given.
        """
        from vetdesk.domain.enums import PeriodState  # Local: see the module's top.
        from vetdesk.domain.units import load_units

        state = PeriodState.from_text(period.state)
        state_text = policy_state or (state.label if state else period.state)
        if submitted_counties is not None:
            # The city collects rather than fills in: say how far the collection is.
            state_text = _("已收到 {n}/{total} 个县区的上报包").format(
                n=submitted_counties, total=len(load_units().counties)
            )
        self.period_label.setText(
            _("{year} 年度 · {state} · 统计时点 {date}").format(
                year=period.year, state=state_text, date=period.statistics_date.isoformat()
            )
        )

    def show_counts(self, findings: Sequence[Finding]) -> None:
        """The error and unexplained-warning counters, coloured when not zero."""
        errors, unexplained = finding_counts(findings)
        self.errors_button.setText(_("错误 {n} 条").format(n=errors))
        self.warnings_button.setText(_("待说明警告 {n} 条").format(n=unexplained))
        self.errors_button.setStyleSheet("color: #b3261e; font-weight: bold;" if errors else "")
        self.warnings_button.setStyleSheet(
            "color: #8a5300; font-weight: bold;" if unexplained else ""
        )
