"""Files VetDesk hands on (packages, workbooks, reports, public keys) get ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from vetdesk.workbook.atomic import write_atomically


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_written_file_has_the_mode_of_any_new_file(tmp_path):
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x", encoding="utf-8")
    target = tmp_path / "package.xlsx"
    write_atomically(target, lambda tmp: tmp.write_bytes(b"data"))
    assert target.read_bytes() == b"data"
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode == stat.S_IMODE(ordinary.stat().st_mode)
    assert mode & stat.S_IRGRP, "others on the machine (or a file share) can read it"
