"""The signed envelope shared by packages, receipts and task packages: sealing and verifying.

A workbook's hidden ``_vetdesk`` sheet carries a manifest (RFC 8785 canonical JSON)
and an Ed25519 signature over ``namespace || 0x00 || manifest``. The manifest holds
a SHA-256 of each data sheet's canonical rows, so the signature covers the data, not
the zip bytes: opening and saving the workbook in Excel, WPS or LibreOffice without
changing data keeps it valid, and changing any value does not.

Verifying is one pipeline for the three kinds (:func:`verify_envelope`), in this order:
the workbook's kind → the envelope is well formed → format version → the key
(:func:`vetdesk.signing.trust.find_key`: registered, not revoked, bound to the unit that
must sign this kind) → the signature under the kind's namespace → the manifest names this
kind → every signed sheet's hash recomputed from the cells, no unsigned sheet → the kind's
own content checks → the kind's scope (is it for this unit?) → the kind's ledger policy.
Each kind (:class:`EnvelopeKind`) supplies its namespace, its sheets, its wording and those
last three steps; every refusal is one :class:`~vetdesk.packages.verdict.Verdict`.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.packages.verdict import Verdict
from vetdesk.signing.canonical import StrictJSONError, canonical_json, parse_strict_json
from vetdesk.signing.keys import KeyFileError, public_key_from_text, sign, verify
from vetdesk.signing.trust import KeyRecord, find_key
from vetdesk.workbook.filesafety import UnsafeFileError
from vetdesk.workbook.reader import WorkbookContent, read_workbook
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


def as_signed(spec: SheetSpec, signed: Any) -> SheetSpec:
    """The sheet as a package signed it: only the columns its manifest lists.

    A package written before a column was added (e.g. 学位 in schema 0005) was signed
    without it; its digest is recomputed over the columns it had, so it still verifies.
    """
    columns = signed.get("columns") if isinstance(signed, Mapping) else None
    if not isinstance(columns, list) or columns == [c.key for c in spec.columns]:
        return spec
    known = {c.key: c for c in spec.columns}
    if not all(isinstance(k, str) and k in known for k in columns):
        return spec
    return replace(spec, columns=tuple(known[k] for k in columns))


def content_digests(
    content: WorkbookContent, specs: Iterable[SheetSpec]
) -> dict[str, dict[str, Any] | None]:
    """Digests of the sheets as read back from a workbook (None for a missing sheet).

    Each digest is computed once per content and set of columns: the merge verifies a
    package before taking the write lock and again under it (keys, signature, ledger), and
    the rows read from the file are the same both times.
    """
    digests: dict[str, dict[str, Any] | None] = {}
    for spec in specs:
        sheet = content.sheet(spec.key)
        if sheet is None:
            digests[spec.key] = None
            continue
        memo = (spec.key, tuple(c.key for c in spec.columns))
        if memo not in content.digests:
            content.digests[memo] = sheet_digest(spec, [r.values for r in sheet.rows])
        digests[spec.key] = dict(content.digests[memo])
    return digests


def readable_digest(rows: list[list[str]]) -> str:
    """SHA-256 of a readable sheet's text rows (cover, 核验结果)."""
    return hashlib.sha256(canonical_json(rows)).hexdigest()


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


# --- verification: one pipeline, configured per kind ----------------------------------------

# What a file-safety refusal means for a signed file: not one of ours, or a damaged one.
_NOT_A_SIGNED_FILE = frozenset(
    {"legacy_xls", "csv_or_text", "html", "not_xlsx", "encrypted", "macro", "empty_file"}
)


class Step(enum.StrEnum):
    """The refusals of the shared steps, each worded by the kind."""

    NOT_THIS_KIND = "not_this_kind"
    MALFORMED = "malformed"
    FORMAT = "format"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    WRONG_UNIT = "wrong_unit"
    BAD_STORED_KEY = "bad_stored_key"
    BAD_SIGNATURE = "bad_signature"
    MANIFEST_KIND = "manifest_kind"
    UNSIGNED_SHEET = "unsigned_sheet"
    CHANGED_SHEET = "changed_sheet"


def unit_name(code: Any) -> str:
    """A unit's name (its code when unknown)."""
    unit = load_units().get(str(code))
    return unit.name if unit else str(code)


@dataclass(frozen=True)
class StepContext:
    """What a refusal's wording may name."""

    file_name: str
    file_kind: str = ""
    manifest: Mapping[str, Any] = field(default_factory=dict)
    key: KeyRecord | None = None
    sheet: str = ""

    @property
    def key_id(self) -> Any:
        """The key id the manifest names."""
        return self.manifest.get("key_id")

    @property
    def format(self) -> Any:
        """The manifest's format version."""
        return self.manifest.get("format")


