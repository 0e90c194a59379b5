#!/usr/bin/env bash
# Run the VetDesk installer silently under Debian's wine (64-bit) in a throwaway
# WINEPREFIX and check what it does: program files, the HKCU uninstall entry, the
# Start-menu shortcut, refusal while VetDesk runs, upgrade over an older version,
# and that uninstalling keeps the user's data directory (unless /REMOVEDATA).
#
# Usage:
#   installer/check_installer_wine.sh                 # stub payloads, full scenario
#   installer/check_installer_wine.sh --installer X   # a built setup.exe: install/uninstall only
#   options: --keep (leave the temp folder), --timings FILE (write "name seconds" lines)
#
# Needs: wine (Debian: wine + wine64), makensis (nsis), python3. No X display is needed.
# Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or missing tool.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
installer=""
keep=0
timings_file=""

while (($#)); do
    case "$1" in
        --installer) installer="$(realpath "$2")"; shift 2 ;;
        --keep) keep=1; shift ;;
        --timings) timings_file="$2"; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

for tool in wine wineserver makensis python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "MISSING TOOL: $tool (apt-get install -y wine wine64 nsis python3)" >&2
        exit 2
    fi
done

work="$(mktemp -d -t vetdesk-wine.XXXXXX)"
export WINEPREFIX="$work/prefix"
export WINEARCH=win64
# -all by default: no debug channels, and it silences the wrapper's "wine32 is missing" hint.
export WINEDEBUG="${WINEDEBUG:--all}"
# No wine-mono/gecko install prompts; no menu entries written to the host's desktop.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# A fixed locale: wine derives the Windows UI language (and so the installer's) from it.
export LC_ALL=C.UTF-8
# Wine links the prefix's Desktop/Documents to $HOME's: keep those out of the real home.
export HOME="$work/home"
mkdir -p "$HOME"

