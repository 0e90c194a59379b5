"""Fault injection: every SQL statement of a merge (and of a task export) fails in turn.

A ``before_cursor_execute`` hook raises the driver's ``OperationalError("injected")``
(sqlite3's, or psycopg's on PostgreSQL) at statement N (once: only N; persistently: N
and every later one). For N = 1, 2, … until the merge completes without reaching N, the
merge must fail with that error (not swallow it), and the city database must pass
integrity_check and foreign_key_check (on PostgreSQL: no constraint left unvalidated),
hold exactly the content from before the merge, keep its audit chain and leave no lock
behind (on PostgreSQL: no advisory lock, and a new writer gets the write lock); the run
where N is never reached must give exactly the content after the merge. A fault after the
merge's COMMIT (PostgreSQL's advisory unlock) must leave it applied and reported so. Both
engines run through the ``small_merge_city`` fixture (a copy of the city file, or a
database copied from a template on the throwaway server). The city's task export goes
through the same (``issuing_city``): a failed export records no task and leaves the
earlier file in place.

Default run: a few N per mode; full run: every N.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rel_engines import SqliteStore, Store
from rel_helpers import (
    FULL_RUN,
    PASSPHRASE,
    YEAR,
    digest_difference,
    record_stat,
    run_seed,
    spread,
    temp_leftovers,
)
from rel_world import World
from sqlalchemy import event

from vetdesk.db.database import Database, open_database
from vetdesk.db.lock import lock_path
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.verify import Verification, verify_package

SAMPLES = {"once": 4, "persistent": 3}


class Injector:
    """Counts the statements of one engine and fails the chosen ones."""

    def __init__(self, fail_at: int | None, persistent: bool, error: Exception) -> None:
        self.fail_at = fail_at
        self.persistent = persistent
        self.error = error
        self.count = 0
        self.fired = 0
        self.statements: list[str] = []
        self.commits: list[int] = []  # the statement count at each COMMIT

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.count += 1
        self.statements.append(" ".join(statement.split())[:120])
        if self.fail_at is None:
            return
        if self.count == self.fail_at or (self.persistent and self.count > self.fail_at):
            self.fired += 1
            raise self.error


def merge_case(small_merge_city: tuple[Store, Path], folder: Path) -> Verification:
    """The small package verified against a copy of the city."""
    store, package = small_merge_city
    target = store.fresh(folder)
    probe = open_database(target)
    try:
        verification = verify_package(probe, package)
    finally:
        probe.close()
        store.discard(target)
    assert verification.ok, verification.message
    return verification


def attempt(
    store: Store, work: Path, verification: Verification, injector: Injector
) -> tuple[str, BaseException | None, bool]:
    """One merge into a fresh copy of the city with the injector installed."""
    work.mkdir()
    path = store.fresh(work)
    db: Database = open_database(path)
    event.listen(db.engine, "before_cursor_execute", injector)
    event.listen(db.engine, "commit", lambda _conn: injector.commits.append(injector.count))
    error: BaseException | None = None
    applied = False
    try:
        applied = apply_merge(db, verification).applied
    except Exception as exc:  # judged by the caller
        error = exc
    finally:
        db.close()
    return path, error, applied


def _mentions_injected(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if "injected" in str(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@pytest.mark.parametrize("mode", ["once", "persistent"])
def test_every_statement_of_a_merge_fails_in_turn(
    small_merge_city: tuple[Store, Path], tmp_path: Path, mode: str
) -> None:
    """A merge failing at any one statement, or from one on, leaves the city exactly as before."""
    store = small_merge_city[0]
    verification = merge_case(small_merge_city, tmp_path)
    persistent = mode == "persistent"
    probe = store.fresh(tmp_path)
    before = store.digest(probe)
    store.discard(probe)
    counting = Injector(None, persistent, store.injected_error())
    done, error, applied = attempt(store, tmp_path / "count", verification, counting)
    assert error is None and applied
    total = counting.count
    # A statement after the merge's COMMIT (PostgreSQL's advisory unlock) cannot undo it: a
    # fault there must leave the merge applied and reported as applied.
    last_commit = counting.commits[-1]
    after, after_tables = store.digest(done), store.tables(done)
    store.discard(done)
    assert after != before
    rng = random.Random(f"{run_seed()}:{store.engine}:{mode}")
    if FULL_RUN:
        targets = list(range(1, total + 2))
    else:
        targets = sorted({1, total, *spread(total, SAMPLES[mode], rng), total + 1})
    errors: Counter[str] = Counter()
    injected = 0
    completed_at = None
    for n in targets:
        injector = Injector(n, persistent, store.injected_error())
        path, error, applied = attempt(store, tmp_path / f"n{n}", verification, injector)
        where = (
            f"{store.engine}: {mode} fault at statement {n}/{total} "
            f"({counting.statements[n - 1] if n <= total else 'none'})"
        )
        assert store.problems(path) == [], where
        assert store.audit_break(path) is None, where
        if isinstance(store, SqliteStore):
            assert not lock_path(Path(path)).exists(), f"{where}: the lock was not released"
        digest = store.digest(path)
        assert store.lock_free(path), f"{where}: the lock was not released"
        if injector.fired and n > last_commit:
            injected += 1
            assert error is None and applied, f"{where}: a committed merge reported {error!r}"
            assert digest == after, where
        elif injector.fired:
            injected += 1
            assert error is not None, (
                f"{where}: the merge swallowed the failure (applied={applied})"
            )
            assert _mentions_injected(error), f"{where}: another error hid the fault: {error!r}"
            errors[type(error).__name__] += 1
            assert not applied
            assert digest == before, (
                f"{where}: partial merge {digest_difference(after_tables, store.tables(path))}"
            )
        else:
            assert error is None and applied, f"{where}: {error!r}"
            assert digest == after, where
            completed_at = n
        store.discard(path)
        if completed_at is not None:
            break
    assert completed_at == total + 1, "the merge never completed without a fault"
    record_stat(
        "faults",
        engine=store.engine,
        mode=mode,
        statements=total,
        injected=injected,
        errors=dict(errors),
        losses=0,
    )


TASK_NAME = "海东市-任务包.xlsx"


def export_attempt(
    store: Store, work: Path, old: bytes, injector: Injector
) -> tuple[str, BaseException | None]:
    """One task export from a fresh copy of the city, over an earlier task, with the injector."""
    from vetdesk.packages.task import export_task

    work.mkdir()
    (work / TASK_NAME).write_bytes(old)
    path = store.fresh(work)
    db: Database = open_database(path)
    event.listen(db.engine, "before_cursor_execute", injector)
    event.listen(db.engine, "commit", lambda _conn: injector.commits.append(injector.count))
    error: BaseException | None = None
    # Its own data folder: the last task number is remembered there too (a second export
    # would be the next number, another state).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(work / "data"))
        try:
            export_task(db, YEAR, work / TASK_NAME, PASSPHRASE)
        except Exception as exc:  # judged by the caller
            error = exc
        finally:
            db.close()
    return path, error


@pytest.mark.parametrize("mode", ["once", "persistent"])
def test_every_statement_of_a_task_export_fails_in_turn(
    issuing_city: Store, world: World, tmp_path: Path, mode: str
) -> None:
    """A task export failing at a statement records nothing and leaves the earlier task in place."""
    store, old = issuing_city, world.task.read_bytes()
    volatile = ("task_issues.manifest_sha256",)  # each export has its own uuid and time
    persistent = mode == "persistent"
    probe = store.fresh(tmp_path)
    before = store.digest(probe, volatile)
    store.discard(probe)
    counting = Injector(None, persistent, store.injected_error())
    done, error = export_attempt(store, tmp_path / "count", old, counting)
    assert error is None
    after = store.digest(done, volatile)
    store.discard(done)
    assert after != before
    total, last_commit = counting.count, counting.commits[-1]
    rng = random.Random(f"{run_seed()}:task:{store.engine}:{mode}")
    if FULL_RUN:
        targets = list(range(1, total + 2))
    else:
        targets = sorted({1, last_commit, *spread(total, 2, rng), total + 1})
    injected = 0
    for n in targets:
        injector = Injector(n, persistent, store.injected_error())
        work = tmp_path / f"n{n}"
        path, error = export_attempt(store, work, old, injector)
        where = (
            f"{store.engine}: {mode} fault at statement {n}/{total} "
            f"({counting.statements[n - 1] if n <= total else 'none'})"
        )
        assert store.problems(path) == [], where
        assert store.audit_break(path) is None, where
        assert temp_leftovers(work) == [], f"{where}: a temporary file was left"
        digest = store.digest(path, volatile)
        assert store.lock_free(path), f"{where}: the lock was not released"
        store.discard(path)
        target = (work / TASK_NAME).read_bytes()
        if not injector.fired or n > last_commit:
            injected += int(bool(injector.fired))
            assert error is None, f"{where}: {error!r}"
            assert digest == after and target != old, where
            continue
        injected += 1
        assert error is not None and _mentions_injected(error), f"{where}: {error!r}"
        assert digest == before, f"{where}: the task was recorded though the export failed"
        assert target == old, f"{where}: the earlier task was replaced though the export failed"
    record_stat(
        "faults",
        engine=store.engine,
        mode=mode,
        operation="task export",
        statements=total,
        injected=injected,
        losses=0,
    )
