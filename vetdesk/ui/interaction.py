"""Every message box and question goes through here, so tests can answer them headless.

After git-cola's ``cola/interaction.py``: commands and windows never open a
``QMessageBox`` or a file dialog themselves; they call :func:`inform`, :func:`show_error`,
:func:`confirm`, :func:`open_file` or :func:`save_file`, and a test swaps the
:class:`Interaction` for a recorder.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from vetdesk.errors import VetDeskError
from vetdesk.i18n import _
from vetdesk.paths import log_file

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog

# QMessageBox and QFileDialog are imported where a dialog opens: this module loads before
# the window's first paint, and naming a Qt class materialises its enums (some 10 here).

log = logging.getLogger(__name__)


class Interaction:
    """Shows messages with real dialogs; tests replace it with :func:`set_interaction`."""

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        """An information message."""
        from PySide6.QtWidgets import QMessageBox  # Local: see the module's top.

        QMessageBox.information(parent, title, text)

    def warn(self, parent: QWidget | None, title: str, text: str) -> None:
        """A warning or error message."""
        from PySide6.QtWidgets import QMessageBox  # Local: see the module's top.

        QMessageBox.warning(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/no question; True for yes."""
        from PySide6.QtWidgets import QMessageBox  # Local: see the module's top.

        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def open_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """Ask for an existing file; None when cancelled."""
        from PySide6.QtWidgets import QFileDialog  # Local: see the module's top.

        chosen = _ask(parent, title, start, filters, QFileDialog.FileMode.ExistingFile)
        return chosen[0] if chosen else None

    def open_files(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> list[Path]:
        """Ask for one or more existing files; empty when cancelled."""
        from PySide6.QtWidgets import QFileDialog  # Local: see the module's top.

        return _ask(parent, title, start, filters, QFileDialog.FileMode.ExistingFiles)

    def save_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """Ask where to save a file; None when cancelled."""
        from PySide6.QtWidgets import QFileDialog  # Local: see the module's top.

        chosen = _ask(parent, title, start, filters, QFileDialog.FileMode.AnyFile, save=True)
        return chosen[0] if chosen else None

    def choose_folder(self, parent: QWidget | None, title: str, start: str) -> Path | None:
        """Ask for a folder; None when cancelled."""
        from PySide6.QtWidgets import QFileDialog  # Local: see the module's top.

        chosen = _ask(parent, title, start, "", QFileDialog.FileMode.Directory)
        return chosen[0] if chosen else None


class ConsoleInteraction(Interaction):
    """No dialogs (``--screenshot`` runs offscreen, where a modal box would wait forever).

    Messages go to standard error; questions are answered "no" and file choices cancelled.
    """

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        """Print the message."""
        print(text, file=sys.stderr)

    def warn(self, parent: QWidget | None, title: str, text: str) -> None:
        """Print the message."""
        print(text, file=sys.stderr)

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """Print the question; the answer is no."""
        print(text, file=sys.stderr)
        return False

    def open_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """No file."""
        return None

    def open_files(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> list[Path]:
        """No files."""
        return []

    def save_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """No file."""
        return None

    def choose_folder(self, parent: QWidget | None, title: str, start: str) -> Path | None:
        """No folder."""
        return None


# The folder of the last file or folder chosen in this session: dialogs and suggested
# file names start there (a clerk works from one USB stick or folder), see
# vetdesk.ui.pagebase.documents_folder.
_last_folder: Path | None = None


def last_folder() -> Path | None:
    """The folder of the last file or folder chosen in a file dialog, if it still exists."""
    return _last_folder if _last_folder is not None and _last_folder.is_dir() else None


def _start_path(start: str) -> str:
    # Local: interaction and pagebase import each other (an import cycle).
    from vetdesk.ui.pagebase import documents_folder

    return start or str(documents_folder())


def _ask(
    parent: QWidget | None,
    title: str,
    start: str,
    filters: str,
    mode: QFileDialog.FileMode,
    *,
    save: bool = False,
) -> list[Path]:
    global _last_folder
    from PySide6.QtWidgets import QFileDialog  # Local: see the module's top.

    dialog = QFileDialog(parent, title, _start_path(start), filters)
    dialog.setFileMode(mode)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    # Qt's own dialog (Linux; Windows shows its native one) asks its catalogue for
    # "&Look in:" and "Files of &type:", which qtbase_zh_CN lacks: name them here.
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("查找范围(&L)："))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("文件类型(&T)："))
    if not dialog.exec():
        return []
    chosen = [Path(name) for name in dialog.selectedFiles() if name]
    if chosen:
        first = chosen[0]
        _last_folder = first if mode == QFileDialog.FileMode.Directory else first.parent
    return chosen