class Refusal(Exception):
    """A verification step failed with a verdict and a message for people."""

    def __init__(
        self, verdict: Verdict, message: str, sheet: str | None = None, remedy: str = ""
    ) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message
        self.sheet = sheet
        self.remedy = remedy


@dataclass
class EnvelopeVerification:
    """The result of verifying one signed file, whatever its kind."""

    file_name: str
    verdict: Verdict
    message: str
    sheet: str | None = None
    manifest: dict[str, Any] | None = None
    manifest_sha256: str | None = None
    fingerprint: str | None = None
    notes: list[str] = field(default_factory=list)
    content: WorkbookContent | None = field(default=None, repr=False)
    # What to do when this file's case needs more than the verdict's general advice.
    own_remedy: str = ""

    @property
    def ok(self) -> bool:
        """Whether the file passed every check."""
        return self.verdict == Verdict.VALID

    @property
    def remedy(self) -> str:
        """What a person can do about a refusal: this file's own advice, else the verdict's."""
        return self.own_remedy or self.verdict.remedy

    def verdict_json(self) -> dict[str, Any]:
        """The fields every kind's machine-readable form shares."""
        return {
            "file": self.file_name,
            "verdict": str(self.verdict),
            "label": self.verdict.label,
            "remedy": self.remedy,
            "ok": self.ok,
            "message": self.message,
            "sheet": self.sheet,
            "manifest_sha256": self.manifest_sha256,
            "fingerprint": self.fingerprint,
            "notes": self.notes,
        }


def _no_check(db: Database, result: Any) -> None:
    del db, result


def _no_ledger(db: Database, session: Session, result: Any) -> None:
    del db, session, result


@dataclass(frozen=True)
class EnvelopeKind:
    """How one kind of signed file is verified: what the shared pipeline asks of it.

    ``wording`` words each shared refusal; ``content_check`` reads what only this kind
    carries (raising :class:`Refusal`) and sets the valid message; ``scope`` refuses a file
    meant for another unit; ``ledger`` applies the kind's replay and ordering policy
    (setting the verdict on the result), read in the session given.
    """

    kind: str
    namespace: bytes
    wrong_kind: Verdict
    wording: Mapping[Step, Callable[[StepContext], str]]
    # The data sheets a manifest may sign, by manifest key; the required ones must be signed.
    sheets: Mapping[str, SheetSpec] = field(default_factory=dict)
    required_sheets: tuple[str, ...] = ()
    # The manifest field naming the signing unit, and whether that must be the city.
    signer_field: str = "unit_code"
    signed_by_city: bool = False
    content_check: Callable[[Database, Any], None] = _no_check
    scope: Callable[[Database, Any], None] = _no_check
    ledger: Callable[[Database, Session, Any], None] = _no_ledger
    # Advice of its own for some steps (e.g. which command takes a file of another kind).
    remedies: Mapping[Step, Callable[[StepContext], str]] = field(default_factory=dict)

    def refuse(
        self, verdict: Verdict, step: Step, context: StepContext, sheet: str | None = None
    ) -> Refusal:
        """The refusal of a shared step, in this kind's words."""
        remedy = self.remedies.get(step)
        return Refusal(
            verdict, self.wording[step](context), sheet, remedy(context) if remedy else ""
        )


@contextmanager
def reading(db: Database, session: Session | None) -> Iterator[Session]:
    """The caller's session when given (read under its write lock), else a short one."""
    if session is not None:
        yield session
        return
    with db.session() as own:
        yield own


def read_signed_file(
    path: Path, kind: EnvelopeKind, sheets: Iterable[SheetSpec] | None = None
) -> WorkbookContent | Refusal:
    """Read a signed file safely, or the refusal saying it is not one or is damaged."""
    try:
        if sheets is None:
            return read_workbook(path)
        return read_workbook(path, sheets=sheets)
    except UnsafeFileError as exc:
        verdict = kind.wrong_kind if exc.code in _NOT_A_SIGNED_FILE else Verdict.DAMAGED
        return Refusal(verdict, exc.message)


def verify_envelope(
    db: Database,
    content: WorkbookContent,
    kind: EnvelopeKind,
    result: EnvelopeVerification,
    *,
    session: Session | None = None,
    check_ledger: bool = True,
) -> None:
    """Run every step on a read workbook, recording the first refusal (or validity) in ``result``.

    Nothing is written; keys and the ledger are read in ``session`` when given.
    """
    try:
        _run_steps(db, content, kind, result, session)
        kind.scope(db, result)
        if check_ledger:
            with reading(db, session) as reader:
                kind.ledger(db, reader, result)
    except Refusal as refusal:
        result.verdict, result.message = refusal.verdict, refusal.message
        result.sheet, result.own_remedy = refusal.sheet, refusal.remedy


