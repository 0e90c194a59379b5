"""Amounts of money: typed in 万元 as statistical forms do, stored exactly in 元."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from vetdesk.domain.textnorm import normalize_code
from vetdesk.i18n import _

YUAN_PER_WAN = 10_000
MAX_YUAN = 10**12


class AmountError(ValueError):
    """An amount that cannot be read; the message says why, in the current language."""


def parse_wan_yuan(value: object) -> int:
    """Read an amount in 万元 (a number or text such as "325.5", "1,623.4567万元") as 元."""
    if isinstance(value, bool):
        raise AmountError(_("应填写金额（万元）。"))
    if isinstance(value, int | float):
        # repr() gives the shortest decimal that round-trips, i.e. what a cell shows.
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = normalize_code(str(value)).replace(",", "").removesuffix("万元").removesuffix("万")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AmountError(_("应填写金额（单位：万元），如 325.5。")) from None
    if not amount.is_finite():
        raise AmountError(_("应填写金额（单位：万元），如 325.5。"))
    if amount < 0:
        raise AmountError(_("不能为负数。"))
    yuan = amount * YUAN_PER_WAN
    if yuan != yuan.to_integral_value():
        raise AmountError(_("万元金额最多保留 4 位小数（精确到元）。"))
    if yuan > MAX_YUAN:
        raise AmountError(_("数值过大，请核对单位是否为万元。"))
    return int(yuan)


def wan_yuan_text(yuan: int) -> str:
    """An amount in 元 written in 万元, without trailing zeros (3250000 → "325")."""
    amount = (Decimal(yuan) / YUAN_PER_WAN).normalize()
    return f"{amount:f}"
