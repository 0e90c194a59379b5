"""Two VetDesk processes on one database.

vetdesk/db/lock.py does not wait: a process that wants to write while another holds the
database's lock is refused at once with DatabaseInUse, whose message names the holder's
process. These tests assert exactly that, end to end: an import held half-way through
its transaction makes a second ``vetdesk import`` fail with that message and change
nothing; an open GUI (which holds the lock while a database is open) refuses a command
line import; two imports started together never both write at once, and the result is
one of the serial outcomes; a process importing in a loop while this one runs checks
over and over corrupts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rel_helpers import (
    FULL_RUN,
    YEAR,
    Zygote,
    audit_chain_break,
    child_env,
    content_digest,
    copy_db,
    integrity_problems,
    lock_is_free,
    record_stat,
)
from rel_world import World

from vetdesk.db.database import open_database
from vetdesk.db.lock import DatabaseLock
from vetdesk.validation.check import run_check
from vetdesk.workbook.importer import apply_import
from vetdesk.workbook.reader import read_workbook

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="the held import runs in a forked child (POSIX)"
)

IN_USE = "正在被另一个 VetDesk"
RACE_ROUNDS = 8
LOOP_IMPORTS = 30 if FULL_RUN else 2


def import_sequence(base: Path, workbooks: list[Path], work: Path) -> str:
    """The content digest after importing workbooks one after the other (in this process)."""
    path = copy_db(base, work)
    db = open_database(path)
    try:
        for workbook in workbooks:
            assert apply_import(db, read_workbook(workbook)).applied
    finally:
        db.close()
    return content_digest(path)


def cli_import(db: Path, workbook: Path, data: Path) -> subprocess.Popen[str]:
    """Start ``vetdesk import`` in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "vetdesk", "import", "--db", str(db), str(workbook)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(data),
        cwd=str(data),
    )


def test_second_writer_is_told_the_database_is_in_use(
    world: World, crash_child: Zygote, tmp_path: Path
) -> None:
    db = copy_db(world.county, tmp_path / "county.db")
    marker = tmp_path / "holding"
    (tmp_path / "data").mkdir()
    holder = crash_child.start(
        "import",
        {"db": str(db), "workbook": str(world.workbook_a)},
        data_dir=tmp_path / "data",
        # Held inside its write transaction, with the VetDesk lock and SQLite's write lock.
        pause={
            "after": "BEGIN IMMEDIATE",
            "marker": str(marker),
            "until": str(tmp_path / "release"),
            "seconds": 120,
        },
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, "the first import never reached its transaction"
        time.sleep(0.05)
    second = cli_import(db, world.workbook_b, tmp_path / "data")
    try:
        out, err = second.communicate(timeout=120)
    finally:
        (tmp_path / "release").touch()
        first = crash_child.wait()
    assert second.returncode == 1, out[-1000:] + err[-1000:]
    assert IN_USE in err and f"进程 {holder}" in err, err[-1500:]
    assert "Traceback" not in err
    assert first.completed and first.result["result"]["applied"], first.log[-2000:]
    assert integrity_problems(db) == []
    assert content_digest(db) == import_sequence(
        world.county, [world.workbook_a], tmp_path / "a.db"
    )
    assert lock_is_free(db)


def test_open_gui_refuses_a_command_line_import(
    world: World, crash_child: Zygote, tmp_path: Path
) -> None:
    db = copy_db(world.county, tmp_path / "county.db")
    before = content_digest(db)
    (tmp_path / "data").mkdir()
    args = {"db": str(db), "workbook": str(world.workbook_a)}
    with DatabaseLock(db).acquire("GUI"):  # what the GUI does while a database is open
        refused = crash_child.run("import", args, data_dir=tmp_path / "data")
        assert refused.result.get("error") == "DatabaseInUse", refused.result
        assert IN_USE in refused.result["message"]
        assert content_digest(db) == before
    accepted = crash_child.run("import", args, data_dir=tmp_path / "data")
    assert accepted.completed and accepted.result["result"]["applied"]


@pytest.mark.slow
def test_two_imports_started_together_never_write_at_once(world: World, tmp_path: Path) -> None:
    a, b = world.workbook_a, world.workbook_b
    names = ["only A", "only B", "A then B", "B then A"]
    serial = {
        import_sequence(world.county, order, tmp_path / f"serial-{i}.db"): names[i]
        for i, order in enumerate([[a], [b], [a, b], [b, a]])
    }
    outcomes: dict[str, int] = {}
    for round_ in range(RACE_ROUNDS):
        work = tmp_path / f"round-{round_}"
        work.mkdir()
        db = copy_db(world.county, work / "county.db")
        data = work / "data"
        data.mkdir()
        procs = [cli_import(db, a, data), cli_import(db, b, data)]
        results = [(p, *p.communicate(timeout=180)) for p in procs]
        codes = [p.returncode for p, _o, _e in results]
        for p, _out, err in results:
            assert p.returncode in (0, 1), err[-2000:]
            assert "Traceback" not in err, err[-2000:]
            if p.returncode == 1:
                assert IN_USE in err, err[-1000:]
        assert 0 in codes, "neither import went through"
        assert integrity_problems(db) == []
        assert audit_chain_break(db) is None
        state = serial.get(content_digest(db))
        assert state is not None, "the two imports interleaved"
        outcomes[state] = outcomes.get(state, 0) + 1
    record_stat("concurrency-race", rounds=RACE_ROUNDS, outcomes=outcomes, losses=0)


def test_importing_in_a_loop_while_another_process_checks(
    world: World, crash_child: Zygote, tmp_path: Path
) -> None:
    db_path = copy_db(world.county, tmp_path / "county.db")
    books = [world.workbook_a, world.workbook_b]
    expected = import_sequence(
        world.county, [books[i % 2] for i in range(LOOP_IMPORTS)], tmp_path / "expected.db"
    )
    (tmp_path / "data").mkdir()
    reader = open_database(db_path)  # the GUI's connection, reading only
    schools = run_check(reader, YEAR).summary.schools_assessed
    checks = 0
    try:
        crash_child.start(
            "import-loop",
            {"db": str(db_path), "workbooks": [str(p) for p in books], "rounds": LOOP_IMPORTS},
            data_dir=tmp_path / "data",
        )
        result_file = crash_child.work / f"job-{crash_child.jobs}.json"
        while not result_file.exists():
            report = run_check(reader, YEAR)
            assert report.summary.schools_assessed == schools
            checks += 1
        loop = crash_child.wait()
    finally:
        reader.close()
    assert loop.completed, loop.log[-2000:]
    assert loop.result["result"] == {"applied": LOOP_IMPORTS, "in_use": 0}
    assert checks >= 1
    assert integrity_problems(db_path) == []
    assert audit_chain_break(db_path) is None
    assert content_digest(db_path) == expected
    record_stat("concurrency-loop", imports=LOOP_IMPORTS, checks=checks, losses=0)
