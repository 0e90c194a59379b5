"""User interface preferences: an ini file in the data directory, with declared defaults.

After Mu's ``settings.py``: every key has a default here, only values that differ are
written, and a damaged file is logged and ignored, never fatal. Data-related settings
live in the database; this file is only about the person's desk (language, window
layout, column widths, the last database opened).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from vetdesk.db.location import DatabaseTarget, parse_target
from vetdesk.errors import VetDeskError
from vetdesk.paths import data_dir

log = logging.getLogger(__name__)

SETTINGS_FILE = "vetdesk.ini"

# Not "general/…": QSettings writes the INI group "general" as its reserved [%General]
# section and reads it back as "General/…", so such keys never round-trip.
DEFAULTS: dict[str, Any] = {
    "app/language": "zh",
    "app/last_db": "",
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/page": 0,
}


class Settings:
    """Typed access to the preferences file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / SETTINGS_FILE
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        if self._qs.status() != QSettings.Status.NoError:
            log.warning("ignoring unreadable settings file %s", self.path)
            self._qs.clear()

    def value(self, key: str) -> Any:
        """A setting, or its declared default."""
        default = DEFAULTS.get(key)
        try:
            value = self._qs.value(key, default)
        except Exception:  # a hand-edited file with a bad value must not stop start-up
            log.warning("bad value for %s in %s", key, self.path, exc_info=True)
            return default
        if isinstance(default, int) and not isinstance(value, int):
            try:
                return int(str(value))
            except ValueError:
                return default
        return value

    def set_value(self, key: str, value: Any) -> None:
        """Store a setting; a value equal to the default removes the key."""
        if key in DEFAULTS and value == DEFAULTS[key]:
            self._qs.remove(key)
        else:
            self._qs.setValue(key, value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    # --- named settings ----------------------------------------------------------------------

    @property
    def language(self) -> str:
        """'zh' or 'en'."""
        lang = str(self.value("app/language"))
        return lang if lang in ("zh", "en") else "zh"

    @language.setter
    def language(self, lang: str) -> None:
        self.set_value("app/language", lang)

    @property
    def last_db(self) -> DatabaseTarget | None:
        """The database opened last, if any: a file, or the city's PostgreSQL URL."""
        text = str(self.value("app/last_db") or "")
        if not text:
            return None
        try:
            return parse_target(text)
        except VetDeskError:  # a URL with a password (written by hand): never used
            log.warning("ignoring app/last_db in %s: a URL with a password", self.path)
            return None

    @last_db.setter
    def last_db(self, target: DatabaseTarget | None) -> None:
        # A URL is stored as given: parse_server_url refused any password before it opened.
        self.set_value("app/last_db", str(target) if target else "")

    def header_state(self, table: str) -> QByteArray:
        """The saved column widths and order of a table."""
        value = self._qs.value(f"tables/{table}", QByteArray())
        return value if isinstance(value, QByteArray) else QByteArray()

    def set_header_state(self, table: str, state: QByteArray) -> None:
        """Remember a table's column widths and order."""
        self._qs.setValue(f"tables/{table}", state)
