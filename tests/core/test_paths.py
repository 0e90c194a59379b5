"""``resources_dir()`` finds the shipped files in each layout VetDesk runs from."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vetdesk
import vetdesk.paths as paths

ROOT = Path(__file__).resolve().parents[2]

# A package folder of its own (as a wheel installs it, or PyInstaller unpacks it), outside the
# checkout and without site-packages (-S), so nothing can come from the source tree.
INSTALLED = """
import sys
sys.path.insert(0, sys.argv[1])
import vetdesk.paths as p
print(p.resources_dir())
print("importlib.resources" in sys.modules)
"""


def test_the_checkout_uses_its_top_level_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VETDESK_RESOURCES", raising=False)
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.missing_resources() == []


def test_an_installed_package_uses_its_own_resources_without_importlib_resources(
    tmp_path: Path,
) -> None:
    package = tmp_path / "vetdesk"
    package.mkdir()
    for name in ("__init__.py", "paths.py"):
        shutil.copy(Path(vetdesk.__file__).parent / name, package / name)
    (package / "resources" / "data").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-S", "-c", INSTALLED, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    found, imported = result.stdout.split()
    assert Path(found) == package / "resources"
    assert imported == "False"  # a plain folder needs no importlib.resources (first paint)


def test_a_package_that_is_no_folder_asks_importlib_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import resources

    monkeypatch.delenv("VETDESK_RESOURCES", raising=False)
    # Imported from an archive: the module's file is no path on disk.
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "app.zip" / "vetdesk" / "paths.pyc"))
    (tmp_path / "unpacked" / "resources").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda package: tmp_path / "unpacked")
    assert paths.resources_dir() == tmp_path / "unpacked" / "resources"