cleanup() {
    wineserver -k >/dev/null 2>&1 || true
    if ((keep)); then
        echo "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

failures=0
pass() { echo "  ok   $*"; }
fail() { echo "  FAIL $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...
    local what="$1"
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
absent() { [[ ! -e "$1" ]]; }
ends_with() { [[ "$1" == *"$2" ]]; }
contains() { [[ "$1" == *"$2"* ]]; }
nonzero_hex() { [[ "$1" == 0x* && "$1" != 0x0 && "$1" != 0x00000000 ]]; }

declare -a timing_lines=()
timed() {  # timed NAME COMMAND... ; sets $rc, never exits on failure
    local name="$1" start end
    shift
    start="$(date +%s.%N)"
    set +e
    "$@"
    rc=$?
    set -e
    end="$(date +%s.%N)"
    local seconds
    seconds="$(python3 -c "print(f'{$end - $start:.2f}')")"
    timing_lines+=("$name $seconds")
    echo "  ..   $name: exit $rc in ${seconds}s"
}

reg_value() {  # reg_value NAME -> the value of NAME in the uninstall key, or nothing
    wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\VetDesk' /v "$1" 2>/dev/null \
        | tr -d '\r' | awk -v name="$1" '$1 == name { $1 = ""; $2 = ""; sub(/^ +/, ""); print }'
}
open_command() {  # the command Explorer runs for "Open with → VetDesk"
    wine reg query 'HKCU\Software\Classes\VetDesk.Workbook\shell\open\command' /ve 2>/dev/null \
        | tr -d '\r' | awk '/REG_SZ/ { sub(/^.*REG_SZ +/, ""); print }'
}
offered_for_xlsx() {  # VetDesk is listed among the programs that can open .xlsx
    wine reg query 'HKCU\Software\Classes\.xlsx\OpenWithProgids' /v VetDesk.Workbook >/dev/null 2>&1
}
xlsx_default() {  # the per-user default ProgID of .xlsx (nothing unless one was set)
    wine reg query 'HKCU\Software\Classes\.xlsx' /ve 2>/dev/null | tr -d '\r' \
        | awk '/REG_SZ/ { sub(/^.*REG_SZ +/, ""); print }'
}
uninstall_key_exists() {
    wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\VetDesk' >/dev/null 2>&1
}
lnk_has_text() {  # lnk_has_text FILE TEXT -> the shortcut holds TEXT (UTF-16LE string data)
    python3 -c 'import sys; sys.exit(sys.argv[2].encode("utf-16-le") not in open(sys.argv[1], "rb").read())' "$1" "$2"
}
manifest_files() {  # manifest_files DIR -> the relative files listed in DIR/install-manifest.txt
    iconv -f UTF-16LE -t UTF-8 "$1/install-manifest.txt" | tr -d '\r' | sed -n 's/^F //p' | sed 's|\\|/|g'
}
all_listed_files_absent() {  # all_listed_files_absent DIR MANIFEST-COPY
    local rel
    while IFS= read -r rel; do
        [[ -e "$1/$rel" ]] && { echo "       still there: $rel"; return 1; }
    done <"$2"
    return 0
}
all_listed_files_present() {
    local rel
    while IFS= read -r rel; do
        [[ -e "$1/$rel" ]] || { echo "       missing: $rel"; return 1; }
    done <"$2"
    return 0
}

echo "== wine prefix $WINEPREFIX"
timed wineboot wine wineboot --init
wineserver -w
# Wine 8 reports Windows 7 by default; the installer requires Windows 10.
wine winecfg -v win10
wineserver -w
user_dir="$WINEPREFIX/drive_c/users/$(id -un)"
localappdata="$user_dir/AppData/Local"
default_instdir="$localappdata/Programs/VetDesk"
start_menu_lnk="$user_dir/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/VetDesk.lnk"
desktop_lnk="$user_dir/Desktop/VetDesk.lnk"
data_dir="$localappdata/HaidongEdu/VetDesk"
sibling_dir="$localappdata/HaidongEdu/OtherApp"

plant_data() {
    mkdir -p "$data_dir/Logs" "$sibling_dir"
    echo "user database" >"$data_dir/vetdesk.db"
    echo "log" >"$data_dir/Logs/vetdesk.log"
    echo "another app of the same publisher" >"$sibling_dir/keep.txt"
}

python_bin="${PYTHON:-python3}"
version="$("$python_bin" "$here/make_version_info.py" --print version)"
version4="$("$python_bin" "$here/make_version_info.py" --print version4)"

build_stub_installer() {  # build_stub_installer VERSION VERSION4 PAYLOAD-DIR OUT.exe
    makensis -V2 -WX "-DVERSION=$1" "-DVERSION_4=$2" "-DSRCDIR=$3" "-DOUTFILE=$4" "$here/vetdesk.nsi"
}

if [[ -z "$installer" ]]; then
    echo "== stub payloads (the installer logic does not care whether the payload is real)"
    # A stand-in vetdesk.exe: exits at once, or with --hold stays up until release-hold
    # appears beside it (at most 2 minutes), so "refuse while VetDesk runs" can be tested.
    mkdir -p "$work/stubapp"
    cat >"$work/stubapp/stubapp.nsi" <<'NSI'
Unicode true
Target amd64-unicode
RequestExecutionLevel user
SilentInstall silent
Name "vetdesk-stub"
OutFile "vetdesk.exe"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
Section
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "--hold" $1
  ${IfNot} ${Errors}
    FileOpen $3 "$EXEDIR\holding" w
    FileClose $3
    StrCpy $2 0
    ${DoUntil} ${FileExists} "$EXEDIR\release-hold"
      Sleep 200
      IntOp $2 $2 + 1
      ${IfThen} $2 > 600 ${|} ${ExitDo} ${|}
    ${Loop}
    Delete "$EXEDIR\holding"
  ${EndIf}
SectionEnd
NSI
    makensis -V2 -WX "$work/stubapp/stubapp.nsi"
    for kind in old new; do
        payload="$work/payload-$kind"
        mkdir -p "$payload/_internal/vetdesk/resources/standards" "$payload/_internal/vetdesk/db/migrations"
        cp "$work/stubapp/vetdesk.exe" "$payload/vetdesk.exe"
        cp "$work/stubapp/vetdesk.exe" "$payload/vetdesk-debug.exe"
        echo "# migration" >"$payload/_internal/vetdesk/db/migrations/env.py"
        # A non-ASCII file name: the manifest is UTF-16 for this reason.
        echo "{}" >"$payload/_internal/vetdesk/resources/standards/规则集.json"
        "$python_bin" "$here/make_manifest.py" "$payload" >/dev/null
    done
    echo "only in the old version" >"$work/payload-old/_internal/old-only.txt"
    "$python_bin" "$here/make_manifest.py" "$work/payload-old" >/dev/null
    old_setup="$work/VetDesk-0.0.9-setup.exe"
    new_setup="$work/VetDesk-$version-setup.exe"
    timed makensis_compile build_stub_installer 0.0.9 0.0.9.0 "$work/payload-old" "$old_setup"
    ((rc == 0)) || { echo "makensis failed for the old stub"; exit 1; }
    build_stub_installer "$version" "$version4" "$work/payload-new" "$new_setup"

    echo "== install the old version (0.0.9), silently, default folder"
    timed install_old wine "$old_setup" /S
    check "setup exit code 0" test "$rc" -eq 0
    check "vetdesk.exe in %LOCALAPPDATA%\\Programs\\VetDesk" test -f "$default_instdir/vetdesk.exe"
    check "DisplayVersion 0.0.9" test "$(reg_value DisplayVersion)" = "0.0.9"
    plant_data
    echo "notes the user saved in the program folder" >"$default_instdir/user-notes.txt"

    echo "== refuse to install or uninstall while VetDesk runs"
    rm -f "$default_instdir/release-hold"
    wine "$default_instdir/vetdesk.exe" --hold &
    holder=$!
    for _ in $(seq 1 150); do
        [[ -e "$default_instdir/holding" ]] && break
        sleep 0.2
    done
    check "stand-in vetdesk.exe is running" test -e "$default_instdir/holding"
    timed install_while_running wine "$new_setup" /S
    check "setup refuses with exit code 5" test "$rc" -eq 5
    check "old version untouched (old-only.txt)" test -f "$default_instdir/_internal/old-only.txt"
    check "DisplayVersion still 0.0.9" test "$(reg_value DisplayVersion)" = "0.0.9"
    win_default_instdir="$(wine winepath -w "$default_instdir" | tr -d '\r')"
    timed uninstall_while_running wine "$default_instdir/uninstall.exe" /S "_?=$win_default_instdir"
    check "uninstaller refuses with exit code 5" test "$rc" -eq 5
    check "program files untouched" test -f "$default_instdir/vetdesk.exe"
    touch "$default_instdir/release-hold"
    wait "$holder" || true
    rm -f "$default_instdir/release-hold" "$default_instdir/holding"

    echo "== upgrade in place to $version"
    timed install_upgrade wine "$new_setup" /S
    check "setup exit code 0" test "$rc" -eq 0
    check "DisplayVersion $version" test "$(reg_value DisplayVersion)" = "$version"
    check "stale file of the old version removed" absent "$default_instdir/_internal/old-only.txt"
    check "new non-ASCII file installed" test -f "$default_instdir/_internal/vetdesk/resources/standards/规则集.json"
    check "user data kept across the upgrade" test -f "$data_dir/vetdesk.db"
    check "user's own file in the program folder kept" test -f "$default_instdir/user-notes.txt"

    echo "== reinstall into another folder (/D=, with spaces): the old copy is removed"
    custom_instdir="$WINEPREFIX/drive_c/VetDesk Apps/VetDesk"
    # /D= must be last and unquoted (NSIS docs 3.2). Wine quotes an argument that has
    # spaces, so the path is passed as two words: wine joins them with one space.
    timed install_relocate wine "$new_setup" /S /DESKTOPSHORTCUT '/D=C:\VetDesk' 'Apps\VetDesk'
    check "setup exit code 0" test "$rc" -eq 0
    check "installed into the /D= folder" test -f "$custom_instdir/vetdesk.exe"
    check "InstallLocation updated" test "$(reg_value InstallLocation)" = 'C:\VetDesk Apps\VetDesk'
    check "old folder's program files removed" absent "$default_instdir/vetdesk.exe"
    check "old folder's uninstaller removed" absent "$default_instdir/uninstall.exe"
    check "user's file in the old folder kept" test -f "$default_instdir/user-notes.txt"
    check "desktop shortcut (/DESKTOPSHORTCUT)" test -f "$desktop_lnk"
    instdir="$custom_instdir"
else
    echo "== install $installer, silently, default folder"
    timed install wine "$installer" /S
    check "setup exit code 0" test "$rc" -eq 0
    instdir="$default_instdir"
    plant_data
fi

echo "== installed state"
check "vetdesk.exe installed" test -f "$instdir/vetdesk.exe"
check "vetdesk-debug.exe installed" test -f "$instdir/vetdesk-debug.exe"
check "uninstall.exe written" test -f "$instdir/uninstall.exe"
check "install-manifest.txt installed" test -f "$instdir/install-manifest.txt"
manifest_files "$instdir" >"$work/manifest.lst"
check "every manifest file installed ($(wc -l <"$work/manifest.lst") files)" \
    all_listed_files_present "$instdir" "$work/manifest.lst"
check "Start-menu shortcut VetDesk.lnk" test -f "$start_menu_lnk"
check "shortcut points at vetdesk.exe" grep -aq 'vetdesk.exe' "$start_menu_lnk"
check "English texts on an English system (shortcut comment)" \
    lnk_has_text "$start_menu_lnk" "VetDesk vocational-education data desk"
check "uninstall key exists (HKCU)" uninstall_key_exists
check "DisplayName VetDesk" test "$(reg_value DisplayName)" = "VetDesk"
check "DisplayVersion $version" test "$(reg_value DisplayVersion)" = "$version"
check "Publisher HaidongEdu" test "$(reg_value Publisher)" = "HaidongEdu"
check "DisplayIcon is vetdesk.exe" ends_with "$(reg_value DisplayIcon)" '\vetdesk.exe,0'
check "UninstallString set" contains "$(reg_value UninstallString)" 'uninstall.exe'
check "QuietUninstallString has /S" ends_with "$(reg_value QuietUninstallString)" 'uninstall.exe" /S'
check "EstimatedSize set" nonzero_hex "$(reg_value EstimatedSize)"
check "offered in Explorer's \"Open with\" for .xlsx" offered_for_xlsx
check "open command passes the workbook" ends_with "$(open_command)" '\vetdesk.exe" "%1"'
check "the default program for .xlsx is not taken" test -z "$(xlsx_default)"
echo "       EstimatedSize $(reg_value EstimatedSize) KiB"

echo "== silent uninstall"
win_instdir="$(wine winepath -w "$instdir" | tr -d '\r')"
timed uninstall wine "$instdir/uninstall.exe" /S "_?=$win_instdir"
check "uninstaller exit code 0" test "$rc" -eq 0
check "every manifest file removed" all_listed_files_absent "$instdir" "$work/manifest.lst"
check "install-manifest.txt removed" absent "$instdir/install-manifest.txt"
check "Start-menu shortcut removed" absent "$start_menu_lnk"
check "desktop shortcut removed" absent "$desktop_lnk"
if uninstall_key_exists; then fail "uninstall key removed"; else pass "uninstall key removed"; fi
if offered_for_xlsx; then fail "\"Open with\" entry removed"; else pass "\"Open with\" entry removed"; fi
check "open command removed" test -z "$(open_command)"
check "DATA KEPT: $data_dir/vetdesk.db" test -f "$data_dir/vetdesk.db"
check "DATA KEPT: logs" test -f "$data_dir/Logs/vetdesk.log"
# With _?= the uninstaller runs in place and cannot delete itself; the caller does.
rm -f "$instdir/uninstall.exe"
rmdir "$instdir" 2>/dev/null || true
check "program folder gone once uninstall.exe is deleted" absent "$instdir"

if [[ -z "$installer" ]]; then
    echo "== opt-in data removal (/REMOVEDATA, the command-line form of the checkbox)"
    wine "$new_setup" /S
    timed uninstall_removedata wine "$default_instdir/uninstall.exe" /S /REMOVEDATA "_?=$win_default_instdir"
    check "uninstaller exit code 0" test "$rc" -eq 0
    check "data directory removed" absent "$data_dir"
    check "other folders of the publisher kept" test -f "$sibling_dir/keep.txt"
fi

if [[ -z "$installer" ]]; then
    echo "== Chinese system locale: the installer picks Simplified Chinese by itself"
    # Needs the glibc locale: without it wine runs in a broken state and setup exits 2.
    if locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
        LC_ALL=zh_CN.UTF-8 wine wineboot
        wineserver -w
        timed install_zh env LC_ALL=zh_CN.UTF-8 wine "$new_setup" /S
        check "setup exit code 0" test "$rc" -eq 0
        check "Chinese texts (shortcut comment)" lnk_has_text "$start_menu_lnk" "VetDesk 职业教育数据工作台"
        timed uninstall_zh env LC_ALL=zh_CN.UTF-8 wine "$default_instdir/uninstall.exe" /S "_?=$win_default_instdir"
        check "uninstaller exit code 0" test "$rc" -eq 0
        check "Start-menu shortcut removed" absent "$start_menu_lnk"
    else
        echo "  skip zh_CN.UTF-8 locale not generated (apt-get install locales;" \
            "localedef -i zh_CN -f UTF-8 zh_CN.UTF-8)"
    fi
fi

wineserver -w
echo "== timings (seconds)"
printf '   %s\n' "${timing_lines[@]}"
if [[ -n "$timings_file" ]]; then
    printf '%s\n' "${timing_lines[@]}" >"$timings_file"
fi
if ((failures)); then
    echo "FAILED: $failures check(s)"
    exit 1
fi
echo "ALL CHECKS PASSED"
