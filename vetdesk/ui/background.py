"""The one way VetDesk runs database work off the GUI thread.

``DbOp(parent, db, op).success(cb).failure(cb).run()`` runs ``op(db, progress)`` in a
``QThreadPool`` worker and calls ``cb`` on the GUI thread with the result or the
exception (after Anki's ``CollectionOp`` and Picard's ``run_task``). ``op`` opens its
own sessions through the :class:`~vetdesk.db.database.Database` it is given
(the engine's pool is thread-safe; sessions are not shared), and must never touch a
widget: "Be careful not to call any UI routines in `op`, as that may crash QtCore.Qt." (Anki).

Progress and cancellation go through a small :class:`Progress` object passed to ``op``:
the worker reports with ``progress.update(done, total)`` and calls ``progress.check()``
at safe points, which raises :class:`Cancelled` once the user pressed 取消. Updates reach
the progress dialog through a queued signal, never by touching it from the worker
(Mu's ``workers.py`` does the latter, and crashes).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QWidget

from vetdesk.ui.interaction import show_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog

    from vetdesk.db.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

# The progress dialog appears only for work that lasts longer than this (ms), so quick
# operations do not flash a window.
PROGRESS_DELAY_MS = 400


class Cancelled(Exception):
    """Raised inside an operation by :meth:`Progress.check` after the user cancelled."""


class Progress:
    """Passed to an operation: report progress, and learn whether to stop."""

    def __init__(self, emit: Callable[[int, int, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._emit = emit
        self._last = 0.0

    def update(self, done: int, total: int, text: str = "") -> None:
        """Report progress (thread-safe; throttled to 20 updates a second)."""
        now = time.monotonic()
        if self._emit is not None and (now - self._last > 0.05 or done >= total):
            self._last = now
            try:
                self._emit(done, total, text)
            except RuntimeError:  # the dialog's channel was deleted at shutdown
                self._emit = None

    def cancel(self) -> None:
        """Ask the operation to stop at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was requested."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled


