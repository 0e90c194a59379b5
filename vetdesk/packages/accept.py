"""Accepting and refusing county packages: the one service behind ``vetdesk merge`` and the inbox.

Per package it is all or nothing: the package is verified again inside the write
transaction (signature, key, ledger), merged, and its receipt signed and written
before the transaction commits. A receipt that cannot be written undoes the merge; a
commit that fails removes the receipt. The city's key is unlocked once, before any
package is touched, so a wrong passphrase merges nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vetdesk.db.backup import REASON_MERGE
from vetdesk.db.database import Database
from vetdesk.errors import UsageError, VetDeskError
from vetdesk.i18n import _
from vetdesk.packages.merge import (
    MergePreview,
    accept_gap,
    merge_in_transaction,
    preview_merge,
    record_rejection,
    rejection_reason,
)
from vetdesk.packages.receipt import write_receipt
from vetdesk.packages.verify import Verification, verify_content, verify_package
from vetdesk.signing.keystore import unlock_key


@dataclass(frozen=True)
class ReceiptSigner:
    """Where receipts go and the city's unlocked key that signs them."""

    folder: Path
    private_key: Ed25519PrivateKey


def unlock_receipts(db: Database, folder: Path, passphrase: str) -> ReceiptSigner:
    """Unlock the city's key for receipts, before any package is touched."""
    if not db.info().is_city:
        raise UsageError(_("只有市级数据库可以签发回执。"))
    return ReceiptSigner(folder, unlock_key(db, passphrase))


@dataclass
class PackageOutcome:
    """What became of one package: its preview (applied or not), its receipt, or an error."""

    file_name: str
    preview: MergePreview
    receipt: Path | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        """accepted, already_accepted, rejected, pending (dry run) or failed (nothing written)."""
        return "failed" if self.error is not None else self.preview.status


@contextmanager
def _receipt_undone_on_failure() -> Iterator[list[Path]]:
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        # The transaction did not commit: a receipt must not claim what did not happen.
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _fresh(db: Database, package: Verification) -> Verification:
    # Checked again now (the ledger or the keys may have changed since the preview); the
    # decisive check is repeated inside the write transaction.
    if package.content is None:
        return package
    return verify_content(db, package.content)


@dataclass
class BatchBackup:
    """One verified backup per merge batch: taken before the first package that writes."""

    taken: bool = False

    def reason(self) -> str | None:
        """The backup reason for the next write (None once the batch's backup exists)."""
        return None if self.taken else REASON_MERGE


def accept_package(
    db: Database,
    package: Verification,
    *,
    receipts: ReceiptSigner | None = None,
    file_name: str = "",
    gap_reason: str | None = None,
    expected: str | None = None,
    batch: BatchBackup | None = None,
    just_verified: bool = False,
) -> PackageOutcome:
    """Verify a read package inside the write transaction, merge it and sign its receipt, or nothing.

    ``gap_reason``: the city accepts, for this reason, that the package does not link to
    the last accepted one because packages in between never arrived. ``expected``: the
    digest of the change set the officer was shown; if the merge would now write anything
    else, :class:`~vetdesk.packages.merge.StalePreview` is raised and nothing is written.
    ``batch``: shared by the packages of one batch, so that only the first one backs up.
    ``just_verified``: the verification was made this instant (a batch), so the check
    before the lock is not repeated; the decisive one inside the transaction always runs.
    """
    batch = batch or BatchBackup()
    name = file_name or package.file_name
    current = package if just_verified else _fresh(db, package)
    accept_gap(current, gap_reason)
    with _receipt_undone_on_failure() as written:
        if current.content is None or not current.ok:
            preview = preview_merge(db, current)
            if receipts is not None:
                written.append(write_receipt(db, receipts.private_key, preview, receipts.folder))
            return PackageOutcome(name, preview, written[0] if written else None)
        with db.guarded_write("merge", batch.reason()), db.transaction() as session:
            batch.taken = True  # the backup (if this package took it) is verified by now
            preview = merge_in_transaction(
                db,
                session,
                current.content,
                file_name=name,
                gap_reason=gap_reason,
                expected=expected,
            )
            if receipts is not None:
                written.append(write_receipt(db, receipts.private_key, preview, receipts.folder))
    return PackageOutcome(name, preview, written[0] if written else None)


def reject_package(
    db: Database,
    package: Verification,
    reason: str,
    *,
    receipts: ReceiptSigner | None = None,
    file_name: str = "",
) -> PackageOutcome:
    """Refuse a package with a reason: record the refusal and sign its receipt, or nothing."""
    name = file_name or package.file_name
    preview = preview_merge(db, package)  # what the county would have changed, for the record
    preview.rejected_reason = rejection_reason(reason)
    with _receipt_undone_on_failure() as written, db.transaction() as session:
        record_rejection(db, session, preview)
        if receipts is not None:
            written.append(write_receipt(db, receipts.private_key, preview, receipts.folder))
    return PackageOutcome(name, preview, written[0] if written else None)


def merge_batch(
    db: Database,
    paths: Iterable[Path],
    *,
    dry_run: bool = False,
    reject_reason: str | None = None,
    receipts: ReceiptSigner | None = None,
    gap_reason: str | None = None,
) -> list[PackageOutcome]:
    """Preview, accept or refuse each package in turn and report each one's outcome.

    Each package is its own transaction, so a package that fails (a full disk, the
    database busy) leaves the database as it was and the next one is tried. One verified
    backup is taken, before the first package that writes.
    """
    outcomes = []
    batch = BatchBackup()
    for path in paths:
        verification = verify_package(db, path)
        try:
            if dry_run:
                accept_gap(verification, gap_reason)
                outcome = PackageOutcome(path.name, preview_merge(db, verification))
            elif reject_reason is not None:
                outcome = reject_package(
                    db, verification, reject_reason, receipts=receipts, file_name=path.name
                )
            else:
                outcome = accept_package(
                    db,
                    verification,
                    receipts=receipts,
                    file_name=path.name,
                    gap_reason=gap_reason,
                    batch=batch,
                    just_verified=True,
                )
        except VetDeskError as exc:
            outcome = PackageOutcome(path.name, MergePreview(verification), error=exc.message)
        outcomes.append(outcome)
    return outcomes
