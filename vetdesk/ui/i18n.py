"""Switching the GUI's language: VetDesk's own catalogue and Qt's ``qtbase``.

Every UI string is marked like the core's (``_("学校")`` from :mod:`vetdesk.i18n`) and follows
:func:`vetdesk.i18n.set_language`, set here; a window built afterwards is in the new language
(the controller rebuilds the open window). Qt's own ``qtbase_zh_CN.qm`` translates the
standard buttons (确定/取消) and dialogs for Chinese, the source language.
"""

from __future__ import annotations

import logging
from gettext import GNUTranslations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vetdesk import i18n

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def install_translators(lang: str) -> list[str]:
    """Switch the application to a language ('zh' or 'en'); return the catalogues loaded."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing translators")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(lang)
    loaded: list[str] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_locale = "zh_CN" if lang == "zh" else "en"
    QLocale.setDefault(QLocale(qt_locale))
    # VetDesk's own catalogue (Chinese, the source language, has none; a missing one is
    # logged by vetdesk.i18n and leaves the text Chinese).
    if lang != "zh" and isinstance(i18n.translations(lang), GNUTranslations):
        loaded.append(f"{i18n.DOMAIN}_{lang}")
    name = f"qtbase_{qt_locale}"
    translator = QTranslator(app)
    if translator.load(name, qt_dir):
        app.installTranslator(translator)
        _installed.append(translator)
        loaded.append(name)
    elif lang == "zh":  # English needs no qtbase catalogue
        log.warning("translation %s not found in %s", name, qt_dir)
    return loaded
