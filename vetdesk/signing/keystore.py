"""This unit's signing key: created, shown, rotated; the private half stays in the data dir.

The private key is a passphrase-encrypted file under ``<data dir>/keys/``, readable
only by the user; the database records the public half so packages can name it.
It is never written into any export, package or backup meant to leave the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.backup import REASON_KEY_CHANGE, pre_operation_backup
from vetdesk.db.database import Database
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.paths import data_dir
from vetdesk.signing.keys import (
    KeyFileError,
    PassphraseThrottle,
    fingerprint,
    generate_signing_key,
    key_file_is_outdated,
    key_id,
    load_private_key,
    public_key_to_text,
    save_private_key,
)

log = logging.getLogger(__name__)


class NoSigningKey(InputRejected):
    """The unit has no signing key yet."""

    code = "no_key"


@dataclass(frozen=True)
class OwnKey:
    """The public facts of this unit's active key."""

    key_id: str
    public_key: str
    fingerprint: str
    key_file: Path
    created_at: dt.datetime


def key_folder(unit_code: str) -> Path:
    """The folder holding a unit's private key files."""
    folder = data_dir() / "keys" / unit_code
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def active_key(db: Database) -> OwnKey:
    """This unit's active key, or NoSigningKey."""
    with db.session() as session:
        row = session.scalar(select(models.SigningKey).where(models.SigningKey.active))
        if row is None:
            raise NoSigningKey(_("本单位还没有签名密钥，请先运行 vetdesk key init 创建。"))
        return OwnKey(
            row.key_id, row.public_key, row.fingerprint, Path(row.key_file), row.created_at
        )


def create_key(db: Database, passphrase: str, *, rotate: bool = False) -> OwnKey:
    """Create this unit's key (or a new one replacing the active key when rotating)."""
    with db.session() as session:
        current = session.scalar(select(models.SigningKey).where(models.SigningKey.active))
    if current is not None and not rotate:
        raise InputRejected(
            _("本单位已有签名密钥（指纹 {fp}）。如需更换，请使用 vetdesk key rotate。").format(
                fp=current.fingerprint
            ),
            code="key_exists",
        )
    if current is not None and not db.on_server:  # a server database: its own backups apply
        pre_operation_backup(db, REASON_KEY_CHANGE)
    private = generate_signing_key()
    public = private.public_key()
    info = db.info()
    target = key_folder(info.unit_code) / f"{key_id(public)}.key"
    save_private_key(target, private, passphrase)
    now = dt.datetime.now().replace(microsecond=0)
    try:
        with db.transaction() as session:
            if current is not None:
                old = session.get(models.SigningKey, current.id)
                assert old is not None
                old.active = False
                old.retired_at = now
            session.add(
                models.SigningKey(
                    key_id=key_id(public),
                    public_key=public_key_to_text(public, info.unit_code),
                    fingerprint=fingerprint(public),
                    key_file=str(target),
                    created_at=now,
                    active=True,
                )
            )
    except Exception:
        target.unlink(missing_ok=True)  # the database refused: leave no orphan key behind
        raise
    return active_key(db)


def unlock_key(db: Database, passphrase: str) -> Ed25519PrivateKey:
    """Load the active private key with its passphrase (wrong guesses are rate-limited)."""
    own = active_key(db)
    throttle = PassphraseThrottle.for_key(own.key_file)
    private = load_private_key(own.key_file, passphrase, throttle=throttle)
    if key_id(private.public_key()) != own.key_id:
        raise InputRejected(
            _("密钥文件与数据库中登记的密钥不一致，请检查数据目录。"), code="key_mismatch"
        )
    if key_file_is_outdated(own.key_file):
        # Written by an older VetDesk with the weak PKCS#8 KDF: re-encrypted now, with the
        # passphrase just proven right. A failure (read-only folder) leaves the old file,
        # which still works; it is tried again on the next unlock.
        try:
            save_private_key(own.key_file, private, passphrase, overwrite=True)
        except KeyFileError as exc:
            log.warning("could not re-encrypt %s: %s", own.key_file, exc.message)
    return private


def public_key_file_text(db: Database) -> str:
    """The public key as the one-line text file other units register."""
    own = active_key(db)
    return own.public_key + "\n"
