"""The settings dialog: language (more preferences join here later)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from vetdesk.i18n import _
from vetdesk.ui.settings import Settings


class PreferencesDialog(QDialog):
    """Choose the interface language; the window is rebuilt in the new language at once."""

    language_changed = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PreferencesDialog")
        self.setWindowTitle(_("设置"))
        self._settings = settings
        self.language = QComboBox()
        self.language.setObjectName("language")
        # Language names are written in their own language, so they can be found whatever
        # language the interface is in now.
        self.language.addItem("中文（简体）", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        layout = QFormLayout(self)
        label = QLabel(_("界面语言(&L)："))
        label.setBuddy(self.language)
        layout.addRow(label, self.language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.accepted.connect(self._apply)

    def _apply(self) -> None:
        lang = str(self.language.currentData())
        if lang != self._settings.language:
            self._settings.language = lang
            self._settings.sync()
            self.language_changed.emit(lang)
