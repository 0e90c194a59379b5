"""Other units' public keys: registered with their fingerprint, revoked, rotated."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _
from vetdesk.signing.keys import fingerprint, key_id, parse_public_key_text, public_key_to_text


@dataclass(frozen=True)
class TrustedKeyInfo:
    """A registered key as shown to people."""

    unit_code: str
    unit_name: str
    key_id: str
    fingerprint: str
    status: str
    registered_at: dt.datetime


@dataclass(frozen=True)
class KeyCandidate:
    """A public key read from a file, before it is registered."""

    public_key: Ed25519PublicKey
    key_id: str
    fingerprint: str
    comment: str


@dataclass(frozen=True)
class KeyRecord:
    """A key a verifier may use: a registered one, or this unit's own."""

    unit_code: str
    public_key: str
    fingerprint: str
    status: str


def find_key(session: Session, wanted: str, own_unit: str) -> KeyRecord | None:
    """The one key lookup of every signed envelope: a registered key, else this unit's own.

    This unit's own key is found too (the city verifies its own task packages with it);
    elsewhere it is then refused as belonging to the wrong unit.
    """
    row = session.scalar(select(models.TrustedKey).where(models.TrustedKey.key_id == wanted))
    if row is not None:
        return KeyRecord(row.unit_code, row.public_key, row.fingerprint, row.status)
    own = session.scalar(select(models.SigningKey).where(models.SigningKey.key_id == wanted))
    if own is not None:
        return KeyRecord(
            own_unit, own.public_key, own.fingerprint, "active" if own.active else "retired"
        )
    return None


# Characters people put between the groups of a fingerprint (after NFKC: ，→, ；→; …).
_FINGERPRINT_SEPARATORS = frozenset("-‐‑–—_,、.。·:;/")


def fingerprints_match(typed: str, actual: str) -> bool:
    """Whether a fingerprint typed from paper matches (full-width digits read as digits).

    Group separators people type — spaces, hyphens, commas (also 、 and ，), dots — are
    ignored; any other character still makes it a mismatch.
    """

    def digits(text: str) -> str:
        return "".join(
            ch
            for ch in unicodedata.normalize("NFKC", text)
            if not ch.isspace() and ch not in _FINGERPRINT_SEPARATORS
        )

    return bool(digits(typed)) and digits(typed) == digits(actual)


def read_key_file(text: str) -> KeyCandidate:
    """Parse a public-key file and compute what a person must compare."""
    public, comment = parse_public_key_text(text)
    return KeyCandidate(public, key_id(public), fingerprint(public), comment)


def add_trusted_key(
    db: Database, unit_code: str, candidate: KeyCandidate, note: str = ""
) -> TrustedKeyInfo:
    """Register a unit's key; an earlier active key of that unit becomes retired."""
    info = db.info()
    unit = load_units().get(unit_code)
    if unit is None:
        raise UsageError(_("单位代码 {code} 不是海东市或其所辖县区的代码。").format(code=unit_code))
    if unit_code == info.unit_code:
        raise UsageError(_("不能把本单位自己的密钥登记为外单位密钥。"))
    if info.is_city == unit.is_city:
        raise UsageError(_("市级数据库登记各县区的密钥，县区数据库登记市局的密钥。"))
    _check_named_unit(candidate, unit_code)
    now = dt.datetime.now().replace(microsecond=0)
    with db.transaction() as session:
        existing = session.scalar(
            select(models.TrustedKey).where(models.TrustedKey.key_id == candidate.key_id)
        )
        if existing is not None:
            if existing.unit_code != unit_code:
                raise InputRejected(
                    _("该密钥已登记给单位 {code}，同一密钥不能属于两个单位。").format(
                        code=existing.unit_code
                    ),
                    code="key_other_unit",
                )
            if existing.status == "revoked":
                raise InputRejected(
                    _("该密钥已被吊销，不能重新登记。请对方生成新密钥。"), code="key_revoked"
                )
            return _info(existing)
        for old in session.scalars(
            select(models.TrustedKey).where(
                models.TrustedKey.unit_code == unit_code, models.TrustedKey.status == "active"
            )
        ):
            old.status = "retired"
            old.changed_at = now
        row = models.TrustedKey(
            unit_code=unit_code,
            key_id=candidate.key_id,
            public_key=public_key_to_text(candidate.public_key, unit_code),
            fingerprint=candidate.fingerprint,
            status="active",
            registered_at=now,
            note=note or None,
        )
        session.add(row)
        session.flush()
        return _info(row)


def _check_named_unit(candidate: KeyCandidate, unit_code: str) -> None:
    """Refuse a key whose file names another unit than the one it is registered for.

    ``vetdesk key export`` writes the unit code after the key; a file naming another unit is
    the wrong file (or the wrong unit was chosen), and registering it would make that unit's
    packages verify as this one's.
    """
    named = candidate.comment.split()[0] if candidate.comment.split() else ""
    if not (len(named) == 6 and named.isdigit()) or named == unit_code:
        return
    units = load_units()
    named_unit, asked_unit = units.get(named), units.get(unit_code)
    raise InputRejected(
        _(
            "公钥文件标明属于{named}（{named_code}），不能登记为{asked}（{asked_code}）的公钥。"
            "请确认选择的单位和文件是否正确。"
        ).format(
            named=named_unit.name if named_unit else named,
            named_code=named,
            asked=asked_unit.name if asked_unit else unit_code,
            asked_code=unit_code,
        ),
        code="key_unit_mismatch",
    )


def revoke_trusted_key(
    db: Database, unit_code: str, key: str | None = None
) -> list[TrustedKeyInfo]:
    """Revoke a unit's active key (or a given key id); packages it signs are refused from now on."""
    now = dt.datetime.now().replace(microsecond=0)
    with db.transaction() as session:
        stmt = select(models.TrustedKey).where(
            models.TrustedKey.unit_code == unit_code, models.TrustedKey.status != "revoked"
        )
        if key:
            stmt = stmt.where(models.TrustedKey.key_id == key)
        rows = list(session.scalars(stmt))
        if not rows:
            raise InputRejected(
                _("单位 {code} 没有可吊销的密钥。").format(code=unit_code), code="no_key"
            )
        for row in rows:
            row.status = "revoked"
            row.changed_at = now
        return [_info(r) for r in rows]


def list_trusted_keys(db: Database) -> list[TrustedKeyInfo]:
    """Every registered key, by unit."""
    with db.session() as session:
        rows = session.scalars(
            select(models.TrustedKey).order_by(
                models.TrustedKey.unit_code, models.TrustedKey.registered_at
            )
        )
        return [_info(r) for r in rows]


def _info(row: models.TrustedKey) -> TrustedKeyInfo:
    unit = load_units().get(row.unit_code)
    return TrustedKeyInfo(
        row.unit_code,
        unit.name if unit else row.unit_code,
        row.key_id,
        row.fingerprint,
        row.status,
        row.registered_at,
    )
