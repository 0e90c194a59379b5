"""Installing the GUI's translations: VetDesk's own ``.qm`` and Qt's ``qtbase``.

Chinese is the source language of every UI string (``self.tr("学校")``), so Chinese
needs only Qt's ``qtbase_zh_CN.qm`` for the standard buttons (确定/取消) and dialogs;
English loads ``resources/i18n/qt/vetdesk_en.qm``. Messages produced by the core
(validation, enum labels) follow :func:`vetdesk.i18n.set_language`, set here too.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vetdesk import i18n
from vetdesk.paths import resource

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
    candidates = [(f"qtbase_{qt_locale}", qt_dir)]
    if lang != "zh":
        candidates.append((f"vetdesk_{lang}", str(resource("i18n", "qt"))))
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(name)
        elif not name.startswith("qtbase_en"):  # English needs no qtbase catalogue
            log.warning("translation %s not found in %s", name, folder)
    return loaded
