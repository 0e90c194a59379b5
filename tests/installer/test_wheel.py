"""``python -m build`` makes a wheel and an sdist that carry every resource, and the wheel runs.

The wheel is installed into a fresh virtual environment (its dependencies from the hashed
runtime lock) and ``vetdesk --self-test`` runs there, outside the repository, so nothing
can come from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


# Compiled by the build from the committed .po (a build output, never in the repository).
COMPILED = {"i18n/en/LC_MESSAGES/vetdesk.mo"}


def _resource_names() -> set[str]:
    """The repository's resource files (without any catalogue compiled in the checkout)."""
    return {
        p.relative_to(RESOURCES).as_posix()
        for p in RESOURCES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".mo"
    }


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the locked setuptools of this environment builds, nothing is fetched.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_wheel_carries_every_resource_inside_the_package(dists: Path) -> None:
    [wheel] = dists.glob("vetdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packaged = {
        n.removeprefix("vetdesk/resources/") for n in names if n.startswith("vetdesk/resources/")
    }
    assert packaged == _resource_names() | COMPILED
    mo = zipfile.ZipFile(wheel).read("vetdesk/resources/i18n/en/LC_MESSAGES/vetdesk.mo")
    assert b"Schools" in mo and "学校".encode() in mo
    assert "vetdesk/db/migrations/env.py" in names
    assert not any(n.startswith("resources/") for n in names)


def test_sdist_carries_the_top_level_resources(dists: Path) -> None:
    [sdist] = dists.glob("vetdesk-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"resources/{name}" for name in _resource_names()} <= names
    assert not any(name.endswith(".mo") for name in names)  # the wheel build compiles them
    assert "babel.cfg" in names
    assert {"setup.py", "pyproject.toml", "requirements/runtime.txt"} <= names


# Installing PySide6 and the rest into a fresh environment takes 5-6 minutes on the shared
# 2-core machine (mostly unpacking); the contents tests above run every time.
@pytest.mark.slow
def test_installed_wheel_passes_its_self_test(dists: Path, tmp_path: Path) -> None:
    [wheel] = dists.glob("vetdesk-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    lock = ROOT / "requirements" / "runtime.txt"
    subprocess.run([*pip, "--require-hashes", "-r", str(lock)], check=True, timeout=1800)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, timeout=600)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VETDESK_RESOURCES")
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [str(bin_dir / "vetdesk"), "--self-test"],
        cwd=tmp_path,  # not the repository: its resources/ and vetdesk/ must not be seen
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SELF-TEST PASSED" in output
    site = subprocess.run(
        [str(python), "-c", "import vetdesk.paths as p; print(p.resources_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The resources come from the installed package, not from the checkout.
    assert Path(site).is_relative_to(env_dir), site
    assert "ok   shipped resources" in output


def test_self_test_names_missing_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vetdesk.paths import REQUIRED_RESOURCES, missing_resources

    assert missing_resources() == []  # the checkout has them all
    monkeypatch.setenv("VETDESK_RESOURCES", str(tmp_path))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "units.json").write_text("{}", "utf-8")
    expected = ["/".join(parts) for parts in REQUIRED_RESOURCES if parts != ("data", "units.json")]
    assert missing_resources() == expected
