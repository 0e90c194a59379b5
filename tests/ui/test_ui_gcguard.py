"""Garbage collection happens on the GUI thread, never in a DbOp worker."""

from __future__ import annotations

import gc
import threading
import weakref

from vetdesk.ui import gcguard
from vetdesk.ui.background import DbOp


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_workers_never_collect_and_the_gui_thread_does(qtbot):
    collected_in: list[str] = []

    class Witness:
        """Reports the thread that frees it (a stand-in for a Qt object in a cycle)."""

        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    gc.collect()
    witness = Witness()
    ref = weakref.ref(witness)
    del witness  # only the cycle keeps it now

    def work(_db, _progress):  # type: ignore[no-untyped-def]
        # Allocations that would trigger an automatic collection many times over.
        junk = [_Cycle() for _ in range(50_000)]
        del junk
        return threading.current_thread().name

    results: list[str] = []
    op = DbOp(None, None, work).success(results.append).run()  # type: ignore[arg-type]
    assert op is not None
    assert not gc.isenabled(), "automatic collection is off once background work runs"
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    worker = results[0]
    assert worker != threading.main_thread().name
    qtbot.waitUntil(lambda: ref() is None, timeout=5_000)
    assert collected_in == [threading.main_thread().name], collected_in
    assert worker not in collected_in


def test_install_is_once_and_only_on_the_gui_thread(qtbot):
    first = gcguard.install()
    assert first is not None and gcguard.install() is first
    from_worker: list[object] = []
    thread = threading.Thread(target=lambda: from_worker.append(gcguard.install()))
    thread.start()
    thread.join()
    assert from_worker == [first]  # already installed: the same guard, nothing new


def test_background_work_shortens_the_gil_switch_interval(qtbot):
    """A busy worker must not keep the GUI thread waiting for the GIL (5 ms let it wait 350 ms)."""
    import sys

    from vetdesk.ui.background import GUI_SWITCH_INTERVAL_S

    done: list[int] = []
    DbOp(None, None, lambda _db, _p: 1).success(done.append).run()  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert sys.getswitchinterval() <= GUI_SWITCH_INTERVAL_S
