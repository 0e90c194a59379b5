"""Helpers that build real .xlsx files for the import tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from vetdesk.workbook.schema import SheetSpec

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; scripts/dev.py installs it when run as root",
)


def fill_sheet(
    path: Path,
    spec: SheetSpec,
    rows: list[dict[str, object]],
    *,
    keep_existing: bool = False,
    header: list[str] | None = None,
) -> None:
    """Write rows (by column key, raw cell values) into a sheet of an existing workbook."""
    wb = openpyxl.load_workbook(path)
    ws = wb[spec.sheet_title]
    headers = header or [c.header_text for c in spec.columns]
    if not keep_existing:
        ws.delete_rows(1, ws.max_row)
        ws.append(headers)
    keys = {c.header_text: c.key for c in spec.columns}
    for row in rows:
        ws.append([row.get(keys.get(h, h)) for h in headers])
    wb.save(path)


def resave_with_libreoffice(source: Path, folder: Path) -> Path:
    """Open and save a workbook with LibreOffice Calc, as a second, independent Excel client."""
    assert SOFFICE is not None
    out = folder / "lo-out"
    out.mkdir(exist_ok=True)
    profile = folder / "lo-profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    target = out / source.name
    assert result.returncode == 0 and target.exists(), result.stderr + result.stdout
    return target


def convert_with_libreoffice(
    source: Path, folder: Path, fmt: str
) -> subprocess.CompletedProcess[str]:
    """Convert a workbook to another format headlessly (fails on a repair prompt or damage)."""
    assert SOFFICE is not None
    profile = folder / "lo-profile"
    return subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(folder / "lo-conv"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
