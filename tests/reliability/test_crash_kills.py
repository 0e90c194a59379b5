"""Crash safety: SIGKILL import, export, merge, task import and migration at many points.

Each operation first runs to its end in a child process, which gives its instrumented
points (SQL statements, commits, fsyncs, renames; see crash_runner.py), its duration and
the content digest after it. Then fresh copies are killed: at chosen points, and after a
random fraction of the measured duration. After every kill the database must pass
integrity_check and foreign_key_check, hold exactly the content from before or from after
the operation (never a mix), keep its audit chain, leave the lock free, and the operation
run again must end in the "after" state. Export targets hold the old file or a new one
that opens and verifies.

The merge and the task export run on both engines (``merge_city``, ``issuing_city``: a
copy of the city file, or a database copied from a template on the throwaway PostgreSQL
server). On PostgreSQL "the lock is free" means: once the server has ended the killed
client's backend, no advisory lock is left in the database and a new writer takes the
write lock. A merge held open just before its COMMIT shows none of its rows to another
connection, on either engine.

Default run: three kills per operation (a random point, the point right after the
commit, a random time). Full run (VETDESK_FULL=1): 30 points drawn from equal strata,
the six points around each commit and 10 timed kills per operation.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rel_engines import SqliteStore, Store
from rel_helpers import (
    FULL_RUN,
    JobOutcome,
    Zygote,
    connect,
    content_digest,
    copy_db,
    digest_difference,
    record_stat,
    run_seed,
    spread,
    temp_leftovers,
)
from rel_world import World

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="the crash child forks and is killed with SIGKILL (POSIX)"
)

# Kills per operation: points drawn from equal strata of all points, points right around
# each commit (the moment the outcome flips), and kills after a random share of the time.
POINT_KILLS = 30 if FULL_RUN else 1
COMMIT_NEIGHBOURS = (-2, -1, 0, 1, 2, 3) if FULL_RUN else (1,)
TIMED_KILLS = 10 if FULL_RUN else 1
# Every third kill in the full run, the first one in the default run, is followed by
# running the operation again to its end.
RETRY_EVERY = 3 if FULL_RUN else 1000


@dataclass
class Scenario:
    """One operation under test and how to judge what a kill left behind."""

    op: str
    base: Path
    args: Callable[[Path, str], dict[str, Any]]  # (job folder, database) -> job arguments
    prepare: Callable[[Path], None] = lambda _job: None
    check_files: Callable[[Path, str], str] | None = None  # -> "old" / "new"; asserts
    retry: bool = True
    expect_applied: bool = True
    # Columns that differ between two complete runs by design (``table.column``).
    volatile: tuple[str, ...] = ()
    # Where the copies of ``base`` live (default: files beside each job).
    store: Store | None = None

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = SqliteStore(self.base)

    @property
    def where(self) -> Store:
        """The store of this scenario's databases."""
        assert self.store is not None
        return self.store

    def digest(self, db: str) -> str:
        """The content digest this scenario compares."""
        return self.where.digest(db, self.volatile)

    def tables(self, db: str) -> dict[str, str]:
        """The per-table digests this scenario compares."""
        return self.where.tables(db, self.volatile)


@dataclass
class Measured:
    """What a complete run gives: points, duration and the states allowed after a kill."""

    points: int
    seconds: float
    kinds: dict[str, int]
    commits: list[int]
    before: str
    after: str
    allowed: dict[str, str]  # digest -> state name
    result: dict[str, Any] = field(default_factory=dict)
    tables_after: dict[str, str] = field(default_factory=dict)


def _job_dir(root: Path, name: str) -> Path:
    job = root / name
    if job.exists():
        shutil.rmtree(job)
    job.mkdir(parents=True)
    (job / "data").mkdir()
    return job


def _run(
    child: Zygote,
    sc: Scenario,
    job: Path,
    *,
    kill_at: int | None = None,
    kill_after: float | None = None,
) -> tuple[str, JobOutcome]:
    db = sc.where.fresh(job)
    sc.prepare(job)
    outcome = child.run(
        sc.op, sc.args(job, db), data_dir=job / "data", kill_at=kill_at, kill_after=kill_after
    )
    return db, outcome


