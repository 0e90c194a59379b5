"""The signed envelope shared by packages, receipts and task packages.

A workbook's hidden ``_vetdesk`` sheet carries a manifest (RFC 8785 canonical JSON)
and an Ed25519 signature over ``namespace || 0x00 || manifest``. The manifest holds
a SHA-256 of each data sheet's canonical rows, so the signature covers the data, not
the zip bytes: opening and saving the workbook in Excel, WPS or LibreOffice without
changing data keeps it valid, and changing any value does not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vetdesk.signing.canonical import StrictJSONError, canonical_json, parse_strict_json
from vetdesk.signing.keys import sign, verify
from vetdesk.workbook.reader import WorkbookContent
from vetdesk.workbook.rows import Record, canonical_rows
from vetdesk.workbook.schema import SheetSpec

MANIFEST_FORMAT = 1
ALGORITHM = "Ed25519"


def sheet_digest(spec: SheetSpec, rows: Iterable[Record]) -> dict[str, Any]:
    """Row count and SHA-256 of a sheet's canonical rows (every column, informational included)."""
    canonical = canonical_rows(spec, list(rows), all_columns=True)
    return {
        "title": spec.title,
        "columns": [c.key for c in spec.columns],
        "rows": len(canonical),
        "sha256": hashlib.sha256(canonical_json(canonical)).hexdigest(),
    }


def content_digests(
    content: WorkbookContent, specs: Iterable[SheetSpec]
) -> dict[str, dict[str, Any] | None]:
    """Digests of the sheets as read back from a workbook (None for a missing sheet)."""
    digests: dict[str, dict[str, Any] | None] = {}
    for spec in specs:
        sheet = content.sheet(spec.key)
        digests[spec.key] = (
            None if sheet is None else sheet_digest(spec, [r.values for r in sheet.rows])
        )
    return digests


def manifest_hash(manifest: Mapping[str, Any]) -> str:
    """The package's identity: SHA-256 of the canonical manifest (never the signature bytes)."""
    return hashlib.sha256(canonical_json(dict(manifest))).hexdigest()


def seal(
    private_key: Ed25519PrivateKey, namespace: bytes, manifest: Mapping[str, Any]
) -> tuple[str, str]:
    """The manifest text and base64 signature to store in a workbook."""
    payload = canonical_json(dict(manifest))
    signature = sign(private_key, namespace, payload)
    return payload.decode("utf-8"), base64.b64encode(signature).decode("ascii")


@dataclass(frozen=True)
class Envelope:
    """A manifest and its signature as found in a workbook."""

    manifest: dict[str, Any]
    signature: bytes

    def verifies_with(self, public_key: Ed25519PublicKey, namespace: bytes) -> bool:
        """Whether the signature is valid for this manifest under a key and namespace."""
        return verify(public_key, namespace, canonical_json(self.manifest), self.signature)

    @property
    def sha256(self) -> str:
        """The manifest hash."""
        return manifest_hash(self.manifest)


class EnvelopeError(ValueError):
    """The hidden signature data is missing or not well formed."""


def open_envelope(manifest_text: str, signature_text: str) -> Envelope:
    """Parse the stored manifest and signature, refusing anything malformed."""
    if not manifest_text or not signature_text:
        raise EnvelopeError("manifest or signature missing")
    try:
        manifest = parse_strict_json(manifest_text)
    except (StrictJSONError, ValueError) as exc:
        raise EnvelopeError(f"manifest is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise EnvelopeError("manifest is not an object")
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeError("signature is not base64") from exc
    if len(signature) != 64:
        raise EnvelopeError("signature has the wrong length")
    return Envelope(manifest, signature)
