"""Report VetDesk's packaging budgets: installer size, installed size, frozen cold start.

Reads what installer/build_linux.sh (or build_windows.ps1) left in dist/:

- installer size: dist/VetDesk-<version>-setup.exe, else the Linux script-check build
  dist/VetDesk-<version>-linux-payload-check.exe (labelled as such); budget <= 90 MB;
- installed size: the one-folder build dist/vetdesk (what the installer puts in the
  program folder, less uninstall.exe);
- the Linux .deb (installer/build_deb.sh): dist/vetdesk_<version>_<arch>.deb, its size
  against the same 90 MB budget and its Installed-Size;
- frozen start: wall time of ``vetdesk-debug --version`` (first run, then the median of
  warm runs). Time to first paint: the frozen ``vetdesk`` on a demo database, with
  VETDESK_EXIT_AFTER_FIRST_PAINT set, until it prints its marker, against a bare PySide6
  window started from this Python.

Usage: python bench/bench_installer.py [--dist DIR] [--runs N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER_BUDGET_BYTES = 90_000_000  # "<= 90 MB" in the issue, decimal megabytes


def read_version() -> str:
    """Return vetdesk.__version__ without importing the package."""
    sys.path.insert(0, str(ROOT / "installer"))
    from make_version_info import read_version as _read_version

    return _read_version()


def folder_size(folder: Path) -> tuple[int, int]:
    """Return (total bytes of regular files, file count) below ``folder``, symlinks not followed."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def find_installer(dist: Path, version: str) -> tuple[Path | None, str]:
    """Return the installer to measure and what kind it is."""
    real = dist / f"VetDesk-{version}-setup.exe"
    if real.is_file():
        return real, "Windows installer"
    check = dist / f"VetDesk-{version}-linux-payload-check.exe"
    if check.is_file():
        return check, "Linux-payload script check (NOT the Windows installer; indicative only)"
    return None, "none found (run installer/build_linux.sh or installer/build_windows.ps1)"


def find_deb(dist: Path, version: str) -> Path | None:
    """Return the .deb that installer/build_deb.sh made for this version, if any."""
    sys.path.insert(0, str(ROOT / "installer"))
    from make_deb import debian_version

    found = sorted(dist.glob(f"vetdesk_{debian_version(version)}_*.deb"))
    return found[0] if found else None


