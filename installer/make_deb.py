"""Assemble ``vetdesk_<version>_<arch>.deb`` from the PyInstaller one-folder build.

The layout follows the UOS app-store packaging rules (统信 "UOS应用商店打包规范", section 2
"应用安装" and section 3 "目录结构"; copies at https://xckfsq.com/resource/show.html?id=2955
and https://blog.csdn.net/weixin_43855876/article/details/111699658):

- every program file under ``/opt/apps/<appid>/``: the frozen app in ``files/``, the desktop
  entry in ``entries/applications/<appid>.desktop``, icons in ``entries/icons/hicolor/…``,
  and the JSON ``info`` file (appid, name, numeric four-part version, arch, permissions);
- no maintainer scripts (the rules refuse packages whose postinst changes the system; it also
  means removing or purging never runs code that could touch the user's data).

For plain Debian and 银河麒麟 the package adds what their menus and shells look at: the
``/usr/bin/vetdesk`` link, the desktop entry and hicolor icons under ``/usr/share`` (symlinks
to the ``entries/`` copies, with the same desktop-file ID, so a desktop that also reads
``entries/`` shows one menu item), the copyright file and lintian overrides. The desktop and
icon caches are refreshed by the file triggers of desktop-file-utils and hicolor-icon-theme.

Usage: python installer/make_deb.py [--payload DIR] [--out-dir DIR] [--arch ARCH]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEB_DIR = HERE / "deb"
sys.path.insert(0, str(HERE))

from make_version_info import numeric_version, read_version  # noqa: E402

PACKAGE = "vetdesk"
# Reverse-domain app id, as the UOS rules require (section 1 "应用标识"): the organisation
# name of vetdesk.ORG_NAME; the store wants a domain the publisher owns.
APPID = "com.haidongedu.vetdesk"
APP_ROOT = f"opt/apps/{APPID}"
DESKTOP_FILE = f"{APPID}.desktop"
# Files of the one-folder build the package leaves out (see stage_package).
NOT_SHIPPED = ("vetdesk-debug",)
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MAINTAINER = "VetDesk maintainers (HaidongEdu) <vetdesk@haidongedu.example>"
# What the frozen app recommends but does not need: the bundle ships a Noto Sans SC subset, the
# full Noto CJK fonts make dialogs drawn by Qt itself and other weights look right.
RECOMMENDS = ("fonts-noto-cjk",)
# Parts of the bundled Qt (paths below PySide6/Qt/) that only matter on systems VetDesk does not
# target: Wayland-only compositors, EGLFS/VNC/LinuxFB kiosks, the GTK platform theme. Their
# libraries are not dependencies: Qt skips a plugin it cannot load (the xcb platform, which UOS
# and Kylin desktops run, and Qt's own style stay), and no other part of the bundle links them.
OPTIONAL_QT_PARTS = (
    "plugins/platforms/libqwayland",
    "plugins/platforms/libqeglfs",
    "plugins/platforms/libqminimalegl",
    "plugins/platforms/libqvnc",
    "plugins/platforms/libqlinuxfb",
    "plugins/platforms/libqvkkhrdisplay",
    "plugins/platformthemes/libqgtk3",
    "plugins/wayland-",
    "plugins/egldeviceintegrations/",
    "lib/libQt6Wayland",
    "lib/libQt6WlShell",
    "lib/libQt6EglFS",
    "lib/libQt6EglFs",
)
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)", re.M)
# ldd prints the dynamic loader without "=>": "\t/lib64/ld-linux-x86-64.so.2 (0x…)".
_LDD_LOADER = re.compile(r"^\s*(/\S+)\s+\(0x", re.M)
_RUNPATH_LINE = re.compile(r"\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[([^\]]*)\]")
_NEEDED_LINE = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_GLIBC_VERSION = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def debian_version(version: str) -> str:
    """Return the Debian spelling of a Python version: pre-releases sort first with ``~``."""
    match = re.fullmatch(r"(\d+(?:\.\d+)*)(?:\.?(a|b|rc|dev)\.?(\d+))?", version)
    if match is None:
        raise ValueError(f"version {version!r} is not of the form 1.2.3 or 1.2.3rc1")
    release, tag, number = match.groups()
    return release if tag is None else f"{release}~{tag}{number}"


def host_architecture() -> str:
    """Return the Debian architecture of this machine (amd64, arm64, …)."""
    result = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def is_elf(path: Path) -> bool:
    """Return whether ``path`` is a regular ELF file (executable or shared object)."""
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def elf_files(folder: Path) -> list[Path]:
    """Return every ELF file below ``folder``, sorted."""
    return sorted(path for path in folder.rglob("*") if is_elf(path))


def qt_dir(payload: Path) -> Path:
    """Return the bundle's Qt folder (PySide6/Qt: lib/ and plugins/)."""
    qt = next(payload.rglob("PySide6/Qt"), None)
    if qt is None or not (qt / "plugins").is_dir():
        raise SystemExit(f"no PySide6/Qt/plugins folder in {payload}: not a VetDesk build")
    return qt


