"""Python's garbage collection, on the GUI thread only.

The cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. When that is a :class:`~vetdesk.ui.background.DbOp` worker and the garbage
holds a Qt object (a closed dialog in a reference cycle, say), Qt deletes it from the
wrong thread and the process crashes: the test suite met exactly this, a segmentation
fault in a worker opening a database while "Garbage-collecting". As Anki does
(``aqt.GarbageCollector``), automatic collection is switched off once the GUI runs, and
a timer on the GUI thread collects instead, generation by generation as the counts
pass the usual thresholds.

A collection holds the GIL from start to end, whichever thread runs it, so it stalls
the GUI for as long as it takes. Young generations are collected often (every
:data:`INTERVAL_MS`), which keeps each collection small; the full collection, which
walks the whole heap and took a few hundred milliseconds on a scale-10 city database,
waits until no background operation runs.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

log = logging.getLogger(__name__)

INTERVAL_MS = 100

_collector: MainThreadCollector | None = None


class MainThreadCollector(QObject):
    """Disables automatic collection and collects from a timer on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("main_thread_gc")
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect the generations whose counts passed their thresholds; objects freed."""
        # Local: gcguard and background import each other (an import cycle).
        from vetdesk.ui.background import running_count

        young, middle, old = gc.get_count()
        freed = 0
        if young > self._threshold[0]:
            freed += gc.collect(0)
            if middle > self._threshold[1]:
                freed += gc.collect(1)
                if old > self._threshold[2] and running_count() == 0:
                    freed += gc.collect(2)
        return freed


def install() -> MainThreadCollector | None:
    """Move collection to the GUI thread (once; from the GUI thread, with an application)."""
    global _collector
    app = QCoreApplication.instance()
    if _collector is not None or app is None:
        return _collector
    if QThread.currentThread() is not app.thread():
        log.warning("garbage collection guard not installed: not on the GUI thread")
        return None
    _collector = MainThreadCollector(app)
    return _collector
