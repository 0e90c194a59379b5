"""Run only PyInstaller's Analysis of installer/vetdesk.spec and check what the bundle would hold.

After Picard's scripts/package/check-cli-bundle.py (PICARD-3478): modules imported by
name (importlib) or loaded by path are invisible to static analysis, so this runs the
spec with PYZ/EXE/COLLECT replaced by no-ops and checks the Analysis result: every
vetdesk module, the dynamically used third-party modules and the data folders are in,
and the excluded Qt modules, Tk and other matplotlib backends are out. Run it from any
folder; it needs no display and builds nothing. Exit status 0 ok, 1 a check failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "vetdesk.spec"

# Loaded at run time by name or by the migration scripts, never imported statically.
REQUIRED_THIRD_PARTY = (
    "alembic.op",
    "alembic.ddl.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "matplotlib.backends.backend_agg",
)
# Prefixes that must not be bundled (see the spec's excludes).
FORBIDDEN_PREFIXES = (
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtNetworkAuth",
    "PySide6.QtSql",
    "PySide6.QtDesigner",
    "PySide6.QtWebEngine",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "_tkinter",
    "matplotlib.backends.backend_tk",
    "matplotlib.backends.backend_gtk",
    "matplotlib.backends.backend_wx",
    "matplotlib.backends.backend_webagg",
    "pytest",
    "hypothesis",
)
REQUIRED_DATA = (
    "vetdesk/resources/icons/vetdesk.ico",
    "vetdesk/db/migrations/env.py",
)


def source_modules(package_dir: Path = ROOT / "vetdesk") -> set[str]:
    """Return the dotted names of every module in the source tree, migrations excluded."""
    names = set()
    for path in package_dir.rglob("*.py"):
        relative = path.relative_to(package_dir.parent).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        names.add(".".join(parts))
    return names


def _extension_module_name(dest: str) -> str:
    """Return the module name of an extension's bundle path (``PySide6/QtCore.abi3.so``)."""
    path = PurePosixPath(dest.replace("\\", "/"))
    return ".".join([*path.parent.parts, path.name.split(".")[0]])


def run_analysis() -> Any:
    """Run the spec with only Analysis active and return the Analysis object."""
    import PyInstaller.__main__
    from PyInstaller.building import build_main

    captured: list[Any] = []
    original = build_main.Analysis

    class RecordingAnalysis(original):  # type: ignore[misc, valid-type]
        """Analysis that keeps a reference to itself."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            captured.append(self)

    class Skipped:
        """Stand-in for the build steps that write files (PYZ, EXE, COLLECT)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

    with (
        tempfile.TemporaryDirectory(prefix="vetdesk-analysis-") as tmp,
        mock.patch.object(build_main, "Analysis", RecordingAnalysis),
        mock.patch.object(build_main, "PYZ", Skipped),
        mock.patch.object(build_main, "EXE", Skipped),
        mock.patch.object(build_main, "COLLECT", Skipped),
    ):
        PyInstaller.__main__.run(
            ["--noconfirm", "--log-level", "ERROR", "--workpath", tmp, "--distpath", tmp, str(SPEC)]
        )
    if len(captured) != 1:
        raise RuntimeError(f"expected one Analysis in {SPEC}, got {len(captured)}")
    return captured[0]


def check(analysis: Any) -> list[str]:
    """Return the problems found in an Analysis result (empty when all is well)."""
    pure = {entry[0] for entry in analysis.pure}
    extensions = {
        _extension_module_name(entry[0]) for entry in analysis.binaries if entry[2] == "EXTENSION"
    }
    modules = pure | extensions
    datas = {entry[0].replace("\\", "/") for entry in analysis.datas}
    problems = []
    for name in sorted(source_modules() - modules):
        problems.append(f"vetdesk module not bundled: {name}")
    for name in REQUIRED_THIRD_PARTY:
        if name not in modules:
            problems.append(f"required module not bundled: {name}")
    for name in sorted(modules):
        if name.startswith(FORBIDDEN_PREFIXES):
            problems.append(f"excluded module bundled anyway: {name}")
    for name in REQUIRED_DATA:
        if name not in datas:
            problems.append(f"data file not bundled: {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the Analysis and print the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    analysis = run_analysis()
    problems = check(analysis)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    if problems:
        print(f"Fix the hiddenimports/excludes/datas in {SPEC.relative_to(ROOT)}", file=sys.stderr)
        return 1
    vetdesk_count = len(source_modules())
    print(
        f"OK: {vetdesk_count} vetdesk modules, {len(analysis.pure)} pure modules, "
        f"{len(analysis.binaries)} binaries, {len(analysis.datas)} data files"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
