"""Where VetDesk finds its shipped resources and keeps the user's data."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from vetdesk import APP_NAME, ORG_NAME

# Files that every installation must carry (``vetdesk --self-test`` checks them): one of each
# kind the application reads at run time.
REQUIRED_RESOURCES: tuple[tuple[str, ...], ...] = (
    ("data", "units.json"),
    ("data", "backup-policy.json"),
    ("standards", "cn-vet-2022.json"),
    ("standards", "targets-haidong-2024.json"),
    ("fonts", "NotoSansSC-VetDesk.otf"),
    ("i18n", "en", "LC_MESSAGES", "vetdesk.mo"),  # compiled from the .po by the build
    ("icons", "vetdesk.png"),
    ("guide", "zh.html"),
    ("guide", "en.html"),
)


def resources_dir() -> Path:
    """Return the folder holding the shipped data files (rule sets, units, translations, fonts)."""
    override = os.environ.get("VETDESK_RESOURCES")
    if override:
        return Path(override)
    # A wheel and the frozen build carry them inside the package (the build maps the
    # repository's top-level resources/ there); both unpack to real folders, so the
    # Traversable is a Path that callers can hand to Qt, matplotlib and openpyxl.
    packaged = resources.files("vetdesk") / "resources"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    # A source checkout (and an editable install): the repository's own resources/.
    return Path(__file__).resolve().parent.parent / "resources"


def missing_resources() -> list[str]:
    """The required resource files this installation lacks, as relative paths."""
    return ["/".join(parts) for parts in REQUIRED_RESOURCES if not resource(*parts).is_file()]


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
