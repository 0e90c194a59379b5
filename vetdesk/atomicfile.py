"""The one way VetDesk replaces a file: a crash leaves either the old complete file or the new one.

Workbooks and packages (:mod:`vetdesk.workbook.atomic` adds user-facing messages), key
files and key state (:mod:`vetdesk.signing.keys`), and the raw copies of a damaged database
(:mod:`vetdesk.db.backup`) are all written through :func:`replace_atomically`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

Move = Callable[[Path, Path], None]


class NoTempFile(OSError):
    """The folder refused the temp file (read-only, full): nothing was written at all."""


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows' MoveFileEx flushes on its own)."""
    if os.name != "posix":
        return
    # Some file systems (network shares, some USB sticks) cannot sync a folder: the file is
    # already in place by then, so that must not turn a finished write into a failure.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)


def replace_atomically(
    target: Path,
    write: Callable[[Path], None],
    *,
    mode: int | None = None,
    before_replace: Callable[[Path], None] | None = None,
    move: Move = _replace,
) -> None:
    """Call ``write(tmp)`` on a temp file beside ``target``, fsync it, and move it into place.

    ``mode`` sets the file's permissions (POSIX; mkstemp's own is 0600); ``before_replace``
    may check the written file or commit related changes, and if it raises the target is
    left as it was; ``move`` replaces by default (a caller may refuse to overwrite). The temp
    file, named ``.<target name>.<random>.tmp``, never outlives the call. OSError propagates.
    """
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise NoTempFile(exc.errno, exc.strerror, str(target.parent)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            if mode is not None and os.name == "posix":
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        if before_replace is not None:
            before_replace(tmp)
        move(tmp, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
