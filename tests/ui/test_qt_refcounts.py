"""The Qt binding keeps Python's reference counts: calling Qt never drops a reference to None.

PySide6 6.12.0 on Python 3.11 (where None is not yet immortal) drops one reference to
None on every call of a method that returns nothing (``QTimer.stop``, ``QObject.setObjectName``,
``QLocalServer.close`` …); after enough calls the interpreter aborts at exit with
"none_dealloc: deallocating None", which ends a test run, or the program, with SIGABRT.
``pyproject.toml`` keeps PySide6 below 6.12 for this; this test fails on a binding that
has the bug. On Python 3.12+ None's count is fixed and the test holds trivially.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QBuffer, QTimer


def _none_references_lost(call, times: int = 200) -> int:  # type: ignore[no-untyped-def]
    before = sys.getrefcount(None)
    for _ in range(times):
        call()
    return before - sys.getrefcount(None)


def test_methods_returning_nothing_keep_the_reference_count_of_none(qapp):
    timer = QTimer()
    buffer = QBuffer()
    lost = {
        "QTimer.stop": _none_references_lost(timer.stop),
        "QTimer.setInterval": _none_references_lost(lambda: timer.setInterval(5)),
        "QBuffer.close": _none_references_lost(buffer.close),
    }
    # A few references may come and go with the interpreter's own caches; a binding that
    # drops one per call loses 200.
    assert all(count < 50 for count in lost.values()), lost