def _completed(outcome: JobOutcome, what: str) -> dict[str, Any]:
    assert outcome.completed, f"{what} did not complete: {outcome.result} {outcome.log[-3000:]}"
    return dict(outcome.result["result"])


def measure(child: Zygote, sc: Scenario, root: Path, extra_states: dict[str, str]) -> Measured:
    """Run the operation to its end twice: points, duration, and a repeatable after-state."""
    probe = sc.where.fresh(_job_dir(root, "before"))
    before = sc.digest(probe)
    sc.where.discard(probe)
    runs = []
    for i in range(2 if FULL_RUN else 1):
        db, outcome = _run(child, sc, _job_dir(root, f"measure-{i}"))
        result = _completed(outcome, f"{sc.op} (complete run)")
        if sc.expect_applied:
            assert result.get("applied", True), result
        assert sc.where.problems(db) == []
        runs.append((sc.digest(db), sc.tables(db), outcome))
        sc.where.discard(db)
    after, tables_after, outcome = runs[0]
    for other, other_tables, _o in runs[1:]:
        assert other == after, (
            f"{sc.op} is not repeatable: {digest_difference(tables_after, other_tables)}"
        )
    allowed = {before: "before", **extra_states, after: "after"}
    if before == after:
        allowed = {before: "unchanged"}
    return Measured(
        points=int(outcome.result["points"]),
        seconds=float(outcome.result["seconds"]),
        kinds=dict(outcome.result["kinds"]),
        commits=[int(c) for c in outcome.result["commits"]],
        before=before,
        after=after,
        allowed=allowed,
        result=dict(outcome.result["result"]),
        tables_after=tables_after,
    )


def judge(sc: Scenario, m: Measured, db: str, job: Path, where: str) -> tuple[str, str | None]:
    """Check what a kill left; return the state of the database and of the target file."""
    problems = sc.where.problems(db)
    assert problems == [], f"{sc.op} killed {where}: damaged database: {problems[:5]}"
    state = m.allowed.get(sc.digest(db))
    assert state is not None, (
        f"{sc.op} killed {where}: half-applied state; differs from after in "
        f"{digest_difference(m.tables_after, sc.tables(db))}"
    )
    assert sc.where.audit_break(db) is None, f"{sc.op} killed {where}: audit chain broken"
    assert sc.where.lock_free(db), f"{sc.op} killed {where}: lock still held"
    file_state = sc.check_files(job, state) if sc.check_files else None
    return state, file_state


