"""The .deb for 统信UOS / 银河麒麟 / Debian: its parts, and the whole package built and checked."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.installer.conftest import LinuxBuild

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(INSTALLER))
    spec = importlib.util.spec_from_file_location(name, INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_deb = _load("make_deb")
needs_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system")


# ---------------------------------------------------------------- versions and metadata


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", "0.1.0"), ("2.0.1rc1", "2.0.1~rc1"), ("1.2b3", "1.2~b3"), ("1.0.dev4", "1.0~dev4")],
)
def test_debian_version_spelling(version: str, expected: str) -> None:
    assert make_deb.debian_version(version) == expected


@needs_dpkg
def test_prerelease_sorts_before_release_for_dpkg() -> None:
    """An rc installed before the release is upgraded by it, not the other way round."""
    rc, final = make_deb.debian_version("2.0.1rc1"), make_deb.debian_version("2.0.1")
    result = subprocess.run(["dpkg", "--compare-versions", rc, "lt", final], check=False)
    assert result.returncode == 0


def test_debian_version_refuses_what_it_cannot_order() -> None:
    with pytest.raises(ValueError, match=r"1\.2\.3rc1"):
        make_deb.debian_version("1.2-local")


def test_uos_info_file() -> None:
    """UOS rules §3.1: appid, name, four numeric version parts, arch list, no permissions."""
    info = json.loads(make_deb.info_json("2.0.1rc1", "arm64"))
    assert info["appid"] == make_deb.APPID == "com.haidongedu.vetdesk"
    assert info["version"] == "2.0.1.0"
    assert info["arch"] == ["arm64"]
    assert info["permissions"] and not any(info["permissions"].values())


def test_control_file_fields() -> None:
    text = make_deb.control_text(
        version="0.1.0", arch="amd64", depends=["libc6 (>= 2.34)", "libegl1"], size_kib=1234
    )
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "vetdesk"
    assert fields["Architecture"] == "amd64"
    assert fields["Depends"] == "libc6 (>= 2.34), libegl1"
    assert fields["Recommends"] == "fonts-noto-cjk"
    assert fields["Installed-Size"] == "1234"
    assert "职教数据台" in text


# ---------------------------------------------------------------- desktop entry


def _desktop_entry(tmp_path: Path) -> Path:
    template = (INSTALLER / "deb" / "vetdesk.desktop.in").read_text(encoding="utf-8")
    path = tmp_path / f"{make_deb.APPID}.desktop"
    path.write_text(
        template.replace("@APPID@", make_deb.APPID).replace("@EXEC@", "/usr/bin/vetdesk"),
        encoding="utf-8",
    )
    return path


def test_desktop_entry_names_in_chinese_and_english(tmp_path: Path) -> None:
    lines = _desktop_entry(tmp_path).read_text(encoding="utf-8").splitlines()
    entry = dict(line.split("=", 1) for line in lines if "=" in line)
    assert entry["Name"] == "VetDesk"
    assert entry["Name[zh_CN]"] == "职教数据台"
    assert entry["Comment"].startswith("Record vocational-education data")
    assert "核验" in entry["Comment[zh_CN]"]
    assert entry["Icon"] == make_deb.APPID
    assert "@" not in "".join(lines)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_validates(tmp_path: Path) -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(_desktop_entry(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout, result.stdout


# ---------------------------------------------------------------- dependencies


@needs_dpkg
def test_dependencies_of_the_xcb_plugin_are_its_system_libraries() -> None:
    """The X11 platform plugin's direct links: xcb libraries from Debian, Qt from the bundle."""
    import PySide6

    bundle = Path(PySide6.__file__).resolve().parent
    plugin = bundle / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    libraries, missing = make_deb.system_libraries([plugin], bundle)
    assert not missing
    assert not any("Qt6" in path.name for path in libraries)  # the bundle carries Qt
    packages = set(make_deb.owning_packages(libraries).values())
    assert {"libxcb-cursor0", "libx11-xcb1", "libxkbcommon-x11-0"} <= packages


@needs_dpkg
def test_unknown_library_file_is_refused(tmp_path: Path) -> None:
    """A library no package ships cannot be declared: the build stops and names it."""
    stray = tmp_path / "libstray.so.1"
    stray.write_bytes(b"\x7fELF")
    with pytest.raises(SystemExit, match="libstray"):
        make_deb.owning_packages([stray])


def test_glibc_floor_is_the_highest_symbol_version(tmp_path: Path) -> None:
    (tmp_path / "a.so").write_bytes(b"\x7fELF..GLIBC_2.17\0GLIBC_2.34\0")
    (tmp_path / "b.so").write_bytes(b"\x7fELF..GLIBC_2.28\0GLIBC_2.3.4\0")
    assert make_deb.glibc_floor([tmp_path / "a.so", tmp_path / "b.so"]) == (2, 34)


# ---------------------------------------------------------------- the whole package


def _can_install() -> str | None:
    if shutil.which("dpkg") is None:
        return "not a Debian system"
    if os.geteuid() != 0:
        return "installing a .deb needs root (CI runs the tests as root)"
    for tool in ("lintian", "desktop-file-validate", "setpriv", "readelf"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (scripts/dev.py installs it as root)"
    return None


@pytest.mark.skipif(_can_install() is not None, reason=str(_can_install()))
def test_deb_builds_installs_runs_and_removes_cleanly(linux_build: LinuxBuild) -> None:
    """build_deb.sh on the session's freeze: lintian, dpkg -i, run as a user, dpkg -r/-P."""
    assert linux_build.returncode == 0, "the freeze failed:\n" + linux_build.output
    screenshot = ROOT / "build" / "deb-check" / "vetdesk.png"
    screenshot.unlink(missing_ok=True)
    result = subprocess.run(
        ["bash", str(INSTALLER / "build_deb.sh"), "--payload", str(linux_build.payload)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=dict(os.environ, PYTHON=sys.executable),
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ALL CHECKS PASSED" in output
    assert "FAIL" not in output

    version = make_deb.debian_version(make_deb.read_version())
    deb = ROOT / "dist" / f"vetdesk_{version}_{make_deb.host_architecture()}.deb"
    assert deb.stat().st_size <= 90_000_000
    control = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Depends", "Recommends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # PyInstaller copies most libraries into the bundle; never libc, the OpenGL/EGL dispatch
    # libraries or libxcb (its exclude list), so those must be declared.
    for package in ("libc6 (>= ", "libegl1", "libgl1", "libxcb1", "fonts-noto-cjk"):
        assert package in control

    from PIL import Image

    with Image.open(screenshot) as image:
        assert image.width >= 800 and image.height >= 500
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # a drawn window, not a blank frame
