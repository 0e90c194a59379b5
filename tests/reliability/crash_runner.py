"""The child side of the crash tests: run one VetDesk operation, dying on request.

``python crash_runner.py serve`` imports VetDesk once and then reads one JSON job per line
on stdin. For each job it forks a child, prints ``{"pid": …}``, waits for it and prints how
it ended (``{"pid", "exit_code", "signal"}``). Only the forked child installs the hooks:

* ``kill_at`` N: the child SIGKILLs itself at its Nth *instrumented point*: every SQL
  statement through SQLAlchemy (``before_cursor_execute``), every commit (SQLAlchemy's
  ``commit`` event, just before the driver's COMMIT), every session's ``after_commit``
  (the COMMIT returned, the lock is still held), every statement of a plain sqlite3
  connection (the backup module's; via a trace callback), every ``os.fsync`` and
  ``os.replace`` (atomic file writes, backups);
* ``pause``: ``{"after": "BEGIN IMMEDIATE", "marker": path, "until": path, "seconds": s}``
  stops right after that statement (so another process meets a held lock): it writes the
  marker, then waits until the ``until`` file exists (at most ``seconds``). With ``"at": N``
  instead of ``"after"`` it stops at its Nth instrumented point (e.g. just before a merge's
  COMMIT, so a test can look at the database while the transaction is open).

``db`` is a file path or, for the city operations, a PostgreSQL URL.

The child writes ``{"done": true, "result": …, "points": n, "kinds": {…}, "seconds": t}``
to the job's result file when the operation ends, and leaves with ``os._exit``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

PASSPHRASE = "correct horse battery"
YEAR = 2025


class _Points:
    """Counts instrumented points and kills the process at the chosen one."""

    def __init__(self, kill_at: int | None, pause: dict[str, Any] | None) -> None:
        self.kill_at = kill_at
        self.pause = pause
        self.count = 0
        self.kinds: Counter[str] = Counter()
        self.commits: list[int] = []

    def hit(self, kind: str) -> None:
        """One instrumented point passed."""
        self.count += 1
        self.kinds[kind] += 1
        if kind == "commit":
            self.commits.append(self.count)
        if self.kill_at is not None and self.count >= self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(60)  # never reached: SIGKILL cannot be caught
        if self.pause and self.pause.get("at") == self.count:
            self._hold()

    def after_statement(self, statement: str) -> None:
        """Sleep after a statement if the job asked for a pause there."""
        pause = self.pause
        if pause and "after" in pause and statement.strip().upper() == pause["after"]:
            self._hold()

    def _hold(self) -> None:
        pause, self.pause = self.pause, None
        assert pause is not None
        Path(pause["marker"]).write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + float(pause["seconds"])
        release = Path(pause["until"])
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.02)


def _install(points: _Points) -> None:
    from sqlalchemy import Engine, event
    from sqlalchemy.orm import Session

    def before_execute(*_args: Any) -> None:
        points.hit("sql")

    def after_execute(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        points.after_statement(statement)

    def before_commit(_conn: Any) -> None:
        points.hit("commit")

    event.listen(Engine, "before_cursor_execute", before_execute)
    event.listen(Engine, "after_cursor_execute", after_execute)
    event.listen(Engine, "commit", before_commit)
    # Just after a session's COMMIT returned, while the operation still holds its lock.
    event.listen(Session, "after_commit", lambda _session: points.hit("committed"))

    # Plain sqlite3 connections (online backups, checks) are not SQLAlchemy's: trace them.
    plain_connect = sqlite3.connect

    def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        con: sqlite3.Connection = plain_connect(*args, **kwargs)
        con.set_trace_callback(lambda _sql: points.hit("raw-sql"))
        return con

    sqlite3.connect = traced_connect  # type: ignore[assignment]

    plain_fsync, plain_replace = os.fsync, os.replace

    def fsync(fd: Any) -> None:
        points.hit("fsync")
        plain_fsync(fd)

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        points.hit("replace")
        plain_replace(src, dst, **kw)

    os.fsync = fsync
    os.replace = replace


# --------------------------------------------------------------------------- operations


def _open(path: str) -> Any:
    from vetdesk.db.database import open_database

    return open_database(path if "://" in path else Path(path))


def op_import(args: dict[str, Any]) -> dict[str, Any]:
    """Import a workbook (preview and apply, as ``vetdesk import``)."""
    from vetdesk.workbook.importer import apply_import
    from vetdesk.workbook.reader import read_workbook

    db = _open(args["db"])
    try:
        content = read_workbook(Path(args["workbook"]))
        plan = apply_import(db, content)
        return {"applied": plan.applied, "issues": len(plan.issues), "changes": len(plan.changes)}
    finally:
        db.close()


def op_import_loop(args: dict[str, Any]) -> dict[str, Any]:
    """Import several workbooks in turn, again and again (a busy command line)."""
    from vetdesk.db.lock import DatabaseInUse
    from vetdesk.workbook.importer import apply_import
    from vetdesk.workbook.reader import read_workbook

    db = _open(args["db"])
    applied = refused = 0
    try:
        contents = [read_workbook(Path(p)) for p in args["workbooks"]]
        for i in range(int(args["rounds"])):
            try:
                plan = apply_import(db, contents[i % len(contents)])
            except DatabaseInUse:
                refused += 1
                continue
            applied += int(plan.applied)
    finally:
        db.close()
    return {"applied": applied, "in_use": refused}


def op_export(args: dict[str, Any]) -> dict[str, Any]:
    """Export the period as an unsigned draft workbook."""
    from vetdesk.workbook.export import export_period

    db = _open(args["db"])
    try:
        snapshot = export_period(db, YEAR, Path(args["target"]), draft=True)
        return {"counts": snapshot.counts()}
    finally:
        db.close()


def op_package(args: dict[str, Any]) -> dict[str, Any]:
    """Export the signed package of the period."""
    from vetdesk.packages.county import export_package

    db = _open(args["db"])
    try:
        result = export_package(db, YEAR, Path(args["target"]), PASSPHRASE)
        return {"seq": result.seq, "manifest": result.manifest_sha256}
    finally:
        db.close()


def op_merge(args: dict[str, Any]) -> dict[str, Any]:
    """Verify a county package and merge it into the city database."""
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.verify import verify_package

    db = _open(args["db"])
    try:
        verification = verify_package(db, Path(args["package"]))
        preview = apply_merge(db, verification)
        return {"applied": preview.applied, "verdict": str(verification.verdict)}
    finally:
        db.close()


def op_task(args: dict[str, Any]) -> dict[str, Any]:
    """Verify the city's task package and import it into the county database."""
    from vetdesk.packages.task import import_task

    db = _open(args["db"])
    try:
        result = import_task(db, Path(args["task"]))
        return {"applied": result.applied, "verdict": str(result.verification.verdict)}
    finally:
        db.close()