def crash_campaign(
    child: Zygote, sc: Scenario, root: Path, extra_states: dict[str, str] | None = None
) -> None:
    """Measure, then kill at points and at random times, judging every kill."""
    seed = run_seed()
    rng = random.Random(f"{seed}:{sc.op}")
    m = measure(child, sc, root, extra_states or {})
    points = set(spread(m.points, POINT_KILLS, rng))
    points |= {c + d for c in m.commits for d in COMMIT_NEIGHBOURS if 1 <= c + d <= m.points}
    if not m.commits:
        points.add(m.points)  # no database commit: the last point comes after the file is in place
    plan: list[tuple[str, float]] = [("point", float(n)) for n in sorted(points)]
    plan += [("timed", rng.uniform(0.0, 1.0) * m.seconds) for _ in range(TIMED_KILLS)]
    states: Counter[str] = Counter()
    files: Counter[str] = Counter()
    kills = finished = retries = 0
    leftovers = 0
    for i, (kind, value) in enumerate(plan):
        where = f"at point {int(value)}/{m.points}" if kind == "point" else f"after {value:.3f}s"
        where += f" (seed {seed})"
        job = _job_dir(root, f"kill-{i}")
        kill_at = int(value) if kind == "point" else None
        kill_after = value if kind == "timed" else None
        db, outcome = _run(child, sc, job, kill_at=kill_at, kill_after=kill_after)
        if kind == "point" and not outcome.killed:
            # Only possible if this run passed fewer points than the measured one.
            assert int(outcome.result.get("points", 0)) < int(value), (
                f"{sc.op} was not killed {where}: {outcome.result}"
            )
        if not outcome.killed:
            _completed(outcome, f"{sc.op} timed run")
            finished += 1
        else:
            kills += 1
        state, file_state = judge(sc, m, db, job, where)
        if outcome.killed:  # runs that finished before their timed kill are judged, not counted
            states[state] += 1
            if file_state:
                files[file_state] += 1
        leftovers += len(temp_leftovers(job))
        # Recovery: the same operation run again completes from whatever the kill left.
        if sc.retry and i % RETRY_EVERY == 0:
            again = child.run(sc.op, sc.args(job, db), data_dir=job / "data")
            _completed(again, f"{sc.op} run again after a kill {where}")
            assert sc.where.problems(db) == []
            assert sc.digest(db) == m.after, (
                f"{sc.op} run again after a kill {where}: "
                f"{digest_difference(m.tables_after, sc.tables(db))}"
            )
            retries += 1
        sc.where.discard(db)
        shutil.rmtree(job)
    record_stat(
        "crash",
        op=sc.op,
        engine=sc.where.engine,
        seed=seed,
        points=m.points,
        point_kinds=m.kinds,
        seconds=round(m.seconds, 3),
        kills=kills,
        finished_before_kill=finished,
        states=dict(states),
        files=dict(files),
        retries=retries,
        temp_leftovers=leftovers,
        losses=0,
    )
    assert kills >= 1


# --------------------------------------------------------------------------- scenarios


def test_kill_during_import(world: World, crash_child: Zygote, tmp_path: Path) -> None:
    sc = Scenario(
        "import", world.county, lambda job, db: {"db": str(db), "workbook": str(world.workbook_a)}
    )
    crash_campaign(crash_child, sc, tmp_path)


def _draft_counts(path: Path) -> dict[str, int]:
    from vetdesk.workbook.reader import read_workbook

    content = read_workbook(path)
    assert content.meta is not None and content.meta.kind == "draft", content.meta
    return {key: len(sheet.rows) for key, sheet in content.sheets.items()}


def test_kill_during_export(world: World, crash_child: Zygote, tmp_path: Path) -> None:
    old = world.workbook_b.read_bytes()  # an earlier export sits at the target
    name = "互助县-2025.xlsx"
    expected: dict[str, int] = {}

    def prepare(job: Path) -> None:
        (job / name).write_bytes(old)

    def check_files(job: Path, _state: str) -> str:
        data = (job / name).read_bytes()
        if data == old:
            return "old"
        counts = _draft_counts(job / name)
        if not expected:
            expected.update(counts)
        assert counts == expected, "the new export is not the complete export"
        return "new"

    sc = Scenario(
        "export",
        world.county,
        lambda job, db: {"db": str(db), "target": str(job / name)},
        prepare=prepare,
        check_files=check_files,
        expect_applied=False,
    )
    expected.update(_draft_counts(_fresh_export(crash_child, sc, tmp_path, name)))
    crash_campaign(crash_child, sc, tmp_path)


def _fresh_export(child: Zygote, sc: Scenario, root: Path, name: str) -> Path:
    job = _job_dir(root, "reference-export")
    _db, outcome = _run(child, sc, job)
    _completed(outcome, "reference export")
    return job / name


