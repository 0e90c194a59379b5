#!/usr/bin/env bash
# Check a VetDesk .deb on this machine, as CI does (needs root): lintian with no errors and
# no unjustified warnings (justifications: installer/deb/lintian-overrides, shipped in the
# package), desktop-file-validate on its desktop entry, the UOS layout and info file, dpkg -i,
# then as an ordinary user (nobody, with a throwaway home) from /usr/bin: vetdesk --version,
# vetdesk --self-test, a demo database and the GUI offscreen with one screenshot kept; then
# dpkg -r and dpkg -P, and check that no file of the package is left and that the user's data
# directory (~/.local/share/VetDesk) is exactly as it was.
#
# Usage: installer/check_deb.sh DEB [--screenshot FILE] [--keep]
#   --screenshot FILE  where to copy the GUI screenshot (default: build/deb-check/vetdesk.png)
#   --keep             leave the throwaway home folder
# Needs: root, dpkg, lintian, desktop-file-validate (desktop-file-utils), setpriv, python3.
# The package must not be installed already. Exit status: 0 all checks passed, 1 a check
# failed, 2 bad usage, missing tool or not root.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
deb=""
screenshot="$root/build/deb-check/vetdesk.png"
keep=0
while (($#)); do
    case "$1" in
        --screenshot) screenshot="$(realpath -m "$2")"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "unknown option: $1" >&2; exit 2 ;;
        *) deb="$(realpath "$1")"; shift ;;
    esac
done
[[ -n "$deb" && -f "$deb" ]] || { echo "usage: $0 DEB [--screenshot FILE] [--keep]" >&2; exit 2; }
if ((EUID != 0)); then
    echo "NOT CHECKED: installing a .deb needs root (CI runs the tests as root)" >&2
    exit 2
fi
for tool in dpkg dpkg-deb lintian desktop-file-validate setpriv python3; do
    command -v "$tool" >/dev/null || {
        echo "MISSING TOOL: $tool (scripts/dev.py installs lintian and desktop-file-utils)" >&2
        exit 2
    }
done

package="$(dpkg-deb -f "$deb" Package)"
version="$(dpkg-deb -f "$deb" Version)"
status_of() { dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || echo not-installed; }
if [[ "$(status_of)" != "not-installed" ]]; then
    echo "$package is already installed ($(status_of)); remove it first: dpkg -P $package" >&2
    exit 2
fi