def is_optional(path: Path, qt: Path) -> bool:
    """Return whether ``path`` is an optional part of the bundled Qt (OPTIONAL_QT_PARTS)."""
    if not path.is_relative_to(qt):
        return False
    relative = path.relative_to(qt).as_posix()
    return any(relative.startswith(part) for part in OPTIONAL_QT_PARTS)


def required_binaries(payload: Path) -> list[Path]:
    """Return the bundle's ELF files VetDesk needs: all but the optional Qt parts."""
    qt = qt_dir(payload)
    return [path for path in elf_files(payload) if not is_optional(path, qt)]


def needed_libraries(binary: Path) -> list[str]:
    """Return the DT_NEEDED entries of ``binary`` (the libraries it links directly)."""
    result = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(binary)],
        capture_output=True,
        text=True,
        env=dict(os.environ, LC_ALL="C"),
        check=True,
    )
    return _NEEDED_LINE.findall(result.stdout)


def system_libraries(binaries: Iterable[Path], payload: Path) -> tuple[set[Path], set[str]]:
    """Return (system library paths, names not found) that ``binaries`` link directly.

    Each binary's DT_NEEDED names are resolved the way the frozen app resolves them: ldd with
    the bundle's folders on LD_LIBRARY_PATH (PyInstaller's bootloader puts them on the search
    path). What resolves inside the bundle is the bundle's own; the rest must come from the
    system. Direct links only, as dpkg-shlibdeps does: a system library's own dependencies are
    its package's business.
    """
    bundle = payload.resolve()
    lib_dirs = sorted({str(path.parent) for path in elf_files(bundle) if ".so" in path.name})
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(lib_dirs), LC_ALL="C")
    found: set[Path] = set()
    missing: set[str] = set()
    for binary in binaries:
        needed = set(needed_libraries(binary))
        if not needed:
            continue
        result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env)
        resolved = dict(_LDD_LINE.findall(result.stdout))
        resolved.update(
            (Path(loader).name, loader) for loader in _LDD_LOADER.findall(result.stdout)
        )
        for name in needed:
            where = resolved.get(name, "not found")
            if where == "not found":
                missing.add(f"{name} (for {binary.relative_to(bundle)})")
            elif not Path(where).resolve().is_relative_to(bundle):
                found.add(Path(where))
    return found, missing


def owning_packages(paths: Iterable[Path]) -> dict[Path, str]:
    """Return the Debian package that ships each path (merged-/usr spellings tried too)."""
    spellings: dict[str, Path] = {}
    for path in paths:
        for text in (str(path), str(path.resolve())):
            spellings.setdefault(text, path)
            other = text.removeprefix("/usr") if text.startswith("/usr/") else "/usr" + text
            spellings.setdefault(other, path)
    # One query for all: dpkg-query prints "pkg:arch: /path" for each spelling it knows.
    result = subprocess.run(
        ["dpkg-query", "-S", *spellings], capture_output=True, text=True, check=False
    )
    owners: dict[Path, str] = {}
    for line in result.stdout.splitlines():
        packages, _, shipped = line.rpartition(": ")
        if shipped in spellings:
            owners[spellings[shipped]] = packages.split(",")[0].strip().split(":")[0]
    unknown = sorted(str(path) for path in set(spellings.values()) - owners.keys())
    if unknown:
        raise SystemExit(f"no Debian package ships these (dpkg-query -S): {', '.join(unknown)}")
    return owners


def glibc_floor(binaries: Iterable[Path]) -> tuple[int, ...]:
    """Return the highest GLIBC_x.y symbol version any of ``binaries`` asks for."""
    best: tuple[int, ...] = (2, 17)
    for binary in binaries:
        for match in _GLIBC_VERSION.finditer(binary.read_bytes()):
            version = tuple(int(part) for part in match.groups() if part is not None)
            best = max(best, version)
    return best


