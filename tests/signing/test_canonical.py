"""Tests for RFC 8785 canonical JSON and the strict JSON parser."""

from __future__ import annotations

import enum
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetdesk.signing.canonical import (
    MAX_DEPTH,
    MAX_SAFE_INTEGER,
    StrictJSONError,
    canonical_json,
    parse_strict_json,
    sha256_hex,
)

# --- strategies --------------------------------------------------------------------------

# Any Unicode scalar value: the UTF-8 codec leaves out surrogates, which are rejected.
_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
# BMP without surrogates: here code-point order and UTF-16 order agree, so Python's
# sort_keys gives the JCS order.
_BMP_TEXT = st.text(st.characters(max_codepoint=0xFFFF, codec="utf-8"), max_size=12)
_SAFE_INTS = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)


def _json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | _SAFE_INTS | _ANY_TEXT
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=25,
    )


# --- RFC 8785 examples -------------------------------------------------------------------


def test_rfc8785_sorting_example() -> None:
    # RFC 8785 §3.2.3: sorting is on UTF-16 code units, so the emoji (D83D DE00) sorts
    # before U+FB33 although its code point is larger.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonical_json(value) == expected.encode("utf-8")


def test_rfc8785_string_and_literals_example() -> None:
    # RFC 8785 §3.2.2 example without its "numbers" member (VetDesk refuses floats).
    value = json.loads(
        '{"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert canonical_json(value) == expected.encode("utf-8")


def test_rfc8785_integer_examples() -> None:
    # RFC 8785 Appendix B: the integral values, including both ends of the safe range.
    assert canonical_json(0) == b"0"
    assert canonical_json(9007199254740991) == b"9007199254740991"
    assert canonical_json(-9007199254740991) == b"-9007199254740991"
    assert canonical_json([1, -1, 100]) == b"[1,-1,100]"


def test_utf16_order_differs_from_code_point_order() -> None:
    private_use, emoji = "\ue000", "\U0001f600"
    # Python compares code points: U+E000 < U+1F600 ...
    assert sorted([emoji, private_use]) == [private_use, emoji]
    # ... but in UTF-16 the emoji is D83D DE00, which is below E000, and JCS sorts by that.
    assert (
        canonical_json({private_use: 1, emoji: 2}) == f'{{"{emoji}":2,"{private_use}":1}}'.encode()
    )
    assert json.dumps({private_use: 1, emoji: 2}, sort_keys=True, ensure_ascii=False) == (
        f'{{"{private_use}": 1, "{emoji}": 2}}'
    )


# --- escaping and types ------------------------------------------------------------------


def test_control_characters_are_escaped_like_ecmascript() -> None:
    short = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
    for code in range(0x20):
        expected = short.get(code, f"\\u{code:04x}")
        assert canonical_json(chr(code)) == f'"{expected}"'.encode()
    assert canonical_json("\u001f") == b'"\\u001f"'  # lowercase hex


def test_characters_that_stay_unescaped() -> None:
    # DEL, solidus, U+2028/U+2029 and non-ASCII are not escaped by JSON.stringify.
    text = "\x7f/\u2028\u2029é中\U0001f600"
    assert canonical_json(text) == ('"' + text + '"').encode("utf-8")
    assert canonical_json('a"b\\c') == b'"a\\"b\\\\c"'


def test_containers_and_literals() -> None:
    assert canonical_json({}) == b"{}"
    assert canonical_json([]) == b"[]"
    assert canonical_json({"b": [True, False, None], "a": {"d": 1, "c": ""}}) == (
        b'{"a":{"c":"","d":1},"b":[true,false,null]}'
    )
    assert canonical_json(("x", 1)) == b'["x",1]'


def test_bool_is_not_written_as_int_and_subclasses_use_their_value() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    class Kind(enum.StrEnum):
        SCHOOL = "school"

    assert canonical_json([True, 1]) == b"[true,1]"
    assert canonical_json({Kind.SCHOOL: Level.HIGH}) == b'{"school":3}'


@pytest.mark.parametrize(
    "value",
    [1.0, 0.5, float("nan"), float("inf"), {"a": [1, 2.5]}, -0.0],
)
def test_floats_are_rejected(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


@pytest.mark.parametrize("value", [{1: "a"}, {None: 1}, {("a",): 1}, {"ok": {2: 3}}])
def test_non_string_keys_are_rejected(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, object(), 1j])
def test_unsupported_types_are_rejected(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


@pytest.mark.parametrize("value", ["\ud800", "a\udfffb", {"\ud83d": 1}, ["x", {"k": "\udc00"}]])
def test_lone_surrogates_are_rejected(value: object) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        canonical_json(value)


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30])
def test_unsafe_integers_are_rejected(value: int) -> None:
    with pytest.raises(ValueError, match="I-JSON"):
        canonical_json(value)


def test_deep_nesting_and_cycles_are_rejected() -> None:
    ok: Any = 1
    for _ in range(MAX_DEPTH):
        ok = [ok]
    assert canonical_json(ok).startswith(b"[[")
    with pytest.raises(ValueError, match="deeper"):
        canonical_json([ok])
    cycle: dict[str, Any] = {}
    cycle["self"] = cycle
    with pytest.raises(ValueError, match="cycle"):
        canonical_json(cycle)


# --- differential and round-trip properties ----------------------------------------------


