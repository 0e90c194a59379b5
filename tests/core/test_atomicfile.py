"""The one atomic-replace helper that workbooks, key files and raw backups are written with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vetdesk.atomicfile import NoTempFile, replace_atomically
from vetdesk.packages.sequence import remember_seq, remembered_seq
from vetdesk.workbook.atomic import WriteFailed, write_atomically


def test_the_new_file_replaces_the_old_and_no_temp_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    replace_atomically(target, lambda tmp: tmp.write_text("new") and None, mode=0o640)
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failing_check_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")

    def refuse(tmp: Path) -> None:
        assert tmp.read_text() == "new" and tmp.parent == tmp_path
        raise ValueError("checked and refused")

    with pytest.raises(ValueError, match="refused"):
        replace_atomically(
            target, lambda tmp: tmp.write_text("new") and None, before_replace=refuse
        )
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_move_that_refuses_to_overwrite_keeps_the_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "key"
    target.write_text("first")

    def no_clobber(tmp: Path, final: Path) -> None:
        if final.exists():
            raise FileExistsError(final)
        os.replace(tmp, final)

    with pytest.raises(FileExistsError):
        replace_atomically(target, lambda tmp: tmp.write_text("second") and None, move=no_clobber)
    assert target.read_text() == "first" and list(tmp_path.iterdir()) == [target]


def test_no_temp_file_is_said_as_such(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "a.txt"
    with pytest.raises(NoTempFile):
        replace_atomically(missing, lambda tmp: None)
    # The exchange wrapper turns it into a message naming the folder.
    (tmp_path / "ro").mkdir()
    if os.name == "posix" and os.geteuid() != 0:
        (tmp_path / "ro").chmod(0o500)
        with pytest.raises(WriteFailed, match="只读或已满"):
            write_atomically(tmp_path / "ro" / "x.xlsx", lambda tmp: None)


def test_the_sequence_file_is_replaced_without_a_fixed_temp_name(tmp_path: Path) -> None:
    # It used to be written to "<name>.tmp" and renamed: two writers shared one temp file.
    from vetdesk.signing.keystore import key_folder

    key_folder("630223").mkdir(parents=True, exist_ok=True)
    remember_seq("630223", 2025, 3, "package-seq.json")
    remember_seq("630223", 2025, 2, "package-seq.json")
    assert remembered_seq("630223", 2025, "package-seq.json") == 3
    assert [p.name for p in key_folder("630223").iterdir()] == ["package-seq.json"]