def dependencies(payload: Path) -> list[str]:
    """Return the Depends field entries: the packages of the system libraries the bundle needs.

    The Qt plugins and every other ELF file of the bundle (Qt's own libraries, Python's
    extension modules, the libraries PyInstaller copied) are looked at, less the optional
    parts of Qt.
    libc6 carries the lowest version the bundle's symbol versions allow: a build made on a newer
    Debian refuses to install on an older system instead of failing at start-up.
    """
    binaries = required_binaries(payload)
    libraries, missing = system_libraries(binaries, payload)
    if missing:
        raise SystemExit(
            "ldd cannot find these libraries of the bundle on this machine; install their "
            "Debian packages (scripts/dev.py SYSTEM_PACKAGES) and build again: "
            + ", ".join(sorted(missing))
        )
    packages = set(owning_packages(libraries).values())
    floor = ".".join(str(part) for part in glibc_floor(binaries))
    packages.discard("libc6")
    return [f"libc6 (>= {floor})", *sorted(packages)]


def installed_size_kib(tree: Path) -> int:
    """Return Installed-Size: the size of the files and links below ``tree`` in KiB."""
    total = 0
    for path in tree.rglob("*"):
        if path.is_symlink() or path.is_file():
            total += (path.lstat().st_size + 1023) // 1024
        elif path.is_dir():
            total += 1
    return total


def control_text(*, version: str, arch: str, depends: Sequence[str], size_kib: int) -> str:
    """Return the DEBIAN/control file."""
    description = (DEB_DIR / "description.txt").read_text(encoding="utf-8").rstrip("\n")
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {os.environ.get('VETDESK_DEB_MAINTAINER', MAINTAINER)}\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: education\n"
        "Priority: optional\n"
        f"Description: {description}\n"
    )


def info_json(version: str, arch: str) -> str:
    """Return the UOS ``info`` file (rules section 3.1): no permission is asked for."""
    info = {
        "appid": APPID,
        "name": "VetDesk",
        "version": ".".join(str(part) for part in numeric_version(version)),
        "arch": [arch],
        "permissions": {
            "autostart": False,
            "notification": False,
            "trayicon": False,
            "clipboard": False,
            "account": False,
            "bluetooth": False,
            "camera": False,
            "audio_record": False,
            "installed_apps": False,
        },
    }
    return json.dumps(info, ensure_ascii=False, indent=2) + "\n"


