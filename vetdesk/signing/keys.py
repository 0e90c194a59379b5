"""Ed25519 signing keys: identities, text and file formats, passphrase throttling, signatures.

File formats defined here are long-lived (keys are enrolled on paper at the city bureau), so
every format carries a version marker and is pinned by fixtures in ``tests/signing``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import math
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from vetdesk.atomicfile import replace_atomically
from vetdesk.errors import VetDeskError
from vetdesk.i18n import _

__all__ = [
    "FINGERPRINT_DOMAIN",
    "MIN_PASSPHRASE_LENGTH",
    "NAMESPACE_PACKAGE",
    "NAMESPACE_RECEIPT",
    "NAMESPACE_TASK",
    "PUBLIC_KEY_PREFIX",
    "KeyFileError",
    "PassphraseThrottle",
    "fingerprint",
    "generate_signing_key",
    "key_file_is_outdated",
    "key_id",
    "load_private_key",
    "parse_public_key_text",
    "passphrase_problem",
    "public_key_from_text",
    "public_key_to_text",
    "raw_public_key",
    "save_private_key",
    "sign",
    "verify",
]

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

# Signature namespaces (domain separation, as in SSH signatures): a signature made for one
# purpose can never be replayed as a signature for another.
NAMESPACE_PACKAGE = b"VetDesk/package/v1"
NAMESPACE_RECEIPT = b"VetDesk/receipt/v1"
NAMESPACE_TASK = b"VetDesk/task/v1"

PUBLIC_KEY_PREFIX = "vetdesk-ed25519"
FINGERPRINT_DOMAIN = b"VetDesk-fp-v1"
MIN_PASSPHRASE_LENGTH = 8

_RAW_KEY_LENGTH = 32
_SIGNATURE_LENGTH = 64
# A genuine public-key line is about 60 characters plus a short comment; anything far larger
# is the wrong file, and refusing it early keeps error messages short.
_MAX_PUBLIC_KEY_TEXT = 4096
# A genuine private-key file is about 400 bytes.
_MAX_PRIVATE_KEY_FILE = 64 * 1024

# Private key file: RFC 7468 allows explanatory text before the PEM block. Ours records
# the key id and a checksum of the encrypted DER. PKCS#8 encryption has no integrity check,
# so without the checksum a damaged file and a wrong passphrase look alike (and about one
# wrong passphrase in 250 passes the CBC padding check and fails later as "bad data").
_KEY_FILE_MAGIC = "VetDesk private signing key v1"
# v2 adds a memory-hard KDF: PKCS#8's own encryption (what cryptography writes) derives its
# key with PBKDF2 at 2 048 iterations, cheap to brute-force from a lost USB stick or backup.
# v2 encrypts the same PKCS#8 with a password derived by scrypt from the passphrase and a
# random salt recorded in the header. v1 files still load and are rewritten as v2 on unlock.
_KEY_FILE_MAGIC_V2 = "VetDesk private signing key v2"
_PEM_BEGIN = "-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PEM_END = "-----END ENCRYPTED PRIVATE KEY-----"


class KeyFileError(VetDeskError):
    """A key, key file or passphrase problem; ``code`` says which."""

    code = "key_error"


# --- identities --------------------------------------------------------------------------


def generate_signing_key() -> Ed25519PrivateKey:
    """Create a new random Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    """Return the raw 32-byte encoding of an Ed25519 public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """Return the machine key id: hex of the first 8 bytes of SHA-256(raw public key)."""
    # Derived rather than random (unlike minisign), so a key and its id can never disagree.
    return hashlib.sha256(raw_public_key(public_key)).digest()[:8].hex()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Return the human fingerprint: 8 space-separated groups of 5 decimal digits.

    Digest = SHA-256(b"VetDesk-fp-v1" + raw public key), 32 bytes. Group i is the big-endian
    integer of digest bytes [4*i, 4*i + 4) modulo 100000, zero-padded to 5 digits. (SHA-256
    has 32 bytes, so 4-byte chunks are what fill 8 groups; the modulo bias of 2**32 % 100000
    is below 0.003 %, and the whole reads as about 133 bits.) Digits are easy to read aloud
    over the phone and to compare with the stamped enrolment form.
    """
    digest = hashlib.sha256(FINGERPRINT_DOMAIN + raw_public_key(public_key)).digest()
    groups = (int.from_bytes(digest[i : i + 4], "big") % 100_000 for i in range(0, 32, 4))
    return " ".join(f"{group:05d}" for group in groups)