@settings(max_examples=300)
@given(_json_values(_BMP_TEXT))
def test_matches_json_dumps_for_bmp_keys(value: Any) -> None:
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode("utf-8")


def test_serialisation_is_the_rfc8785_library(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bytes come from the kept library, fed only plain built-in values (subclasses
    # reduced, tuples as lists) that passed VetDesk's own checks.
    import rfc8785

    class Colour(enum.StrEnum):
        RED = "red"

    class Size(enum.IntEnum):
        BIG = 3

    seen: list[Any] = []

    def recording_dumps(value: Any) -> bytes:
        seen.append(value)
        return b"from-the-library"

    monkeypatch.setattr(rfc8785, "dumps", recording_dumps)
    assert canonical_json({Colour.RED: (Size.BIG, Colour.RED)}) == b"from-the-library"
    assert seen == [{"red": [3, "red"]}]
    [plain] = seen
    [key] = plain
    assert type(key) is str and type(plain[key]) is list
    assert [type(item) for item in plain[key]] == [int, str]


@settings(max_examples=300)
@given(_json_values(_ANY_TEXT))
def test_round_trip_through_strict_parser(value: Any) -> None:
    encoded = canonical_json(value)
    parsed = parse_strict_json(encoded)
    assert parsed == value
    assert canonical_json(parsed) == encoded


# --- strict parser -----------------------------------------------------------------------


def test_parse_accepts_bytes_and_str() -> None:
    assert parse_strict_json(b'{"a": [1, "x", null, true]}') == {"a": [1, "x", None, True]}
    assert parse_strict_json('"\\ud83d\\ude00"') == "\U0001f600"  # a valid surrogate pair


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "\\u0061": 2}',  # the same key, spelt with an escape
        '[{"x": {"k": 1, "k": 1}}]',
    ],
)
def test_parse_rejects_duplicate_keys(text: str) -> None:
    with pytest.raises(StrictJSONError, match="duplicate"):
        parse_strict_json(text)


@pytest.mark.parametrize(
    "text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1.0", "[1e3]", "-0.0", "2E-3"]
)
def test_parse_rejects_non_integers(text: str) -> None:
    with pytest.raises(StrictJSONError):
        parse_strict_json(text)


@pytest.mark.parametrize(
    "data",
    [
        b"9007199254740992",
        b"-9007199254740992",
        b"1" * 5000,  # beyond Python's int digit limit as well
        b'"\\ud800"',
        b'{"\\udc00": 1}',
        b"\xff\xfe[]",
        b'"\xe9"',  # Latin-1, not UTF-8
        b"\xef\xbb\xbf{}",  # UTF-8 byte-order mark
        '{"a":1}'.encode("utf-16"),
        b'{"a": 1} {"b": 2}',
        b"",
        b'{"a": "tab\there"}',  # raw control character inside a string
        b"[" * 100 + b"]" * 100,
    ],
)
def test_parse_rejects_invalid_input(data: bytes) -> None:
    with pytest.raises(StrictJSONError):
        parse_strict_json(data)


def test_parse_error_is_a_value_error_and_type_is_checked() -> None:
    assert issubclass(StrictJSONError, ValueError)
    with pytest.raises(TypeError):
        parse_strict_json(bytearray(b"{}"))  # type: ignore[arg-type]


def test_sha256_hex() -> None:
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert (
        sha256_hex(canonical_json({"b": 1, "a": 2})) == hashlib.sha256(b'{"a":2,"b":1}').hexdigest()
    )


# --- tables of plain scalars (a signed sheet's rows) ------------------------------------

_CELLS = (
    st.none()
    | st.booleans()
    | _SAFE_INTS
    | _ANY_TEXT
    | st.text(st.characters(max_codepoint=0x7F), max_size=6)  # controls, quote, backslash
)


@settings(max_examples=300)
@given(st.lists(st.lists(_CELLS, max_size=6), min_size=1, max_size=6))
def test_table_is_written_as_rfc8785_writes_it(rows: list[list[Any]]) -> None:
    """The fast path for tables gives exactly the bytes of the rfc8785 library."""
    import rfc8785

    assert canonical_json(rows) == rfc8785.dumps(rows)


def test_table_keeps_the_subset_limits() -> None:
    """A table with a float, an unsafe integer, a subclass or a lone surrogate is refused."""

    class Level(enum.IntEnum):
        HIGH = 3

    with pytest.raises(TypeError):
        canonical_json([["a", 1.5]])
    with pytest.raises(ValueError):
        canonical_json([[1, MAX_SAFE_INTEGER + 1]])
    with pytest.raises(ValueError):
        canonical_json([["\ud800"]])
    assert canonical_json([[Level.HIGH, True, None]]) == b"[[3,true,null]]"


def test_a_table_does_not_go_through_the_pure_python_serialiser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A signed sheet's rows take the C encoder (the library's writer cost most of a merge)."""
    from vetdesk.signing import canonical

    def refuse(value: object) -> bytes:
        raise AssertionError("rfc8785.dumps called for a table")

    monkeypatch.setattr(canonical.rfc8785, "dumps", refuse)
    assert canonical_json([["学校", 3, None, True]]) == '[["学校",3,null,true]]'.encode()
    with pytest.raises(AssertionError):
        canonical_json({"a": 1})  # an object still goes through the library