def changelog_gz(version: str) -> bytes:
    """Return a one-entry Debian changelog, gzipped reproducibly (no name, no time stamp)."""
    when = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or 0, UTC)
    maintainer = os.environ.get("VETDESK_DEB_MAINTAINER", MAINTAINER)
    text = (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * VetDesk {version}, built from the PyInstaller one-folder build.\n\n"
        f" -- {maintainer}  {format_datetime(when)}\n"
    )
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _write(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    path.chmod(mode)


def _link(stage: Path, link: str, target: str) -> None:
    path = stage / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _not_shipped(payload: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(NOT_SHIPPED) & set(names) if Path(folder) == payload else set()

    return ignore


def _sections_and_runpath(binary: Path) -> tuple[str, str]:
    env = dict(os.environ, LC_ALL="C")
    sections = subprocess.run(
        ["readelf", "--section-headers", "--wide", str(binary)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    dynamic = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(binary)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    runpath = _RUNPATH_LINE.search(dynamic)
    return sections, runpath.group(1) if runpath else ""


def _strip(tree: Path) -> None:
    # Debian policy 10.1, as dh_strip does: shared objects lose their debug sections (-49 MB
    # here, the build Python's libpython and lib-dynload and a few wheels built with them).
    # Only files with debug sections, and never a wheel's vendored "<name>.libs/" copies:
    # auditwheel rewrote those, and strip breaks them ("ELF load command address/offset not
    # page-aligned" from numpy's OpenBLAS). Never the launchers: PyInstaller appends the Python
    # archive to them, which strip would drop.
    # An absolute RUNPATH left by the build (the build Python's own lib folder) is removed:
    # on another machine it points at nothing, or at someone else's libraries (lintian's
    # custom-library-search-path). $ORIGIN-relative ones are the bundle's and stay.
    for path in elf_files(tree):
        if not (path.suffix == ".so" or ".so." in path.name):
            continue
        if any(part.endswith(".libs") for part in path.relative_to(tree).parts):
            continue
        sections, runpath = _sections_and_runpath(path)
        if ".debug_" in sections:
            subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        if runpath and not all(entry.startswith("$ORIGIN") for entry in runpath.split(":")):
            subprocess.run(["patchelf", "--remove-rpath", str(path)], check=True)


def _normalise_modes(tree: Path) -> None:
    # PyInstaller leaves modes from the build user's umask; a package ships 755/644 (Debian
    # policy 10.9): programs and shared objects executable, data not.
    for path in tree.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir() or (is_elf(path) and (path.suffix != ".so" and ".so." not in path.name)):
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def _icons(stage: Path) -> None:
    from make_icon import draw_icon

    for size in ICON_SIZES:
        relative = f"icons/hicolor/{size}x{size}/apps/{APPID}.png"
        target = stage / APP_ROOT / "entries" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        draw_icon(size).save(target, optimize=True)
        target.chmod(0o644)
        _link(stage, f"usr/share/{relative}", f"/{APP_ROOT}/entries/{relative}")


def _md5sums(stage: Path) -> str:
    lines = []
    for path in sorted(stage.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(stage).as_posix()}\n")
    return "".join(lines)


def stage_package(payload: Path, stage: Path, arch: str) -> Path:
    """Lay the package's files out below ``stage``; return the DEBIAN/control path."""
    version = read_version()
    app = stage / APP_ROOT
    # vetdesk-debug is the Windows console twin: on Linux PyInstaller's console flag changes
    # nothing, vetdesk itself prints to a terminal, and each launcher carries its own 16 MB
    # copy of the Python archive.
    shutil.copytree(payload, app / "files", symlinks=True, ignore=_not_shipped(payload))
    _strip(app / "files")
    _normalise_modes(app / "files")
    desktop = (DEB_DIR / "vetdesk.desktop.in").read_text(encoding="utf-8")
    desktop = desktop.replace("@APPID@", APPID).replace("@EXEC@", f"/{APP_ROOT}/files/vetdesk")
    _write(app / "entries" / "applications" / DESKTOP_FILE, desktop)
    _write(app / "info", info_json(version, arch))
    _icons(stage)
    copyright_text = (DEB_DIR / "copyright").read_text(encoding="utf-8")
    _write(app / "files" / "doc" / "copyright", copyright_text)
    _link(stage, f"usr/bin/{PACKAGE}", f"/{APP_ROOT}/files/vetdesk")
    _link(
        stage,
        f"usr/share/applications/{DESKTOP_FILE}",
        f"/{APP_ROOT}/entries/applications/{DESKTOP_FILE}",
    )
    doc = stage / "usr" / "share" / "doc" / PACKAGE
    _write(doc / "copyright", copyright_text)
    _write(doc / "changelog.gz", changelog_gz(debian_version(version)))
    overrides = (DEB_DIR / "lintian-overrides").read_text(encoding="utf-8")
    _write(stage / "usr" / "share" / "lintian" / "overrides" / PACKAGE, overrides)
    for folder in [stage, *(p for p in stage.rglob("*") if p.is_dir() and not p.is_symlink())]:
        folder.chmod(0o755)

    control = stage / "DEBIAN" / "control"
    text = control_text(
        version=debian_version(version),
        arch=arch,
        depends=dependencies(payload),
        size_kib=installed_size_kib(stage),
    )
    _write(control, text)
    _write(stage / "DEBIAN" / "md5sums", _md5sums(stage))
    (stage / "DEBIAN").chmod(0o755)
    return control


def build_deb(payload: Path, out_dir: Path, arch: str) -> Path:
    """Stage the package in a temporary folder and build it with dpkg-deb; return the .deb."""
    version = debian_version(read_version())
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="vetdesk-deb-") as tmp:
        stage = Path(tmp) / "root"
        stage.mkdir()
        control = stage_package(payload, stage, arch)
        print(control.read_text(encoding="utf-8"), end="", flush=True)
        # xz: the only strong compression that the dpkg of UOS 20 and Kylin V10 (1.19) reads.
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return deb


def main(argv: Sequence[str] | None = None) -> int:
    """Build the .deb; print its control file and path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--payload", type=Path, default=ROOT / "dist" / "vetdesk")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--arch", default=None, help="Debian architecture (default: this machine)")
    args = parser.parse_args(argv)
    if not (args.payload / "vetdesk").is_file():
        parser.error(f"{args.payload} is not a Linux one-folder build (no vetdesk in it)")
    deb = build_deb(
        args.payload.resolve(), args.out_dir.resolve(), args.arch or host_architecture()
    )
    print(f"package: {deb}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
