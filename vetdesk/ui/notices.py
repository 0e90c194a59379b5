"""Change notices: after an operation, the pages that show what it changed refresh themselves.

After Anki's ``operation_did_execute`` (``qt/aqt/operations/``): the window announces
*what* an operation changed — a whole load, one record written, a new check — on one
signal, and each page subscribes and decides for itself whether it is concerned and takes
what it shows from the notice, instead of the window knowing every page and pushing into
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from vetdesk.ui.commands import Change
    from vetdesk.ui.loading import Snapshot
    from vetdesk.validation.check import CheckReport


class Notice(NamedTuple):  # not a dataclass: see vetdesk.ui.actions.Decision
    """What an operation changed."""

    kinds: frozenset[str] = frozenset()  # record kinds written (vetdesk.services.entities)
    everything: bool = False  # a (re)load: every page's data may have changed
    read_only: bool = False  # the database now takes no writes (damaged, opened read-only)
    shown: QWidget | None = None  # the page in view, which refreshes at once
    snapshot: Snapshot | None = None  # a load's data: the record tables take their rows here
    change: Change | None = None  # one record written (an edit, its undo or redo)
    report: CheckReport | None = None  # the period's new check
    school_names: Mapping[str, str] = MappingProxyType({})  # code → name, with a report
    marks: Mapping[str, str] | None = None  # record key → "error"/"warning", after a check

    def concerns(self, kinds: frozenset[str]) -> bool:
        """Whether a page showing data computed from ``kinds`` should refresh."""
        return self.everything or bool(self.kinds & kinds)


class Notices(QObject):
    """The window's change-notice hub; pages connect to :attr:`operation_did_execute`."""

    operation_did_execute = Signal(object)  # Notice

    def announce(self, notice: Notice) -> None:
        """Tell every subscriber what changed."""
        self.operation_did_execute.emit(notice)


@runtime_checkable
class Subscriber(Protocol):
    """A page that follows change notices (the window subscribes it when it is built)."""

    def subscribe(self, notices: Notices) -> None:
        """Connect to :attr:`Notices.operation_did_execute`."""
