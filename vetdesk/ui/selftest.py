"""GUI steps of ``vetdesk --self-test``: build the main window on a demo database, unseen."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
from collections.abc import Callable
from pathlib import Path

import vetdesk.ui
from vetdesk.ui.background import wait_for_all


def _step_font(tmp: Path) -> str:
    # Local: loaded on first use, not at start-up.
    from vetdesk.fonts import font_path
    from vetdesk.ui.app import ensure_application, install_font

    app = ensure_application()
    family = install_font(app)
    assert family, f"font {font_path()} did not load"
    return family


def _step_main_window(tmp: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Local: loaded on first use, not at start-up.
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database
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
        wait_for_all()
        db.close()


def _step_modules(tmp: Path) -> str:
    """Import every GUI module and print support: a frozen build must have bundled them all."""
    names = [m.name for m in pkgutil.walk_packages(vetdesk.ui.__path__, "vetdesk.ui.")]
    for name in names:
        importlib.import_module(name)
    # Local: Qt's print support loads only to print.
    from PySide6.QtPrintSupport import QPrinter

    assert QPrinter is not None
    return f"{len(names)} modules, QtPrintSupport present"


def _step_enrolment_pdf(tmp: Path) -> str:
    """Draw the key enrolment form as PDF (ReportLab) and as a PNG for printing (pypdfium2)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.reports.enrolment import EnrolmentForm, enrolment_png, write_enrolment_pdf

    form = EnrolmentForm(
        "630223",
        "互助土族自治县",
        "county",
        "vetdesk-ed25519 AAAA 630223",
        "00000 11111 22222 33333 44444 55555 66666 77777",
        "0000000000000000",
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 1),
    )
    pdf = write_enrolment_pdf(form, tmp / "enrolment.pdf")
    png = enrolment_png(form, dpi=30)
    assert pdf.read_bytes().startswith(b"%PDF") and png.startswith(b"\x89PNG")
    return f"PDF {pdf.stat().st_size} bytes, PNG {len(png)} bytes"


STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("GUI font", _step_font),
    ("GUI modules", _step_modules),
    ("GUI main window", _step_main_window),
    ("enrolment form", _step_enrolment_pdf),
]