def _run_steps(
    db: Database,
    content: WorkbookContent,
    kind: EnvelopeKind,
    result: EnvelopeVerification,
    session: Session | None,
) -> None:
    meta = content.meta
    context = StepContext(content.file_name, meta.kind if meta is not None else "")
    if meta is None or meta.kind != kind.kind:
        raise kind.refuse(kind.wrong_kind, Step.NOT_THIS_KIND, context)
    try:
        envelope = open_envelope(meta.get("manifest"), meta.get("signature"))
    except EnvelopeError:
        raise kind.refuse(Verdict.TAMPERED, Step.MALFORMED, context, "_vetdesk") from None
    manifest = envelope.manifest
    result.manifest, result.manifest_sha256 = manifest, envelope.sha256
    result.content = content
    context = replace(context, manifest=manifest)
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > MANIFEST_FORMAT:
        raise kind.refuse(Verdict.UNSUPPORTED_FORMAT, Step.FORMAT, context)
    public_key = _signing_key(db, kind, result, context, session)
    if not envelope.verifies_with(public_key, kind.namespace):
        raise kind.refuse(Verdict.TAMPERED, Step.BAD_SIGNATURE, context, "_vetdesk")
    if manifest.get("kind") != kind.kind:
        # Signed under this kind's namespace yet naming another kind: a faulty signer.
        raise kind.refuse(kind.wrong_kind, Step.MANIFEST_KIND, context)
    if kind.sheets:
        _check_sheets(kind, envelope, content, context)
    result.verdict = Verdict.VALID
    kind.content_check(db, result)


def _signing_key(
    db: Database,
    kind: EnvelopeKind,
    result: EnvelopeVerification,
    context: StepContext,
    session: Session | None,
) -> Ed25519PublicKey:
    with reading(db, session) as reader:
        key = find_key(reader, str(context.key_id or ""), db.info().unit_code)
    if key is None:
        raise kind.refuse(Verdict.UNKNOWN_KEY, Step.UNKNOWN_KEY, context)
    context = replace(context, key=key)
    result.fingerprint = key.fingerprint
    if key.status != "active":
        raise kind.refuse(Verdict.REVOKED_KEY, Step.REVOKED_KEY, context)
    signer = str(context.manifest.get(kind.signer_field, ""))
    city = load_units().city.code
    if key.unit_code != signer or (kind.signed_by_city and key.unit_code != city):
        raise kind.refuse(Verdict.WRONG_UNIT, Step.WRONG_UNIT, context)
    try:
        return public_key_from_text(key.public_key)
    except KeyFileError:
        raise kind.refuse(Verdict.UNKNOWN_KEY, Step.BAD_STORED_KEY, context) from None


def _check_sheets(
    kind: EnvelopeKind, envelope: Envelope, content: WorkbookContent, context: StepContext
) -> None:
    sheets = envelope.manifest.get("sheets")
    listed = sheets if isinstance(sheets, dict) else {}
    for key, sheet in content.sheets.items():
        if key not in listed:
            # Whatever reads the file applies every data sheet it recognises, so one the
            # signature does not cover would be used unchecked: the manifest is the whole truth.
            raise kind.refuse(
                Verdict.TAMPERED,
                Step.UNSIGNED_SHEET,
                replace(context, sheet=sheet.title),
                sheet.title,
            )
    changed = _changed_sheet(kind, listed, content) if isinstance(sheets, dict) else "_vetdesk"
    if changed is not None:
        raise kind.refuse(
            Verdict.TAMPERED, Step.CHANGED_SHEET, replace(context, sheet=changed), changed
        )


def _changed_sheet(
    kind: EnvelopeKind, listed: Mapping[str, Any], content: WorkbookContent
) -> str | None:
    """The title of the first sheet whose data differs from what was signed (or _vetdesk)."""
    if any(key not in kind.sheets for key in listed) or any(
        key not in listed for key in kind.required_sheets
    ):
        return "_vetdesk"
    specs = [as_signed(kind.sheets[key], listed[key]) for key in listed]
    actual = content_digests(content, specs)
    for spec in specs:
        expected = listed[spec.key]
        found = actual[spec.key]
        if found is None or not isinstance(expected, dict):
            return spec.sheet_title
        if found["rows"] != expected.get("rows") or found["sha256"] != expected.get("sha256"):
            return spec.sheet_title
    return None
