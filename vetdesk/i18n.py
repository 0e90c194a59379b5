"""Translation of user-facing text, core and GUI alike: stdlib ``gettext``, catalogues by Babel.

Chinese is the source language: messages are written in Chinese in the code, marked with
``_()`` (``N_()`` to mark without translating yet, ``ngettext()`` for counts, ``pgettext()``
where one Chinese text needs two English ones), and looked up for other languages in the
compiled catalogue ``resources/i18n/<lang>/LC_MESSAGES/vetdesk.mo`` (Babel extracts and
updates the ``.po`` beside it and compiles it at build time; README, "Translations").
Qt-free: the GUI uses the same functions and rebuilds its window when the language changes.
"""

from __future__ import annotations

import gettext
import logging
import os
from functools import cache

from vetdesk.paths import resource

DOMAIN = "vetdesk"
SUPPORTED_LANGUAGES = ("zh", "en")
_current = (
    os.environ.get("VETDESK_LANG", "zh")
    if os.environ.get("VETDESK_LANG") in SUPPORTED_LANGUAGES
    else "zh"
)
log = logging.getLogger(__name__)


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


def catalogue_path(lang: str) -> str:
    """The compiled catalogue of a language (which may be missing in a fresh checkout)."""
    return str(resource("i18n", lang, "LC_MESSAGES", f"{DOMAIN}.mo"))


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of a language; Chinese, the source language, needs none."""
    if lang == "zh":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, str(resource("i18n")), languages=[lang])
    except OSError:
        # A source checkout before the catalogues were compiled: Chinese, with a warning
        # (the self-test fails on the missing file; scripts/dev.py compiles it).
        log.warning("translation catalogue %s is missing", catalogue_path(lang))
        return gettext.NullTranslations()


def _(message: str) -> str:
    """Translate a Chinese source message into the current language."""
    return translations(_current).gettext(message)


def N_(message: str) -> str:
    """Mark a message for translation without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count (Chinese has one form, English two)."""
    return translations(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a message whose English depends on where it is shown (``context``)."""
    return translations(_current).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """``ngettext`` with a context."""
    return translations(_current).npgettext(context, singular, plural, n)


def translate_to(lang: str, message: str) -> str:
    """Translate a message into a given language, whatever the current one is."""
    return translations(lang).gettext(message)