# --- public key text ---------------------------------------------------------------------


def public_key_to_text(public_key: Ed25519PublicKey, comment: str = "") -> str:
    """Return the one-line text form ``vetdesk-ed25519 <base64> [comment]`` (no newline)."""
    comment = comment.strip()
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in comment):
        raise ValueError("a public key comment must be a single line without control characters")
    encoded = base64.b64encode(raw_public_key(public_key)).decode("ascii")
    return (
        f"{PUBLIC_KEY_PREFIX} {encoded} {comment}" if comment else f"{PUBLIC_KEY_PREFIX} {encoded}"
    )


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """Parse the one-line public key text; raise ``KeyFileError`` (``key_format``) otherwise."""
    return parse_public_key_text(text)[0]


def parse_public_key_text(text: str) -> tuple[Ed25519PublicKey, str]:
    """Parse the one-line public key text into the key and its (untrusted) comment."""
    if len(text) > _MAX_PUBLIC_KEY_TEXT:
        raise _format_error(_("公钥文本太长，不是 VetDesk 公钥。"))
    # Notepad on older Windows saves UTF-8 with a byte-order mark; it is not part of the key.
    text = text.removeprefix("\ufeff")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise _format_error(_("公钥文本是空的。"))
    if len(lines) > 1:
        raise _format_error(_("公钥文本应只有一行，实际有 {count} 行。").format(count=len(lines)))
    parts = lines[0].split(maxsplit=2)
    if parts[0] != PUBLIC_KEY_PREFIX or len(parts) < 2:
        raise _format_error(
            _("这不是 VetDesk 公钥：应以“{prefix}”开头。").format(prefix=PUBLIC_KEY_PREFIX)
        )
    encoded = parts[1]
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = None
    # Re-encoding must give the same text: each key has exactly one accepted spelling.
    if raw is None or base64.b64encode(raw).decode("ascii") != encoded:
        raise _format_error(_("公钥内容已损坏或不完整。"))
    if len(raw) != _RAW_KEY_LENGTH:
        raise _format_error(
            _("公钥长度不对：应为 {expected} 字节，实际为 {actual} 字节。").format(
                expected=_RAW_KEY_LENGTH, actual=len(raw)
            )
        )
    try:
        public_key = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise _format_error(_("公钥内容已损坏或不完整。")) from exc
    comment = parts[2] if len(parts) == 3 else ""
    return public_key, comment


def _format_error(message: str) -> KeyFileError:
    return KeyFileError(message, code="key_format")


# --- private key files -------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptCost:
    """scrypt parameters (RFC 7914) for a key file's passphrase."""

    n: int
    r: int
    p: int

    def header(self, salt: bytes) -> str:
        """The header line that records these parameters and the salt."""
        return f"kdf: scrypt n={self.n} r={self.r} p={self.p} salt={salt.hex()}"


# OWASP's minimum for scrypt (N = 2^17, r = 8, p = 1: 128 MiB, about half a second).
PRODUCTION_SCRYPT_COST = ScryptCost(n=2**17, r=8, p=1)
# What new key files get (the test suite lowers it to stay fast; one test checks the real one).
SCRYPT_COST = PRODUCTION_SCRYPT_COST
# What a key file may ask for: a crafted header must not make loading take hours or GiB.
_MAX_SCRYPT = ScryptCost(n=2**20, r=16, p=4)


@dataclass(frozen=True)
class _Kdf:
    cost: ScryptCost
    salt: bytes


