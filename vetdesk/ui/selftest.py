"""GUI steps of ``vetdesk --self-test``: build the main window on a demo database, unseen."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def _step_font(tmp: Path) -> str:
    from vetdesk.fonts import font_path
    from vetdesk.ui.app import ensure_application, install_font

    app = ensure_application()
    family = install_font(app)
    assert family, f"font {font_path()} did not load"
    return family


def _step_main_window(tmp: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from vetdesk.services.database import create_database
    from vetdesk.services.demo import generate_demo
    from vetdesk.ui.app import ensure_application
    from vetdesk.ui.i18n import install_translators
    from vetdesk.ui.mainwindow import MainWindow
    from vetdesk.ui.screenshots import wait_until
    from vetdesk.ui.settings import Settings

    ensure_application()
    loaded = install_translators("zh")
    assert "qtbase_zh_CN" in loaded, "Qt's Chinese translations are missing"
    db = create_database(tmp / "gui.db", role="county", unit_code="630223", operator="自检")
    try:
        generate_demo(db, year=2025)
        window = MainWindow(db, Settings(tmp / "gui.ini"))
        assert wait_until(lambda: window.snapshot is not None, 60), "data did not load"
        teachers = window.record_pages["teacher"].model.rowCount()
        errors, unexplained = window.status_counts()
        window.close()
        window.deleteLater()
        assert teachers > 0 and errors == 0
        return f"{teachers} teachers shown, {errors} errors, {unexplained} unexplained warnings"
    finally:
        from vetdesk.ui.background import wait_for_all

        wait_for_all()
        db.close()


STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("GUI font", _step_font),
    ("GUI main window", _step_main_window),
]
