"""DbOp: work in a worker thread, results and errors back on the GUI thread, cancel."""

from __future__ import annotations

import threading
import time

import pytest

from vetdesk.db.database import open_database
from vetdesk.errors import InputRejected
from vetdesk.services.records import list_periods
from vetdesk.ui.background import Cancelled, DbOp, Progress, running_count


@pytest.fixture
def db(county_db):  # type: ignore[no-untyped-def]
    database = open_database(county_db)
    yield database
    from vetdesk.ui.background import wait_for_all

    wait_for_all()
    database.close()


def test_result_comes_back_on_the_gui_thread(qtbot, db):
    """The op runs in a worker with its own session; success runs on the GUI thread."""
    seen: dict[str, object] = {}

    def op(database, progress):  # type: ignore[no-untyped-def]
        seen["op_thread"] = threading.current_thread()
        return [p.year for p in list_periods(database)]

    def success(result):  # type: ignore[no-untyped-def]
        seen["result"] = result
        seen["callback_thread"] = threading.current_thread()

    DbOp(None, db, op).success(success).run()
    qtbot.waitUntil(lambda: "result" in seen, timeout=10_000)
    assert seen["result"] == [2025]
    assert seen["op_thread"] is not threading.main_thread()
    assert seen["callback_thread"] is threading.main_thread()
    assert running_count() == 0


def test_error_comes_back_on_the_gui_thread(qtbot, db):
    """An exception in the op reaches the failure callback, on the GUI thread."""
    seen: dict[str, object] = {}

    def op(database, progress):  # type: ignore[no-untyped-def]
        raise InputRejected("测试错误")

    def failure(exc):  # type: ignore[no-untyped-def]
        seen["error"] = exc
        seen["thread"] = threading.current_thread()

    DbOp(None, db, op).failure(failure).run()
    qtbot.waitUntil(lambda: "error" in seen, timeout=10_000)
    assert isinstance(seen["error"], InputRejected)
    assert seen["thread"] is threading.main_thread()


def test_unhandled_error_is_shown_to_the_person(qtbot, db, recorder):
    """Without a failure callback the error is shown (here: recorded)."""

    def op(database, progress):  # type: ignore[no-untyped-def]
        raise InputRejected("数据有误")

    DbOp(None, db, op).run()
    qtbot.waitUntil(lambda: bool(recorder.messages), timeout=10_000)
    assert recorder.messages[0][2] == "数据有误"


def test_cancel_stops_the_op(qtbot, db):
    """Cancelling makes progress.check() raise; the cancelled callback runs."""
    seen: dict[str, object] = {}
    started = threading.Event()

    def op(database, progress: Progress):  # type: ignore[no-untyped-def]
        started.set()
        for i in range(1000):
            progress.update(i, 1000)
            progress.check()
            time.sleep(0.01)
        return "finished"

    operation = DbOp(None, db, op, label="测试", cancellable=True)
    operation.success(lambda r: seen.setdefault("result", r))
    operation.cancelled(lambda: seen.setdefault("cancelled", True))
    operation.run()
    assert started.wait(5)
    operation.progress.cancel()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == {"cancelled": True}


def test_progress_check_raises_after_cancel():
    """The progress object alone: check() is silent until cancel()."""
    progress = Progress()
    progress.check()
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.check()


def test_the_channel_is_destroyed_on_the_gui_thread_whoever_lets_go_last(qtbot):
    """The worker's references must never delete the GUI-thread channel (a crash seen once)."""
    import gc

    import shiboken6
    from PySide6.QtCore import QCoreApplication, Qt

    destroyed_in: list[str] = []
    results: list[int] = []
    op = DbOp(None, None, lambda _db, _progress: 7).success(results.append)  # type: ignore[arg-type]
    channel = op._channel
    assert channel.parent() is QCoreApplication.instance(), "owned by Qt, not by Python"
    channel.destroyed.connect(
        lambda *_a: destroyed_in.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    op.run()
    qtbot.waitUntil(lambda: results == [7], timeout=10_000)
    del op
    gc.collect()
    # Dropping every Python reference does not delete it; the GUI thread's event loop does.
    qtbot.waitUntil(lambda: not shiboken6.isValid(channel), timeout=5_000)
    assert destroyed_in == [threading.main_thread().name]
