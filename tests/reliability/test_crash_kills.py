"""Crash safety: SIGKILL import, export, merge, task import and migration at many points.

Each operation first runs to its end in a child process, which gives its instrumented
points (SQL statements, commits, fsyncs, renames; see crash_runner.py), its duration and
the content digest after it. Then fresh copies are killed: at chosen points, and after a
random fraction of the measured duration. After every kill the database must pass
integrity_check and foreign_key_check, hold exactly the content from before or from after
the operation (never a mix), keep its audit chain, leave the lock free, and the operation
run again must end in the "after" state. Export targets hold the old file or a new one
that opens and verifies.

Default run: three kills per operation (a random point, the point right after the
commit, a random time). Full run (VETDESK_FULL=1): 30 points drawn from equal strata,
the six points around each commit and 10 timed kills per operation.
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import (
    FULL_RUN,
    JobOutcome,
    Zygote,
    audit_chain_break,
    connect,
    content_digest,
    copy_db,
    digest_difference,
    integrity_problems,
    lock_is_free,
    record_stat,
    run_seed,
    spread,
    table_digests,
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
    args: Callable[[Path, Path], dict[str, Any]]  # (job folder, database) -> job arguments
    prepare: Callable[[Path], None] = lambda _job: None
    check_files: Callable[[Path, str], str] | None = None  # -> "old" / "new"; asserts
    retry: bool = True
    expect_applied: bool = True
    # Columns that differ between two complete runs by design (``table.column``).
    volatile: tuple[str, ...] = ()

    def digest(self, db: Path) -> str:
        """The content digest this scenario compares."""
        return content_digest(db, self.volatile)

    def tables(self, db: Path) -> dict[str, str]:
        """The per-table digests this scenario compares."""
        return table_digests(db, self.volatile)


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
) -> tuple[Path, JobOutcome]:
    db = copy_db(sc.base, job / sc.base.name)
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
    before = sc.digest(sc.base)
    runs = []
    for i in range(2 if FULL_RUN else 1):
        db, outcome = _run(child, sc, _job_dir(root, f"measure-{i}"))
        result = _completed(outcome, f"{sc.op} (complete run)")
        if sc.expect_applied:
            assert result.get("applied", True), result
        assert integrity_problems(db) == []
        runs.append((sc.digest(db), sc.tables(db), outcome))
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


def judge(sc: Scenario, m: Measured, db: Path, job: Path, where: str) -> tuple[str, str | None]:
    """Check what a kill left; return the state of the database and of the target file."""
    problems = integrity_problems(db)
    assert problems == [], f"{sc.op} killed {where}: damaged database: {problems[:5]}"
    state = m.allowed.get(sc.digest(db))
    assert state is not None, (
        f"{sc.op} killed {where}: half-applied state; differs from after in "
        f"{digest_difference(m.tables_after, sc.tables(db))}"
    )
    assert audit_chain_break(db) is None, f"{sc.op} killed {where}: audit chain broken"
    assert lock_is_free(db), f"{sc.op} killed {where}: lock still held"
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
            assert integrity_problems(db) == []
            assert sc.digest(db) == m.after, f"{sc.op} run again after a kill {where}"
            retries += 1
        shutil.rmtree(job)
    record_stat(
        "crash",
        op=sc.op,
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


def test_kill_during_merge(
    world: World, small_merge: tuple[Path, Path], crash_child: Zygote, tmp_path: Path
) -> None:
    # The full run merges the whole demo county into the demo city; the default run a
    # six-teacher package into a new city (the same code, a tenth of the time).
    city, package = (world.city, world.package) if FULL_RUN else small_merge
    sc = Scenario("merge", city, lambda job, db: {"db": str(db), "package": str(package)})
    crash_campaign(crash_child, sc, tmp_path)


def test_kill_during_task_import(world: World, crash_child: Zygote, tmp_path: Path) -> None:
    sc = Scenario("task", world.county, lambda job, db: {"db": str(db), "task": str(world.task)})
    crash_campaign(crash_child, sc, tmp_path)


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
