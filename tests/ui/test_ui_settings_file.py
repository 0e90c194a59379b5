"""Preferences survive a restart: every key is read back from the file as written."""

from __future__ import annotations

from pathlib import Path

from vetdesk.ui.settings import Settings


def test_language_and_last_database_round_trip(tmp_path: Path) -> None:
    """A fresh Settings on the same file reads back the language and the last database."""
    path = tmp_path / "vetdesk.ini"
    settings = Settings(path)
    settings.language = "en"
    settings.last_db = tmp_path / "county.db"
    settings.sync()
    del settings
    again = Settings(path)
    assert again.language == "en"
    assert again.last_db == tmp_path / "county.db"
