"""Canonical JSON (RFC 8785 JCS) for the subset of JSON that VetDesk signs, and a strict parser.

Only ``dict`` (with ``str`` keys), ``list``/``tuple``, ``str``, ``int``, ``bool`` and ``None`` are
accepted. Floats are refused outright: VetDesk never signs them (money and scores travel as
decimal strings), so the ECMAScript number formatting of JCS is only needed for integers.

The errors raised here (``TypeError``/``ValueError``) are for programmers and for the layer
that verifies packages; that layer turns them into translated messages for the user.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "StrictJSONError",
    "canonical_json",
    "parse_strict_json",
    "sha256_hex",
]

# I-JSON (RFC 7493) and JCS: numbers are IEEE doubles, so only integers of magnitude at most
# 2**53 - 1 survive a round trip through other JSON implementations unchanged.
MAX_SAFE_INTEGER = 2**53 - 1

# Manifests are a few levels deep; a hard limit turns reference cycles and hostile nesting
# into a clean ValueError instead of a RecursionError deep inside the interpreter.
MAX_DEPTH = 64

# ECMAScript JSON.stringify (which JCS adopts) escapes only '"', '\\' and U+0000..U+001F;
# five of those have short forms, the rest are \u00xx with lowercase hex. Everything else,
# including U+007F, U+2028 and non-ASCII text, is written as it is (then UTF-8 encoded).
_ESCAPES: dict[int, str] = {code: f"\\u{code:04x}" for code in range(0x20)}
_ESCAPES.update(
    {
        ord("\b"): "\\b",
        ord("\t"): "\\t",
        ord("\n"): "\\n",
        ord("\f"): "\\f",
        ord("\r"): "\\r",
        ord('"'): '\\"',
        ord("\\"): "\\\\",
    }
)


class StrictJSONError(ValueError):
    """JSON text that is not acceptable as signed VetDesk data."""


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """Serialise ``value`` as RFC 8785 canonical JSON, UTF-8 encoded."""
    parts: list[str] = []
    _write(value, parts, 0)
    text = "".join(parts)
    # Strings were checked one by one, so this cannot meet a lone surrogate.
    return text.encode("utf-8")


def _write(value: object, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"JSON nesting deeper than {MAX_DEPTH} levels (or a reference cycle)")
    # bool before int: bool is a subclass of int, and True must not become 1.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(_integer(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        _write_object(value, out, depth)
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    elif isinstance(value, float):
        raise TypeError("floats are not allowed in signed JSON; use an int or a decimal string")
    else:
        raise TypeError(f"type {type(value).__name__} cannot be serialised as signed JSON")


def _write_object(value: dict[Any, Any], out: list[str], depth: int) -> None:
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be str, not {type(key).__name__}")
    # JCS sorts keys by their UTF-16 code units. Comparing UTF-16-BE bytes is exactly that
    # (big-endian units compare like their numeric values); it differs from Python's
    # code-point order when a supplementary character meets U+E000..U+FFFF. Encoding also
    # rejects lone surrogates in keys.
    try:
        keyed = sorted((key.encode("utf-16-be"), key) for key in value)
    except UnicodeEncodeError as exc:
        raise ValueError("JSON object key contains a lone surrogate") from exc
    out.append("{")
    for index, (_units, key) in enumerate(keyed):
        if index:
            out.append(",")
        out.append(_string(key))
        out.append(":")
        _write(value[key], out, depth + 1)
    out.append("}")


def _integer(value: int) -> str:
    number = int(value)  # int() drops IntEnum and other subclasses' custom formatting
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise ValueError(f"integer {number} is outside the I-JSON range ±(2**53 - 1)")
    return str(number)


def _string(value: str) -> str:
    text = str.__str__(value)  # the plain character data, whatever a subclass's __str__ says
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("JSON string contains a lone surrogate") from exc
    return '"' + text.translate(_ESCAPES) + '"'


def parse_strict_json(data: bytes | str) -> Any:
    """Parse JSON text, refusing duplicate keys, floats, NaN/Infinity and unsafe integers."""
    if isinstance(data, bytes):
        # I-JSON requires UTF-8. json.loads(bytes) would also guess UTF-16/32, so decode here.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictJSONError("JSON text is not valid UTF-8") from exc
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"expected bytes or str, not {type(data).__name__}")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_float=_refuse_float,
            parse_int=_safe_int,
            parse_constant=_refuse_constant,
        )
    except StrictJSONError:
        raise
    except RecursionError as exc:
        raise StrictJSONError("JSON nesting is too deep") from exc
    except ValueError as exc:  # json.JSONDecodeError and int() digit limits
        raise StrictJSONError(f"malformed JSON: {exc}") from exc
    # Escapes such as "\ud800" decode to lone surrogates, which canonical_json (and UTF-8)
    # cannot represent; refuse them here so that every parsed value can be re-canonicalised.
    _check_depth_and_surrogates(value, 0)
    return value


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise StrictJSONError(f"duplicate JSON object key {key!r}")
        result[key] = item
    return result


def _refuse_float(text: str) -> Any:
    raise StrictJSONError(f"floating-point number {text} is not allowed")


def _refuse_constant(text: str) -> Any:
    raise StrictJSONError(f"{text} is not allowed")


def _safe_int(text: str) -> int:
    number = int(text)
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise StrictJSONError(f"integer {text} is outside the I-JSON range ±(2**53 - 1)")
    return number


def _check_depth_and_surrogates(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise StrictJSONError(f"JSON nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_depth_and_surrogates(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth_and_surrogates(item, depth + 1)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StrictJSONError("JSON string contains a lone surrogate") from exc
