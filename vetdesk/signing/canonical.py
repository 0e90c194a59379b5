"""Canonical JSON (RFC 8785 JCS) for the subset of JSON that VetDesk signs, and a strict parser.

The serialisation itself is the ``rfc8785`` library's (Trail of Bits' JCS implementation),
except for tables of plain scalars (a signed sheet's rows), which the standard library's C
encoder writes byte for byte as that library does, many times faster.
Around it VetDesk keeps its stricter subset: only ``dict`` (with ``str`` keys),
``list``/``tuple``, ``str``, ``int``, ``bool`` and ``None`` are accepted. Floats are refused
outright: VetDesk never signs them (money and scores travel as decimal strings), so the
library's ECMAScript number formatting is never reached, and no float formatting detail of
any library can change the bytes of a signed manifest. Subclasses (``IntEnum``, ``StrEnum``)
are reduced to their plain values before the library sees them, so what is signed never
depends on how a subclass formats itself.

The errors raised here (``TypeError``/``ValueError``) are for programmers and for the layer
that verifies packages; that layer turns them into translated messages for the user.
"""

from __future__ import annotations

import hashlib
import json
from itertools import chain
from typing import Any

import rfc8785

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


class StrictJSONError(ValueError):
    """JSON text that is not acceptable as signed VetDesk data."""


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """Serialise ``value`` as RFC 8785 canonical JSON, UTF-8 encoded."""
    if isinstance(value, list) and value and all(type(row) is list for row in value):
        fast = _table_json(value)
        if fast is not None:
            return fast
    return rfc8785.dumps(_plain(value, 0))


# Exactly these types, no subclasses: their JSON text is the same in RFC 8785 and in the
# standard library's C encoder (see _table_json).
_SCALARS = frozenset({str, int, bool, type(None)})


def _table_json(rows: list[list[Any]]) -> bytes | None:
    """Canonical JSON of a table of plain scalars, or None when it is not one.

    A signed sheet is thousands of rows of text, integers and nulls, and the pure-Python
    serialiser spent most of a package's verification on them. For a list of lists of
    exactly str, int, bool and None (no object, so no key order; no float), the standard
    library's C encoder writes the same bytes as RFC 8785: true/false/null, integers in
    decimal, strings with the same escapes (quote, backslash, the five short control escapes
    and lowercase u00xx escapes for the other controls) and every other character as itself
    (tests/signing compares the two on random tables). The subset's limits hold as in _plain.
    """
    kinds = set(map(type, chain.from_iterable(rows)))  # in C: a sheet has many cells
    if not kinds <= _SCALARS:
        return None
    if int in kinds:
        ints = [v for v in chain.from_iterable(rows) if type(v) is int]
        if max(ints) > MAX_SAFE_INTEGER or min(ints) < -MAX_SAFE_INTEGER:
            return None  # _plain raises its message
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("JSON string contains a lone surrogate") from exc


def _plain(value: object, depth: int) -> Any:
    """A copy of ``value`` in plain built-in types, refusing whatever VetDesk never signs."""
    if depth > MAX_DEPTH:
        raise ValueError(f"JSON nesting deeper than {MAX_DEPTH} levels (or a reference cycle)")
    # bool before int: bool is a subclass of int (and cannot itself be subclassed), and
    # True must not become 1.
    if value is None or value is True or value is False:
        return value
    if isinstance(value, int):
        number = int(value)  # int() drops IntEnum and other subclasses' custom formatting
        if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
            raise ValueError(f"integer {number} is outside the I-JSON range ±(2**53 - 1)")
        return number
    if isinstance(value, str):
        return _plain_text(value)
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be str, not {type(key).__name__}")
            result[_plain_text(key)] = _plain(item, depth + 1)
        return result
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, float):
        raise TypeError("floats are not allowed in signed JSON; use an int or a decimal string")
    raise TypeError(f"type {type(value).__name__} cannot be serialised as signed JSON")


def _plain_text(value: str) -> str:
    text = str.__str__(value)  # the plain character data, whatever a subclass's __str__ says
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("JSON string contains a lone surrogate") from exc
    return text


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
