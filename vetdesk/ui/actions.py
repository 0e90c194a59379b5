"""The main window's actions, declared in one registry with the rule that enables each.

After Picard's ``picard/ui/mainwindow/actions.py``: an action is declared once — its text,
shortcut, what it triggers, where it sits in the menus, whether it fits the database's
role, and its *enabled rule*: a function of the window returning :class:`Decision` (enabled,
and the reason shown as the tooltip when it is not). The window builds its QActions
from :data:`ACTIONS` and re-evaluates every rule with :func:`apply_rules` whenever its
state changes; no other code enables or disables these actions.

The rules of the actions that write data ask the write policy
(:func:`vetdesk.db.write_policy.decide`, read for the period in the background with the
snapshot: :attr:`~vetdesk.ui.loading.Snapshot.write_decisions`); a refusal's reason is the
tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QAction, QKeySequence

from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import SCHOOL
from vetdesk.ui.exchangemenu import SECTION_CITY, SECTION_EXCEL, SECTION_KEYS, SECTION_PACKAGES

if TYPE_CHECKING:
    from vetdesk.ui.mainwindow import MainWindow


# Named tuples, not dataclasses, here and in the other modules the window needs before its
# first paint: importing dataclasses (with copy) and making a dataclass cost that paint some
# 10 ms of CPU, a named tuple a fifth of a millisecond.
class Decision(NamedTuple):
    """Whether an action may be used now, and if not, why (a translated tooltip)."""

    enabled: bool
    reason: str = ""


ENABLED = Decision(True)
DISABLED = Decision(False)

Rule = Callable[["MainWindow"], Decision]
Shortcut = QKeySequence.StandardKey | str | None


class ActionSpec(NamedTuple):
    """One action of the main window."""

    name: str  # the window attribute is ``act_<name>``
    text: Callable[[], str]
    trigger: Callable[[MainWindow], object]
    enabled: Rule
    menu: str  # "file", "edit", "data", "exchange", "help"
    section: str = ""  # the 交换 menu's section
    shortcut: Shortcut = None
    visible: Callable[[MainWindow], bool] = lambda _w: True
    needs_database: bool = False  # disabled while no database is open


# --- rules ------------------------------------------------------------------------------------


def _always(_w: MainWindow) -> Decision:
    return ENABLED


def _has_period(w: MainWindow) -> Decision:
    return Decision(w.year is not None)


def _writable(w: MainWindow) -> Decision:
    """A damaged database opened read-only takes no writes."""
    return Decision(False, _("只读：数据库已损坏")) if w.read_only else ENABLED


def _both(*rules: Rule) -> Rule:
    def rule(w: MainWindow) -> Decision:
        for each in rules:
            decision = each(w)
            if not decision.enabled:
                return decision
        return ENABLED

    return rule


def policy_rule(action: str) -> Rule:
    """The write policy's answer for an action (a WriteAction value), its reason as tooltip.

    Disabled until a snapshot has brought the policy's decisions.
    """

    def rule(w: MainWindow) -> Decision:
        decision = w.write_decision(action)
        if decision is None:
            return DISABLED
        return Decision(decision.allowed, "" if decision.allowed else decision.reason)

    return rule


def _export_package_policy(w: MainWindow) -> Decision:
    # Without a key the export dialog itself offers to create one.
    decision = w.write_decision("export_package")
    if decision is not None and decision.code == "no_key":
        return ENABLED
    return policy_rule("export_package")(w)


def _period_ready(w: MainWindow) -> Decision:
    return Decision(w.editable())


def record_edit_rule(w: MainWindow, entity: str | None = None) -> Decision:
    """Whether records of a kind may be edited now (forms, delete, the page buttons).

    The write policy decides whether the period and the database's role take edits (the
    city's records come from the counties' signed packages; a reported or locked period
    takes none) and says why not. The school registry (学校名录) is asked as its own
    action: the city keeps it, as ``vetdesk school add|edit`` does.
    """
    if entity is None:
        action = "edit_record"
    else:
        # Local: the entity registry loads with the pages, after the window's first paint.
        from vetdesk.ui.entityregistry import entry

        action = entry(entity).write_action
    return _both(policy_rule(action), _period_ready)(w)


def paste_rule(w: MainWindow) -> Decision:
    """Whether rows may be pasted into a table now (a city imports nothing but packages)."""
    return _both(policy_rule("paste_rows"), _period_ready)(w)


def _can_add(w: MainWindow) -> Decision:
    if w.needs_period_first() and w.current_page_id() == SCHOOL:
        # 新增 on 学校 is the first thing a fresh county does: it creates the period first.
        return ENABLED
    entity = w.editor.current_addable_entity()
    decision = record_edit_rule(w, entity)
    if not decision.enabled:
        return decision
    return Decision(entity is not None)


def _can_paste(w: MainWindow) -> Decision:
    decision = paste_rule(w)
    if not decision.enabled:
        return decision
    return Decision(w.editor.current_record_entity() is not None)


def _can_undo(w: MainWindow) -> Decision:
    return Decision(w.undo_stack.can_undo())


def _can_redo(w: MainWindow) -> Decision:
    return Decision(w.undo_stack.can_redo())


def _city(w: MainWindow) -> bool:
    return w.is_city_database()


def _county(w: MainWindow) -> bool:
    return not w.is_city_database()


# --- the registry ----------------------------------------------------------------------------


ACTIONS: tuple[ActionSpec, ...] = (
    # 文件
    ActionSpec(
        "new_db",
        lambda: _("新建数据库(&N)…"),
        lambda w: w.request_new_database(),
        _always,
        "file",
    ),
    ActionSpec(
        "open_db",
        lambda: _("打开数据库(&O)…"),
        lambda w: w.dialogs.choose_database(),
        _always,
        "file",
        shortcut=QKeySequence.StandardKey.Open,
    ),
    ActionSpec(
        "open_server_db",
        lambda: _("打开服务器数据库(&S)…"),
        lambda w: w.dialogs.choose_server_database(),
        _always,
        "file",
    ),
    ActionSpec(
        "new_period",
        lambda: _("新建统计期(&P)…"),
        lambda w: w.dialogs.new_period(),
        _writable,
        "file",
        needs_database=True,
    ),
    ActionSpec(
        "lock_period",
        lambda: _("锁定本年度(&L)…"),
        lambda w: w.dialogs.lock_period(),
        _both(_has_period, _writable, policy_rule("lock_period")),
        "file",
        visible=_city,
        needs_database=True,
    ),
    ActionSpec(
        "reopen_period",
        lambda: _("重新打开本年度(&R)…"),
        lambda w: w.dialogs.reopen_period(),
        _both(_has_period, _writable, policy_rule("reopen_period")),
        "file",
        needs_database=True,
    ),
    ActionSpec(
        "settings", lambda: _("设置(&S)…"), lambda w: w.dialogs.show_settings(), _always, "file"
    ),
    ActionSpec(
        "quit",
        lambda: _("退出(&X)"),
        lambda w: w.close(),
        _always,
        "file",
        shortcut=QKeySequence.StandardKey.Quit,
    ),
    # 编辑
    ActionSpec(
        "undo",
        lambda: pgettext("MainWindow", "撤销"),
        lambda w: w.undo_stack.undo(),
        _can_undo,
        "edit",
        shortcut=QKeySequence.StandardKey.Undo,
    ),
    ActionSpec(
        "redo",
        lambda: _("重做"),
        lambda w: w.undo_stack.redo(),
        _can_redo,
        "edit",
        shortcut=QKeySequence.StandardKey.Redo,
    ),
    ActionSpec(
        "add",
        lambda: _("新增记录(&A)…"),
        lambda w: w.editor.add_current(),
        _can_add,
        "edit",
        shortcut="Ctrl+N",
    ),
    # No shortcut here: Ctrl+V belongs to the table that has the focus (and the search
    # box keeps pasting text).
    ActionSpec(
        "paste",
        lambda: _("从 Excel/WPS 粘贴行(&P)…"),
        lambda w: w.editor.paste_current(),
        _can_paste,
        "edit",
    ),
    ActionSpec(
        "find",
        lambda: _("查找(&F)"),
        lambda w: w.editor.focus_search(),
        _always,
        "edit",
        shortcut=QKeySequence.StandardKey.Find,
    ),
    # 数据
    ActionSpec(
        "check", lambda: _("重新核验(&C)"), lambda w: w.reload(), _always, "data", shortcut="F5"
    ),
    ActionSpec(
        "report",
        lambda: _("生成报告(&R)…"),
        lambda w: w.dialogs.write_report(),
        _has_period,
        "data",
        needs_database=True,
    ),
    # 交换 (by section; the menu hides what the role has no use for)
    ActionSpec(
        "template",
        lambda: _("导出学校填报模板(&T)…"),
        lambda w: w.dialogs.export_template(),
        _both(_has_period, policy_rule("issue_template")),
        "exchange",
        SECTION_EXCEL,
        # The city's data comes from verified packages only: a school's workbook imported
        # there would bypass its county and be replaced by the county's next package.
        visible=_county,
        needs_database=True,
    ),
    ActionSpec(
        "import",
        lambda: _("导入学校填报表(&I)…"),
        lambda w: w.dialogs.import_workbook(),
        _both(_writable, policy_rule("import_template")),
        "exchange",
        SECTION_EXCEL,
        shortcut="Ctrl+I",
        visible=_county,
        needs_database=True,
    ),
    ActionSpec(
        "draft",
        lambda: _("导出全年数据（草稿，不签名）…"),
        lambda w: w.dialogs.export_draft(),
        _has_period,
        "exchange",
        SECTION_EXCEL,
        needs_database=True,
    ),
    ActionSpec(
        "package",
        lambda: _("导出正式上报包（签名）(&P)…"),
        lambda w: w.dialogs.export_package(),
        _both(_has_period, _writable, _export_package_policy),
        "exchange",
        SECTION_PACKAGES,
        shortcut="Ctrl+E",
        visible=_county,
        needs_database=True,
    ),
    ActionSpec(
        "task",
        lambda: _("导入市局任务包…"),
        lambda w: w.dialogs.import_task(),
        _writable,
        "exchange",
        SECTION_PACKAGES,
        visible=_county,
        needs_database=True,
    ),
    ActionSpec(
        "receipt",
        lambda: _("导入市局回执…"),
        lambda w: w.dialogs.import_receipt(),
        _writable,
        "exchange",
        SECTION_PACKAGES,
        visible=_county,
        needs_database=True,
    ),
    ActionSpec(
        "verify",
        lambda: _("核验上报包(&V)…"),
        lambda w: w.dialogs.verify_package(),
        _always,
        "exchange",
        SECTION_PACKAGES,
        needs_database=True,
    ),
    ActionSpec(
        "keys",
        lambda: _("签名密钥与公钥登记…"),
        lambda w: w.show_keys(),
        _always,
        "exchange",
        SECTION_KEYS,
        needs_database=True,
    ),
    ActionSpec(
        "inbox",
        lambda: _("上报包收件箱（核验、合并、回执）…"),
        lambda w: w.show_inbox(),
        _always,
        "exchange",
        SECTION_CITY,
        visible=_city,
        needs_database=True,
    ),
    ActionSpec(
        "status",
        lambda: _("上报情况"),
        lambda w: w.show_status_board(),
        _has_period,
        "exchange",
        SECTION_CITY,
        visible=_city,
        needs_database=True,
    ),
    ActionSpec(
        "city_workbook",
        lambda: _("合并工作簿…"),
        lambda w: w.dialogs.write_city_workbook(),
        _has_period,
        "exchange",
        SECTION_CITY,
        visible=_city,
        needs_database=True,
    ),
    ActionSpec(
        "task_export",
        lambda: _("下发任务包（签名）…"),
        lambda w: w.dialogs.export_task(),
        _has_period,
        "exchange",
        SECTION_CITY,
        visible=_city,
        needs_database=True,
    ),
    # 帮助
    ActionSpec(
        "guide",
        lambda: _("使用说明(&H)"),
        lambda w: w.dialogs.show_guide(),
        _always,
        "help",
        shortcut=QKeySequence.StandardKey.HelpContents,
    ),
    ActionSpec(
        "about", lambda: _("关于 VetDesk(&A)"), lambda w: w.dialogs.show_about(), _always, "help"
    ),
)
SPECS: Mapping[str, ActionSpec] = {spec.name: spec for spec in ACTIONS}

# Where the actions sit in the menus (None: a separator); the 交换 menu places its
# actions by section instead.
MENU_LAYOUT: Mapping[str, tuple[str | None, ...]] = {
    "file": (
        "new_db",
        "open_db",
        "open_server_db",
        "new_period",
        "lock_period",
        "reopen_period",
        None,
        "settings",
        None,
        "quit",
    ),
    "edit": ("undo", "redo", None, "add", "paste", "find"),
    "data": ("check", "report"),
    "help": ("guide", None, "about"),
}
TOOLBAR: tuple[str | None, ...] = (None, "undo", "redo", None, "check")  # after the period box


def create_actions(window: MainWindow) -> dict[str, QAction]:
    """The window's QActions, one per spec, triggering what the spec says."""
    created: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text(), window)
        action.setObjectName(f"act_{spec.name}")
        if spec.shortcut is not None:
            # setShortcuts, the same for one sequence: setShortcut's overload resolution
            # builds Qt's enum namespace, which nothing before the first paint needs.
            action.setShortcuts([QKeySequence(spec.shortcut)])
        action.triggered.connect(lambda _checked=False, s=spec: s.trigger(window))
        created[spec.name] = action
    return created


def apply_rules(window: MainWindow, actions: Mapping[str, QAction], *, has_database: bool) -> None:
    """Enable, explain (tooltip) and show every action as its rules say now."""
    for name, action in actions.items():
        spec = SPECS[name]
        decision = DISABLED if spec.needs_database and not has_database else spec.enabled(window)
        if has_database:
            action.setVisible(spec.visible(window))
        action.setEnabled(decision.enabled)
        action.setToolTip(decision.reason or action.text().replace("&", ""))
