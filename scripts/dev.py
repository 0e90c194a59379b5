#!/usr/bin/env python3
"""Set up VetDesk's development environment and run it: ``demo`` or ``test``.

Works on a fresh Debian machine with only Python 3: it creates ``.venv`` (bootstrapping
pip from PyPI when Debian's python3-venv is missing), installs the locked dependencies
(``requirements/test.txt`` and ``requirements/build.txt``, every file checked against the
SHA-256 hashes of the locks with ``pip --require-hashes``),
and, when run as root, the Debian packages the tests use (LibreOffice, CJK fonts, NSIS,
Qt's system libraries, the PostgreSQL server). Without root those tests skip and say why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# The tests also freeze the app (tests/installer), so the build lock is installed too.
LOCKS = (ROOT / "requirements" / "test.txt", ROOT / "requirements" / "build.txt")
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

# Debian packages: Qt's runtime libraries, then what the tests drive.
SYSTEM_PACKAGES = {
    "libegl1": "Qt (offscreen platform)",
    "libgl1": "Qt",
    "libxkbcommon0": "Qt",
    "libfontconfig1": "Qt and matplotlib fonts",
    "libdbus-1-3": "Qt",
    # Qt's xcb platform plugin (a window on an X11 desktop): what `ldd libqxcb.so` lists.
    "libx11-xcb1": "Qt on X11",
    "libxcb-cursor0": "Qt on X11",
    "libxcb-icccm4": "Qt on X11",
    "libxcb-image0": "Qt on X11",
    "libxcb-keysyms1": "Qt on X11",
    "libxcb-randr0": "Qt on X11",
    "libxcb-render-util0": "Qt on X11",
    "libxcb-shape0": "Qt on X11",
    "libxcb-xkb1": "Qt on X11",
    "libxkbcommon-x11-0": "Qt on X11",
    "fonts-noto-cjk": "Chinese text in windows, charts and PDFs",
    "libreoffice-calc": "tests that open exported workbooks in a second Excel client",
    "poppler-utils": "tests that render PDF reports to images",
    "nsis": "the installer-script compile test",
    "shellcheck": "the build-script lint test",
    "lintian": "the .deb package check (installer/build_deb.sh)",
    "desktop-file-utils": "the .deb desktop-entry check",
    "binutils": "readelf and strip: the .deb's dependencies and its stripped libraries",
    "patchelf": "the .deb: build-machine RUNPATHs removed from bundled libraries",
    # The tests start a throwaway server of their own (tests/pg_server.py); the package's
    # own cluster is not used.
    "postgresql": "the city-on-PostgreSQL tests (server, pg_dump, pg_restore)",
}
# Only for the full run (VETDESK_FULL=1): the silent install/uninstall under wine.
FULL_RUN_PACKAGES = {
    "wine": "the installer run under wine",
    "wine64": "the installer run under wine",
}


def log(message: str) -> None:
    """Print a progress line."""
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    """Run a command, failing loudly."""
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def _bootstrap_pip() -> None:
    # Debian's python3 lacks ensurepip unless python3-venv is installed; the pip wheel
    # from PyPI can install itself ("python pip.whl/pip install pip").
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        meta = json.load(response)
    wheel = next(f for f in meta["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != wheel["digests"]["sha256"]:
            raise SystemExit("pip wheel download is corrupt")
        target.write_bytes(data)
        run([str(PYTHON), f"{target}/pip", "install", "--quiet", str(target)])


def ensure_venv() -> None:
    """Create .venv and install the locked dependencies when they changed."""
    if not PYTHON.exists():
        log("creating .venv")
        try:
            run([sys.executable, "-m", "venv", str(VENV)], stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            shutil.rmtree(VENV, ignore_errors=True)
            run([sys.executable, "-m", "venv", "--without-pip", str(VENV)])
            _bootstrap_pip()
    stamp = VENV / ".vetdesk-lock"
    inputs = b"".join(lock.read_bytes() for lock in LOCKS) + (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(inputs).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    log("installing locked dependencies (first run only)")
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    locks = [arg for lock in LOCKS for arg in ("-r", str(lock))]
    run([*pip, "--require-hashes", *locks])
    # VetDesk itself, editable: built with the locked setuptools already in .venv, so no
    # unhashed build requirement is fetched.
    run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)])
    stamp.write_text(digest)


def compile_catalogues() -> None:
    """Compile the translation catalogues (``.po`` → ``.mo``, build outputs) for a source run."""
    run(
        [str(BIN / "pybabel"), "-q", "compile", "-d", "resources/i18n", "-D", "vetdesk"],
        cwd=ROOT,
    )


# What the GUI itself needs on a bare Debian: Qt's runtime libraries (the font ships with VetDesk).
GUI_PACKAGES = tuple(name for name, use in SYSTEM_PACKAGES.items() if use.startswith("Qt"))


def ensure_system_packages(*, gui_only: bool = False) -> None:
    """Install missing Debian packages the tests (or only the GUI) use, when root with apt."""
    if not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        log("not a Debian system: system packages not checked")
        return
    wanted = {k: v for k, v in SYSTEM_PACKAGES.items() if not gui_only or k in GUI_PACKAGES}
    if os.environ.get("VETDESK_FULL") == "1" and not gui_only:
        wanted.update(FULL_RUN_PACKAGES)
    missing = []
    for package in wanted:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    if not missing:
        return
    if os.geteuid() != 0:
        for package in missing:
            log(
                f"missing Debian package {package} ({wanted[package]}); "
                "run as root to install it, related tests will skip"
            )
        return
    log("installing Debian packages: " + " ".join(missing))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def cmd_test(extra: list[str]) -> int:
    """Lint, type-check and run the whole test suite."""
    ensure_venv()
    compile_catalogues()
    ensure_system_packages()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    log("ruff")
    lint_paths = [
        p for p in ("vetdesk", "tests", "bench", "scripts", "installer") if (ROOT / p).exists()
    ]
    run([str(BIN / "ruff"), "check", *lint_paths], cwd=ROOT)
    log("mypy")
    run([str(BIN / "mypy")], cwd=ROOT)
    log("pytest")
    result = subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT, env=env)
    return result.returncode


def cmd_demo(extra: list[str]) -> int:
    """Create the demo database (once) and open VetDesk on it (``--city``: the city demo)."""
    ensure_venv()
    compile_catalogues()
    ensure_system_packages(gui_only=True)
    data = Path(os.environ.get("VETDESK_DATA_DIR", ROOT / "demo-data"))
    data.mkdir(parents=True, exist_ok=True)
    if "--city" in extra:
        extra = [arg for arg in extra if arg != "--city"]
        return _city_demo(data / "city-demo", extra)
    db = data / "demo-county.db"
    if not db.exists():
        log(f"creating demo database {db}")
        run([str(PYTHON), "-m", "vetdesk", "demo", "--db", str(db), "--period", "2025"])
    log(f"demo database: {db}")
    env = {**os.environ, "VETDESK_DATA_DIR": str(data)}
    return subprocess.run(
        [str(PYTHON), "-m", "vetdesk", "--db", str(db), *extra], env=env
    ).returncode


def _city_demo(world: Path, extra: list[str]) -> int:
    """The demo city with a folder of county packages (built once), opened in VetDesk."""
    if not (world / "city.db").exists():
        log(f"creating the city demo in {world}")
        run([str(PYTHON), "-m", "vetdesk", "demo-city", "--out", str(world), "--period", "2025"])
    log(f"county packages to import: {world / 'U盘'} (demo key passphrase: vetdesk-demo-2025)")
    env = {**os.environ, "VETDESK_DATA_DIR": str(world / "data")}
    return subprocess.run(
        [str(PYTHON), "-m", "vetdesk", "--db", str(world / "city.db"), *extra], env=env
    ).returncode


def main() -> int:
    """Entry point."""
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        print("usage: python3 scripts/dev.py demo|test [extra arguments]")
        return 2
    command, extra = sys.argv[1], sys.argv[2:]
    return cmd_test(extra) if command == "test" else cmd_demo(extra)


if __name__ == "__main__":
    sys.exit(main())
