"""scripts/dev.py: which Debian packages it checks and installs, as root and as a user."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """dev.py on a Debian machine where no package is installed; commands are recorded."""
    module = _load_dev()
    calls: list[list[str]] = []

    def run(cmd: list[str], *args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(list(cmd))
        return subprocess.CompletedProcess(cmd, 0, stdout="", stderr="")

    monkeypatch.setattr(module.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(module.subprocess, "run", run)
    module.calls = calls
    return module


@pytest.mark.parametrize("full", [False, True])
def test_a_user_is_told_which_packages_are_missing(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], full: bool
) -> None:
    """Not root: nothing is installed; each missing package is named with its use (full run too)."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("VETDESK_FULL", "1" if full else "0")
    dev.ensure_system_packages()
    out = capsys.readouterr().out
    assert "missing Debian package libreoffice-calc (tests that open exported workbooks" in out
    assert ("missing Debian package wine (the installer run under wine)" in out) == full
    assert not [c for c in dev.calls if c[0] == "apt-get"]


def test_root_installs_the_full_runs_packages_too(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("VETDESK_FULL", "1")
    dev.ensure_system_packages()
    (install,) = [c for c in dev.calls if c[:2] == ["apt-get", "install"]]
    assert {"wine", "wine64", "libreoffice-calc", "libegl1"} <= set(install)
