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
from typing import Any

from vetdesk.domain.id_privacy import is_hashed_id
from vetdesk.domain.identifiers import (
    IdentifierError,
    mask_id_number,
    parse_id_number,
    validate_credit_code,
)
from vetdesk.domain.money import AmountError, parse_wan_yuan
from vetdesk.domain.textnorm import normalize_code, normalize_name, normalize_text
from vetdesk.domain.units import load_units
from vetdesk.i18n import _
from vetdesk.workbook.schema import Column, Kind

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_INT = 10**12
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗"}


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
    if is_formula or (
        isinstance(value, str) and value.startswith("=") and len(value) > 1 and is_formula
    ):
        raise CellError(_("单元格是公式，VetDesk 不计算公式。请复制后“选择性粘贴为数值”。"))
    if value is None:
        return None
    if isinstance(value, str):
        stripped = normalize_text(value.replace("\u00a0", " ").replace("\u3000", " "))
        if stripped == "":
            return None
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