class _Channel(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues delivery to the GUI thread."""

    finished = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


class _Worker(QRunnable):
    def __init__(self, run: Callable[[], Any], channel: _Channel) -> None:
        super().__init__()
        self._run = run
        self._channel = channel
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self._run()
            except BaseException as exc:  # every failure goes back to the GUI thread
                self._channel.failed.emit(exc, traceback.format_exc())
            else:
                self._channel.finished.emit(result)
        except RuntimeError:
            # The channel is gone: the application is shutting down; nobody is waiting.
            log.debug("result of a background operation dropped at shutdown")


# How long a thread waiting for the GIL lets the holder run before asking for it (s).
# CPython's 5 ms let a busy worker keep the GUI thread waiting for 170-350 ms at a time
# (bench/bench_responsiveness.py: a draft export at --scale 10); at 1 ms the longest
# wait was 20 ms. SQLite's own GIL releases need vetdesk.db.fairness as well.
GUI_SWITCH_INTERVAL_S = 0.001


def _prepare_threads() -> None:
    """Before the first background operation: the GUI thread gets the GIL often enough."""
    # Local: gcguard and background import each other (an import cycle).
    from vetdesk.ui import gcguard

    if sys.getswitchinterval() > GUI_SWITCH_INTERVAL_S:
        sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    gcguard.install()  # no garbage collection in the worker: it may hold Qt objects


# Operations in flight: keeps them (and their channels) alive until the callback ran,
# the garbage-collection pitfall git-cola's ``RunTask`` guards against.
_running: set[DbOp[Any]] = set()


def running_count() -> int:
    """How many operations have not yet delivered their result."""
    return len(_running)


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    """Block until every worker finished (at shutdown); True if none is left running."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


class DbOp(Generic[T]):
    """A database operation run in a worker thread, with callbacks on the GUI thread."""

    def __init__(
        self,
        parent: QWidget | None,
        db: Database | Callable[[], Database],
        op: Callable[[Database, Progress], T],
        *,
        label: str | None = None,
        cancellable: bool = False,
    ) -> None:
        self._parent = parent
        self._db = db
        self._op = op
        self._label = label
        self._cancellable = cancellable
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._dialog: QProgressDialog | None = None
        # Owned by the application, not by its Python wrapper: the worker holds references
        # to the channel too, and if the worker dropped the last one, a parentless channel
        # would be destroyed in the worker thread while the GUI thread still delivers its
        # signals (a segmentation fault seen under load). It is deleted on the GUI thread
        # once the result arrived (see _close).
        self._channel = _Channel(QCoreApplication.instance())
        self.progress = Progress(self._channel.progressed.emit)
        self._started = 0.0
        # Explicitly queued: the worker emits from its own thread and the slots must run
        # in the GUI thread, where the channel lives.
        queued = QtCore.Qt.ConnectionType.QueuedConnection
        self._channel.finished.connect(self._finished, queued)
        self._channel.failed.connect(self._failed, queued)
        self._channel.progressed.connect(self._progressed, queued)

    def success(self, callback: Callable[[T], None]) -> DbOp[T]:
        """Call ``callback(result)`` on the GUI thread when the operation succeeds."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> DbOp[T]:
        """Call ``callback(exception)`` on the GUI thread when the operation fails."""
        self._on_failure = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> DbOp[T]:
        """Call ``callback()`` on the GUI thread when the user cancelled the operation."""
        self._on_cancelled = callback
        return self

    def run(self) -> DbOp[T]:
        """Start the operation in the thread pool and return at once."""
        _prepare_threads()
        _running.add(self)
        self._started = time.perf_counter()
        if self._label is not None:
            self._dialog = self._make_dialog(self._label)
        source, op, progress = self._db, self._op, self.progress

        def work() -> T:
            # A callable source opens the database in the worker (the window's first load).
            db = source() if callable(source) else source
            return op(db, progress)

        QThreadPool.globalInstance().start(_Worker(work, self._channel))
        return self

    def _make_dialog(self, label: str) -> QProgressDialog:
        # Local: naming a dialog class builds its Qt enums; none is needed before the paint.
        from PySide6.QtWidgets import QProgressDialog

        # The parent-only constructor keeps Qt's own 取消 button (translated by qtbase).
        dialog = QProgressDialog(self._parent)
        dialog.setLabelText(label)
        dialog.setRange(0, 0)
        dialog.setWindowTitle(label)
        dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        if self._cancellable:
            dialog.canceled.connect(self.progress.cancel)
        else:
            dialog.setCancelButton(None)
        # QProgressDialog only shows itself after minimumDuration once setValue is called;
        # a busy (0..0) operation that never reports would otherwise never appear.
        QTimer.singleShot(PROGRESS_DELAY_MS, self._show_if_running)
        return dialog

    def _show_if_running(self) -> None:
        if self in _running and self._dialog_alive():
            assert self._dialog is not None
            self._dialog.show()

    def _dialog_alive(self) -> bool:
        # The dialog is a child of the window: closing the window deletes it under us.
        return self._dialog is not None and shiboken6.isValid(self._dialog)

    def _parent_gone(self) -> bool:
        return self._parent is not None and not shiboken6.isValid(self._parent)

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, text: str) -> None:
        if not self._dialog_alive():
            return
        assert self._dialog is not None
        self._dialog.setMaximum(max(total, 0))
        self._dialog.setValue(min(done, total))
        if text:
            self._dialog.setLabelText(text)

    def _close(self) -> None:
        _running.discard(self)
        if shiboken6.isValid(self._channel):
            self._channel.deleteLater()
        if self._dialog_alive():
            assert self._dialog is not None
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None
        log.debug("operation %s took %.3f s", self._op, time.perf_counter() - self._started)

    @Slot(object)
    def _finished(self, result: T) -> None:
        self._close()
        if self._parent_gone():  # the window closed meanwhile: nobody to tell
            return
        if self._on_success is not None:
            self._on_success(result)

    @Slot(object, str)
    def _failed(self, exc: BaseException, trace: str) -> None:
        self._close()
        if self._parent_gone():
            log.warning("background operation failed after its window closed:\n%s", trace)
            return
        if isinstance(exc, Cancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            return
        if self._on_failure is not None:
            self._on_failure(exc)
            return
        log.error("background operation failed:\n%s", trace)

        show_error(self._parent, exc)
