"""The per-database process lock: one VetDesk process changes a database at a time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vetdesk.db import lock as lock_module
from vetdesk.db.lock import DatabaseInUse, DatabaseLock, LockInfo, lock_path, read_lock_info

HOLDER = textwrap.dedent(
    """
    import sys
    from vetdesk.db.lock import DatabaseLock

    DatabaseLock(sys.argv[1]).acquire(sys.argv[2])
    print("locked", flush=True)
    sys.stdin.read()  # hold the lock until the test closes stdin or kills us
    """
)

TRY_ACQUIRE = textwrap.dedent(
    """
    import json, sys
    from vetdesk.db import lock
    from vetdesk.db.lock import DatabaseInUse, DatabaseLock

    if sys.argv[2:] == ["no-os-locks"]:
        lock._os_lock = lambda fd: lock._Outcome.UNSUPPORTED
    try:
        DatabaseLock(sys.argv[1]).acquire("second")
    except DatabaseInUse as exc:
        holder = exc.holder.pid if exc.holder else None
        print(json.dumps({"code": exc.code, "message": exc.message, "holder": holder}))
    else:
        print(json.dumps({"code": "acquired"}))
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "VETDESK_LANG": "zh"}


def start_holder(db: Path, purpose: str = "导入") -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), purpose],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "county.db"
    path.write_bytes(b"")
    return path


def test_lock_file_records_the_holder_and_is_removed_on_release(db: Path) -> None:
    lock = DatabaseLock(db).acquire("导入")
    try:
        assert lock.held
        assert lock.path == lock_path(db) == db.with_name("county.db.lock")
        info = read_lock_info(db)
        assert info is not None
        assert info.pid == os.getpid()
        assert info.hostname == socket.gethostname()
        assert info.app == "VetDesk"
        assert info.purpose == "导入"
        assert lock.holder() == info
    finally:
        lock.release()
    assert not lock.held
    assert not lock_path(db).exists()


def test_context_manager_and_reentrance_within_one_process(db: Path) -> None:
    with DatabaseLock(db).acquire("gui") as outer:
        # A service called by the GUI takes the same lock again without deadlocking.
        with DatabaseLock(db).acquire("import"):
            assert lock_path(db).exists()
        assert lock_path(db).exists(), "the outer holder still holds it"
        assert outer.held
        assert read_lock_info(db).purpose == "gui"  # type: ignore[union-attr]
    assert not lock_path(db).exists()
    with DatabaseLock(db) as plain:
        assert plain.held
    with pytest.raises(RuntimeError):
        lock = DatabaseLock(db).acquire()
        try:
            lock.acquire()
        finally:
            lock.release()


def test_second_process_is_told_who_holds_the_lock(db: Path) -> None:
    with DatabaseLock(db).acquire("导入"):
        result = subprocess.run(
            [sys.executable, "-c", TRY_ACQUIRE, str(db)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["code"] == "db_in_use"
    assert report["holder"] == os.getpid()
    assert f"进程 {os.getpid()}" in report["message"]
    assert report["message"].startswith("该数据库正在被另一个 VetDesk 窗口使用")
    assert report["message"].endswith("请先关闭它。")


def test_acquire_fails_while_another_process_holds_it(db: Path) -> None:
    proc = start_holder(db)
    try:
        with pytest.raises(DatabaseInUse) as info:
            DatabaseLock(db).acquire("merge")
        assert info.value.code == "db_in_use"
        assert str(proc.pid) in info.value.message
        assert info.value.holder is not None
        assert info.value.holder.purpose == "导入"
    finally:
        stop(proc)


def test_lock_is_freed_when_holder_is_killed(db: Path) -> None:
    proc = start_holder(db)
    with pytest.raises(DatabaseInUse):
        DatabaseLock(db).acquire()
    if sys.platform == "win32":
        proc.kill()
    else:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    # The crashed holder left its lock file behind; the OS lock went with the process.
    assert lock_path(db).exists()
    assert read_lock_info(db).pid == proc.pid  # type: ignore[union-attr]
    with DatabaseLock(db).acquire("after crash"):
        assert read_lock_info(db).pid == os.getpid()  # type: ignore[union-attr]


def test_lock_is_freed_when_holder_exits_normally(db: Path) -> None:
    proc = start_holder(db)
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)
    with DatabaseLock(db).acquire():
        pass


def test_message_names_another_computer(db: Path) -> None:
    holder = LockInfo(
        pid=4321,
        hostname="county-pc-2",
        app="VetDesk",
        started=__import__("datetime").datetime(2026, 11, 28, 9, 30),
    )
    exc = DatabaseInUse(holder=holder)
    assert "county-pc-2" in exc.message
    assert "进程 4321" in exc.message
    assert "2026-11-28 09:30" in exc.message
    assert DatabaseInUse().message == "该数据库正在被另一个 VetDesk 窗口使用，请先关闭它。"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def _write_foreign_lock(db: Path, pid: int, hostname: str) -> None:
    record = {
        "app": "VetDesk",
        "pid": pid,
        "hostname": hostname,
        "started": "2026-11-28T08:00:00",
        "purpose": "import",
    }
    lock_path(db).write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def no_os_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate a file system without flock/locking: exclusive creation is the lock."""
    monkeypatch.setattr(lock_module, "_os_lock", lambda fd: lock_module._Outcome.UNSUPPORTED)


@pytest.mark.usefixtures("no_os_locks")
def test_without_os_locks_a_stale_lock_of_a_dead_process_is_taken_over(db: Path) -> None:
    _write_foreign_lock(db, _dead_pid(), socket.gethostname())
    with DatabaseLock(db).acquire("import"):
        assert read_lock_info(db).pid == os.getpid()  # type: ignore[union-attr]
    assert not lock_path(db).exists()


@pytest.mark.usefixtures("no_os_locks")
def test_without_os_locks_a_live_process_keeps_its_lock(db: Path) -> None:
    _write_foreign_lock(db, os.getppid(), socket.gethostname())
    with pytest.raises(DatabaseInUse, match=f"进程 {os.getppid()}"):
        DatabaseLock(db).acquire()
    # Another host's pid cannot be checked from here: never taken over.
    _write_foreign_lock(db, _dead_pid(), "some-other-pc")
    with pytest.raises(DatabaseInUse, match="some-other-pc"):
        DatabaseLock(db).acquire()


@pytest.mark.usefixtures("no_os_locks")
def test_without_os_locks_exclusive_creation_excludes_a_second_process(db: Path) -> None:
    with DatabaseLock(db).acquire("gui"):
        result = subprocess.run(
            [sys.executable, "-c", TRY_ACQUIRE, str(db), "no-os-locks"],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["code"] == "db_in_use"
    assert report["holder"] == os.getpid()


def test_pid_alive() -> None:
    assert lock_module.pid_alive(os.getpid())
    assert not lock_module.pid_alive(_dead_pid())
    assert not lock_module.pid_alive(0)