def test_kill_during_signed_package_export(
    world: World, crash_child: Zygote, tmp_path: Path
) -> None:
    from vetdesk.db.database import open_database
    from vetdesk.packages.verify import verify_package

    old = world.package.read_bytes()  # package no. 1 sits at the target
    name = "互助县-上报包.xlsx"
    city = open_database(copy_db(world.city, tmp_path / "verifier-city.db"))

    def prepare(job: Path) -> None:
        (job / name).write_bytes(old)

    def check_files(job: Path, state: str) -> str:
        data = (job / name).read_bytes()
        if data == old:
            return "old"
        result = verify_package(city, job / name, check_ledger=False)
        assert result.ok and result.seq == 2, result.message
        # The export is recorded before the file is moved into place, under its own hash.
        assert state == "after", "a new package exists that the county database does not record"
        with connect(job / world.county.name) as con:
            recorded = con.execute(
                "SELECT manifest_sha256 FROM package_exports WHERE seq = 2"
            ).fetchone()
        assert recorded == (result.manifest_sha256,), "the county recorded another package"
        return "new"

    sc = Scenario(
        "package",
        world.county,
        lambda job, db: {"db": str(db), "target": str(job / name)},
        prepare=prepare,
        check_files=check_files,
        retry=False,  # a second export is package no. 3: another state by design
        expect_applied=False,
        # Each export has its own uuid and time, hence its own manifest hash.
        volatile=("package_exports.manifest_sha256",),
    )
    try:
        crash_campaign(crash_child, sc, tmp_path)
    finally:
        city.close()


def _merge_scenario(merge_city: tuple[Store, Path]) -> Scenario:
    store, package = merge_city
    # On PostgreSQL ``base`` only names the template: the store makes the copies.
    base = store.base if isinstance(store, SqliteStore) else Path(store.template)
    return Scenario(
        "merge", base, lambda _job, db: {"db": db, "package": str(package)}, store=store
    )


def test_kill_during_merge(
    merge_city: tuple[Store, Path], crash_child: Zygote, tmp_path: Path
) -> None:
    """A merge killed at any point leaves the city as before or as after, on either engine."""
    # The full run merges the whole demo county into the demo city; the default run a
    # six-teacher package into a new city (the same code, a tenth of the time).
    crash_campaign(crash_child, _merge_scenario(merge_city), tmp_path)


def test_a_merge_held_before_its_commit_shows_nothing_and_dies_cleanly(
    merge_city: tuple[Store, Path], crash_child: Zygote, tmp_path: Path
) -> None:
    """Another connection sees none of a merge paused before COMMIT; killed there, it leaves none."""
    sc = _merge_scenario(merge_city)
    m = measure(crash_child, sc, tmp_path, {})
    job = _job_dir(tmp_path, "held")
    db = sc.where.fresh(job)
    marker, release = job / "paused", job / "release"
    # The last commit point: every row of the package is written, the COMMIT not yet sent.
    pause = {"at": m.commits[-1], "marker": str(marker), "until": str(release), "seconds": 120}
    pid = crash_child.start(sc.op, sc.args(job, db), data_dir=job / "data", pause=pause)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert time.monotonic() < deadline, "the merge never reached its commit"
            time.sleep(0.02)
        seen = sc.digest(db)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        outcome = crash_child.wait()
    assert outcome.killed, outcome.result
    assert seen == m.before, (
        "rows of an uncommitted merge were visible: "
        f"{digest_difference(m.tables_after, sc.tables(db))}"
    )
    state, _file = judge(sc, m, db, job, "before its commit")
    assert state == "before"
    again = crash_child.run(sc.op, sc.args(job, db), data_dir=job / "data")
    _completed(again, "merge run again after the kill")
    assert sc.digest(db) == m.after, digest_difference(m.tables_after, sc.tables(db))
    sc.where.discard(db)


def test_the_judge_sees_a_half_written_package(
    merge_city: tuple[Store, Path], crash_child: Zygote, tmp_path: Path
) -> None:
    """A city holding part of the package (one table's new rows removed) is judged half-applied."""
    sc = _merge_scenario(merge_city)
    probe = sc.where.fresh(_job_dir(tmp_path, "before"))
    before = sc.digest(probe)
    sc.where.discard(probe)
    job = _job_dir(tmp_path, "half")
    db, outcome = _run(crash_child, sc, job)
    _completed(outcome, "merge")
    after = sc.digest(db)
    # One complete run stands for measure() here: only the two digests are judged.
    m = Measured(0, 0.0, {}, [], before, after, {before: "before", after: "after"})
    m.tables_after = sc.tables(db)
    _delete_teachers(sc.where, db)
    with pytest.raises(
        AssertionError, match=r"half-applied state; differs from after in .*teachers"
    ):
        judge(sc, m, db, job, "(deliberately half-written)")
    sc.where.discard(db)


