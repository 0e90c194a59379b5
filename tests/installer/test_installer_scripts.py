"""Checks of the Windows packaging scripts in installer/ that run on Linux."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.installer.conftest import LinuxBuild

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
NSI = INSTALLER / "vetdesk.nsi"
MAKENSIS = shutil.which("makensis")
needs_makensis = pytest.mark.skipif(
    MAKENSIS is None, reason="makensis not installed (Debian package: nsis)"
)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_version_info = _load("make_version_info")
make_manifest = _load("make_manifest")


def _stub_payload(folder: Path) -> Path:
    """A one-folder build stand-in: makensis only needs files to pack."""
    (folder / "_internal" / "resources" / "standards").mkdir(parents=True)
    (folder / "vetdesk.exe").write_bytes(b"MZ stub")
    (folder / "vetdesk-debug.exe").write_bytes(b"MZ stub")
    (folder / "_internal" / "resources" / "standards" / "规则集.json").write_text(
        "{}", encoding="utf-8"
    )
    make_manifest.write_manifest(folder)
    return folder


def _makensis(*defines: str, verbosity: str = "-V2") -> subprocess.CompletedProcess[str]:
    assert MAKENSIS is not None
    version = make_version_info.read_version()
    return subprocess.run(
        [MAKENSIS, verbosity, "-WX", f"-DVERSION={version}", *defines, str(NSI)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# ---------------------------------------------------------------- version resource


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.0.1rc1", (2, 0, 1, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
    ],
)
def test_numeric_version_has_four_parts(version: str, expected: tuple[int, int, int, int]) -> None:
    """Windows needs X.X.X.X; pre-release suffixes are dropped."""
    assert make_version_info.numeric_version(version) == expected


def test_version_resource_evaluates_with_package_version() -> None:
    """The generated text is a VSVersionInfo expression carrying vetdesk.__version__."""
    from vetdesk import __version__

    assert make_version_info.read_version() == __version__
    text = make_version_info.render(__version__, "vetdesk-debug.exe")
    calls: dict[str, list[tuple[tuple[object, ...], dict[str, object]]]] = {}

    def recorder(name: str):  # type: ignore[no-untyped-def]
        def record(*args: object, **kwargs: object) -> str:
            calls.setdefault(name, []).append((args, kwargs))
            return name

        return record

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ]
    eval(compile(text, "win-version-info.txt", "eval"), {n: recorder(n) for n in names})
    fixed = calls["FixedFileInfo"][0][1]
    assert fixed["filevers"] == fixed["prodvers"] == make_version_info.numeric_version(__version__)
    strings = {args[0]: args[1] for args, _ in calls["StringStruct"]}
    assert strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "vetdesk-debug.exe"
    assert strings["CompanyName"] == "HaidongEdu"


# ---------------------------------------------------------------- manifest and icon


def test_manifest_lists_files_then_folders_deepest_first(tmp_path: Path) -> None:
    """The uninstaller deletes files first, then only-empty folders from the deepest."""
    payload = _stub_payload(tmp_path / "payload")
    raw = (payload / "install-manifest.txt").read_bytes()
    assert not raw.startswith(b"\xff\xfe")  # FileReadUTF16LE input, no BOM needed
    lines = raw.decode("utf-16-le").split("\r\n")[:-1]
    assert lines == [
        "F _internal\\resources\\standards\\规则集.json",
        "F vetdesk-debug.exe",
        "F vetdesk.exe",
        "D _internal\\resources\\standards",
        "D _internal\\resources",
        "D _internal",
    ]


def test_icon_has_windows_sizes() -> None:
    """vetdesk.ico carries 16 to 256 px images; vetdesk.png exists for other uses."""
    from PIL import Image

    with Image.open(ROOT / "resources" / "icons" / "vetdesk.ico") as ico:
        sizes = {size[0] for size in ico.info["sizes"]}
    assert {16, 24, 32, 48, 64, 128, 256} <= sizes
    with Image.open(ROOT / "resources" / "icons" / "vetdesk.png") as png:
        assert png.size[0] >= 256


# ---------------------------------------------------------------- NSIS script


def test_uninstaller_never_removes_the_data_dir_outside_the_opt_in_section() -> None:
    """Recursive removal appears only in the unticked-by-default "remove my data" section."""
    text = NSI.read_text(encoding="utf-8")
    opt_in = re.search(
        r'Section /o "un\.\$\(VD_UNSEC_DATA\)" SecUnData\n(.*?)\nSectionEnd', text, re.S
    )
    assert opt_in is not None
    outside = text.replace(opt_in.group(0), "")
    for nsh in INSTALLER.glob("*.nsh"):
        outside += nsh.read_text(encoding="utf-8")
    assert "RMDir /r" not in outside
    assert "RMDir /r" in opt_in.group(1)
    assert 'RMDir /r "$INSTDIR' not in text


def test_nsi_is_per_user_64_bit() -> None:
    """The issue's install model: amd64-unicode, no elevation, %LOCALAPPDATA%\\Programs."""
    text = NSI.read_text(encoding="utf-8")
    assert re.search(r"^Target amd64-unicode$", text, re.M)
    assert re.search(r"^RequestExecutionLevel user$", text, re.M)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in text
    assert "HKLM" not in text


