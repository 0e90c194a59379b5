"""The About box: what is installed, with versions, for support calls."""

from __future__ import annotations

import platform
import sqlite3

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vetdesk import __version__
from vetdesk.db.database import Database
from vetdesk.i18n import _, pgettext
from vetdesk.paths import log_file


def version_lines(db: Database | None = None) -> list[tuple[str, str]]:
    """(component, version) pairs shown in the About box and written to the log."""
    # Local: the core loads on first use, not at start-up.
    import sqlalchemy

    # Local: the core loads on first use, not at start-up.
    from vetdesk.db import migrate
    from vetdesk.standards.installed import ruleset_in_force

    lines = [
        ("VetDesk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("SQLAlchemy", sqlalchemy.__version__),
        ("SQLite", sqlite3.sqlite_version),
        (_("数据库结构"), migrate.head_revision()),
        (_("操作系统"), platform.platform()),
        (_("日志文件"), str(log_file())),
    ]
    if db is not None:
        ruleset = ruleset_in_force(db)
        lines.append(
            (pgettext("AboutDialog", "标准规则集"), f"{ruleset.ruleset_id} {ruleset.version}")
        )
        if db.on_server:  # the URL as given: it never holds a password (refused before)
            lines.append((pgettext("AboutDialog", "PostgreSQL 数据库"), str(db.location)))
        else:
            lines.append((pgettext("AboutDialog", "数据库文件"), str(db.path)))
    return lines


class AboutDialog(QDialog):
    """Name, purpose, versions and the font licence."""

    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.setWindowTitle(_("关于 VetDesk"))
        rows = "".join(
            f"<tr><td>{name}</td><td>&nbsp;&nbsp;{value}</td></tr>"
            for name, value in version_lines(db)
        )
        text = QLabel(
            "<h2>VetDesk 职教数据台</h2>"
            + _(
                "<p>海东市职业教育数据填报、核验与上报工具（离线）。</p>"
                "<p>界面中文字体：Noto Sans CJK SC 子集，SIL Open Font License 1.1。</p>"
            )
            + f"<table>{rows}</table>"
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
