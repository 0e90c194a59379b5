"""Small pieces the exchange, key, backup and audit screens share.

:class:`DataPage` is a navigation page that reads its data in the background, and only
when it is shown: the window marks every such page stale after each load, and a page
nobody looks at never queries the database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtGui import QFont, QFontDatabase, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from vetdesk.i18n import _, pgettext

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.ui.notices import Notice, Notices

DbSource = Callable[[], "Database | None"]

ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e20;"


class DataPage(QWidget):
    """A page over the open database that refreshes itself when shown after a change."""

    refreshed = Signal()
    # The record kinds this page's data is computed from: a change notice about one of
    # them marks the page stale (a whole reload always does).
    NOTICE_KINDS: frozenset[str] = frozenset()

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db_source = db
        self._stale = True
        self.read_only = False

    @property
    def db(self) -> Database | None:
        """The open database, or None before it is open."""
        return self._db_source()

    def invalidate(self) -> None:
        """Mark the data as changed: reload now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Reload stale data when the page comes into view."""
        super().showEvent(event)
        self.ensure_fresh()

    def ensure_fresh(self) -> None:
        """Reload if the data changed since the last load (the window calls this on switching)."""
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload the page's data in the background (no-op until the database is open)."""
        db = self.db
        if db is None:
            return
        self._stale = False
        self.load(db)

    def load(self, db: Database) -> None:
        """Start the background read; subclasses emit :attr:`refreshed` when shown."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        """Disable the actions that change data (a damaged database opened read-only)."""
        self.read_only = read_only

    def subscribe(self, notices: Notices) -> None:
        """Follow the window's change notices (see :mod:`vetdesk.ui.notices`)."""
        notices.operation_did_execute.connect(self._on_notice)

    def _on_notice(self, notice: Notice) -> None:
        if notice.everything:
            self.set_read_only(notice.read_only)
        if notice.concerns(self.NOTICE_KINDS):
            self.invalidate()
            if notice.shown is self:
                self.ensure_fresh()  # also when the window is not shown (tests, screenshots)


def documents_folder() -> Path:
    """Where file dialogs start: the last folder used, else Documents, else the home folder."""
    # Local: interaction and pagebase import each other (an import cycle).
    from vetdesk.ui.interaction import last_folder

    last = last_folder()
    if last is not None:
        return last

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def fingerprint_font(point_size: int = 20) -> QFont:
    """A monospaced font for fingerprints: digits line up, group under group."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    font.setBold(True)
    return font


def fingerprint_label(point_size: int = 20) -> QLabel:
    """A selectable label showing a fingerprint in large digits, two lines of four groups."""
    label = QLabel("—")
    label.setFont(fingerprint_font(point_size))
    label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def fingerprint_text(fingerprint: str) -> str:
    """A fingerprint laid out as two lines of four groups of five digits."""
    groups = fingerprint.split()
    if len(groups) <= 4:
        return " ".join(groups)
    return " ".join(groups[:4]) + "\n" + " ".join(groups[4:])


def fingerprint_digits(text: str) -> str:
    """Only the digits of a typed fingerprint (full-width digits count; spaces, dashes do not)."""
    normalised = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in normalised if "0" <= ch <= "9")


def same_fingerprint(typed: str, actual: str) -> bool:
    """Whether a fingerprint typed from the paper form is the one computed from the key file."""
    digits = fingerprint_digits(actual)
    return bool(digits) and fingerprint_digits(typed) == digits


class PassphraseFields(QWidget):
    """A new passphrase typed twice, with the reason it is not acceptable yet."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Local: the core loads on first use, not at start-up.
        from vetdesk.signing.keys import MIN_PASSPHRASE_LENGTH

        self._min = MIN_PASSPHRASE_LENGTH
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText(
            _("至少 {n} 个字符，可用中文、字母、数字").format(n=self._min)
        )
        self.second = QLineEdit()
        self.second.setObjectName("passphrase_again")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setPlaceholderText(_("再次输入口令"))
        self.hint = QLabel()
        self.hint.setStyleSheet(ERROR_STYLE)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.first)
        layout.addWidget(self.second)
        layout.addWidget(self.hint)
        for edit in (self.first, self.second):
            edit.textChanged.connect(self._changed)

    def _changed(self) -> None:
        problem = self.problem()
        # Say nothing while the person is still typing the first field.
        self.hint.setText(problem if self.second.text() else "")
        self.changed.emit()

    def problem(self) -> str:
        """Why the passphrase cannot be used yet ('' when it can)."""
        first = self.first.text()
        if not first:
            return pgettext("PageBase", "请输入口令。")
        if len(unicodedata.normalize("NFC", first)) < self._min:
            return _("口令至少需要 {n} 个字符。").format(n=self._min)
        # Local: the core loads on first use, not at start-up.
        from vetdesk.signing.keys import passphrase_problem

        refused = passphrase_problem(first)  # the core's rule: 12345678 is refused here too
        if refused is not None:
            return refused[1]
        if first != self.second.text():
            return pgettext("PageBase", "两次输入的口令不一致。")
        return ""

    def passphrase(self) -> str:
        """The passphrase typed."""
        return self.first.text()

    def clear(self) -> None:
        """Forget what was typed."""
        self.first.clear()
        self.second.clear()


def path_row(path: QLineEdit, browse: Callable[[], None]) -> QHBoxLayout:
    """A file path box with its 浏览… button beside it."""
    button = QPushButton(_("浏览…"))
    button.clicked.connect(lambda: browse())
    row = QHBoxLayout()
    row.addWidget(path, 1)
    row.addWidget(button)
    return row


def passphrase_edit(changed: Callable[[], None]) -> QLineEdit:
    """A hidden-text box for a key's passphrase that reports every change."""
    edit = QLineEdit()
    edit.setObjectName("passphrase")
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.textChanged.connect(lambda _text: changed())
    return edit
