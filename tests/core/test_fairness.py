"""Worker threads running SQL pause now and then, so the GUI thread gets the GIL.

The outcome (GUI stalls during a merge) is measured by bench/bench_responsiveness.py;
here the mechanism: who pauses, how often, and that every statement passes by it.
"""

from __future__ import annotations

import threading
import time

from vetdesk.db import fairness
from vetdesk.db.database import open_database


def _pauses_in(target, monkeypatch) -> list[float]:  # type: ignore[no-untyped-def]
    pauses: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(fairness.time, "sleep", lambda s: (pauses.append(s), real_sleep(s)))
    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    return pauses


def test_a_busy_worker_pauses_about_every_20_ms(monkeypatch):
    def busy() -> None:
        started = time.perf_counter()
        while time.perf_counter() - started < 0.2:
            fairness.share_the_gil()

    pauses = _pauses_in(busy, monkeypatch)
    assert 5 <= len(pauses) <= 11, len(pauses)
    assert set(pauses) == {fairness.PAUSE_S}


def test_the_main_thread_never_pauses(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(fairness.time, "sleep", pauses.append)
    started = time.perf_counter()
    while time.perf_counter() - started < 0.1:
        fairness.share_the_gil()
    assert pauses == []


def test_statements_of_a_worker_pass_through_the_pause(county_db, monkeypatch):
    db = open_database(county_db)
    try:

        def queries() -> None:
            started = time.perf_counter()
            with db.engine.connect() as conn:
                while time.perf_counter() - started < 0.2:
                    conn.exec_driver_sql("SELECT count(*) FROM teachers").scalar()

        assert len(_pauses_in(queries, monkeypatch)) >= 5
    finally:
        db.close()