def op_task_export(args: dict[str, Any]) -> dict[str, Any]:
    """Issue the city's signed task package of the period (as ``vetdesk task export``)."""
    from vetdesk.packages.task import export_task

    db = _open(args["db"])
    try:
        result = export_task(db, YEAR, Path(args["target"]), PASSPHRASE)
        return {"seq": result.seq, "manifest": result.manifest_sha256}
    finally:
        db.close()


def op_migrate(args: dict[str, Any]) -> dict[str, Any]:
    """Upgrade an older database to the newest schema after a verified backup."""
    from vetdesk.db.backup import upgrade_with_backup

    backup = upgrade_with_backup(Path(args["db"]))
    return {"backup": str(backup.path) if backup else None}


OPS = {
    "import": op_import,
    "import-loop": op_import_loop,
    "export": op_export,
    "package": op_package,
    "merge": op_merge,
    "task": op_task,
    "task-export": op_task_export,
    "migrate": op_migrate,
}


def _child(job: dict[str, Any]) -> None:
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ["VETDESK_DATA_DIR"] = job["data_dir"]
    # A hung child dies of SIGALRM, which the test reports; it never blocks the run.
    signal.alarm(int(job.get("timeout", 180)))
    points = _Points(job.get("kill_at"), job.get("pause"))
    _install(points)
    started = time.perf_counter()
    code = 0
    try:
        result = OPS[job["op"]](job["args"])
        out = {"done": True, "result": result}
    except BaseException as exc:  # reported to the test, which decides
        code = 3
        out = {
            "done": False,
            "error": type(exc).__name__,
            "module": type(exc).__module__,
            "message": str(exc),
            "traceback": traceback.format_exc(),
        }
    out.update(
        points=points.count,
        kinds=dict(points.kinds),
        commits=points.commits,
        seconds=time.perf_counter() - started,
    )
    Path(job["result"]).write_text(json.dumps(out, ensure_ascii=False, default=str), "utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    """Read jobs from stdin; fork, report and reap one child per job."""
    # Everything the operations need is imported once, before any fork.

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(job)
            finally:
                os._exit(4)
        print(json.dumps({"pid": pid}), flush=True)
        _pid, status = os.waitpid(pid, 0)
        report: dict[str, Any] = {"pid": pid, "exit_code": None, "signal": None}
        if os.WIFSIGNALED(status):
            report["signal"] = os.WTERMSIG(status)
        else:
            report["exit_code"] = os.WEXITSTATUS(status)
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["serve"]:
        sys.exit("usage: crash_runner.py serve")
    serve()