def _parse_kdf(line: str) -> _Kdf:
    prefix = "kdf: scrypt "
    if not line.startswith(prefix):
        raise _Damaged("unknown kdf")
    try:
        fields = dict(item.split("=", 1) for item in line[len(prefix) :].split(" "))
        cost = ScryptCost(int(fields["n"]), int(fields["r"]), int(fields["p"]))
        salt = bytes.fromhex(fields["salt"])
    except (KeyError, ValueError):
        raise _Damaged("bad kdf line") from None
    if (
        not 2 <= cost.n <= _MAX_SCRYPT.n
        or cost.n & (cost.n - 1)
        or not 1 <= cost.r <= _MAX_SCRYPT.r
        or not 1 <= cost.p <= _MAX_SCRYPT.p
        or len(salt) < 16
    ):
        raise _Damaged("kdf parameters out of range")
    return _Kdf(cost, salt)


def _file_password(passphrase: str, kdf: _Kdf | None) -> bytes:
    # v1: the passphrase itself; v2: scrypt of it (hex, so PKCS#8 sees plain ASCII).
    raw = _passphrase_bytes(passphrase)
    if kdf is None:
        return raw
    cost = kdf.cost
    derived = hashlib.scrypt(
        raw, salt=kdf.salt, n=cost.n, r=cost.r, p=cost.p, maxmem=256 * cost.n * cost.r, dklen=32
    )
    return derived.hex().encode("ascii")


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC (as RFC 8265 OpaqueString) so that the same visible passphrase typed through
    # different input methods gives the same bytes. Applied on save and load alike.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


# All-digit passphrases shorter than this are refused: dates and phone numbers are guessed.
_MIN_DIGITS_ONLY = 12


def passphrase_problem(passphrase: str) -> tuple[str, str] | None:
    """Why a new passphrase is refused, as (code, message), or None when it may be used.

    Besides the length: a passphrase of a few repeated characters, a run such as 12345678
    or abcdefgh, and digits only (a date, a phone number) are the first things guessed.
    """
    text = unicodedata.normalize("NFC", passphrase)
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return (
            "passphrase_too_short",
            _("口令太短：至少需要 {minimum} 个字符。").format(minimum=MIN_PASSPHRASE_LENGTH),
        )
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    if len(set(text)) < 4 or steps in ({1}, {-1}):
        return (
            "passphrase_weak",
            _("口令太容易猜到（重复的字符或 12345678 这样的顺序）：请用几个词、字母和数字组合。"),
        )
    if text.isdigit() and len(text) < _MIN_DIGITS_ONLY:
        return (
            "passphrase_weak",
            _(
                "只有数字的口令（日期、电话号码）容易猜到：请至少用 {n} 位，或加上文字和字母。"
            ).format(n=_MIN_DIGITS_ONLY),
        )
    return None


def save_private_key(
    path: PathLike, key: Ed25519PrivateKey, passphrase: str, *, overwrite: bool = False
) -> None:
    """Write ``key`` as encrypted PKCS#8 PEM, atomically and readable only by its owner."""
    target = Path(path)
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise KeyFileError(problem[1], code=problem[0])
    if not overwrite and target.exists():
        raise _exists_error(target)
    kdf = _Kdf(SCRYPT_COST, os.urandom(16))
    password = _file_password(passphrase, kdf)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    # Take the DER back out with the same reader that load_private_key uses, so the checksum
    # describes exactly what a later load will see.
    der = _parse_key_file(pem.decode("ascii"), require_header=False)
    header = (
        f"{_KEY_FILE_MAGIC_V2}\n"
        f"key_id: {key_id(key.public_key())}\n"
        f"der_sha256: {hashlib.sha256(der).hexdigest()}\n"
        f"{kdf.cost.header(kdf.salt)}\n"
    )
    data = header.encode("ascii") + pem
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_new_file(
            target, data, overwrite=overwrite, verify=lambda tmp: _check_written(tmp, key, password)
        )
    except KeyFileError:
        raise
    except OSError as exc:
        raise KeyFileError(
            _("无法保存密钥文件 {path}：{error}").format(path=target, error=exc.strerror or exc),
            code="key_write_failed",
        ) from exc


