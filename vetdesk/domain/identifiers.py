"""Validation of the identifiers VetDesk stores: 身份证号, 统一社会信用代码 and 学校标识码.

Formats follow standards.md §6.4–6.6 and §7.E; the import hazards they guard against are in
exchange-and-safety.md §2.7. Every function normalises its input first (full-width digits,
stray spaces, lower-case x), so callers may pass raw cell values. Region lists and school-code
patterns are data, not code: they are passed in by the caller.

Errors are :class:`IdentifierError` with a stable ``code`` and a message for the user that
says what is wrong and what to do. No message ever contains a whole 身份证号.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import mul

from vetdesk.domain.textnorm import normalize_code
from vetdesk.i18n import _

__all__ = [
    "IdNumberInfo",
    "IdentifierError",
    "credit_code_check_char",
    "generate_id_number",
    "id_number_check_char",
    "mask_id_number",
    "organisation_code_check_char",
    "parse_id_number",
    "school_code_type",
    "validate_credit_code",
    "validate_school_code",
]


class IdentifierError(ValueError):
    """An identifier was refused; ``code`` is a stable reason, ``str(error)`` the user message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        """The translated message meant for the user."""
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[IdentifierError], tuple[str, str]]:
        # The default pickling replays ``args`` (message only) and would lose ``code``;
        # errors cross process boundaries when imports run in a worker.
        return (type(self), (self.code, self.message))


_DIGITS = frozenset("0123456789")


def _shown(char: str) -> str:
    # An invisible or control character would make "第5位为“”" unreadable; name it instead.
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"


# --- 公民身份号码 (GB 11643-1999, ISO 7064 MOD 11-2) -----------------------------------------

# Spelled out as printed in the standard (they equal 2^(18-i) mod 11) so they can be audited.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)

# GB/T 2260 province-level codes. Only the province is checked: teachers are born all over
# China, and county codes change (海东's 6321xx became 6302xx in 2013, standards.md §6.2).
_PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for first, last in (
        (11, 15),
        (21, 23),
        (31, 37),
        (41, 46),
        (50, 54),
        (61, 65),
        (71, 71),
        (81, 82),
    )
    for code in range(first, last + 1)
)

_MIN_AGE = 14
_MAX_AGE = 100

# What an 18-digit number looks like after Excel stored it as a number (1.10101E+17).
_EXCEL_SCIENTIFIC = re.compile(r"\d(?:\.\d*)?E\+?\d+")


@dataclass(frozen=True)
class IdNumberInfo:
    """A valid 身份证号 and what it encodes."""

    number: str
    birth_date: date
    sex: str  # "男" or "女": the 17th digit is odd for men, even for women
    region_code: str  # the 6-digit address code at registration, possibly historical