failures=0
ok() { echo "OK   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
step() { echo "== $*"; }

# A world-readable work folder: the ordinary user needs to reach its home inside it.
work="$(mktemp -d -t vetdesk-deb-check.XXXXXX)"
chmod 755 "$work"
home="$work/home"
runtime="$work/runtime"
mkdir -p "$home" "$runtime"
chown nobody:nogroup "$home" "$runtime"
chmod 700 "$runtime"
installed_by_us=0
cleanup() {
    if ((installed_by_us)) && [[ "$(status_of)" != "not-installed" ]]; then
        dpkg -P "$package" >/dev/null 2>&1 || true
    fi
    if ((keep)); then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

as_user() {
    # A clean environment, as a desktop session would give: PATH finds /usr/bin/vetdesk.
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        env -i HOME="$home" USER=nobody LOGNAME=nobody PATH=/usr/bin:/bin LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$runtime" QT_QPA_PLATFORM=offscreen "$@"
}
data_state() {
    # Every file below the user's home with its hash: the data directory must not change.
    (cd "$home" && find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

step "lintian $(lintian --version | cut -d' ' -f2) (overrides: installer/deb/lintian-overrides)"
if lintian_out="$(lintian --fail-on error,warning --tag-display-limit 0 "$deb" 2>&1)"; then
    ok "lintian: no errors, no unjustified warnings"
else
    fail "lintian:"
    echo "$lintian_out"
fi

step "contents: UOS layout, desktop entry, no maintainer scripts"
extract="$work/extract"
dpkg-deb -x "$deb" "$extract"
control_dir="$work/control"
dpkg-deb -e "$deb" "$control_dir"
appid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["appid"])' \
    "$(find "$extract/opt/apps" -mindepth 2 -maxdepth 2 -name info | head -n1)")"
app="/opt/apps/$appid"
for path in "$app/info" "$app/files/vetdesk" "$app/entries/applications/$appid.desktop" \
    "$app/entries/icons/hicolor/256x256/apps/$appid.png" /usr/bin/vetdesk \
    "/usr/share/applications/$appid.desktop" "/usr/share/icons/hicolor/48x48/apps/$appid.png" \
    "/usr/share/doc/$package/copyright"; do
    if [[ -e "$extract$path" || -L "$extract$path" ]]; then ok "ships $path"; else fail "missing $path"; fi
done
scripts="$(find "$control_dir" -type f \( -name preinst -o -name postinst -o -name prerm -o -name postrm \))"
if [[ -z "$scripts" ]]; then ok "no maintainer scripts"; else fail "maintainer scripts: $scripts"; fi
if validate_out="$(desktop-file-validate "$extract$app/entries/applications/$appid.desktop" 2>&1)" \
    && [[ -z "$validate_out" ]]; then
    ok "desktop-file-validate $appid.desktop"
else
    fail "desktop-file-validate: $validate_out"
fi
desktop="$extract$app/entries/applications/$appid.desktop"
if grep -qx 'MimeType=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;' "$desktop" \
    && grep -q '^Exec=.* %f$' "$desktop"; then
    ok "offers itself to open .xlsx workbooks (Exec … %f, MimeType)"
else
    fail "the desktop entry does not offer to open .xlsx (MimeType / Exec %f)"
fi
# Only an "open with" choice: a package takes over .xlsx by shipping a mimeapps.list or
# defaults.list, or by an InitialPreference in its entry. None of these may be there.
takeover="$(find "$extract" \( -name mimeapps.list -o -name defaults.list -o -name '*-mimeapps.list' \) -print;
    grep -l '^InitialPreference' "$desktop" || true)"
if [[ -z "$takeover" ]]; then
    ok "leaves the desktop's default application for .xlsx alone"
else
    fail "would change the default application for .xlsx: $takeover"
fi

step "dpkg -i $(basename "$deb")"
if dpkg_out="$(dpkg -i "$deb" 2>&1)"; then
    installed_by_us=1
    ok "installed $package $version"
else
    installed_by_us=1
    fail "dpkg -i:"
    echo "$dpkg_out"
    exit 1
fi

step "as an ordinary user (nobody, HOME=$home) from /usr/bin"
found="$(as_user sh -c 'command -v vetdesk')"
if [[ "$found" == /usr/bin/vetdesk ]]; then ok "vetdesk is $found"; else fail "vetdesk resolves to '$found'"; fi
if out="$(as_user vetdesk --version 2>&1)" && [[ "$out" == *"${version%%~*}"* ]]; then
    ok "vetdesk --version: $out"
else
    fail "vetdesk --version: $out"
fi
if out="$(as_user vetdesk --self-test 2>&1)"; then
    ok "vetdesk --self-test:"
else
    fail "vetdesk --self-test:"
fi
echo "$out"
if out="$(as_user vetdesk demo --db "$home/demo.db" --period 2025 2>&1)"; then
    ok "vetdesk demo --db ~/demo.db"
else
    fail "vetdesk demo: $out"
fi
shots="$home/screenshots"
if out="$(as_user vetdesk --db "$home/demo.db" --screenshot "$shots" 2>&1)"; then
    first="$(find "$shots" -name '*.png' | sort | head -n1)"
    mkdir -p "$(dirname "$screenshot")"
    cp "$first" "$screenshot"
    ok "GUI offscreen from the installed copy: $out; kept $(basename "$first") as $screenshot"
else
    fail "vetdesk --screenshot: $out"
fi
data_dir="$home/.local/share/VetDesk"
if [[ -d "$data_dir" ]]; then
    ok "user data in the XDG data directory: ~/.local/share/VetDesk ($(find "$data_dir" -mindepth 1 -printf '%f ' | head -c 200))"
else
    fail "no ~/.local/share/VetDesk after running the GUI"
fi
# shellcheck disable=SC2016  # $HOME is the user's, expanded by their shell
as_user sh -c 'echo "a file of the user" > "$HOME/.local/share/VetDesk/my-notes.txt"'
before="$(data_state)"

step "dpkg -r, dpkg -P: nothing of the package left, the user's data untouched"
dpkg-query -L "$package" >"$work/files.txt"
dpkg -r "$package" >/dev/null
after_remove="$(data_state)"
dpkg -P "$package" >/dev/null
installed_by_us=0
if [[ "$(status_of)" == "not-installed" ]]; then
    ok "$package is not installed"
else
    fail "status after purge: $(status_of)"
fi
left=0
while IFS= read -r path; do
    # Shared folders (/usr/bin, /usr/share/…) stay; every file, link and folder of our own goes.
    if [[ -L "$path" || (-e "$path" && ! -d "$path") ]]; then
        fail "left behind: $path"
        left=1
    fi
done <"$work/files.txt"
[[ -e "$app" ]] && { fail "left behind: $app"; left=1; }
[[ -e "/usr/share/doc/$package" ]] && { fail "left behind: /usr/share/doc/$package"; left=1; }
((left)) || ok "no file, link or folder of the package is left ($(wc -l <"$work/files.txt") paths checked)"
if [[ "$before" == "$after_remove" && "$before" == "$(data_state)" ]]; then
    ok "the user's data directory is unchanged after dpkg -r and dpkg -P ($(wc -l <<<"$before") files)"
else
    fail "the user's files changed on removal:"
    diff <(echo "$before") <(data_state) || true
fi

if ((failures)); then
    echo "$failures CHECK(S) FAILED"
    exit 1
fi
echo "ALL CHECKS PASSED"