def _check_written(tmp: Path, key: Ed25519PrivateKey, password: bytes) -> None:
    # Read back what reached the disk before it replaces anything: a key whose file cannot
    # be loaded is worse than no key, because packages signed with it cannot be re-signed.
    try:
        der = _parse_key_file(tmp.read_bytes().decode("ascii"), require_header=True)
        loaded = serialization.load_der_private_key(der, password)
    except (_Damaged, ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise OSError(f"the key file cannot be read back: {exc}") from exc
    if not isinstance(loaded, Ed25519PrivateKey) or raw_public_key(
        loaded.public_key()
    ) != raw_public_key(key.public_key()):
        raise OSError("the key file read back differs from the key written")


def _exists_error(target: Path) -> KeyFileError:
    return KeyFileError(
        _("密钥文件已存在，不会覆盖：{path}").format(path=target), code="key_exists"
    )


def _write_new_file(
    target: Path, data: bytes, *, overwrite: bool, verify: Callable[[Path], None] | None = None
) -> None:
    """Write ``data`` to a temp file beside ``target``, fsync it, then move it into place."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    replace_atomically(
        target,
        write,
        mode=0o600,  # mkstemp already uses 0600; said explicitly since this is a secret
        before_replace=verify,
        move=os.replace if overwrite else _move_without_clobbering,
    )


def _move_without_clobbering(tmp: Path, target: Path) -> None:
    # os.replace would silently overwrite a key created meanwhile; a hard link fails instead.
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError:
        # No hard links here (FAT/exFAT, some network shares). Windows' rename refuses to
        # overwrite; elsewhere fall back to check-then-replace (a race only with ourselves).
        if os.name == "nt":
            try:
                os.rename(tmp, target)
            except FileExistsError:
                raise _exists_error(target) from None
        else:
            if target.exists():
                raise _exists_error(target) from None
            os.replace(tmp, target)
    else:
        # The key is in place; a leftover temp file is harmless and must not fail the save.
        with contextlib.suppress(OSError):
            tmp.unlink()


@dataclass(frozen=True)
class _KeyFileContents:
    der: bytes
    key_id: str
    kdf: _Kdf | None = None  # None: a v1 file, encrypted with the passphrase itself


class _Damaged(Exception):
    """Internal: the key file's structure is wrong (turned into ``key_damaged``)."""


def _parse_key_file(text: str, *, require_header: bool) -> bytes:
    """Return the encrypted PKCS#8 DER from key file text; raise ``_Damaged`` if malformed."""
    return _parse_key_file_contents(text, require_header=require_header).der


def _parse_key_file_contents(text: str, *, require_header: bool) -> _KeyFileContents:
    lines = text.splitlines()
    try:
        begin = lines.index(_PEM_BEGIN)
        end = lines.index(_PEM_END, begin + 1)
    except ValueError:
        raise _Damaged("no PEM block") from None
    if any(line.strip() for line in lines[end + 1 :]):
        raise _Damaged("text after the PEM block")
    try:
        der = base64.b64decode("".join(lines[begin + 1 : end]), validate=True)
    except (binascii.Error, ValueError):
        raise _Damaged("bad base64") from None
    if not der:
        raise _Damaged("empty PEM block")
    header = [line for line in lines[:begin] if line.strip()]
    if not require_header:
        return _KeyFileContents(der=der, key_id="")
    if len(header) == 3 and header[0] == _KEY_FILE_MAGIC:
        kdf = None
    elif len(header) == 4 and header[0] == _KEY_FILE_MAGIC_V2:
        kdf = _parse_kdf(header[3])
    else:
        raise _Damaged("not a VetDesk key file")
    fields = dict(line.split(": ", 1) for line in header[1:3] if ": " in line)
    stored_id, stored_sum = fields.get("key_id", ""), fields.get("der_sha256", "")
    if not hmac.compare_digest(hashlib.sha256(der).hexdigest(), stored_sum):
        raise _Damaged("checksum mismatch")
    if len(stored_id) != 16:
        raise _Damaged("bad key id")
    return _KeyFileContents(der=der, key_id=stored_id, kdf=kdf)


def load_private_key(
    path: PathLike, passphrase: str, *, throttle: PassphraseThrottle | None = None
) -> Ed25519PrivateKey:
    """Decrypt and return the signing key stored at ``path``; raise ``KeyFileError`` on failure."""
    target = Path(path)
    contents = _read_key_file(target)
    # Damage and absence are reported before the throttle: they reveal nothing about the
    # passphrase, and a locked-out user should still learn that the file itself is broken.
    if throttle is not None:
        throttle.check()
    if not passphrase:
        raise KeyFileError(_("请输入口令。"), code="wrong_passphrase")
    try:
        loaded = serialization.load_der_private_key(
            contents.der, _file_password(passphrase, contents.kdf)
        )
    except UnsupportedAlgorithm as exc:
        raise KeyFileError(
            _("本版本无法读取这个密钥文件（加密方式不受支持）：{path}").format(path=target),
            code="key_damaged",
        ) from exc
    except TypeError as exc:
        # "Password was given but private key is not encrypted": never written by VetDesk.
        raise _damaged_error(target) from exc
    except ValueError as exc:
        # The checksum proved the encrypted bytes are exactly those written, so a failure to
        # decrypt or decode them can only come from the passphrase.
        message = _("口令不正确。")
        if throttle is not None:
            throttle.record_failure()
            left = throttle.attempts_left()
            # Said before the wait starts, not only once it has.
            message += (
                _("还可再试 {n} 次；再错则每次都要等待，且等待时间逐次加长。").format(n=left)
                if left > 0
                else _("再试之前需要等待一段时间。")
            )
        raise KeyFileError(message, code="wrong_passphrase") from exc
    if not isinstance(loaded, Ed25519PrivateKey) or key_id(loaded.public_key()) != contents.key_id:
        raise _damaged_error(target)
    if throttle is not None:
        throttle.record_success()
    return loaded


def key_file_is_outdated(path: PathLike) -> bool:
    """Whether a readable key file uses the old format (PBKDF2 at 2 048 iterations only)."""
    try:
        return _read_key_file(Path(path)).kdf is None
    except KeyFileError:
        return False


def _read_key_file(target: Path) -> _KeyFileContents:
    try:
        with target.open("rb") as fh:
            data = fh.read(_MAX_PRIVATE_KEY_FILE + 1)
    except FileNotFoundError as exc:
        raise KeyFileError(
            _("找不到密钥文件：{path}").format(path=target), code="key_missing"
        ) from exc
    except OSError as exc:
        raise KeyFileError(
            _("无法读取密钥文件 {path}：{error}").format(path=target, error=exc.strerror or exc),
            code="key_damaged",
        ) from exc
    try:
        if len(data) > _MAX_PRIVATE_KEY_FILE:
            raise _Damaged("file too large")
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            raise _Damaged("not ASCII") from None
        return _parse_key_file_contents(text, require_header=True)
    except _Damaged as exc:
        log.info("key file %s rejected: %s", target, exc)
        raise _damaged_error(target) from exc


def _damaged_error(target: Path) -> KeyFileError:
    return KeyFileError(
        _("密钥文件已损坏或不是 VetDesk 签名密钥：{path}").format(path=target), code="key_damaged"
    )


# --- passphrase throttle -----------------------------------------------------------------


class PassphraseThrottle:
    """Persistent back-off after repeated wrong passphrases (a speed bump, not a lock).

    After ``free_attempts`` consecutive failures the next attempt must wait ``base_delay``
    seconds, doubling with each further failure up to ``max_delay``. Anyone who can copy the
    key file can guess offline, so the passphrase strength is the real protection; this only
    stops casual guessing at the keyboard.
    """

    def __init__(
        self,
        state_path: PathLike,
        *,
        clock: Callable[[], float] = time.time,
        free_attempts: int = 5,
        base_delay: float = 30.0,
        max_delay: float = 3600.0,
    ) -> None:
        self.state_path = Path(state_path)
        # Wall-clock time, because the state must survive restarts; see seconds_to_wait()
        # for clocks that jump backwards.
        self._clock = clock
        self._free_attempts = free_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay

    @classmethod
    def for_key(
        cls, key_path: PathLike, *, clock: Callable[[], float] = time.time
    ) -> PassphraseThrottle:
        """Return the throttle whose state file sits next to the key file."""
        key = Path(key_path)
        return cls(key.with_name(key.name + ".attempts.json"), clock=clock)

    @property
    def failures(self) -> int:
        """Number of consecutive wrong passphrases recorded."""
        return self._load()[0]

    def attempts_left(self) -> int:
        """How many more wrong passphrases are allowed before the first wait."""
        return max(self._free_attempts - self.failures, 0)

    def seconds_to_wait(self) -> int:
        """Return whole seconds until the next attempt is allowed (0 if allowed now)."""
        failures, last_failure = self._load()
        if failures < self._free_attempts:
            return 0
        delay = self._delay(failures)
        # Clamp: a clock set back (offline PCs drift, users fix dates) must not lock the user
        # out for longer than the delay itself.
        remaining = min(max(last_failure + delay - self._clock(), 0.0), delay)
        return math.ceil(remaining)

    def check(self) -> None:
        """Raise ``KeyFileError`` (``too_many_attempts``) if the user must wait first."""
        seconds = self.seconds_to_wait()
        if seconds > 0:
            raise KeyFileError(
                _("口令错误次数太多，请等 {seconds} 秒后再试。").format(seconds=seconds),
                code="too_many_attempts",
            )

    def record_failure(self) -> None:
        """Count one more wrong passphrase."""
        failures, _last = self._load()
        self._save({"version": 1, "failures": failures + 1, "last_failure": self._clock()})

    def record_success(self) -> None:
        """Reset the count after a correct passphrase."""
        try:
            self.state_path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not reset passphrase throttle %s: %s", self.state_path, exc)

    def _delay(self, failures: int) -> float:
        # The exponent is capped so that absurd counts cannot overflow the float.
        exponent = min(failures - self._free_attempts, 32)
        return float(min(self._base_delay * 2**exponent, self._max_delay))

    def _load(self) -> tuple[int, float]:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            failures, last_failure = state["failures"], state["last_failure"]
            if (
                type(failures) is not int
                or failures < 0
                or not isinstance(last_failure, int | float)
                or not math.isfinite(last_failure)
            ):
                raise ValueError("bad throttle state")
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Fail open: whoever can damage this file can also delete it, and a file cut
            # short by a power failure must not lock the county out of signing.
            log.warning("ignoring unreadable passphrase throttle %s: %s", self.state_path, exc)
            return 0, 0.0
        return failures, float(last_failure)

    def _save(self, state: dict[str, object]) -> None:
        try:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            _write_new_file(self.state_path, json.dumps(state).encode("utf-8"), overwrite=True)
        except OSError as exc:
            # Best effort: failing to count must not hide the "wrong passphrase" message.
            log.warning("could not save passphrase throttle %s: %s", self.state_path, exc)


# --- signatures --------------------------------------------------------------------------


def _signed_message(namespace: bytes, payload: bytes) -> bytes:
    # The NUL separator is only unambiguous if the namespace itself has no NUL; printable
    # ASCII also keeps namespaces readable in logs and documentation.
    if not namespace or any(byte < 0x20 or byte > 0x7E for byte in namespace):
        raise ValueError("a signature namespace must be non-empty printable ASCII")
    return namespace + b"\x00" + payload


def sign(key: Ed25519PrivateKey, namespace: bytes, payload: bytes) -> bytes:
    """Sign ``namespace``, a NUL byte and ``payload``; return the 64-byte Ed25519 signature."""
    return key.sign(_signed_message(namespace, payload))


def verify(
    public_key: Ed25519PublicKey, namespace: bytes, payload: bytes, signature: bytes
) -> bool:
    """Return True if ``signature`` is valid for ``payload`` under ``namespace`` and the key."""
    message = _signed_message(namespace, payload)
    if len(signature) != _SIGNATURE_LENGTH:
        return False
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
