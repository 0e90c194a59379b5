"""``vetdesk --db PATH --screenshot DIR``: a PNG of every main screen, then exit.

Used to review the screens (and their Chinese text) without a display: the offscreen
platform renders exactly what a desktop would, with the shipped font.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from vetdesk.services.entities import TEACHER
from vetdesk.ui.mainwindow import MainWindow


def wait_until(condition: object, timeout_s: float = 60.0) -> bool:
    """Process events until ``condition()`` is true or the time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def _save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path), "PNG")
    return path


def take_screenshots(window: MainWindow, out_dir: Path) -> list[Path]:
    """Save every page of the main window and the main dialogs as PNG files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1360, 820)
    window.show()
    wait_until(
        lambda: window.failed is not None or (window.snapshot is not None and not window.loading)
    )
    written: list[Path] = []
    if window.failed is not None:
        return written
    for number, page_id in enumerate(window.page_ids(), start=1):
        window.show_page(page_id)
        written.append(_save(window, out_dir / f"{number:02d}-{page_id}.png"))
    # The teacher form, filled with the first teacher, as people see it when editing.
    window.show_page(TEACHER)
    page = window.record_pages[TEACHER]
    if page.model.rowCount():
        form = window.edit_record(TEACHER, page.model.item(0))
        if form is not None:
            form.resize(620, 700)
            written.append(_save(form, out_dir / "20-teacher-form.png"))
            form.reject()
    from vetdesk.ui.about import AboutDialog
    from vetdesk.ui.preferences import PreferencesDialog
    from vetdesk.ui.wizard import SetupWizard

    dialogs: list[tuple[str, QDialog]] = [
        ("21-wizard.png", SetupWizard(window)),
        ("22-settings.png", PreferencesDialog(window.settings, window)),
        ("23-about.png", AboutDialog(window.db, window)),
    ]
    for name, dialog in dialogs:
        dialog.show()
        QCoreApplication.processEvents()
        written.append(_save(dialog, out_dir / name))
        dialog.close()
        dialog.deleteLater()
    return written
