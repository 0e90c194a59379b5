"""Reading one cell: forgiving where people are sloppy, strict where data would be wrong.

Accepted: full-width digits and letters, stray and non-breaking spaces, numbers stored
as text, dates as Excel serials or in common Chinese forms, a lower-case x in 身份证号.
Refused: a 身份证号 stored as a number (its last digits are already lost), formulas,
wrong check digits, unknown choices, impossible dates, negative or fractional counts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from unicodedata import is_normalized

from vetdesk.domain.id_privacy import is_hashed_id
from vetdesk.domain.identifiers import (
    IdentifierError,
    mask_id_number,
    parse_id_number,
    validate_credit_code,
)
from vetdesk.domain.money import AmountError, parse_wan_yuan
from vetdesk.domain.textnorm import (
    BLANK_CHARACTERS,
    normalize_code,
    normalize_name,
    normalize_text,
)
from vetdesk.domain.units import load_units
from vetdesk.i18n import _, language
from vetdesk.workbook.schema import Column, Kind

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_INT = 10**12
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls (U+202E and kin) make text display in another order than it is
# stored: "学校A\u202e" can read as a different name. Refused, never silently dropped.
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗"}
# The yes/no texts _bool reads as they are (their normalisation leaves them unchanged).
_EXACT_BOOL = {
    text: answer
    for answers, answer in ((_TRUE, True), (_FALSE, False))
    for text in answers
    if normalize_code(text).lower() == text
}


class CellError(ValueError):
    """A cell's value cannot be accepted; the message says why in plain language."""


def _plain_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        # A cell formatted as a date arrives as a datetime at midnight: show the day,
        # as Excel does, not "1900-03-20 00:00:00".
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def _no_control(text: str) -> str:
    # Line breaks typed with Alt+Enter inside a cell are kept as spaces; other control
    # characters would make the workbook unreadable when exported again.
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def _text(column: Column, value: Any, normalise: Any) -> str:
    text = normalise(_no_control(_plain_text(value)))
    bidi = BIDI_CONTROL.search(text)
    if bidi is not None:
        raise CellError(
            _(
                "含有不可见的文字方向控制字符（U+{code:04X}），显示出的文字与实际内容不同，请删除后重新填写。"
            ).format(code=ord(bidi.group()))
        )
    if len(text) > column.max_length:
        raise CellError(
            _("内容过长：{n} 个字符，最多 {max} 个。").format(n=len(text), max=column.max_length)
        )
    return str(text)


def _code(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("代码不应含小数，请按文本格式填写。"))
    return normalize_code(_plain_text(value))


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("应填写整数。"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("应填写整数，不能有小数。"))
        number = int(value)
    else:
        text = normalize_code(str(value)).replace(",", "")
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            raise CellError(_("应填写整数（只含数字）。"))
        number = int(text.split(".")[0])
    if number < 0:
        raise CellError(_("不能为负数。"))
    if number > MAX_INT:
        raise CellError(_("数值过大，请核对单位。"))
    return number


