"""Teachers' 身份证号 in packages as keyed hashes, when the city asks for it.

The city sets a secret key and sends it down in its signed task package; a county
then writes every 身份证号 of its official package as ``H`` + 17 hex digits of
HMAC-SHA256(key, number). The package on a USB stick no longer carries the numbers,
yet the city can still see that two counties list the same teacher: both hashes agree.
Where the setting is stored: :mod:`vetdesk.db.id_privacy`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

MODE_PLAIN = "plain"
MODE_HASHED = "hmac-sha256"
_HASHED = re.compile(r"^H[0-9A-F]{17}$")


@dataclass(frozen=True)
class IdPrivacy:
    """How packages carry 身份证号: plain, or hashed with a key."""

    mode: str
    key: bytes = b""

    @property
    def hashed(self) -> bool:
        """Whether numbers are replaced by keyed hashes."""
        return self.mode == MODE_HASHED

    @property
    def key_id(self) -> str:
        """A short public name of the key (never the key)."""
        return hashlib.sha256(b"VetDesk-id-key:" + self.key).hexdigest()[:16] if self.key else ""

    def to_json(self) -> dict[str, Any]:
        """The setting as stored and as sent in task packages."""
        if not self.hashed:
            return {"mode": MODE_PLAIN}
        return {
            "mode": MODE_HASHED,
            "key": base64.b64encode(self.key).decode("ascii"),
            "key_id": self.key_id,
        }


def hash_id_number(privacy: IdPrivacy, number: str) -> str:
    """The keyed hash that stands for a 身份证号 in a package (18 characters, like the number)."""
    digest = hmac.new(privacy.key, number.encode("ascii"), hashlib.sha256).hexdigest().upper()
    return "H" + digest[:17]


def is_hashed_id(value: str) -> bool:
    """Whether a value is a keyed hash rather than a 身份证号."""
    return bool(_HASHED.match(value))


def from_json(data: Any) -> IdPrivacy:
    """Parse the setting (anything unexpected means plain)."""
    if (
        isinstance(data, dict)
        and data.get("mode") == MODE_HASHED
        and isinstance(data.get("key"), str)
    ):
        return IdPrivacy(MODE_HASHED, base64.b64decode(data["key"]))
    return IdPrivacy(MODE_PLAIN)


def new_hashed_privacy() -> IdPrivacy:
    """A fresh secret key for hashed numbers."""
    return IdPrivacy(MODE_HASHED, secrets.token_bytes(32))
