"""Writing a file so that a crash leaves either the old complete file or the new one."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from vetdesk.errors import InputRejected
from vetdesk.i18n import _


class WriteFailed(InputRejected):
    """The target could not be written (open in Excel, read-only, disk full, …)."""

    code = "write_failed"


def _fsync_dir(folder: Path) -> None:
    # On POSIX the rename itself is only durable once the folder is synced; Windows
    # has no directory handles to sync and MoveFileEx flushes on its own.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


STALE_AFTER_SECONDS = 24 * 3600


def remove_stale_temp_files(target: Path) -> int:
    """Remove temporary files an interrupted write of ``target`` left behind (older than a day)."""
    # A crash between writing and renaming leaves ".<name>.<random>.tmp"; a day-old one
    # cannot belong to a write still in progress.
    removed = 0
    now = time.time()
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_AFTER_SECONDS:
                leftover.unlink()
                removed += 1
    return removed


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes its file readable by its owner only (0600), which is right for secrets but
# not for the packages, workbooks and reports people hand on: they get the mode any new
# file gets. Read once, at import, while no other thread creates files.
_SHARED_FILE_MODE = 0o666 & ~_read_umask() if os.name == "posix" else None


def write_atomically(
    target: Path,
    write: Callable[[Path], None],
    before_replace: Callable[[Path], None] | None = None,
) -> None:
    """Call ``write(tmp_path)``, fsync it, run ``before_replace(tmp_path)``, then move it over ``target``.

    ``before_replace`` may check the written file or commit related database changes;
    if it raises, the target is left as it was.
    """
    folder = target.parent
    if not folder.is_dir():
        raise WriteFailed(_("保存位置不存在：{folder}").format(folder=folder))
    remove_stale_temp_files(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteFailed(
            _("无法在 {folder} 中写入文件：{err}。请检查该位置是否只读或已满。").format(
                folder=folder, err=exc.strerror or exc
            )
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            if _SHARED_FILE_MODE is not None:
                os.fchmod(fh.fileno(), _SHARED_FILE_MODE)
            os.fsync(fh.fileno())
        if before_replace is not None:
            before_replace(tmp)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise WriteFailed(
                _("无法覆盖 {name}：文件可能正在 Excel/WPS 中打开，请关闭后重试。").format(
                    name=target.name
                )
            ) from exc
        _fsync_dir(folder)
    except OSError as exc:
        raise WriteFailed(
            _("写入 {name} 失败：{err}。请检查磁盘空间和写入权限。").format(
                name=target.name, err=exc.strerror or exc
            )
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def temp_space_errors(target: Path) -> Iterator[None]:
    """Turn an OSError while building a file in the temp folder into a clear WriteFailed."""
    try:
        yield
    except WriteFailed:
        raise
    except OSError as exc:
        raise WriteFailed(
            _("生成 {name} 时写入临时文件失败：磁盘空间不足或临时文件夹不可写（{err}）。").format(
                name=target.name, err=exc.strerror or exc
            )
        ) from exc
