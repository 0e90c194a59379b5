from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetdesk.domain.textnorm import (
    fullwidth_to_halfwidth,
    normalize_code,
    normalize_name,
    normalize_text,
)

NBSP = "\u00a0"
IDEOGRAPHIC_SPACE = "\u3000"
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff"]
ALL_BLANKS = [" ", "\t", "\n", "\r", NBSP, IDEOGRAPHIC_SPACE, *ZERO_WIDTH]


# --- fullwidth_to_halfwidth ---------------------------------------------------------------


def test_fullwidth_ascii_block_maps_to_ascii() -> None:
    assert fullwidth_to_halfwidth("ＡＢＣａｂｃ０１２３４５６７８９") == "ABCabc0123456789"
    assert fullwidth_to_halfwidth("！＃＄％（）＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～") == (
        "!#$%()+,-./:;<=>?@[\\]^_`{|}~"
    )


def test_fullwidth_covers_the_whole_block_one_to_one() -> None:
    fullwidth = "".join(chr(code) for code in range(0xFF01, 0xFF5F))
    ascii_printable = "".join(chr(code) for code in range(0x21, 0x7F))
    assert fullwidth_to_halfwidth(fullwidth) == ascii_printable


def test_ideographic_space_becomes_ascii_space() -> None:
    assert fullwidth_to_halfwidth("张\u3000三") == "张 三"


def test_fullwidth_to_halfwidth_leaves_other_compatibility_characters_alone() -> None:
    # Narrower than NFKC on purpose: circled digits, superscripts, CJK and NBSP stay.
    assert fullwidth_to_halfwidth("①²海东\u00a0") == "①²海东\u00a0"


# --- normalize_code -----------------------------------------------------------------------


def test_normalize_code_folds_fullwidth_digits_and_letters() -> None:
    assert normalize_code("３４０５２４１９８００１０１００１ｘ") == "34052419800101001X"


def test_normalize_code_upper_cases() -> None:
    assert normalize_code("91512081ma62k0260e") == "91512081MA62K0260E"


@pytest.mark.parametrize("blank", ALL_BLANKS)
def test_normalize_code_removes_every_kind_of_blank_anywhere(blank: str) -> None:
    assert normalize_code(f"{blank}6302{blank}23{blank}") == "630223"


def test_normalize_code_removes_trailing_newline_from_excel_cells() -> None:
    assert normalize_code("3663000123\r\n") == "3663000123"


def test_normalize_code_keeps_characters_it_cannot_fold() -> None:
    # Arabic-Indic digits have no NFKC mapping; they must stay visible to the validators.
    assert normalize_code("12\u0663") == "12\u0663"


def test_normalize_code_of_empty_and_blank_only() -> None:
    assert normalize_code("") == ""
    assert normalize_code(" \u3000\u00a0\u200b\ufeff\t") == ""


@given(st.text())
def test_normalize_code_is_idempotent_and_blank_free(value: str) -> None:
    once = normalize_code(value)
    assert normalize_code(once) == once
    assert not any(char.isspace() or char in "\u200b\u200c\u200d\ufeff" for char in once)


# --- normalize_name -----------------------------------------------------------------------


def test_normalize_name_strips_blanks_of_every_kind_at_the_ends() -> None:
    assert normalize_name("\ufeff\u3000 张三\u00a0\u200b\n") == "张三"


def test_normalize_name_collapses_internal_space_runs_to_one_ascii_space() -> None:
    assert normalize_name("Maria  \u3000 García") == "Maria García"
    assert normalize_name("Maria\u00a0\tGarcía") == "Maria García"


def test_normalize_name_keeps_the_middle_dot_of_minority_names() -> None:
    assert normalize_name("阿卜杜·热合曼") == "阿卜杜·热合曼"


@pytest.mark.parametrize(
    "dot", ["\u30fb", "\uff65", "\u2022", "\u2027", "\u2219", "\u22c5", "\u0387"]
)
def test_normalize_name_folds_middle_dot_lookalikes(dot: str) -> None:
    assert normalize_name(f"阿卜杜{dot}热合曼") == "阿卜杜\u00b7热合曼"


def test_normalize_name_drops_spaces_around_the_middle_dot() -> None:
    assert normalize_name("阿卜杜 · 热合曼") == "阿卜杜·热合曼"
    assert normalize_name("阿卜杜\u3000·\u3000热合曼") == "阿卜杜·热合曼"


def test_normalize_name_does_not_touch_full_stops() -> None:
    assert normalize_name("J. Smith") == "J. Smith"


def test_normalize_name_removes_zero_width_space_inside() -> None:
    assert normalize_name("张\u200b三") == "张三"
    assert normalize_name("张\ufeff三") == "张三"


def test_normalize_name_keeps_joiners_inside() -> None:
    # ZWNJ/ZWJ shape text in some scripts; removing them could change a name.
    assert normalize_name("a\u200cb\u200dc") == "a\u200cb\u200dc"


def test_normalize_name_composes_to_nfc() -> None:
    decomposed = "Garci\u0301a"
    assert normalize_name(decomposed) == "García"
    assert normalize_name(decomposed) == unicodedata.normalize("NFC", decomposed)


def test_normalize_name_keeps_fullwidth_forms() -> None:
    # NFC, not NFKC: a name is not a code.
    assert normalize_name("王Ａ") == "王Ａ"


@given(st.text())
def test_normalize_name_is_idempotent(value: str) -> None:
    once = normalize_name(value)
    assert normalize_name(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- normalize_text -----------------------------------------------------------------------


def test_normalize_text_strips_ends_only() -> None:
    assert normalize_text("\u3000 第一行\n\n第二行  \u200b\n") == "第一行\n\n第二行"


def test_normalize_text_composes_to_nfc_and_keeps_fullwidth() -> None:
    assert normalize_text("e\u0301 ＡＢ") == "é ＡＢ"


def test_normalize_text_of_blank_only_is_empty() -> None:
    assert normalize_text("\u00a0\ufeff \t") == ""


@given(st.text())
def test_normalize_text_is_idempotent(value: str) -> None:
    once = normalize_text(value)
    assert normalize_text(once) == once


def test_the_whitespace_list_is_exactly_what_str_isspace_accepts():
    from vetdesk.domain import textnorm

    expected = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert expected == textnorm._WHITESPACE


@given(st.text(st.characters(max_codepoint=0x7F), max_size=20))
def test_normalize_code_of_ascii_is_what_the_full_normalisation_gives(text: str) -> None:
    """The ASCII shortcut (every 身份证号 of a package) gives what NFKC and blank-dropping do."""
    from vetdesk.domain import textnorm

    full = textnorm._drop_blanks(unicodedata.normalize("NFKC", text)).upper()
    assert normalize_code(text) == textnorm._drop_blanks(unicodedata.normalize("NFKC", full))
