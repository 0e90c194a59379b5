"""The navigation list and the stack of pages beside it; pages may be built on first need.

A page is added as a widget or as a factory; a factory's page is built when it is first
asked for (the window asks for all of them right after its first paint), and every built
page that follows change notices (:class:`vetdesk.ui.notices.Subscriber`) is subscribed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSplitter, QStackedWidget, QWidget

from vetdesk.ui.notices import Notices, Subscriber


class PageStack(QSplitter):
    """The navigation (left) and the page shown (right)."""

    row_chosen = Signal(int)  # the navigation's current row changed

    def __init__(self, notices: Notices, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)  # (positional: the Orientation overload, Qt's enums)
        self._notices = notices
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 7px 12px; }")
        self.stack = QStackedWidget()
        self.page_ids: list[str] = []
        self.factories: dict[str, Callable[[], QWidget]] = {}  # pages not built yet
        self.addWidget(self.nav)
        self.addWidget(self.stack)
        self.setStretchFactor(1, 1)
        self.nav.currentRowChanged.connect(self.row_chosen)

    def after_first_paint(self) -> None:
        """What may wait for the first paint (it needs Qt's enum namespace, see app.py)."""
        # Never a horizontal scrollbar: the list is as wide as its longest name (English
        # names are longer than Chinese ones), see fit_navigation.
        self.nav.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_navigation(self) -> None:
        """Make the navigation wide enough for its longest name."""
        metrics = self.nav.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(self.nav.item(row).text())
                for row in range(self.nav.count())
            ),
            default=0,
        )
        # Item padding (12 px each side), the frame, and room for a vertical scrollbar.
        # (The scrollbar's own size hint is the style's scrollbar extent: asking the style
        # directly names QStyle's enums, whose first use builds 11 large enum classes.)
        scrollbar = self.nav.verticalScrollBar().sizeHint().width()
        width = widest + 2 * 12 + 2 * self.nav.frameWidth() + scrollbar + 8
        self.nav.setMinimumWidth(width)
        self.nav.setMaximumWidth(max(width, 200))
        self.setSizes([width, 1000])

    def add(self, page_id: str, title: str, widget: QWidget | Callable[[], QWidget]) -> None:
        """Add a page, or a factory building it when first needed."""
        self.page_ids.append(page_id)
        self.nav.addItem(QListWidgetItem(title))
        if isinstance(widget, QWidget):
            if isinstance(widget, Subscriber):
                widget.subscribe(self._notices)
            self.stack.addWidget(widget)
        else:
            self.factories[page_id] = widget
            self.stack.addWidget(QWidget())

    def titles(self) -> list[tuple[str, str]]:
        """(page id, title) of every page, in navigation order."""
        items = (self.nav.item(row) for row in range(self.nav.count()))
        return [(page_id, item.text()) for page_id, item in zip(self.page_ids, items, strict=True)]

    def page(self, page_id: str) -> QWidget:
        """A page's widget, built now if it was added as a factory."""
        index = self.page_ids.index(page_id)
        factory = self.factories.pop(page_id, None)
        if factory is not None:
            current = self.stack.currentIndex()
            placeholder = self.stack.widget(index)
            built = factory()
            if isinstance(built, Subscriber):
                built.subscribe(self._notices)
            self.stack.insertWidget(index, built)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
        shown = self.stack.widget(index)
        assert shown is not None
        return shown

    def is_built(self, page_id: str) -> bool:
        """Whether a page's widget exists (a factory's page: once asked for)."""
        return page_id not in self.factories

    def hide_pages(self, page_ids: Iterable[str], hidden: bool) -> None:
        """Leave pages out of the navigation (the city's pages at a county), or show them."""
        for page_id in page_ids:
            item = self.nav.item(self.page_ids.index(page_id))
            if item is not None:
                item.setHidden(hidden)

    def is_hidden(self, page_id: str) -> bool:
        """Whether a page is left out of the navigation."""
        item = self.nav.item(self.page_ids.index(page_id))
        return item is not None and item.isHidden()

    def current_page_id(self) -> str:
        """The id of the page shown."""
        return self.page_ids[self.stack.currentIndex()]
