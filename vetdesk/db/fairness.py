"""Database work in a background thread must leave the GUI thread its turn at the GIL.

CPython's ``sqlite3`` releases the GIL around every call into SQLite and takes it back
at once. A thread waiting for the GIL only asks the holder to let go after a whole
switch interval without any switch, and these quick release-and-retake cycles keep
resetting that wait: a worker running statement after statement can keep the GUI
thread waiting for hundreds of milliseconds (measured with plain ``sqlite3``: a 1 ms
``sleep`` on the other thread took 783 ms; 41 ms with the pause below).

:func:`share_the_gil` runs before every statement (an engine event, see
:mod:`vetdesk.db.engine`); in a thread other than the main one it sleeps for
:data:`PAUSE_S` once :data:`EVERY_S` have passed since its last pause, which hands the
GIL over for certain. The main thread (the CLI, or the GUI thread itself) never
pauses. Cost: 0.5 ms in 20 ms, about 2.5 % of a background operation. With the GUI's
shorter switch interval (:mod:`vetdesk.ui.background`), the longest GUI stall during
a scale-10 merge fell from 166 ms to 41-50 ms (``bench/bench_responsiveness.py``).
"""

from __future__ import annotations

import threading
import time

EVERY_S = 0.02
PAUSE_S = 0.0005

_local = threading.local()


def share_the_gil() -> None:
    """Pause briefly if this worker thread has run for a while without pausing."""
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    last = getattr(_local, "last", None)
    if last is None:
        _local.last = now
    elif now - last >= EVERY_S:
        time.sleep(PAUSE_S)
        _local.last = time.perf_counter()