def deb_installed_size(deb: Path) -> int | None:
    """Return the Installed-Size of a .deb in bytes (dpkg counts KiB), or None without dpkg."""
    try:
        result = subprocess.run(
            ["dpkg-deb", "-f", str(deb), "Installed-Size"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(result.stdout.strip()) * 1024


def time_command(command: list[str], runs: int) -> tuple[float, float, str]:
    """Run ``command`` ``runs`` times; return (first run s, median of the others s, output)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    timings: list[float] = []
    output = ""
    with tempfile.TemporaryDirectory(prefix="vetdesk-bench-") as data_dir:
        env["VETDESK_DATA_DIR"] = data_dir
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            timings.append(time.perf_counter() - start)
            output = (result.stdout + result.stderr).strip()
            if result.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {output}")
    warm = statistics.median(timings[1:]) if len(timings) > 1 else timings[0]
    return timings[0], warm, output


_BARE_WINDOW = (
    "import sys\n"
    "from PySide6.QtCore import QEvent, QObject, QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1]); w = QMainWindow(); w.resize(1280, 800)\n"
    "class P(QObject):\n"
    "    def eventFilter(self, o, e):\n"
    "        if e.type() == QEvent.Type.Paint:\n"
    "            print('VETDESK-FIRST-PAINT', flush=True); QTimer.singleShot(0, app.quit)\n"
    "        return False\n"
    "p = P(); w.installEventFilter(p); w.show(); app.exec()\n"
)


def _until_marker(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "VETDESK-FIRST-PAINT" in line:
            break
    elapsed = time.perf_counter() - started
    process.wait(timeout=60)
    return elapsed


def first_paint(gui: Path, runs: int) -> tuple[float, float]:
    """Median seconds from launch to the first paint: the frozen app, and a bare PySide6 window."""
    import statistics
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "VETDESK_DATA_DIR": tmp,
            "VETDESK_EXIT_AFTER_FIRST_PAINT": "1",
        }
        db = Path(tmp) / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "vetdesk", "demo", "--db", str(db), "--period", "2025"],
            check=True,
            capture_output=True,
            env=env,
        )
        frozen = [_until_marker([str(gui), "--db", str(db)], env) for _ in range(runs)]
        bare = [_until_marker([sys.executable, "-c", _BARE_WINDOW], env) for _ in range(runs)]
    return statistics.median(frozen), statistics.median(bare)


def mb(size: int) -> str:
    """Format a byte count as decimal MB and binary MiB."""
    return f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)"


def main(argv: list[str] | None = None) -> int:
    """Measure and print the budgets; optionally write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="build output folder")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (first = cold-ish)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    version = read_version()
    results: dict[str, object] = {"version": version}
    print(f"VetDesk {version} packaging budgets ({sys.platform})")

    installer, kind = find_installer(args.dist, version)
    if installer is not None:
        size = installer.stat().st_size
        verdict = "within" if size <= INSTALLER_BUDGET_BYTES else "OVER"
        print(f"installer size:  {mb(size)}  [{kind}]  {verdict} the 90 MB budget")
        results["installer"] = {"path": str(installer), "bytes": size, "kind": kind}
    else:
        print(f"installer size:  not measured: {kind}")

    deb = find_deb(args.dist, version)
    if deb is not None:
        size = deb.stat().st_size
        verdict = "within" if size <= INSTALLER_BUDGET_BYTES else "OVER"
        installed = deb_installed_size(deb)
        installed_text = mb(installed) if installed is not None else "unknown (no dpkg-deb)"
        print(f"deb size:        {mb(size)}  [{deb.name}]  {verdict} the 90 MB budget")
        print(f"deb installed:   {installed_text}  (Installed-Size of the package)")
        results["deb"] = {"path": str(deb), "bytes": size, "installed_bytes": installed}
    else:
        print("deb size:        not measured: no dist/vetdesk_*.deb (run installer/build_deb.sh)")

    payload = args.dist / "vetdesk"
    if payload.is_dir():
        size, count = folder_size(payload)
        print(f"installed size:  {mb(size)} in {count} files  [{payload}]")
        results["installed"] = {"bytes": size, "files": count}
    else:
        print(f"installed size:  not measured: no {payload}")

    exe = payload / ("vetdesk-debug.exe" if os.name == "nt" else "vetdesk-debug")
    if exe.is_file():
        first, warm, output = time_command([str(exe), "--version"], max(args.runs, 1))
        print(
            f"frozen start:    vetdesk-debug --version  first run {first:.2f} s, "
            f"warm median {warm:.2f} s over {args.runs} runs  ({output})"
        )
        print(
            "                 (first run is cold only if the page cache was cold; not forced here)"
        )
        results["start_version"] = {"first_s": round(first, 3), "warm_median_s": round(warm, 3)}
    else:
        print(f"frozen start:    not measured: no {exe}")
    gui = payload / ("vetdesk.exe" if os.name == "nt" else "vetdesk")
    if gui.is_file():
        frozen, bare = first_paint(gui, max(args.runs, 1))
        print(
            f"first paint:     frozen vetdesk on a demo database {frozen:.2f} s (median), "
            f"bare PySide6 window {bare:.2f} s: ratio {frozen / bare:.2f}"
        )
        results["first_paint"] = {"frozen_s": round(frozen, 3), "bare_s": round(bare, 3)}
    else:
        print(f"first paint:     not measured: no {gui}")
        results["first_paint"] = None

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
