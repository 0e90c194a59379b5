"""Where VetDesk finds its shipped resources and keeps the user's data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from vetdesk import APP_NAME, ORG_NAME


def resources_dir() -> Path:
    """Return the folder holding the shipped data files (rule sets, units, translations, fonts)."""
    override = os.environ.get("VETDESK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """Return the path of one shipped resource file."""
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    """Return (and create) the user data directory; ``VETDESK_DATA_DIR`` overrides it."""
    override = os.environ.get("VETDESK_DATA_DIR")
    if override:
        # Made absolute: key files are recorded by path in the database, and a path
        # relative to the folder VetDesk was started in breaks from any other folder.
        path = Path(override).expanduser().absolute()
    else:
        # Imported lazily: platformdirs is light, but the frozen build's start-up counts.
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME, roaming=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    """The GUI's log file, in the data directory (named in error messages and the About box)."""
    return data_dir() / "vetdesk.log"
