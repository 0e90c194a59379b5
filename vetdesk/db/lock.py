"""A per-database process lock: at most one VetDesk process changes a database at a time.

The lock is the file ``<db>.lock`` beside the database. Ownership is decided by an
operating-system lock on that file (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) held on an open descriptor for as long as the lock is held, so a process that
crashes or is killed frees it without anyone cleaning up. The file's content (pid, host,
application, start time, purpose) only tells the user who holds it. On a file system
without working OS locks the exclusive creation of the file is the lock, and a lock left
by a process that no longer runs on this host is taken over.

Within one process the lock is re-entrant: the GUI holds it for as long as a database is
open, and the services it calls (import, merge, restore …) take it again without
deadlocking. Threads of one process share it; SQLite itself serialises their writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

from vetdesk import APP_NAME, __version__
from vetdesk.errors import VetDeskError
from vetdesk.i18n import _

LOCK_SUFFIX = ".lock"
# Windows byte-range locks are mandatory: nobody else can read a locked byte. Locking one
# byte far past the JSON keeps the holder's details readable (SQLite's "pending byte" trick).
_WINDOWS_LOCK_OFFSET = 0x40000000
# Every holder writes the same number of bytes, so a shorter record never leaves the tail
# of a longer one behind even where truncating a locked file fails.
_RECORD_SIZE = 1024
_HELD_ERRNOS = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK})
_ATTEMPTS = 5
# Windows opens descriptors in text mode unless told otherwise.
_BINARY = getattr(os, "O_BINARY", 0)
# Without OS locks, an unreadable lock file may be one that its creator is still writing.
_UNREADABLE_GRACE_SECONDS = 30.0


class _Outcome(Enum):
    LOCKED = "locked"
    HELD = "held"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class LockInfo:
    """Who holds a database lock, as recorded in the lock file."""

    pid: int
    hostname: str
    app: str
    started: dt.datetime
    purpose: str = ""
    version: str = ""

    @property
    def on_this_host(self) -> bool:
        """Whether the holder runs on this computer (only then can its pid be checked)."""
        return self.hostname == socket.gethostname()

    def to_json(self) -> dict[str, Any]:
        """The record written into the lock file."""
        return {
            "app": self.app,
            "version": self.version,
            "pid": self.pid,
            "hostname": self.hostname,
            "started": self.started.isoformat(),
            "purpose": self.purpose,
        }

    @classmethod
    def from_json(cls, data: Any) -> LockInfo | None:
        """Read a lock record; None when it is not one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                pid=int(data["pid"]),
                hostname=str(data["hostname"]),
                app=str(data.get("app", "")),
                started=dt.datetime.fromisoformat(str(data["started"])),
                purpose=str(data.get("purpose", "")),
                version=str(data.get("version", "")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _in_use_message(holder: LockInfo | None) -> str:
    if holder is None:
        return _("该数据库正在被另一个 VetDesk 窗口使用，请先关闭它。")
    started = holder.started.strftime("%Y-%m-%d %H:%M")
    if not holder.on_this_host:
        return _(
            "该数据库正在被另一台计算机（{host}）上的 VetDesk 使用（进程 {pid}，开始于 {started}），请先关闭它。"
        ).format(host=holder.hostname, pid=holder.pid, started=started)
    return _(
        "该数据库正在被另一个 VetDesk 窗口使用（进程 {pid}，开始于 {started}），请先关闭它。"
    ).format(pid=holder.pid, started=started)


class DatabaseInUse(VetDeskError):
    """Another process holds the database (its lock, or an open connection to it)."""

    code = "db_in_use"

    def __init__(self, message: str | None = None, *, holder: LockInfo | None = None) -> None:
        super().__init__(message if message is not None else _in_use_message(holder))
        self.holder = holder


class LockFileError(VetDeskError):
    """The lock file cannot be created or opened (read-only folder, permissions)."""

    code = "lock_file"


def lock_path(db_path: Path | str) -> Path:
    """The lock file of a database: ``<db>.lock`` in the same folder."""
    path = Path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def read_lock_info(db_path: Path | str) -> LockInfo | None:
    """The holder recorded in a database's lock file, if any (it may be stale)."""
    try:
        raw = lock_path(db_path).read_bytes()[:_RECORD_SIZE]
        return LockInfo.from_json(json.loads(raw.decode("utf-8").strip() or "null"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        # os.kill(pid, 0) would *terminate* the process on Windows; ask the kernel instead.
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        process_query_limited_information = 0x1000
        still_active = 259
        error_access_denied = 5
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            # Access denied means it exists but belongs to someone else.
            return bool(ctypes.get_last_error() == error_access_denied)
        try:
            exit_code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(exit_code)):
                return True
            return bool(exit_code.value == still_active)
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if sys.platform == "win32":
    import msvcrt

    def _os_lock(fd: int) -> _Outcome:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            return _Outcome.HELD if exc.errno in _HELD_ERRNOS else _Outcome.UNSUPPORTED
        return _Outcome.LOCKED

    def _os_unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _os_lock(fd: int) -> _Outcome:
        # flock, not lockf: POSIX record locks vanish when *any* descriptor of the file
        # is closed by the process, e.g. by a later read of the lock file.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            return _Outcome.HELD if exc.errno in _HELD_ERRNOS else _Outcome.UNSUPPORTED
        return _Outcome.LOCKED

    def _os_unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _write_record(fd: int, info: LockInfo) -> None:
    data = json.dumps(info.to_json(), ensure_ascii=False).encode("utf-8")
    if len(data) > _RECORD_SIZE:
        info = LockInfo(info.pid, info.hostname[:64], info.app[:32], info.started, "", "")
        data = json.dumps(info.to_json(), ensure_ascii=False).encode("utf-8")[:_RECORD_SIZE]
    os.lseek(fd, 0, os.SEEK_SET)
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
    # No fsync: the record is informational; the OS lock is what protects the database.
    os.write(fd, data.ljust(_RECORD_SIZE, b" "))


def _is_stale(holder: LockInfo | None, path: Path) -> bool:
    if holder is None:
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return True
        return age > _UNREADABLE_GRACE_SECONDS
    return holder.on_this_host and not pid_alive(holder.pid)


@dataclass
class _Held:
    fd: int
    count: int
    pid: int
    info: LockInfo
    os_locked: bool


# The locks this process holds, by normalised lock-file path.
_registry: dict[str, _Held] = {}
_registry_guard = threading.Lock()


class DatabaseLock:
    """The process lock of one database file; ``with DatabaseLock(p).acquire("导入"):``."""

    def __init__(self, db_path: Path | str, *, app: str = APP_NAME) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._app = app
        self._key = os.path.normcase(str(self.path.resolve()))
        self._held = False

    @property
    def held(self) -> bool:
        """Whether this object currently holds the lock."""
        return self._held

    def holder(self) -> LockInfo | None:
        """Who the lock file says holds the lock (this process, another, or a stale record)."""
        return read_lock_info(self.db_path)

    def acquire(self, purpose: str = "") -> DatabaseLock:
        """Take the lock or raise DatabaseInUse naming its holder; returns self for ``with``."""
        if self._held:
            raise RuntimeError("this DatabaseLock object already holds the lock")
        with _registry_guard:
            entry = _registry.get(self._key)
            if entry is not None and entry.pid == os.getpid():
                entry.count += 1
            else:
                if entry is not None:
                    # Inherited through fork(): the parent's lock, not ours. Closing our copy
                    # of the descriptor would not release it, but unlinking would; forget it.
                    del _registry[self._key]
                _registry[self._key] = self._take(purpose)
        self._held = True
        return self

    def release(self) -> None:
        """Give the lock back (the file is removed when the last holder in this process lets go)."""
        if not self._held:
            return
        self._held = False
        with _registry_guard:
            entry = _registry.get(self._key)
            if entry is None or entry.pid != os.getpid():
                return
            entry.count -= 1
            if entry.count > 0:
                return
            del _registry[self._key]
            _let_go(entry, self.path)

    def __enter__(self) -> DatabaseLock:
        if not self._held:
            self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _take(self, purpose: str) -> _Held:
        info = LockInfo(
            pid=os.getpid(),
            hostname=socket.gethostname(),
            app=self._app,
            started=dt.datetime.now().replace(microsecond=0),
            purpose=purpose,
            version=__version__,
        )
        for _attempt in range(_ATTEMPTS):
            created = True
            try:
                # os.open descriptors are not inherited by child processes (PEP 446), so a
                # program the GUI starts cannot keep the lock alive after VetDesk exits.
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, 0o644)
            except FileExistsError:
                created = False
                try:
                    fd = os.open(self.path, os.O_RDWR | _BINARY)
                except FileNotFoundError:
                    continue  # released between the two calls
                except OSError as exc:
                    raise self._file_error(exc) from exc
            except OSError as exc:
                raise self._file_error(exc) from exc
            try:
                outcome = _os_lock(fd)
            except BaseException:
                os.close(fd)
                raise
            if outcome is _Outcome.HELD:
                os.close(fd)
                raise DatabaseInUse(holder=read_lock_info(self.db_path))
            if outcome is _Outcome.LOCKED:
                if not _same_file(fd, self.path):
                    # The holder removed the file after we opened it: we locked an orphan.
                    _os_unlock(fd)
                    os.close(fd)
                    continue
                return self._record(fd, info, os_locked=True)
            # No OS locks on this file system: the exclusive creation is the lock.
            if created:
                return self._record(fd, info, os_locked=False)
            os.close(fd)
            holder = read_lock_info(self.db_path)
            if not _is_stale(holder, self.path):
                raise DatabaseInUse(holder=holder)
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        raise DatabaseInUse(holder=read_lock_info(self.db_path))

    def _record(self, fd: int, info: LockInfo, *, os_locked: bool) -> _Held:
        try:
            _write_record(fd, info)
        except OSError as exc:
            entry = _Held(fd, 1, info.pid, info, os_locked)
            _let_go(entry, self.path)
            raise self._file_error(exc) from exc
        return _Held(fd, 1, info.pid, info, os_locked)

    def _file_error(self, exc: OSError) -> LockFileError:
        return LockFileError(
            _("无法创建数据库锁文件 {path}：{err}").format(path=self.path, err=exc.strerror or exc)
        )


def _let_go(entry: _Held, path: Path) -> None:
    if sys.platform == "win32":
        # Windows cannot delete an open file: unlock and close first. If another process
        # opens the file in between, the delete fails harmlessly and it finds the lock free.
        if entry.os_locked:
            _os_unlock(entry.fd)
        os.close(entry.fd)
        with contextlib.suppress(OSError):
            path.unlink()
        return
    # Unlink while still locked: a process that opened the old file meanwhile notices
    # (_same_file) that what it then locks is no longer the lock file.
    if _same_file(entry.fd, path):
        with contextlib.suppress(OSError):
            path.unlink()
    os.close(entry.fd)