def id_number_check_char(first17: str) -> str:
    """Return the 18th character (0–9 or X) of a 身份证号 from its first 17 digits."""
    if len(first17) != 17:
        raise IdentifierError(
            "id_length",
            _("计算身份证号校验位需要前17位数字，实际为{n}位。").format(n=len(first17)),
        )
    # ASCII and isdigit() is exactly "every character in 0–9", tested in C.
    if not (first17.isascii() and first17.isdigit()):
        raise IdentifierError("id_chars", _("计算身份证号校验位需要前17位全部为数字。"))
    total = sum(map(mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def _check_id_shape(number: str) -> None:
    if not number:
        raise IdentifierError("id_length", _("身份证号为空，请填写18位身份证号。"))
    if _EXCEL_SCIENTIFIC.fullmatch(number):
        raise IdentifierError(
            "id_chars",
            _(
                "身份证号被 Excel 当成了数字（显示为科学计数法），后几位已经丢失，无法恢复。"
                "请把该列设为文本格式，再按原始证件重新填写18位号码。"
            ),
        )
    if len(number) == 15 and all(char in _DIGITS for char in number):
        raise IdentifierError(
            "id_legacy_15",
            _("这是15位的旧身份证号，系统只接受18位号码。请按本人现用的身份证填写18位号码。"),
        )
    if len(number) != 18:
        raise IdentifierError(
            "id_length",
            _("身份证号应为18位，实际为{n}位。请核对是否多填或漏填。").format(n=len(number)),
        )
    head = number[:17]
    if not (head.isascii() and head.isdigit()):  # else every one of them is 0–9
        for position, char in enumerate(head, start=1):
            if char not in _DIGITS:
                raise IdentifierError(
                    "id_chars",
                    _("身份证号第{position}位应为数字，实际为“{char}”。请核对号码。").format(
                        position=position, char=_shown(char)
                    ),
                )
    if number[17] not in _DIGITS and number[17] != "X":
        raise IdentifierError(
            "id_chars",
            _("身份证号最后一位应为数字或 X，实际为“{char}”。请核对号码。").format(
                char=_shown(number[17])
            ),
        )


def _age_on(birth: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def _check_birth_date(digits: str, today: date) -> date:
    # Messages name the positions, not the date: a masked number (first 6 and last 4 shown)
    # plus the date in an error report would give the whole number back.
    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdentifierError(
            "id_birth_date",
            _("身份证号第7–14位的出生日期不是真实存在的日期。请核对号码。"),
        ) from None
    if birth > today:
        raise IdentifierError("id_birth_date", _("身份证号中的出生日期晚于今天。请核对号码。"))
    age = _age_on(birth, today)
    if age < _MIN_AGE:
        raise IdentifierError(
            "id_birth_date",
            _("按身份证号中的出生日期计算，年龄为{age}岁，小于{min_age}岁。请核对号码。").format(
                age=age, min_age=_MIN_AGE
            ),
        )
    if age > _MAX_AGE:
        raise IdentifierError(
            "id_birth_date",
            _("按身份证号中的出生日期计算，年龄为{age}岁，大于{max_age}岁。请核对号码。").format(
                age=age, max_age=_MAX_AGE
            ),
        )
    return birth


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumberInfo:
    """Validate a 身份证号 and return what it encodes; raise IdentifierError if it is invalid."""
    number = normalize_code(raw)
    _check_id_shape(number)
    # The check digit goes first: a typo anywhere shows up there, and "请核对号码" is then
    # the right advice even when the typo also produced an impossible date or region.
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            "id_check_digit",
            # Never "should be X": the typo may be in any of the 18 digits, and changing
            # the last one to fit would turn a wrong number into a valid-looking one.
            _(
                "身份证号校验位不符：18 位中至少有一位与证件不符（不一定是最后一位）。"
                "请对照身份证逐位核对全部 18 位，不要只改最后一位。"
            ),
        )
    if number[:2] not in _PROVINCE_CODES:
        raise IdentifierError(
            "id_region",
            _("身份证号前两位 {province} 不是有效的省级行政区划代码。请核对号码。").format(
                province=number[:2]
            ),
        )
    birth = _check_birth_date(number[6:14], today if today is not None else date.today())
    return IdNumberInfo(
        number=number,
        birth_date=birth,
        sex="男" if int(number[16]) % 2 == 1 else "女",
        region_code=number[:6],
    )


def mask_id_number(number: str) -> str:
    """Hide the middle of a 身份证号 for display and logs: 630223********123X."""
    value = normalize_code(number)
    # At least 8 characters stay hidden whatever the input, so a malformed or truncated
    # number never shows more of itself than a valid one (first 6 + last 4).
    shown = len(value) - 8
    if shown < 4:
        return "****"
    head = min(6, shown * 6 // 10)
    tail = min(4, shown - head)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def generate_id_number(region_code: str, birth: date, sequence: int, sex: str) -> str:
    """Build a valid 身份证号 for demo data and tests (sequence 0–99, sex "男" or "女")."""
    if len(region_code) != 6 or not all(char in _DIGITS for char in region_code):
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if not 0 <= sequence <= 99:
        raise ValueError(f"sequence must be between 0 and 99, got {sequence}")
    if sex not in ("男", "女"):
        raise ValueError(f"sex must be '男' or '女', got {sex!r}")
    # Vary the 17th digit with the sequence so generated numbers look like real ones,
    # while keeping (sequence, sex) -> number one to one.
    seventeenth = 2 * (sequence % 5) + (1 if sex == "男" else 0)
    first17 = (
        f"{region_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:02d}{seventeenth}"
    )
    return first17 + id_number_check_char(first17)


# --- 统一社会信用代码 (GB 32100-2015, mod 31) ---------------------------------------------------

# 31 symbols: digits and capitals without I, O, S, V, Z, which are too easily read as 1, 0,
# 5, U/Y, 2. A symbol's value is its index.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {char: value for value, char in enumerate(_CREDIT_ALPHABET)}
# 3^(i-1) mod 31, spelled out as printed in the standard so they can be audited.
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_EXCLUDED = frozenset("IOSVZ")


def credit_code_check_char(first17: str) -> str:
    """Return the 18th character of a 统一社会信用代码 from its first 17 characters."""
    if len(first17) != 17:
        raise IdentifierError(
            "credit_length",
            _("计算统一社会信用代码校验位需要前17位，实际为{n}位。").format(n=len(first17)),
        )
    if not all(char in _CREDIT_VALUES for char in first17):
        raise IdentifierError(
            "credit_chars",
            _("计算统一社会信用代码校验位需要前17位全部为数字或允许的大写字母。"),
        )
    total = sum(
        _CREDIT_VALUES[char] * weight for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(raw: str, *, organisation_check: bool = False) -> str:
    """Return the normalised 统一社会信用代码, or raise IdentifierError if it is invalid.

    With ``organisation_check`` the 组织机构代码 inside it (characters 9–17) must carry
    its own GB 11714 check digit too. The period checks ask for it; reading a workbook
    does not, so that a package signed before this check existed still reads and
    verifies, and the check then names the code as an error.
    """
    code = normalize_code(raw)
    if not code:
        raise IdentifierError("credit_length", _("统一社会信用代码为空，请填写18位代码。"))
    if len(code) != 18:
        raise IdentifierError(
            "credit_length",
            _("统一社会信用代码应为18位，实际为{n}位。请核对是否多填或漏填。").format(n=len(code)),
        )
    for position, char in enumerate(code, start=1):
        if char in _CREDIT_EXCLUDED:
            raise IdentifierError(
                "credit_chars",
                _(
                    "统一社会信用代码不使用字母 I、O、S、V、Z，第{position}位却是“{char}”。"
                    "请核对是否把数字 1、0、5、2 写成了字母。"
                ).format(position=position, char=char),
            )
        if char not in _CREDIT_VALUES:
            raise IdentifierError(
                "credit_chars",
                _(
                    "统一社会信用代码第{position}位“{char}”不是允许的字符"
                    "（只能是数字或大写字母，不含 I、O、S、V、Z）。请核对。"
                ).format(position=position, char=_shown(char)),
            )
    # Characters 3–8 are the GB/T 2260 code of the registering authority: digits only.
    for position in range(3, 9):
        if code[position - 1] not in _DIGITS:
            raise IdentifierError(
                "credit_chars",
                _(
                    "统一社会信用代码第3–8位是登记机关的行政区划代码，只能是数字，"
                    "第{position}位却是“{char}”。请核对。"
                ).format(position=position, char=code[position - 1]),
            )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(
            "credit_check",
            _(
                "统一社会信用代码校验位错误：按前17位计算应为 {expected}，实际为 {actual}。"
                "请核对代码。"
            ).format(expected=expected, actual=code[17]),
        )
    if not organisation_check:
        return code
    # Characters 9–17 are the 组织机构代码 (GB 11714), with its own check character.
    inner = organisation_code_check_char(code[8:16])
    if code[16] != inner:
        raise IdentifierError(
            "credit_org_check",
            _(
                "统一社会信用代码第9–17位是组织机构代码（GB 11714），其校验位（第17位）"
                "按第9–16位计算应为 {expected}，实际为 {actual}。请核对代码。"
            ).format(expected=inner, actual=code[16]),
        )
    return code


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_char(body: str) -> str:
    """The check character of a GB 11714 组织机构代码 from its first 8 characters."""
    if len(body) != 8 or not all(c in _DIGITS or "A" <= c <= "Z" for c in body):
        raise IdentifierError(
            "credit_chars",
            _("计算组织机构代码校验位需要8位数字或大写字母，实际为“{v}”。").format(v=body),
        )
    total = sum(
        (int(c) if c in _DIGITS else ord(c) - ord("A") + 10) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# --- 学校（机构）标识码 -----------------------------------------------------------------------


def _check_school_code_shape(code: str) -> None:
    if not code:
        raise IdentifierError("school_code_length", _("学校标识码为空，请填写10位学校标识码。"))
    if len(code) != 10:
        raise IdentifierError(
            "school_code_length",
            _("学校标识码应为10位数字，实际为{n}位。请核对。").format(n=len(code)),
        )
    for position, char in enumerate(code, start=1):
        if char not in _DIGITS:
            raise IdentifierError(
                "school_code_chars",
                _("学校标识码只能由数字组成，第{position}位却是“{char}”。请核对。").format(
                    position=position, char=_shown(char)
                ),
            )


def validate_school_code(raw: str, *, allowed_patterns: Sequence[str]) -> str:
    """Return the normalised 学校标识码 if it matches one of the allowed regexes."""
    # A bare string is a Sequence[str] too, and would be tried one character at a time.
    if isinstance(allowed_patterns, str):
        raise TypeError("allowed_patterns must be a sequence of regexes, not a single string")
    if not allowed_patterns:
        # Missing rule data is a fault of the installation, not of the code the user typed.
        raise ValueError("allowed_patterns is empty: the school-code rule data is missing")
    code = normalize_code(raw)
    _check_school_code_shape(code)
    if not any(re.fullmatch(pattern, code) for pattern in allowed_patterns):
        raise IdentifierError(
            "school_code_pattern",
            _(
                "学校标识码 {code} 不在本系统接受的范围内（学校类别代码 {school_type}，"
                "省份代码 {province}）。请核对号码，或确认该校是否由本系统管理。"
            ).format(code=code, school_type=code[:2], province=code[2:4]),
        )
    return code


def school_code_type(code: str) -> str:
    """Return the 2-digit 学校类别 prefix of a 学校标识码 (36 = 中等职业学校)."""
    normalised = normalize_code(code)
    _check_school_code_shape(normalised)
    return normalised[:2]