def test_nsi_offers_open_with_for_xlsx_without_taking_the_default() -> None:
    """VetDesk joins .xlsx's "Open with" list (OpenWithProgids) and leaves its default alone."""
    text = NSI.read_text(encoding="utf-8")
    assert re.search(
        r'^!define OPENWITH_KEY "Software\\Classes\\\.xlsx\\OpenWithProgids"$', text, re.M
    )
    assert 'WriteRegStr HKCU "${OPENWITH_KEY}" "${PROGID}" ""' in text
    assert """'"$INSTDIR\\${APP_EXE}" "%1"'""" in text
    # Never the default value of .xlsx itself (that would take ordinary workbooks over).
    assert not re.search(r'Software\\Classes\\\.xlsx"\s+""', text)
    uninstall = re.search(r'Section "un\.\$\(VD_UNSEC_PROGRAM\)".*?SectionEnd', text, re.S)
    assert uninstall is not None
    assert 'DeleteRegValue HKCU "${OPENWITH_KEY}" "${PROGID}"' in uninstall.group(0)
    assert 'DeleteRegKey HKCU "${PROGID_KEY}"' in uninstall.group(0)


@needs_makensis
def test_nsis_compiles_with_warnings_as_errors(tmp_path: Path) -> None:
    """makensis -WX -V2 builds the installer from a stub payload."""
    payload = _stub_payload(tmp_path / "payload")
    outfile = tmp_path / "VetDesk-test-setup.exe"
    result = _makensis(f"-DSRCDIR={payload}", f"-DOUTFILE={outfile}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert outfile.read_bytes()[:2] == b"MZ"
    assert "NOT signed" in result.stdout  # the signing hook says so when not configured


@needs_makensis
def test_nsis_refuses_a_payload_without_manifest(tmp_path: Path) -> None:
    """Without install-manifest.txt the uninstaller could not know what to delete."""
    payload = _stub_payload(tmp_path / "payload")
    (payload / "install-manifest.txt").unlink()
    result = _makensis(f"-DSRCDIR={payload}", f"-DOUTFILE={tmp_path / 'x.exe'}")
    assert result.returncode != 0
    assert "make_manifest.py" in result.stdout + result.stderr


@needs_makensis
def test_nsis_sign_hook_signs_uninstaller_then_installer(tmp_path: Path) -> None:
    """-DSIGN_CMD runs once for the uninstaller (before embedding) and once for the setup."""
    payload = _stub_payload(tmp_path / "payload")
    outfile = tmp_path / "VetDesk-test-setup.exe"
    log = tmp_path / "signed.log"
    fake_sign = tmp_path / "fake_sign.sh"
    fake_sign.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\n', encoding="utf-8")
    result = _makensis(f"-DSRCDIR={payload}", f"-DOUTFILE={outfile}", f"-DSIGN_CMD=sh {fake_sign}")
    assert result.returncode == 0, result.stdout + result.stderr
    signed = log.read_text(encoding="utf-8").splitlines()
    assert len(signed) == 2
    assert signed[1] == str(outfile)
    assert signed[0] != str(outfile)  # makensis's temporary uninstaller


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_shell_scripts_pass_shellcheck() -> None:
    """The build and check scripts stay shellcheck-clean."""
    scripts = sorted(str(path) for path in INSTALLER.glob("*.sh"))
    result = subprocess.run(["shellcheck", *scripts], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# ---------------------------------------------------------------- slow: full runs


@pytest.mark.slow
def test_pyinstaller_analysis_bundles_every_module() -> None:
    """Analysis-only run of the spec (Picard's check-cli-bundle.py): modules in, excludes out."""
    result = subprocess.run(
        [sys.executable, str(INSTALLER / "check_bundle.py")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_linux_freeze_and_frozen_self_test(linux_build: LinuxBuild) -> None:
    """installer/build_linux.sh freezes the app and the frozen vetdesk-debug --self-test passes."""
    output = linux_build.output
    assert "SELF-TEST MISSING" not in output, output
    assert linux_build.returncode == 0, output
    assert "OK   vetdesk-debug --self-test" in output


@pytest.mark.slow
@needs_makensis
@pytest.mark.skipif(shutil.which("wine") is None, reason="wine not installed (Debian: wine wine64)")
def test_silent_install_and_uninstall_under_wine() -> None:
    """check_installer_wine.sh: install, upgrade, refusal while running, uninstall keeps data."""
    result = subprocess.run(
        ["bash", str(INSTALLER / "check_installer_wine.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ALL CHECKS PASSED" in result.stdout
