#!/usr/bin/env bash
# Authenticode-sign Windows executables in place with osslsigncode (SHA-256, RFC 3161
# timestamp), when a certificate is configured; otherwise say so and leave them unsigned.
# Called by makensis (!uninstfinalize / !finalize, with -DSIGN) and by build scripts.
#
# Usage: installer/sign.sh FILE...
# Environment:
#   VETDESK_SIGN_PFX             PKCS#12 file with the code-signing certificate and key
#   VETDESK_SIGN_PASSWORD        its password (may be empty)
#   VETDESK_SIGN_TIMESTAMP_URL   RFC 3161 server (default http://timestamp.digicert.com;
#                                "none" signs without a timestamp, for offline tests only)
#   VETDESK_SIGN_URL             optional publisher URL shown in the signature
set -euo pipefail

if (($# == 0)); then
    echo "usage: $0 FILE..." >&2
    exit 2
fi
if [[ -z "${VETDESK_SIGN_PFX:-}" ]]; then
    echo "Code signing: no certificate configured (VETDESK_SIGN_PFX unset); NOT signed: $*"
    exit 0
fi
if ! command -v osslsigncode >/dev/null; then
    echo "Code signing: osslsigncode not found (apt-get install -y osslsigncode)" >&2
    exit 1
fi
timestamp_url="${VETDESK_SIGN_TIMESTAMP_URL:-http://timestamp.digicert.com}"
for file in "$@"; do
    args=(sign -pkcs12 "$VETDESK_SIGN_PFX" -pass "${VETDESK_SIGN_PASSWORD:-}" -h sha256 -n "VetDesk")
    if [[ -n "${VETDESK_SIGN_URL:-}" ]]; then
        args+=(-i "$VETDESK_SIGN_URL")
    fi
    if [[ "$timestamp_url" != "none" ]]; then
        args+=(-ts "$timestamp_url")
    fi
    osslsigncode "${args[@]}" -in "$file" -out "$file.signed"
    mv -f "$file.signed" "$file"
    echo "Code signing: signed $file"
done