class RecordingInteraction(Interaction):
    """Records messages instead of showing them and answers questions with ``answer``."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.messages: list[tuple[str, str, str]] = []
        # Answers to file dialogs, taken in order; an empty queue answers "cancelled".
        self.paths: list[Path] = []

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        """Record an information message."""
        self.messages.append(("info", title, text))

    def warn(self, parent: QWidget | None, title: str, text: str) -> None:
        """Record a warning."""
        self.messages.append(("warning", title, text))

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """Record a question and give the preset answer."""
        self.messages.append(("confirm", title, text))
        return self.answer

    def open_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """Record the question and give the next preset path."""
        self.messages.append(("open_file", title, start))
        return self.paths.pop(0) if self.paths else None

    def save_file(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> Path | None:
        """Record the question and give the next preset path."""
        self.messages.append(("save_file", title, start))
        return self.paths.pop(0) if self.paths else None

    def open_files(
        self, parent: QWidget | None, title: str, start: str, filters: str
    ) -> list[Path]:
        """Record the question and give every preset path."""
        self.messages.append(("open_files", title, start))
        chosen, self.paths = self.paths, []
        return chosen

    def choose_folder(self, parent: QWidget | None, title: str, start: str) -> Path | None:
        """Record the question and give the next preset path."""
        self.messages.append(("choose_folder", title, start))
        return self.paths.pop(0) if self.paths else None


_current: Interaction = Interaction()


def set_interaction(interaction: Interaction) -> Interaction:
    """Install an interaction (tests: a recorder); return the previous one."""
    global _current
    previous, _current = _current, interaction
    return previous


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """Show an information message."""
    _current.inform(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """Show a warning."""
    _current.warn(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question."""
    return _current.confirm(parent, title, text)


def open_file(parent: QWidget | None, title: str, start: str | Path, filters: str) -> Path | None:
    """Ask for a file to open (None: cancelled)."""
    return _current.open_file(parent, title, str(start), filters)


def save_file(parent: QWidget | None, title: str, start: str | Path, filters: str) -> Path | None:
    """Ask where to save a file (None: cancelled)."""
    return _current.save_file(parent, title, str(start), filters)


def open_files(parent: QWidget | None, title: str, start: str | Path, filters: str) -> list[Path]:
    """Ask for files to open (empty: cancelled)."""
    return _current.open_files(parent, title, str(start), filters)


def choose_folder(parent: QWidget | None, title: str, start: str | Path) -> Path | None:
    """Ask for a folder (None: cancelled)."""
    return _current.choose_folder(parent, title, str(start))


def error_text(exc: BaseException) -> str:
    """The message a person should read for an exception."""
    if isinstance(exc, VetDeskError):
        return exc.message

    return _(
        "发生了意外错误：{err}\n详细信息已写入日志文件 {log}，请把它发给技术支持人员。"
    ).format(err=exc, log=log_file())


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show an exception: its own message for user errors, a short note (and a log) otherwise."""
    if not isinstance(exc, VetDeskError):
        log.error("unexpected error", exc_info=exc)
    warn(parent, _("VetDesk"), error_text(exc))
