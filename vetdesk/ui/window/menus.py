"""The window's menu bar, 查看 menu and toolbar, built from the action registry.

The actions themselves, their menu places and enabled rules are declared in
:mod:`vetdesk.ui.actions`; this module only lays them out (and adds one 查看 entry
per page, Ctrl+1 … Ctrl+9).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QToolBar

from vetdesk.i18n import _
from vetdesk.ui import actions as registry
from vetdesk.ui.exchangemenu import ExchangeMenu

if TYPE_CHECKING:
    from vetdesk.ui.mainwindow import MainWindow


class MenuBar(NamedTuple):  # not a dataclass: see vetdesk.ui.actions.Decision
    """What the menus and the toolbar hold that the window uses later."""

    actions: dict[str, QAction]  # by registry name
    menus: dict[str, QMenu]  # "file", "edit", "data", "exchange", "view", "help"
    exchange: ExchangeMenu
    view_actions: dict[str, QAction]  # by page id
    period_combo: QComboBox


def build_menus(
    window: MainWindow, pages: Sequence[tuple[str, str]], show_page: Callable[[str], object]
) -> MenuBar:
    """Fill the window's menu bar and toolbar; ``pages`` are (page id, title) in order."""
    actions = registry.create_actions(window)
    bar = window.menuBar()
    titles = {
        "file": _("文件(&F)"),
        "edit": _("编辑(&E)"),
        "data": _("数据(&D)"),
        "exchange": _("交换(&X)"),
        "view": _("查看(&V)"),
        "help": _("帮助(&H)"),
    }
    menus: dict[str, QMenu] = {}
    for menu_id, title in titles.items():
        menu = bar.addMenu(title)
        menus[menu_id] = menu
        for placed in registry.MENU_LAYOUT.get(menu_id, ()):
            if placed is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[placed])
    menus["file"].setToolTipsVisible(True)  # a disabled lock or reopen says why
    exchange = ExchangeMenu(menus["exchange"])
    for spec in registry.ACTIONS:
        if spec.menu == "exchange":
            exchange.add(spec.section, actions[spec.name])
    view_actions: dict[str, QAction] = {}
    for number, (page_id, title) in enumerate(pages, start=1):
        action = QAction(title, window)
        if number <= 9:
            action.setShortcuts([QKeySequence(f"Ctrl+{number}")])  # see create_actions
        action.triggered.connect(lambda _checked=False, p=page_id: show_page(p))
        menus["view"].addAction(action)
        view_actions[page_id] = action

    toolbar = QToolBar(_("工具栏"))
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    period_combo = QComboBox()
    period_combo.setObjectName("period")
    period_combo.setMinimumContentsLength(12)
    period_label = QLabel(_("统计期(&Y)："))
    period_label.setBuddy(period_combo)
    toolbar.addWidget(period_label)
    toolbar.addWidget(period_combo)
    for placed in registry.TOOLBAR:
        if placed is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(actions[placed])
    window.addToolBar(toolbar)
    return MenuBar(actions, menus, exchange, view_actions, period_combo)
