"""Sequence numbers kept beside the key as well as in the database.

Packages and task packages number themselves per period; the number must only grow.
A database restored from an older backup would forget the numbers it used, so the
highest one is also kept in a small file in the unit's key folder, and the next
number is one more than the larger of the two.
"""

from __future__ import annotations

import json
from pathlib import Path

from vetdesk.signing.keystore import key_folder


def _path(unit_code: str, file_name: str) -> Path:
    return key_folder(unit_code) / file_name


def remembered_seq(unit_code: str, year: int, file_name: str) -> int:
    """The highest number remembered for a period (0 when none, or the file is unreadable)."""
    try:
        data = json.loads(_path(unit_code, file_name).read_text(encoding="utf-8"))
        return int(data.get(str(year), 0))
    except (OSError, ValueError, AttributeError):
        return 0


def remember_seq(unit_code: str, year: int, seq: int, file_name: str) -> None:
    """Record that a number was used (never lowering what is remembered)."""
    path = _path(unit_code, file_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[str(year)] = max(seq, int(data.get(str(year), 0)))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)
