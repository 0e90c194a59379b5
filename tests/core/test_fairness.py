"""Worker threads running SQL pause now and then, so the GUI thread gets the GIL.

The outcome (GUI stalls during a merge) is measured by bench/bench_responsiveness.py;
here the mechanism: who pauses, how often, and that every statement passes by it. The
clock is a fake one that advances a fixed step per reading, so a loaded machine (which
descheduled threads for tens of milliseconds) cannot change the counts.
"""

from __future__ import annotations

import threading
import time

import pytest

from vetdesk.db import fairness
from vetdesk.db.database import open_database


class FakeClock:
    """perf_counter() advancing ``step`` seconds per reading; sleep() only recorded."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.pauses: list[float] = []

    def perf_counter(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def install(step: float) -> FakeClock:
        fake = FakeClock(step)
        monkeypatch.setattr(fairness, "time", fake)
        return fake

    return install


def _in_worker(target) -> None:  # type: ignore[no-untyped-def]
    worker = threading.Thread(target=target)
    worker.start()
    worker.join()


def test_a_busy_worker_pauses_once_every_20_ms(clock):
    fake = clock(step=0.001)  # each call 1 ms after the previous one

    def busy() -> None:
        for _ in range(200):  # 200 ms of work
            fairness.share_the_gil()

    _in_worker(busy)
    # The first call starts the count; then one pause per EVERY_S (the pause itself
    # reads the clock once more, so each period takes EVERY_S/step + 1 readings).
    per_period = round(fairness.EVERY_S / 0.001) + 1
    assert len(fake.pauses) == (200 - 1) // per_period
    assert 5 <= len(fake.pauses) <= 10
    assert set(fake.pauses) == {fairness.PAUSE_S}


def test_a_worker_that_is_quick_never_pauses(clock):
    fake = clock(step=0.0001)

    def quick() -> None:
        for _ in range(150):  # 15 ms in all: less than one period
            fairness.share_the_gil()

    _in_worker(quick)
    assert fake.pauses == []


def test_the_main_thread_never_pauses(clock):
    fake = clock(step=fairness.EVERY_S * 1.5)  # every call would be due
    for _ in range(50):
        fairness.share_the_gil()
    assert fake.pauses == []


def test_statements_of_a_worker_pass_through_the_pause(county_db, clock):
    db = open_database(county_db)
    try:
        # Every statement after the first is due: a step of exactly EVERY_S would sit on
        # the boundary, where float rounding decides.
        fake = clock(step=fairness.EVERY_S * 1.5)

        def queries() -> None:
            with db.engine.connect() as conn:
                for _ in range(12):
                    conn.exec_driver_sql("SELECT count(*) FROM teachers").scalar()

        _in_worker(queries)
        # Each call of share_the_gil reads the clock once, and once more after a pause.
        calls = round(fake.now / fake.step) - len(fake.pauses)
        assert calls >= 12  # every statement passed by it
        assert len(fake.pauses) >= calls - 2  # and nearly every one of them was due
    finally:
        db.close()


def test_the_real_clock_is_the_default():
    assert fairness.time is time
