"""Unicode normalisation of codes, names and free text.

Values reach VetDesk typed with Chinese input methods, pasted from WeChat or Word, or read
from Excel sheets: full-width digits, ideographic spaces, no-break spaces and invisible
zero-width characters are common there and must not make two equal values compare unequal
(exchange-and-safety.md §2.7). Codes get NFKC, which folds full-width forms; names and text
get NFC only, because NFKC would also rewrite characters that legitimately appear in names.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BLANK_CHARACTERS",
    "fullwidth_to_halfwidth",
    "normalize_code",
    "normalize_name",
    "normalize_text",
]

# Not whitespace to ``str.isspace`` but invisible, and common in text copied from web pages
# and Word. U+2060 WORD JOINER is the modern spelling of U+FEFF used as "no-break".
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")

# Inside a name, ZWNJ/ZWJ (U+200C/U+200D) can be meaningful in some scripts, so only these
# are dropped from the middle of a name; at its ends every zero-width character goes.
_ZERO_WIDTH_NEVER_MEANINGFUL = "\u200b\u2060\ufeff"
_DROP_IN_NAMES = str.maketrans(dict.fromkeys(_ZERO_WIDTH_NEVER_MEANINGFUL))

# Look-alikes people type instead of U+00B7 in transcribed minority names (阿卜杜·热合曼):
# bullet, hyphenation point, bullet operator, dot operator, katakana middle dot (common from
# Japanese-capable IMEs) and its half-width form. Folding them keeps one person one name.
# U+0387 GREEK ANO TELEIA needs no entry: NFC already maps it to U+00B7.
_MIDDLE_DOT = "\u00b7"
_MIDDLE_DOT_LOOKALIKES = str.maketrans(
    dict.fromkeys("\u2022\u2027\u2219\u22c5\u30fb\uff65", _MIDDLE_DOT)
)
_SPACES_AROUND_DOT = re.compile(rf"\s*{_MIDDLE_DOT}\s*")
_WHITESPACE_RUN = re.compile(r"\s+")

# U+FF01–U+FF5E mirror ASCII U+0021–U+007E one to one; U+3000 is the ideographic space.
_FULLWIDTH_TABLE = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


# Every character str.isspace() accepts, plus the zero-width ones: precomputed so that
# stripping and dropping run in C (str.strip / str.translate), not a Python loop per character.
# (tests/domain/test_textnorm.py checks the list against str.isspace over all of Unicode.)
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANKS = _WHITESPACE + "".join(sorted(_ZERO_WIDTH))
_DROP_BLANKS = str.maketrans(dict.fromkeys(_BLANKS))
# The characters normalize_text strips from the ends of a value (whitespace and zero-width).
BLANK_CHARACTERS = frozenset(_BLANKS)


def _strip_blank(value: str) -> str:
    return value.strip(_BLANKS)


def _drop_blanks(value: str) -> str:
    return value.translate(_DROP_BLANKS)


def fullwidth_to_halfwidth(value: str) -> str:
    """Replace full-width ASCII forms (Ａ１！…) and the ideographic space with their ASCII twins."""
    # Deliberately narrower than NFKC: circled digits, ligatures etc. stay as they are.
    return value.translate(_FULLWIDTH_TABLE)


def normalize_code(value: str) -> str:
    """Normalise a code or number (ID, credit code, phone): NFKC, no whitespace, upper case."""
    # NFKC can itself produce spaces (U+00A8 ¨ -> " \u0308"), and dropping a blank or
    # upper-casing can bring a letter and a combining mark together, so normalise again last.
    if value.isascii() and value.isalnum():
        # The common case (an ID or code typed plainly): NFKC leaves ASCII letters and digits
        # as they are and there is no blank to drop; called for every 身份证号 of an import.
        return value.upper()
    text = _drop_blanks(unicodedata.normalize("NFKC", value)).upper()
    return _drop_blanks(unicodedata.normalize("NFKC", text))


def normalize_name(value: str) -> str:
    """Normalise a person's or school's name: NFC, trimmed, single spaces, one middle dot."""
    # Characters are dropped before NFC so that a mark they separated from its letter
    # composes with it now rather than on a second pass.
    text = value.translate(_DROP_IN_NAMES).translate(_MIDDLE_DOT_LOOKALIKES)
    text = _WHITESPACE_RUN.sub(" ", _strip_blank(unicodedata.normalize("NFC", text)))
    # "阿卜杜 · 热合曼" and "阿卜杜·热合曼" are the same name; the dot is the separator.
    return _SPACES_AROUND_DOT.sub(_MIDDLE_DOT, text)


def normalize_text(value: str) -> str:
    """Normalise free text: NFC and trimmed of whitespace and zero-width characters."""
    return _strip_blank(unicodedata.normalize("NFC", value))
