"""Chinese for argparse's own words (usage:, options, error messages) in the Chinese CLI.

argparse looks its messages up through ``gettext`` at the moment it prints them; with no
Chinese catalogue installed they stay English in the middle of Chinese help. This module
maps them to Chinese while the message language is Chinese; the %-placeholders are kept.
"""

from __future__ import annotations

import argparse
import gettext

from vetdesk.i18n import language

# argparse's messages (Python 3.11–3.13) and their Chinese.
ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的参数值 %r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "expected one argument": "需要一个参数值",
    "expected at most one argument": "最多需要一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义，可能是 %(matches)s"
    ),
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选项：%(value)r（可选：%(choices)s）"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "未知的子命令 %(parser_name)r（可选：%(choices)s）"
    ),
}
_PLURALS_ZH: dict[str, str] = {
    "expected %s argument": "需要 %s 个参数值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义，可能是 %(matches)s"
    ),
}


def _gettext(message: str) -> str:
    if language() == "zh":
        return ARGPARSE_ZH.get(message, message)
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if language() == "zh" and singular in _PLURALS_ZH:
        return _PLURALS_ZH[singular]
    return gettext.ngettext(singular, plural, n)


def install() -> None:
    """Make argparse speak the current message language (Chinese or English)."""
    # argparse calls the module-level names ``_`` and ``ngettext`` when it formats text.
    setattr(argparse, "_", _gettext)  # noqa: B010
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010
