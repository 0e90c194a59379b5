#!/usr/bin/env bash
# Freeze VetDesk on Linux with installer/vetdesk.spec, check the frozen app
# (vetdesk-debug --version, --self-test), and compile installer/vetdesk.nsi with
# makensis -WX against the result. A Linux payload makes a script check only, not a
# Windows installer; with --payload DIR (a Windows dist/vetdesk, as CI passes) the
# installer is the real one.
#
# Usage: installer/build_linux.sh [--payload DIR] [--no-installer] [--allow-missing-self-test]
#                                 [--no-install]
#   (first, unless --no-install: pip install --require-hashes -r requirements/build.txt)
#   --payload DIR               skip the freeze and package DIR (a one-folder build)
#   --no-installer              stop after the freeze and the frozen-app checks
#   --allow-missing-self-test   a CLI without --self-test is reported, not an error
#   --no-install                do not install the hashed build lock into PYTHON first
# Environment: PYTHON (default .venv/bin/python, else python3); VETDESK_SIGN_PFX etc.
# for installer/sign.sh. Outputs: dist/vetdesk/, dist/VetDesk-<version>-*.exe,
# build/linux-build-summary.txt.
# Exit status: 0 ok, 1 failure, 3 the frozen app has no --self-test yet.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
payload=""
build_installer=1
allow_missing_self_test=0
install_deps=1

while (($#)); do
    case "$1" in
        --payload) payload="$(realpath "$2")"; shift 2 ;;
        --no-installer) build_installer=0; shift ;;
        --allow-missing-self-test) allow_missing_self_test=1; shift ;;
        --no-install) install_deps=0; shift ;;
        -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
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
if ((install_deps)); then
    # The build lock, every file checked against its SHA-256 (already installed pins are kept).
    "$python_bin" -m pip install --quiet --disable-pip-version-check --require-hashes \
        -r requirements/build.txt
fi
version="$("$python_bin" installer/make_version_info.py --print version)"
version4="$("$python_bin" installer/make_version_info.py --print version4)"
mkdir -p build dist
summary="$root/build/linux-build-summary.txt"
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }
now() { date +%s.%N; }
elapsed() { "$python_bin" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

note "VetDesk $version (Windows numeric $version4), python: $("$python_bin" --version 2>&1)"
status=0

if [[ -z "$payload" ]]; then
    if [[ ! -f resources/icons/vetdesk.ico ]]; then
        "$python_bin" installer/make_icon.py
    fi
    note "== freeze: pyinstaller installer/vetdesk.spec"
    start="$(now)"
    "$python_bin" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$root/dist" --workpath "$root/build/pyinstaller" installer/vetdesk.spec
    end="$(now)"
    payload="$root/dist/vetdesk"
    note "freeze time: $(elapsed "$start" "$end") s"
    note "one-folder size: $(du -sb "$payload" | cut -f1) bytes ($(du -sh "$payload" | cut -f1)), $(find "$payload" -type f | wc -l) files"

    note "== frozen app checks (offscreen, throwaway data dir)"
    data_dir="$(mktemp -d -t vetdesk-frozen-data.XXXXXX)"
    trap 'rm -rf "$data_dir"' EXIT
    run_frozen() {
        QT_QPA_PLATFORM=offscreen VETDESK_DATA_DIR="$data_dir" "$payload/vetdesk-debug" "$@"
    }
    set +e
    version_out="$(run_frozen --version 2>&1)"
    version_rc=$?
    set -e
    if ((version_rc == 0)) && [[ "$version_out" == *"$version"* ]]; then
        note "OK   vetdesk-debug --version: ${version_out//$'\n'/ | }"
    else
        note "FAIL vetdesk-debug --version exited $version_rc (expected output containing $version):"
        note "$version_out"
        status=1
    fi
    set +e
    self_test_out="$(run_frozen --self-test 2>&1)"
    self_test_rc=$?
    set -e
    shopt -s nocasematch
    if ((self_test_rc == 0)); then
        note "OK   vetdesk-debug --self-test:"
        note "$self_test_out"
    elif ((version_rc == 0)) && [[ "$self_test_out" =~ (unrecognized|unknown|no\ such|invalid).*self-test ]]; then
        note "SELF-TEST MISSING: vetdesk-debug does not know --self-test yet (exit $self_test_rc):"
        note "$self_test_out"
        if ((!allow_missing_self_test)) && ((status == 0)); then
            status=3
        fi
    else
        note "FAIL vetdesk-debug --self-test exited $self_test_rc:"
        note "$self_test_out"
        status=1
    fi
    shopt -u nocasematch
fi

if ((build_installer)); then
    command -v makensis >/dev/null || { note "FAIL makensis not found (apt-get install -y nsis)"; exit 1; }
    "$python_bin" installer/make_manifest.py "$payload"
    defines=("-DVERSION=$version" "-DVERSION_4=$version4" "-DSRCDIR=$payload")
    if [[ -f "$payload/vetdesk.exe" ]]; then
        outfile="$root/dist/VetDesk-$version-setup.exe"
    else
        # The Linux freeze has ELF files: a real-size check of the script, never a release.
        outfile="$root/dist/VetDesk-$version-linux-payload-check.exe"
        defines+=("-DALLOW_NON_WINDOWS_PAYLOAD")
    fi
    if [[ -n "${VETDESK_SIGN_PFX:-}" ]]; then
        defines+=("-DSIGN")
    else
        note "Code signing: skipped (no certificate configured: set VETDESK_SIGN_PFX)"
    fi
    note "== makensis -V2 -WX installer/vetdesk.nsi ($(makensis -VERSION))"
    start="$(now)"
    makensis -V2 -WX "${defines[@]}" "-DOUTFILE=$outfile" installer/vetdesk.nsi
    end="$(now)"
    note "makensis time: $(elapsed "$start" "$end") s"
    note "installer: $outfile, $(stat -c %s "$outfile") bytes ($(du -h "$outfile" | cut -f1))"
fi

case "$status" in
    0) note "BUILD OK" ;;
    3) note "BUILD OK, BUT THE FROZEN SELF-TEST IS MISSING (exit 3; --allow-missing-self-test to accept)" ;;
    *) note "BUILD FAILED" ;;
esac
exit "$status"
