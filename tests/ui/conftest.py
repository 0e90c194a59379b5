"""Fixtures of the GUI tests: a main window on a demo database, headless message boxes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_refresh_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows do not poll the data's version on a timer in tests.

    A poll landing in the middle of another test (which writes through a second connection
    on purpose, say) would reload its window at a moment the test does not expect. The
    refresh tests poll by hand (``window.refresher.poll()``) or start the timer themselves.
    """
    from vetdesk.ui.window import refresh

    monkeypatch.setattr(refresh, "REFRESH_INTERVAL_MS", 0)


@pytest.fixture
def recorder() -> Iterator[object]:
    """Message boxes recorded instead of shown; questions answered "yes"."""
    from vetdesk.ui import interaction

    rec = interaction.RecordingInteraction(answer=True)
    previous = interaction.set_interaction(rec)
    yield rec
    interaction.set_interaction(previous)


def open_window(qtbot, path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A main window on a database, after its first load."""
    from vetdesk.db.database import open_database
    from vetdesk.ui.mainwindow import MainWindow
    from vetdesk.ui.settings import Settings

    db = open_database(path)
    window = MainWindow(db, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None and not window.loading, timeout=30_000)
    return window


@pytest.fixture
def window_factory(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open main windows on database files; their databases are closed afterwards."""
    from vetdesk.ui.background import wait_for_all

    windows = []

    def make(path: Path):  # type: ignore[no-untyped-def]
        window = open_window(qtbot, path, tmp_path)
        windows.append(window)
        return window

    yield make
    wait_for_all()
    for window in windows:
        window.db.close()


@pytest.fixture
def county_window(qtbot, county_db: Path, tmp_path: Path, recorder):  # type: ignore[no-untyped-def]
    """The main window on a private copy of the demo county database."""
    from vetdesk.ui.background import wait_for_all

    window = open_window(qtbot, county_db, tmp_path)
    yield window
    wait_for_all()
    window.db.close()
