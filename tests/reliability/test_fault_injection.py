"""Fault injection: every SQL statement of a merge fails in turn, once and persistently.

A ``before_cursor_execute`` hook raises ``sqlite3.OperationalError("injected")`` at
statement N (once: only N; persistently: N and every later one). For N = 1, 2, … until
the merge completes without reaching N, the merge must fail with that error (not
swallow it), and the city database must pass integrity_check and foreign_key_check,
hold exactly the content from before the merge, keep its audit chain and leave no lock
behind; the run where N is never reached must give exactly the content after the merge.

Default run: a few N per mode; full run: every N.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import (
    FULL_RUN,
    audit_chain_break,
    content_digest,
    copy_db,
    digest_difference,
    integrity_problems,
    record_stat,
    run_seed,
    spread,
    table_digests,
)
from sqlalchemy import event

from vetdesk.db.database import Database, open_database
from vetdesk.db.lock import lock_path
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.verify import Verification, verify_package

SAMPLES = {"once": 4, "persistent": 3}


class Injector:
    """Counts the statements of one engine and fails the chosen ones."""

    def __init__(self, fail_at: int | None, persistent: bool) -> None:
        self.fail_at = fail_at
        self.persistent = persistent
        self.count = 0
        self.fired = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1
        if self.fail_at is None:
            return
        if self.count == self.fail_at or (self.persistent and self.count > self.fail_at):
            self.fired += 1
            raise sqlite3.OperationalError("injected")


@pytest.fixture(scope="module")
def merge_case(
    small_merge: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Verification]:
    """The small city database and the verified small package (verified once, reused)."""
    city_path, package = small_merge
    probe = open_database(copy_db(city_path, tmp_path_factory.mktemp("probe") / "probe.db"))
    verification = verify_package(probe, package)
    probe.close()
    assert verification.ok, verification.message
    return city_path, verification


def attempt(
    base: Path, work: Path, verification: Verification, injector: Injector
) -> tuple[Path, BaseException | None, bool]:
    """One merge into a fresh copy of the city with the injector installed."""
    path = copy_db(base, work)
    db: Database = open_database(path)
    event.listen(db.engine, "before_cursor_execute", injector)
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
    merge_case: tuple[Path, Verification], tmp_path: Path, mode: str
) -> None:
    base, verification = merge_case
    persistent = mode == "persistent"
    before = content_digest(base)
    counting = Injector(None, persistent)
    done, error, applied = attempt(base, tmp_path / "count.db", verification, counting)
    assert error is None and applied
    total = counting.count
    after, after_tables = content_digest(done), table_digests(done)
    assert after != before
    rng = random.Random(f"{run_seed()}:{mode}")
    if FULL_RUN:
        targets = list(range(1, total + 2))
    else:
        targets = sorted({1, total, *spread(total, SAMPLES[mode], rng), total + 1})
    errors: Counter[str] = Counter()
    injected = 0
    completed_at = None
    for n in targets:
        injector = Injector(n, persistent)
        path, error, applied = attempt(base, tmp_path / f"n{n}.db", verification, injector)
        where = f"{mode} fault at statement {n}/{total}"
        assert integrity_problems(path) == [], where
        assert audit_chain_break(path) is None, where
        assert not lock_path(path).exists(), f"{where}: the lock was not released"
        digest = content_digest(path)
        if injector.fired:
            injected += 1
            assert error is not None, (
                f"{where}: the merge swallowed the failure (applied={applied})"
            )
            assert _mentions_injected(error), f"{where}: another error hid the fault: {error!r}"
            errors[type(error).__name__] += 1
            assert not applied
            assert digest == before, (
                f"{where}: partial merge {digest_difference(after_tables, table_digests(path))}"
            )
        else:
            assert error is None and applied, f"{where}: {error!r}"
            assert digest == after, where
            completed_at = n
            break
        path.unlink()
    assert completed_at == total + 1, "the merge never completed without a fault"
    record_stat(
        "faults",
        mode=mode,
        statements=total,
        injected=injected,
        errors=dict(errors),
        losses=0,
    )
