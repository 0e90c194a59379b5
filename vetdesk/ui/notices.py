"""Change notices: after an operation, the pages that show what it changed refresh themselves.

After Anki's ``operation_did_execute`` (``qt/aqt/operations/``): the window announces
*what* an operation changed — a whole load, or records of some kinds — on one signal, and
each page subscribes and decides for itself whether it is concerned, instead of the window
knowing every page and pushing into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Notice:
    """What an operation changed."""

    kinds: frozenset[str] = frozenset()  # record kinds written (vetdesk.services.entities)
    everything: bool = False  # a (re)load: every page's data may have changed
    read_only: bool = False  # the database now takes no writes (damaged, opened read-only)
    shown: QWidget | None = None  # the page in view, which refreshes at once

    def concerns(self, kinds: frozenset[str]) -> bool:
        """Whether a page showing data computed from ``kinds`` should refresh."""
        return self.everything or bool(self.kinds & kinds)


class Notices(QObject):
    """The window's change-notice hub; pages connect to :attr:`operation_did_execute`."""

    operation_did_execute = Signal(object)  # Notice

    def announce(self, notice: Notice) -> None:
        """Tell every subscriber what changed."""
        self.operation_did_execute.emit(notice)
