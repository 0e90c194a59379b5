#!/usr/bin/env python3
"""Rewrite the hashed dependency locks in ``requirements/`` from ``pyproject.toml`` with uv.

Three locks, each complete for its use and installed with ``pip --require-hashes``:

- ``runtime.txt``: what an installed VetDesk needs (``[project] dependencies``);
- ``test.txt``: runtime plus the ``test`` extra (what ``scripts/dev.py`` installs);
- ``build.txt``: runtime plus the ``build`` extra (what the installer builds install).

The test and build locks are constrained by the runtime lock, so a package they share has
one version everywhere. Only direct dependencies are named (in ``pyproject.toml``); the
rest (mypy's own helpers, for instance) are pinned because pip's hash mode needs every
package of the install pinned, and the lock says which direct dependency pulls each in.
``--universal`` resolves for every platform at once, so the Windows installer build finds
its Windows-only packages (pywin32-ctypes, pefile, colorama) in the same files.

uv itself is pinned with hashes in ``tools.txt`` (from ``tools.in``) and installed into
``.venv`` before it runs. Usage::

    python3 scripts/update_locks.py            # keep today's versions, follow pyproject.toml
    python3 scripts/update_locks.py --upgrade  # move every pin to the newest allowed version
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "requirements"
BIN = ROOT / ".venv" / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
MIN_PYTHON = "3.11"  # requires-python of pyproject.toml
COMMAND = "python3 scripts/update_locks.py"


def compile_lock(
    source: str, output: str, *, extra: str | None = None, upgrade: bool = False
) -> None:
    """Run ``uv pip compile`` for one lock file."""
    cmd = [
        str(PYTHON),
        "-m",
        "uv",
        "pip",
        "compile",
        source,
        "--output-file",
        f"requirements/{output}",
        "--generate-hashes",
        "--universal",
        "--python-version",
        MIN_PYTHON,
        "--custom-compile-command",
        COMMAND,
        "--quiet",
    ]
    if extra:
        cmd += ["--extra", extra, "--constraint", "requirements/runtime.txt"]
    if upgrade:
        cmd.append("--upgrade")
    subprocess.run(cmd, check=True, cwd=ROOT)


def main() -> int:
    """Install the pinned uv and rewrite the four lock files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="move pins to the newest versions")
    args = parser.parse_args()
    if not PYTHON.exists():
        sys.exit("run `python3 scripts/dev.py test` once first: it creates .venv")
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps"]
    subprocess.run([*pip, "-r", str(LOCKS / "tools.txt")], check=True)
    compile_lock("requirements/tools.in", "tools.txt", upgrade=args.upgrade)
    compile_lock("pyproject.toml", "runtime.txt", upgrade=args.upgrade)
    compile_lock("pyproject.toml", "test.txt", extra="test", upgrade=args.upgrade)
    compile_lock("pyproject.toml", "build.txt", extra="build", upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
