"""Translation of user-facing text without Qt.

Chinese is the source language: messages are written in Chinese in the code and
looked up in ``resources/i18n/<lang>/*.json`` for other languages. The core (rules,
reports, command line) uses this module; the Qt widgets use Qt's own system on top.
"""

from __future__ import annotations

import json
import os
from functools import cache

from vetdesk.paths import resource

SUPPORTED_LANGUAGES = ("zh", "en")
_current = (
    os.environ.get("VETDESK_LANG", "zh")
    if os.environ.get("VETDESK_LANG") in SUPPORTED_LANGUAGES
    else "zh"
)


def set_language(lang: str) -> None:
    """Switch the language of messages produced from now on."""
    global _current
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _current = lang


def language() -> str:
    """Return the current language code."""
    return _current


def localized(chinese: str, english: str) -> str:
    """A name from a data file: its English form when English is chosen and there is one."""
    return english if _current == "en" and english else chinese


@cache
def _catalogue(lang: str) -> dict[str, str]:
    # One catalogue file per area of the code (``resources/i18n/en/cli.json`` …),
    # so that areas developed side by side never edit the same file.
    folder = resource("i18n", lang)
    merged: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            with path.open(encoding="utf-8") as fh:
                merged.update(json.load(fh))
    return merged


def _(message: str) -> str:
    """Translate a Chinese source message into the current language."""
    if _current == "zh":
        return message
    # An entry left empty for a translator falls back to the Chinese source.
    return _catalogue(_current).get(message) or message


def N_(message: str) -> str:
    """Mark a message for translation without translating it now."""
    return message


def translate_to(lang: str, message: str) -> str:
    """Translate a message into a given language, whatever the current one is."""
    if lang == "zh":
        return message
    return _catalogue(lang).get(message) or message
