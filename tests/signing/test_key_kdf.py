"""Private key files use a memory-hard KDF; old files still open and are upgraded (issue 18.7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from vetdesk.db.database import open_database
from vetdesk.signing import keys
from vetdesk.signing.keys import (
    PRODUCTION_SCRYPT_COST,
    key_file_is_outdated,
    key_id,
    load_private_key,
    save_private_key,
)
from vetdesk.signing.keystore import active_key, create_key, unlock_key

FIXTURE_KEY = Path(__file__).parent / "data" / "fixture_key.pem"
FIXTURE_PASSPHRASE = "fixture-passphrase"


def test_new_key_files_use_scrypt_at_owasp_cost(tmp_path, monkeypatch):
    monkeypatch.setattr(keys, "SCRYPT_COST", PRODUCTION_SCRYPT_COST)
    key = keys.generate_signing_key()
    path = tmp_path / "new.key"
    save_private_key(path, key, "correct horse battery")
    header = path.read_text(encoding="ascii").split("-----BEGIN")[0]
    assert header.startswith("VetDesk private signing key v2\n")
    kdf = next(line for line in header.splitlines() if line.startswith("kdf: "))
    fields = dict(item.split("=") for item in kdf.removeprefix("kdf: scrypt ").split())
    assert int(fields["n"]) >= 2**17 and int(fields["r"]) >= 8 and len(fields["salt"]) >= 32
    assert not key_file_is_outdated(path)
    assert key_id(load_private_key(path, "correct horse battery").public_key()) == key_id(
        key.public_key()
    )


def test_an_old_key_file_opens_and_is_re_encrypted_on_unlock(county_db, tmp_path):
    db = open_database(county_db)
    own = create_key(db, "a passphrase of some length")
    # Replace the new file by the same key in the old format (PKCS#8 with PBKDF2 only),
    # as an earlier VetDesk wrote it.
    private = load_private_key(own.key_file, "a passphrase of some length")
    old = keys._KEY_FILE_MAGIC
    from cryptography.hazmat.primitives import serialization

    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"a passphrase of some length"),
    )
    der = keys._parse_key_file(pem.decode("ascii"), require_header=False)
    import hashlib

    header = f"{old}\nkey_id: {own.key_id}\nder_sha256: {hashlib.sha256(der).hexdigest()}\n"
    own.key_file.write_bytes(header.encode("ascii") + pem)
    assert key_file_is_outdated(own.key_file)
    unlocked = unlock_key(db, "a passphrase of some length")
    assert key_id(unlocked.public_key()) == own.key_id
    assert not key_file_is_outdated(own.key_file)  # rewritten with scrypt
    assert key_id(unlock_key(db, "a passphrase of some length").public_key()) == own.key_id
    assert active_key(db).key_file == own.key_file
    db.close()


def test_the_pinned_v1_fixture_is_outdated_but_loads(tmp_path):
    copy = tmp_path / "fixture.key"
    shutil.copy(FIXTURE_KEY, copy)
    assert key_file_is_outdated(copy)
    load_private_key(copy, FIXTURE_PASSPHRASE)
