"""Where VetDesk finds its shipped resources and keeps the user's data."""

from __future__ import annotations

import os
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
    package = Path(__file__).resolve().parent
    # A wheel and the frozen build carry them inside the package (the build maps the
    # repository's top-level resources/ there). Both unpack the package to a real folder,
    # where the files are plain paths: looked up directly, since importlib.resources (and
    # its readers) cost the GUI's first paint some 3 ms to import for the same answer.
    packaged = package / "resources"
    if packaged.is_dir():
        return packaged
    if not package.is_dir():
        # The package is not a plain folder (imported from a zip archive, or a frozen
        # build's archive): only importlib.resources knows where its files are, and it
        # must give a real folder that callers can hand to Qt, matplotlib and openpyxl.
        from importlib import resources

        traversable = resources.files("vetdesk") / "resources"
        if isinstance(traversable, Path) and traversable.is_dir():
            return traversable
    # A source checkout (and an editable install): the repository's own resources/.
    return package.parent / "resources"


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
