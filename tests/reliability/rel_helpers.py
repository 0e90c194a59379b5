"""Shared tools of the reliability tests: database digests, checks, the crash child, figures."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FULL_RUN = os.environ.get("VETDESK_FULL") == "1"
HERE = Path(__file__).resolve().parent
RUNNER = HERE / "crash_runner.py"
REPO = HERE.parent.parent
PASSPHRASE = "correct horse battery"  # the same as tests/packages/pkg_helpers.py
YEAR = 2025
# Where the figures of a run are collected (scripts/reliability_full_run.py sets it).
STATS_ENV = "VETDESK_RELIABILITY_STATS"
SEED_ENV = "VETDESK_RELIABILITY_SEED"

# Columns whose value is the moment something happened: they differ between two runs of
# the same operation, so the content digest leaves them out.
_VOLATILE_TYPES = ("DATETIME", "TIMESTAMP")
# The audit log's hashes and values embed those moments: only what was audited counts.
_AUDIT_COLUMNS = ("action", "table_name", "record_key", "field")


def run_seed() -> int:
    """The random seed of this run (set VETDESK_RELIABILITY_SEED to replay one)."""
    value = os.environ.get(SEED_ENV)
    if value is None:
        value = str(random.SystemRandom().randrange(1, 2**31))
        os.environ[SEED_ENV] = value
    return int(value)


def record_stat(name: str, **figures: Any) -> None:
    """Add one line of figures to the run's statistics file, if one is being collected."""
    target = os.environ.get(STATS_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"name": name, **figures}, ensure_ascii=False, default=str) + "\n")


# --------------------------------------------------------------------------- database files


def connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection for checking a database from outside VetDesk."""
    con = sqlite3.connect(path, isolation_level=None, timeout=10)
    con.execute("PRAGMA busy_timeout=10000")
    return con


def integrity_problems(path: Path) -> list[str]:
    """What integrity_check and foreign_key_check report (empty when the file is sound)."""
    con = connect(path)
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [f"foreign key: {tuple(r)}" for r in con.execute("PRAGMA foreign_key_check")]
    finally:
        con.close()
    return problems


def table_digests(path: Path, ignore: Iterable[str] = ()) -> dict[str, str]:
    """A digest per table of the canonical content (sorted rows, timestamps and ``ignore`` left out).

    ``ignore`` names further columns as ``table.column``.
    """
    skipped = set(ignore)
    con = connect(path)
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result: dict[str, str] = {}
        for table in sorted(tables):
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            if table == "audit_log":
                columns = [c for c in _AUDIT_COLUMNS if any(i[1] == c for i in info)]
            else:
                columns = [
                    str(i[1])
                    for i in info
                    if not str(i[2]).upper().startswith(_VOLATILE_TYPES)
                    and f"{table}.{i[1]}" not in skipped
                ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(
                json.dumps(list(r), ensure_ascii=False, default=repr)
                for r in con.execute(f'SELECT {quoted} FROM "{table}"')
            )
            digest = hashlib.sha256("\n".join([quoted, *rows]).encode("utf-8")).hexdigest()
            result[table] = f"{len(rows)}:{digest[:16]}"
    finally:
        con.close()
    return result


def content_digest(path: Path, ignore: Iterable[str] = ()) -> str:
    """One digest of a database's canonical content."""
    blob = json.dumps(table_digests(path, ignore), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def digest_difference(a: dict[str, str], b: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The tables whose digests differ, with both values."""
    return {
        t: (a.get(t, "-"), b.get(t, "-")) for t in sorted(set(a) | set(b)) if a.get(t) != b.get(t)
    }


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so that the main file holds every commit."""
    con = connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        con.close()


# Bytes 24-27 (file change counter) and 92-99 (version-valid-for, SQLite version) of the
# header are SQLite's own bookkeeping, not content.
_HEADER_METADATA = ((24, 28), (92, 100))


def main_file_bytes(path: Path) -> bytes:
    """The checkpointed main file with SQLite's own header counters blanked out."""
    checkpoint(path)
    data = bytearray(path.read_bytes())
    for start, end in _HEADER_METADATA:
        data[start:end] = bytes(end - start)
    return bytes(data)


def copy_db(source: Path, target: Path) -> Path:
    """Copy a database file with its WAL side files."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        dst = Path(f"{target}{suffix}")
        if src.exists():
            shutil.copy(src, dst)
        elif dst.exists():
            dst.unlink()
    return target


def load_sql_dump(sql_file: Path, target: Path) -> Path:
    """Load a saved SQL dump into a fresh database file in WAL mode, as VetDesk keeps it."""
    con = sqlite3.connect(target)
    try:
        con.executescript(sql_file.read_text(encoding="utf-8"))
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()
    return target


def audit_chain_break(path: Path) -> int | None:
    """The first audit entry whose hash chain is broken, or None."""
    from sqlalchemy.orm import Session

    from vetdesk.db.audit import verify_chain
    from vetdesk.db.engine import make_engine

    engine = make_engine(path)
    try:
        with Session(engine) as session:
            return verify_chain(session)
    finally:
        engine.dispose()


def lock_is_free(path: Path) -> bool:
    """Whether another process could take the database's VetDesk lock now."""
    from vetdesk.db.lock import DatabaseInUse, DatabaseLock

    lock = DatabaseLock(path)
    try:
        lock.acquire("reliability check")
    except DatabaseInUse:
        return False
    lock.release()
    return True


def temp_leftovers(folder: Path) -> list[str]:
    """Temporary files a crashed writer left in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- child processes


def drop_file_permission_override() -> None:
    """In a child started as root: give up the right to ignore file permissions (read-only tests).

    Raises OSError where the capability cannot be dropped (see ``read_only_works``).
    """
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def read_only_works(path: Path) -> bool:
    """Whether a child process really cannot write a file whose mode is 0444 (root can)."""
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; open(sys.argv[1], 'r+b').close()", str(path)],
            preexec_fn=drop_file_permission_override,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode != 0


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a VetDesk child process: its own data folder, Chinese messages."""
    env = dict(os.environ)
    env.update(
        {
            "VETDESK_DATA_DIR": str(data_dir),
            "VETDESK_LANG": "zh",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONFAULTHANDLER": "1",
        }
    )
    env.update(extra)
    return env


def run_cli(
    args: list[str], data_dir: Path, *, timeout: float = 120, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m vetdesk ARGS`` in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "vetdesk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(data_dir),
        cwd=str(data_dir),
        check=False,
        **popen,
    )


@dataclass
class JobOutcome:
    """How a child job ended: completed (with its result) or killed (and where)."""

    pid: int
    killed: bool
    exit_code: int | None
    result: dict[str, Any] = field(default_factory=dict)
    log: str = ""

    @property
    def completed(self) -> bool:
        """Whether the operation ran to its end in the child."""
        return not self.killed and self.exit_code == 0 and bool(self.result.get("done"))


class Zygote:
    """A pre-loaded VetDesk process that forks one child per job (tests/reliability/crash_runner.py).

    The child installs the kill hook (SIGKILL at the Nth instrumented point) for itself
    only; the zygote and the test process never do.
    """

    def __init__(self, work: Path) -> None:
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self._count = 0
        self._pending: dict[str, Any] | None = None
        self.proc = subprocess.Popen(
            [sys.executable, str(RUNNER), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(work / "zygote.log", "w"),  # noqa: SIM115  (closed with the process)
            text=True,
            env=child_env(work / "zygote-data"),
            cwd=str(work),
        )
        hello = self._read()
        assert hello.get("ready"), hello

    @property
    def jobs(self) -> int:
        """How many jobs were started (the last one's files are job-<jobs>.json/.log)."""
        return self._count

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            log = (self.work / "zygote.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"crash runner stopped:\n{log[-4000:]}")
        return dict(json.loads(line))

    def start(
        self,
        op: str,
        args: dict[str, Any],
        *,
        data_dir: Path,
        kill_at: int | None = None,
        pause: dict[str, Any] | None = None,
    ) -> int:
        """Start one operation in a fresh child; returns its pid (finish with wait())."""
        if self._pending is not None:
            self.wait()  # a test that failed half-way left a job running: keep in step
        self._count += 1
        job = {
            "op": op,
            "args": args,
            "data_dir": str(data_dir),
            "kill_at": kill_at,
            "pause": pause,
            "result": str(self.work / f"job-{self._count}.json"),
            "log": str(self.work / f"job-{self._count}.log"),
        }
        self._pending = job
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(job, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return int(self._read()["pid"])

    def wait(self) -> JobOutcome:
        """Wait for the job started last and collect how it ended."""
        job = self._pending
        assert job is not None, "no job is running"
        ended = self._read()
        self._pending = None
        result_file, log_file = Path(str(job["result"])), Path(str(job["log"]))
        result: dict[str, Any] = {}
        if result_file.exists():
            with contextlib.suppress(ValueError):
                result = json.loads(result_file.read_text(encoding="utf-8"))
        log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else ""
        killed = ended.get("signal") == signal.SIGKILL
        return JobOutcome(int(ended["pid"]), killed, ended.get("exit_code"), result, log)

    def run(
        self,
        op: str,
        args: dict[str, Any],
        *,
        data_dir: Path,
        kill_at: int | None = None,
        kill_after: float | None = None,
        pause: dict[str, Any] | None = None,
    ) -> JobOutcome:
        """Run one operation in a fresh child; SIGKILL it at a point or after a delay if asked."""
        pid = self.start(op, args, data_dir=data_dir, kill_at=kill_at, pause=pause)
        if kill_after is not None:
            time.sleep(kill_after)
            # Until the zygote reaps it, the pid cannot be reused: this kills our child or
            # a zombie that already finished.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return self.wait()

    def close(self) -> None:
        """Stop the zygote."""
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def zygote(work: Path) -> Iterator[Zygote]:
    """A zygote for the duration of a block."""
    z = Zygote(work)
    try:
        yield z
    finally:
        z.close()


def spread(total: int, count: int, rng: random.Random) -> list[int]:
    """``count`` points out of 1..total, one drawn from each of ``count`` equal strata."""
    if total <= 0:
        return []
    if count >= total:
        return list(range(1, total + 1))
    points = []
    for i in range(count):
        low = 1 + (total * i) // count
        high = max(low, (total * (i + 1)) // count)
        points.append(rng.randint(low, high))
    return sorted(set(points))


def describe(items: Iterable[Any]) -> str:
    """A short text for assertion messages."""
    return "; ".join(str(i) for i in items)[:2000]
