"""The 交换 menu in named sections, so that features slot their actions in place.

Kept apart from the dialogs of :mod:`vetdesk.ui.exchange` so that the main window can
build its menus before its first paint without importing them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

SECTION_EXCEL = "excel"
SECTION_PACKAGES = "packages"
SECTION_KEYS = "keys"
SECTION_CITY = "city"
SECTIONS = (SECTION_EXCEL, SECTION_PACKAGES, SECTION_KEYS, SECTION_CITY)


class ExchangeMenu:
    """The 交换 menu, in sections; features add their actions to a section."""

    def __init__(self, menu: QMenu, sections: Sequence[str] = SECTIONS) -> None:
        self.menu = menu
        self._sections = list(sections)
        # An invisible marker action ends each section: inserting before the marker of
        # the next section keeps every section in place, whatever is added later.
        self._markers: dict[str, QAction] = {}
        for name in self._sections:
            marker = menu.addSeparator()
            marker.setObjectName(f"section_{name}")
            self._markers[name] = marker

    def add(self, section: str, action: QAction) -> QAction:
        """Add an action at the end of a section."""
        index = self._sections.index(section)
        following = self._sections[index + 1 :]
        before = self._markers[following[0]] if following else None
        if before is None:
            self.menu.addAction(action)
        else:
            self.menu.insertAction(before, action)
        self.tidy()
        return action

    def tidy(self) -> None:
        """Show only the separators between sections that have visible actions."""
        # A separator shows only between two sections that both have actions.
        seen_action = False
        for action in self.menu.actions():
            if action.isSeparator():
                action.setVisible(seen_action)
                seen_action = False
            else:
                seen_action = seen_action or action.isVisible()
        if self._markers:
            first = self._markers[self._sections[0]]
            first.setVisible(False)

    def actions(self, section: str) -> list[QAction]:
        """The actions of a section, in order."""
        found: list[QAction] = []
        collecting = False
        for action in self.menu.actions():
            if action is self._markers[section]:
                collecting = True
                continue
            if collecting:
                if action in self._markers.values():
                    break
                found.append(action)
        return found