def _delete_teachers(store: Store, db: str) -> None:
    # Behind VetDesk's back (no audit entry): as if the teachers' inserts had been lost.
    if isinstance(store, SqliteStore):
        with contextlib.closing(connect(Path(db))) as con:
            con.execute("PRAGMA foreign_keys=ON")  # their rows of other tables go too
            assert con.execute("DELETE FROM teachers").rowcount > 0
        return
    import psycopg

    with psycopg.connect(db, autocommit=True) as con:
        cur = con.execute("DELETE FROM teachers")
        assert cur.rowcount > 0


def test_kill_during_task_import(world: World, crash_child: Zygote, tmp_path: Path) -> None:
    sc = Scenario("task", world.county, lambda job, db: {"db": str(db), "task": str(world.task)})
    crash_campaign(crash_child, sc, tmp_path)


def test_kill_during_task_export(
    world: World, issuing_city: Store, crash_child: Zygote, tmp_path: Path
) -> None:
    """A task export killed at any point leaves the city before or after and the old or a whole new file."""
    from vetdesk.db.database import open_database
    from vetdesk.packages.task import verify_task

    old = world.task.read_bytes()  # the city's earlier task sits at the target
    name = "海东市-任务包.xlsx"
    county = open_database(copy_db(world.county, tmp_path / "verifier-county.db"))
    seqs: set[int] = set()

    def prepare(job: Path) -> None:
        (job / name).write_bytes(old)

    def check_files(job: Path, state: str) -> str:
        if (job / name).read_bytes() == old:
            return "old"
        result = verify_task(county, job / name)
        assert result.ok, result.message
        seqs.add(int(result.seq or 0))
        assert len(seqs) == 1, f"tasks of several numbers were written: {seqs}"
        # The issue is recorded before the file is moved into place.
        assert state == "after", "a new task exists that the city database does not record"
        return "new"

    sc = Scenario(
        "task-export",
        world.city,
        lambda job, db: {"db": db, "target": str(job / name)},
        prepare=prepare,
        check_files=check_files,
        retry=False,  # a second export is the next task number: another state by design
        expect_applied=False,
        volatile=("task_issues.manifest_sha256",),  # its own uuid and time
        store=issuing_city,
    )
    try:
        crash_campaign(crash_child, sc, tmp_path)
    finally:
        county.close()


def revision_states(base: Path, folder: Path) -> dict[str, str]:
    """The content digest at every revision between a database's own and the newest."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from vetdesk.db import migrate
    from vetdesk.db.engine import make_engine

    work = copy_db(base, folder / "stairs.db")
    engine = make_engine(work)
    try:
        start = migrate.current_revision(engine)
        script = ScriptDirectory.from_config(migrate.alembic_config_for_scripts())
        order = [r.revision for r in reversed(list(script.walk_revisions()))]
        states: dict[str, str] = {}
        for rev in order[order.index(start) + 1 :]:
            command.upgrade(migrate.alembic_config(engine), rev)
            states[content_digest(work)] = f"revision {rev}"
    finally:
        engine.dispose()
    return states


def test_kill_during_migration(world: World, crash_child: Zygote, tmp_path: Path) -> None:
    from vetdesk.db import migrate
    from vetdesk.db.engine import make_engine

    engine = make_engine(world.schema_0002)
    try:
        if not migrate.needs_upgrade(engine):
            pytest.skip("the 0.1.0 fixture is already at the newest schema: nothing to migrate")
    finally:
        engine.dispose()
    sc = Scenario(
        "migrate", world.schema_0002, lambda job, db: {"db": str(db)}, expect_applied=False
    )
    crash_campaign(crash_child, sc, tmp_path, revision_states(world.schema_0002, tmp_path))