def _wan_yuan(value: Any) -> int:
    try:
        return parse_wan_yuan(value)
    except AmountError as exc:
        raise CellError(str(exc)) from None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 18264 <= value <= 73415:  # 1950-01-01 … 2100-12-31 as Excel serials
            raise CellError(_("日期无效：{v}。请按 2024-07-18 的格式填写。").format(v=value))
        day = (EXCEL_EPOCH + dt.timedelta(days=int(value))).date()
    else:
        text = normalize_code(str(value))
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    day = dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise CellError(_("日期不存在：{v}。").format(v=value)) from None
                break
        else:
            raise CellError(
                _("无法识别的日期：{v}。请按 2024-07-18、2024/7/18 或 2024年7月18日 填写。").format(
                    v=value
                )
            )
    if not EARLIEST <= day <= LATEST:
        raise CellError(_("日期 {d} 超出合理范围（1950 年至 2100 年）。").format(d=day.isoformat()))
    return day


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize_code(_plain_text(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("应填写“是”或“否”。"))


def _enum(column: Column, value: Any) -> str:
    assert column.enum is not None
    text = normalize_text(unicodedata.normalize("NFKC", _plain_text(value)))
    member = column.enum.from_text(text)
    if member is None:
        # Tolerate the labels with their quotation marks or brackets left out.
        loose = re.sub(r"[“”\"（）() ]", "", text)
        member = next(
            (m for m in column.enum if re.sub(r"[“”\"（）() ]", "", m.label_zh) == loose), None
        )
    if member is None:
        choices = "、".join(m.label for m in column.enum)
        raise CellError(
            _("“{v}”不是可选值，请从下拉列表中选择：{choices}。").format(v=text, choices=choices)
        )
    return str(member.value)


def _multi(column: Column, value: Any) -> str:
    assert column.enum is not None
    text = normalize_text(_plain_text(value))
    parts = [p.strip() for p in re.split(r"[,，、;；/]", text) if p.strip()]
    values: list[str] = []
    for part in parts:
        member = column.enum.from_text(part)
        if member is None:
            choices = "、".join(m.label for m in column.enum)
            raise CellError(_("“{v}”不在可选列表中：{choices}。").format(v=part, choices=choices))
        if member.value not in values:
            values.append(member.value)
    return ",".join(values)


def _county(value: Any) -> str:
    text = normalize_code(_plain_text(value))
    units = load_units()
    for unit in units.all_units():
        if text in (unit.code, normalize_code(unit.name)) or (
            len(text) >= 2 and unit.name.startswith(text)
        ):
            return unit.code
        short = (
            unit.name.replace("回族土族自治县", "")
            .replace("土族自治县", "")
            .replace("回族自治县", "")
            .replace("撒拉族自治县", "")
            .replace("区", "")
        )
        if text in (short, short + "县", short + "区"):
            return unit.code
    raise CellError(_("“{v}”不是海东市所辖县区的名称或代码。").format(v=text))


def _id_number(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            _(
                "身份证号被存成了数字，末几位已经丢失，无法恢复。请把该列设为文本格式后重新填写完整的 18 位号码。"
            )
        )
    text = normalize_code(str(value))
    if is_hashed_id(text):
        return text  # a package whose numbers the city asked to be hashed; checked by the validator
    try:
        return parse_id_number(text).number
    except IdentifierError as exc:
        raise CellError(str(exc)) from None


def parse_cell(column: Column, value: Any, *, is_formula: bool = False) -> Any:
    """Read a cell's value for a column; None for an empty cell; CellError when refused."""
    if is_formula:
        raise CellError(_("单元格是公式，VetDesk 不计算公式。请复制后“选择性粘贴为数值”。"))
    return cell_reader(column)(value)


CellReader = Callable[[Any], Any]
_SEEN_LIMIT = 4096
# Readers by column identity (a Column holds a mapping, so it is not hashable); the column
# is kept with its reader so that an id is never reused for another column meanwhile.
_READERS: dict[int, tuple[Column, CellReader]] = {}


def cell_reader(column: Column) -> CellReader:
    """``parse_cell`` for one column (no formula), its kind's dispatch chosen once, not per cell."""
    entry = _READERS.get(id(column))
    if entry is not None and entry[0] is column:
        return entry[1]
    if len(_READERS) > 4096:  # columns made on the fly (tests, forms): never an unbounded cache
        _READERS.clear()
    reader = _make_reader(column)
    _READERS[id(column)] = (column, reader)
    return reader


def _is_blank(value: str) -> bool:
    return normalize_text(value.replace("\u00a0", " ").replace("\u3000", " ")) == ""


# Characters after which a text cell needs the full treatment (control characters are
# dropped or turned into spaces, bidirectional controls refused): a cell without any, in
# NFC and without blanks at its ends, is what _text returns unchanged.
_TEXT_SUSPECT = re.compile("[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# For names also any whitespace, zero-width character or middle-dot look-alike, which
# normalize_name rewrites.
_NAME_SUSPECT = re.compile(
    "[\\s\x00-\x1f\x7f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\u2022\u2027\u2219\u22c5\u30fb\uff65]"
)


def _exact_texts(column: Column) -> dict[str, str]:
    # An enumeration's values and Chinese labels that its normalisation leaves as they are:
    # a cell holding exactly one of them is that member, whatever the language.
    assert column.enum is not None
    return {
        text: str(member.value)
        for member in column.enum
        for text in (member.value, member.label_zh)
        if text
        and normalize_text(unicodedata.normalize("NFKC", text)) == text
        and column.enum.from_text(text) is member
    }


def _make_reader(column: Column) -> CellReader:
    # Each reader is parse_cell for its kind: the fast branches only take cells for which
    # the general path provably gives the same value, and every other cell (and every
    # refusal, with its message) goes through that general path.
    kind = column.kind
    max_length = column.max_length

    def general(value: Any) -> Any:
        if value is None or (value.__class__ is str and not value):
            return None  # python-calamine gives an empty cell of a used row as ""
        if isinstance(value, str) and _is_blank(value):
            return None
        return _parse_typed(column, value)

    if kind in (Kind.TEXT, Kind.NAME):
        suspect = _TEXT_SUSPECT if kind == Kind.TEXT else _NAME_SUSPECT

        def read_text(value: Any) -> Any:
            # Returned as it is only when the general path provably would: not blank,
            # nothing it would drop, fold, strip or refuse, already in NFC.
            if (
                type(value) is str
                and value != ""
                and len(value) <= max_length
                and value[0] not in BLANK_CHARACTERS
                and value[-1] not in BLANK_CHARACTERS
                and suspect.search(value) is None
                and is_normalized("NFC", value)
            ):
                return value
            return general(value)

        return read_text
    if kind == Kind.CODE and column.key != "credit_code":

        def read_code(value: Any) -> Any:
            if type(value) is str and value.isascii() and value.isalnum():
                code = value.upper()  # normalize_code of plain ASCII letters and digits
                if len(code) <= max_length:
                    return code
            return general(value)

        return read_code
    if kind == Kind.ID_NUMBER:

        def read_id(value: Any) -> Any:
            if type(value) is str and value.isascii() and value.isalnum():
                text = value.upper()
                if text[0] == "H" and is_hashed_id(text):  # a hash is H and 17 hex digits
                    return text
                try:
                    return parse_id_number(text).number
                except IdentifierError as exc:
                    raise CellError(str(exc)) from None
            return general(value)

        return read_id
    if kind in (Kind.INT, Kind.YEAR):
        low, high = (EARLIEST.year, LATEST.year) if kind == Kind.YEAR else (0, MAX_INT)

        def read_int(value: Any) -> Any:
            kind_of = type(value)
            whole = kind_of is int or (kind_of is float and value.is_integer())
            if whole and low <= value <= high:
                return int(value)
            return general(value)

        return read_int
    if kind == Kind.DATE:

        def read_date(value: Any) -> Any:
            kind_of = type(value)
            if kind_of is dt.datetime:
                day = value.date()
                if EARLIEST <= day <= LATEST:
                    return day
            elif kind_of is dt.date and EARLIEST <= value <= LATEST:
                return value
            return general(value)

        return read_date
    if kind == Kind.ENUM:
        exact = _exact_texts(column)
        # Other texts read before, by language (a translated label reads only in its
        # language): labels with full-width brackets, which NFKC folds, come here.
        seen: dict[tuple[str, str], str] = {}

        def read_enum(value: Any) -> Any:
            if type(value) is not str:
                return general(value)
            found = exact.get(value)
            if found is not None:
                return found
            key = (language(), value)
            found = seen.get(key)
            if found is None:
                found = general(value)
                if found is not None and len(seen) < _SEEN_LIMIT:
                    seen[key] = found  # only accepted values: a refusal is made anew each time
            return found

        return read_enum
    if kind == Kind.BOOL:

        def read_bool(value: Any) -> Any:
            if type(value) is str:
                found = _EXACT_BOOL.get(value)
                if found is not None:
                    return found
            elif type(value) is bool:
                return value
            return general(value)

        return read_bool
    return general


def _parse_typed(column: Column, value: Any) -> Any:
    # A cell that is neither None nor blank text, read for its column's kind.
    kind = column.kind
    if kind == Kind.TEXT:
        return _text(column, value, normalize_text)
    if kind == Kind.NAME:
        return _text(column, value, normalize_name)
    if kind == Kind.CODE:
        code = _code(value)
        if column.key == "credit_code":
            try:
                return validate_credit_code(code)
            except IdentifierError as exc:
                raise CellError(str(exc)) from None
        if len(code) > column.max_length:
            raise CellError(
                _("内容过长：{n} 个字符，最多 {max} 个。").format(
                    n=len(code), max=column.max_length
                )
            )
        return code
    if kind == Kind.ID_NUMBER:
        return _id_number(value)
    if kind == Kind.COUNTY:
        return _county(value)
    if kind == Kind.INT:
        return _int(value)
    if kind == Kind.WAN_YUAN:
        return _wan_yuan(value)
    if kind == Kind.DATE:
        return _date(value)
    if kind == Kind.ENUM:
        return _enum(column, value)
    if kind == Kind.BOOL:
        return _bool(value)
    if kind == Kind.MULTI:
        return _multi(column, value)
    if kind == Kind.YEAR:
        year = _int(value)
        if not EARLIEST.year <= year <= LATEST.year:
            raise CellError(_("年份 {v} 不在合理范围内（1950–2100）。").format(v=year))
        return year
    raise AssertionError(kind)


def shown_value(column: Column, value: Any) -> str:
    """A cell value as it may appear in a message (身份证号 masked)."""
    if value is None:
        return ""
    text = _plain_text(value)
    if column.kind == Kind.ID_NUMBER:
        return mask_id_number(normalize_code(text))
    return text if len(text) <= 60 else text[:57] + "…"


_HEADER_NOISE = re.compile(r"[\s*＊:：]|（[^）]*）|\([^)]*\)|“|”|\"")


def header_key(text: str) -> str:
    """A header reduced for matching: no spaces, units in brackets, quotes or * marks."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text))
