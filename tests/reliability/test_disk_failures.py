"""Full disks and read-only files: a clear message, the old file kept, the database unchanged."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import (
    PASSPHRASE,
    YEAR,
    checkpoint,
    content_digest,
    copy_db,
    drop_file_permission_override,
    integrity_problems,
    load_sql_dump,
    main_file_bytes,
    read_only_works,
    run_cli,
    temp_leftovers,
)
from rel_world import World

from vetdesk.db.database import open_database
from vetdesk.errors import VetDeskError
from vetdesk.packages.county import export_package
from vetdesk.workbook.atomic import WriteFailed
from vetdesk.workbook.export import export_period

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and limits")


def _no_space(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def county(world: World, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A county database and an older export already at the target."""
    path = copy_db(world.county, tmp_path / "county.db")
    target = tmp_path / "out" / "互助县-2025.xlsx"
    target.parent.mkdir()
    target.write_bytes(world.workbook_b.read_bytes())
    yield path, target


def _fail_after(count: int) -> Any:
    calls = {"n": 0}
    plain = zipfile.ZipFile.writestr

    def writestr(self: zipfile.ZipFile, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > count:
            _no_space()
        return plain(self, *args, **kwargs)

    return writestr


@pytest.mark.parametrize("where", ["while writing", "at fsync"])
def test_export_to_a_full_disk_keeps_the_old_file(
    county: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path, target = county
    old = target.read_bytes()
    before = content_digest(path)
    db = open_database(path)
    try:
        if where == "while writing":
            # Part of the workbook reaches the disk, then the disk is full.
            monkeypatch.setattr(zipfile.ZipFile, "writestr", _fail_after(3))
        else:
            # Delayed allocation: the file system reports the full disk only at fsync.
            monkeypatch.setattr(os, "fsync", _no_space)
        with pytest.raises(WriteFailed) as info:
            export_period(db, YEAR, target, draft=True)
    finally:
        monkeypatch.undo()
        db.close()
    assert "磁盘空间" in info.value.message and target.name in info.value.message
    assert target.read_bytes() == old
    assert temp_leftovers(target.parent) == []
    assert content_digest(path) == before


def test_signed_export_to_a_full_disk_records_nothing(
    county: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, target = county
    old = target.read_bytes()
    before = content_digest(path)
    db = open_database(path)
    try:
        monkeypatch.setattr(zipfile.ZipFile, "writestr", _fail_after(5))
        with pytest.raises(WriteFailed):
            export_package(db, YEAR, target, PASSPHRASE)
    finally:
        monkeypatch.undo()
        db.close()
    assert target.read_bytes() == old
    assert temp_leftovers(target.parent) == []
    assert content_digest(path) == before  # no package recorded that was never written


def test_full_temp_folder_during_export_is_a_clear_refusal(
    county: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl.worksheet._writer as sheet_writer

    path, target = county
    old = target.read_bytes()
    db = open_database(path)
    try:
        monkeypatch.setattr(sheet_writer, "create_temporary_file", _no_space)
        with pytest.raises(VetDeskError) as info:
            export_period(db, YEAR, target, draft=True)
    finally:
        monkeypatch.undo()
        db.close()
    assert "磁盘空间" in info.value.message
    assert target.read_bytes() == old


@posix_only
def test_export_into_a_read_only_folder_says_so(world: World, tmp_path: Path) -> None:
    path = copy_db(world.county, tmp_path / "county.db")
    folder = tmp_path / "U盘"
    folder.mkdir()
    target = folder / "互助县-2025.xlsx"
    target.write_bytes(world.workbook_b.read_bytes())
    old = target.read_bytes()
    os.chmod(target, 0o444)
    os.chmod(folder, 0o555)
    try:
        if not read_only_works(target):
            pytest.skip(
                "this process may write read-only files (root without droppable capabilities)"
            )
        data = tmp_path / "data"
        data.mkdir()
        result = run_cli(
            ["export", "--db", str(path), "--period", str(YEAR), "--out", str(target), "--draft"],
            data,
            preexec_fn=drop_file_permission_override,
        )
    finally:
        os.chmod(folder, 0o755)
        os.chmod(target, 0o644)
    assert result.returncode == 1, result.stdout[-1000:] + result.stderr[-1000:]
    assert "Traceback" not in result.stderr
    assert "只读" in result.stderr, result.stderr[-1000:]
    assert target.read_bytes() == old
    assert temp_leftovers(folder) == []


# --------------------------------------------------------------------------- the database file


@pytest.fixture(scope="module")
def read_only_import(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bytes, subprocess.CompletedProcess[str]]:
    """``vetdesk import`` into a database file that is read-only (run once for the module)."""
    folder = tmp_path_factory.mktemp("read-only")
    path = copy_db(world.county, folder / "只读.db")
    checkpoint(path)
    before = main_file_bytes(path)
    os.chmod(path, 0o444)
    if not read_only_works(path):
        os.chmod(path, 0o644)
        pytest.skip("this process may write read-only files (root without droppable capabilities)")
    data = folder / "data"
    data.mkdir()
    result = run_cli(
        ["import", "--db", str(path), str(world.workbook_a)],
        data,
        preexec_fn=drop_file_permission_override,
    )
    return path, before, result


@posix_only
def test_read_only_database_is_left_unchanged(
    read_only_import: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    path, before, result = read_only_import
    assert result.returncode != 0, result.stdout[-2000:]
    os.chmod(path, 0o644)
    assert integrity_problems(path) == []
    assert main_file_bytes(path) == before


@posix_only
def test_read_only_database_gives_a_clear_message(
    read_only_import: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    _path, _before, result = read_only_import
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "只读" in result.stderr


@pytest.fixture(scope="module")
def read_only_old_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, bytes, subprocess.CompletedProcess[str]]:
    """``vetdesk check`` on a read-only database saved by 0.1.0 (it needs a schema upgrade)."""
    folder = tmp_path_factory.mktemp("read-only-old")
    path = load_sql_dump(SCHEMAS / "0002-county.sql", folder / "去年.db")
    before = main_file_bytes(path)
    os.chmod(path, 0o444)
    if not read_only_works(path):
        os.chmod(path, 0o644)
        pytest.skip("this process may write read-only files (root without droppable capabilities)")
    data = folder / "data"
    data.mkdir()
    result = run_cli(
        ["check", "--db", str(path), "--period", str(YEAR)],
        data,
        preexec_fn=drop_file_permission_override,
    )
    return path, before, result


@posix_only
def test_read_only_old_database_is_left_unchanged(
    read_only_old_database: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    path, before, result = read_only_old_database
    assert result.returncode != 0
    os.chmod(path, 0o644)
    assert integrity_problems(path) == []
    assert main_file_bytes(path) == before  # still the 0.1.0 schema, nothing half-migrated


@posix_only
def test_read_only_old_database_gives_a_clear_message(
    read_only_old_database: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    _path, _before, result = read_only_old_database
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "只读" in result.stderr


@pytest.fixture(scope="module")
def full_disk_import(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bytes, subprocess.CompletedProcess[str]]:
    """``vetdesk import`` where the file system lets the database grow by only 8 KiB."""
    folder = tmp_path_factory.mktemp("full-disk")
    path = copy_db(world.county, folder / "county.db")
    checkpoint(path)
    before = main_file_bytes(path)
    limit = path.stat().st_size + 8 * 1024  # the backup (same size) fits, the WAL does not

    def small_disk() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    data = folder / "data"
    data.mkdir()
    result = run_cli(
        ["import", "--db", str(path), str(world.workbook_a)], data, preexec_fn=small_disk
    )
    return path, before, result


@posix_only
def test_database_write_failure_leaves_the_database_unchanged(
    full_disk_import: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    path, before, result = full_disk_import
    assert result.returncode != 0, "the import should not have fitted"
    assert integrity_problems(path) == []
    assert main_file_bytes(path) == before


@posix_only
def test_database_write_failure_gives_a_clear_message(
    full_disk_import: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    _path, _before, result = full_disk_import
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "磁盘" in result.stderr
