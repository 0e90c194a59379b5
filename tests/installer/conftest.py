"""The Linux freeze, made once per test session and shared by the freeze and .deb tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LinuxBuild:
    """What installer/build_linux.sh --no-installer printed, and where the build is."""

    returncode: int
    output: str
    payload: Path


@pytest.fixture(scope="session")
def linux_build() -> LinuxBuild:
    """Freeze with installer/build_linux.sh once: the slowest step of the installer tests."""
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(ROOT / "installer" / "build_linux.sh"), "--no-installer"],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
        check=False,
    )
    return LinuxBuild(result.returncode, result.stdout + result.stderr, ROOT / "dist" / "vetdesk")
