"""The window's pages, declared in one registry: id, title and how each is built.

After the action registry (:mod:`vetdesk.ui.actions`): a page is declared once, with the
function that builds it and wires its requests to the window (record forms, the inbox's
merges). The window builds every page after its first paint, so none of the pages'
modules is imported before the window shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtWidgets import QWidget

from vetdesk.i18n import _
from vetdesk.services.entities import CONDITION, SCHOOL, TEACHER, TRAINING

if TYPE_CHECKING:
    from vetdesk.ui.mainwindow import MainWindow

PAGE_CHECKS = "checks"
PAGE_COMPLIANCE = "compliance"
PAGE_KEYS = "keys"
PAGE_BACKUPS = "backups"
PAGE_AUDIT = "audit"
PAGE_TARGETS = "targets"
PAGE_MEASURES = "measure_data"
PAGE_DASHBOARD = "dashboard"
PAGE_INBOX = "inbox"
PAGE_STATUS = "status_board"
# Pages only a city database has: hidden in the navigation of a county.
CITY_PAGES = (PAGE_INBOX, PAGE_STATUS)


class PageSpec(NamedTuple):  # not a dataclass: see vetdesk.ui.actions.Decision
    """One page of the window's navigation."""

    page_id: str
    title: Callable[[], str]  # in the current language
    build: Callable[[MainWindow], QWidget]


def _record_page(entity: str) -> Callable[[MainWindow], QWidget]:
    def build(w: MainWindow) -> QWidget:
        # Local: pages load after the first paint (as every page's module below).
        from vetdesk.ui.recordpage import RecordPage

        page = RecordPage(entity, w.settings)
        page.add_requested.connect(lambda: w.editor.add_record(entity))
        page.edit_requested.connect(lambda rec: w.editor.edit_record(entity, rec))
        page.delete_requested.connect(lambda rec: w.editor.delete_record(entity, rec))
        page.paste_requested.connect(lambda: w.dialogs.paste_rows(entity))
        w.register_record_page(page)
        return page

    return build


def _checks(w: MainWindow) -> QWidget:
    from vetdesk.ui.checks import ChecksPanel  # Local: pages load after the first paint.

    panel = ChecksPanel(w.settings, w.current_db)
    panel.jump_requested.connect(w.editor.jump_to)
    panel.findings_changed.connect(w.findings_changed)
    return panel


def _compliance(w: MainWindow) -> QWidget:
    from vetdesk.ui.compliance import CompliancePage  # Local: pages load after the first paint.

    return CompliancePage(w.settings)


def _keys(w: MainWindow) -> QWidget:
    from vetdesk.ui.keys import KeysPage  # Local: pages load after the first paint.

    return KeysPage(w.current_db)


def _backups(w: MainWindow) -> QWidget:
    from vetdesk.ui.backups import BackupsPage  # Local: pages load after the first paint.

    page = BackupsPage(w.current_db)
    page.restore_requested.connect(lambda backup: w.recovery.restore_backup(backup.path))
    return page


def _audit(w: MainWindow) -> QWidget:
    from vetdesk.ui.auditlog import AuditPage  # Local: pages load after the first paint.

    return AuditPage(w.current_db)


def _targets(w: MainWindow) -> QWidget:
    from vetdesk.ui.targets import TargetsPage  # Local: pages load after the first paint.

    return TargetsPage(w.current_db, w.current_year)


def _measures(w: MainWindow) -> QWidget:
    from vetdesk.ui.targets import MeasureDataPage  # Local: pages load after the first paint.

    page = MeasureDataPage(w.current_db, w.current_year, w.settings)
    page.add_requested.connect(w.editor.add_record)
    page.edit_requested.connect(w.editor.edit_record)
    page.delete_requested.connect(w.editor.delete_record)
    page.paste_requested.connect(w.dialogs.paste_rows)
    for record_page in page.pages.values():
        # Registered like the other record pages: buttons, forms, the host's context.
        w.register_record_page(record_page)
    return page


def _dashboard(w: MainWindow) -> QWidget:
    from vetdesk.ui.dashboard import DashboardPage  # Local: pages load after the first paint.

    return DashboardPage(w.current_db, w.current_year)


def _inbox(w: MainWindow) -> QWidget:
    from vetdesk.ui.city import InboxPage  # Local: pages load after the first paint.

    page = InboxPage(w.current_db)
    page.merged.connect(lambda entry: _package_merged(w, entry))
    return page


def _package_merged(w: MainWindow, entry: Any) -> None:
    period = entry.verification.period
    w.statusBar().showMessage(
        _("已合并 {file}，正在重新核验…").format(file=entry.path.name), 10_000
    )
    w.undo_stack.clear()  # the merged county's rows were replaced
    w.reload(period if isinstance(period, int) else None)


def _status(w: MainWindow) -> QWidget:
    from vetdesk.ui.city import StatusBoardPage  # Local: pages load after the first paint.

    return StatusBoardPage(w.current_db, w.current_year)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(SCHOOL, lambda: _("学校"), _record_page(SCHOOL)),
    PageSpec(CONDITION, lambda: _("办学条件"), _record_page(CONDITION)),
    PageSpec(TEACHER, lambda: _("教师"), _record_page(TEACHER)),
    PageSpec(TRAINING, lambda: _("培训项目"), _record_page(TRAINING)),
    PageSpec(PAGE_CHECKS, lambda: _("核验"), _checks),
    PageSpec(PAGE_COMPLIANCE, lambda: _("达标情况"), _compliance),
    PageSpec(PAGE_KEYS, lambda: _("签名密钥"), _keys),
    PageSpec(PAGE_BACKUPS, lambda: _("备份与恢复"), _backups),
    PageSpec(PAGE_AUDIT, lambda: _("审计日志"), _audit),
    PageSpec(PAGE_TARGETS, lambda: _("目标任务"), _targets),
    PageSpec(PAGE_MEASURES, lambda: _("专业与合作"), _measures),
    PageSpec(PAGE_DASHBOARD, lambda: _("图表"), _dashboard),
    PageSpec(PAGE_INBOX, lambda: _("上报包收件箱"), _inbox),
    PageSpec(PAGE_STATUS, lambda: _("上报情况"), _status),
)
