"""帮助 → 使用说明: the short guide shipped with VetDesk, in the interface language."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from vetdesk.i18n import _, language
from vetdesk.paths import resource


def guide_html(lang: str | None = None) -> str:
    """The guide's HTML for a language (Chinese unless English is chosen)."""
    name = "en.html" if (lang or language()) == "en" else "zh.html"
    return resource("guide", name).read_text(encoding="utf-8")


class GuideDialog(QDialog):
    """The guide in a window that can stay open beside the main one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GuideDialog")
        self.setWindowTitle(_("VetDesk 使用说明"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)
