#!/usr/bin/env bash
# Build vetdesk_<version>_<arch>.deb for 统信UOS, 银河麒麟 and Debian from the PyInstaller
# one-folder build (installer/vetdesk.spec, frozen self-test: installer/build_linux.sh), for
# the architecture of this machine (amd64 here, arm64 on an arm64 runner), then, as root,
# check it on this machine with installer/check_deb.sh (lintian, desktop-file-validate,
# dpkg -i, the installed vetdesk as an ordinary user, GUI screenshot, dpkg -r/-P leaves
# nothing and keeps the user's data).
#
# Usage: installer/build_deb.sh [--payload DIR] [--no-check]
#   --payload DIR  package DIR (a Linux one-folder build) instead of freezing again
#   --no-check     build only (the checks need root; without root they are skipped, and said so)
# Environment: PYTHON (default .venv/bin/python, else python3), VETDESK_DEB_MAINTAINER.
# Outputs: dist/vetdesk_<version>_<arch>.deb, build/deb-check/vetdesk.png (the screenshot).
# Exit status: 0 ok, 1 a build step or check failed, 2 bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
payload=""
check=1
# The issue's budget for the .deb, decimal megabytes (as bench/bench_installer.py counts).
budget_bytes=90000000

while (($#)); do
    case "$1" in
        --payload) payload="$(realpath "$2")"; shift 2 ;;
        --no-check) check=0; shift ;;
        -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

if [[ -n "${PYTHON:-}" ]]; then
    python_bin="$PYTHON"
elif [[ -x "$root/.venv/bin/python" ]]; then
    python_bin="$root/.venv/bin/python"
else
    python_bin="python3"
fi
cd "$root"

if [[ -z "$payload" ]]; then
    echo "== freeze and frozen self-test: installer/build_linux.sh --no-installer"
    PYTHON="$python_bin" bash "$here/build_linux.sh" --no-installer
    payload="$root/dist/vetdesk"
fi

echo "== package: installer/make_deb.py --payload $payload"
deb="$("$python_bin" installer/make_deb.py --payload "$payload" --out-dir "$root/dist" \
    | tee /dev/stderr | sed -n 's/^package: //p')"
size="$(stat -c %s "$deb")"
installed_kib="$(dpkg-deb -f "$deb" Installed-Size)"
echo "package size: $size bytes ($((size / 1000000)) MB; budget 90 MB), installed size: $((installed_kib / 1024)) MiB"
if ((size > budget_bytes)); then
    echo "FAIL $deb is over the 90 MB budget"
    exit 1
fi

if ((!check)); then
    echo "BUILD OK (not checked: --no-check)"
    exit 0
fi
if ((EUID != 0)); then
    echo "BUILD OK, NOT CHECKED: installer/check_deb.sh needs root (CI runs it as root)"
    exit 0
fi
echo "== installer/check_deb.sh $(basename "$deb")"
bash "$here/check_deb.sh" "$deb" --screenshot "$root/build/deb-check/vetdesk.png"
echo "BUILD AND CHECKS OK: $deb"
