"""The Chinese font VetDesk ships, for windows, charts and reports (no Qt here).

Machines without Chinese system fonts (many Windows installs in English, CI, the
offscreen screenshots) would otherwise show empty boxes. The font is a subset of
Noto Sans CJK SC under the SIL OFL, made by ``scripts/make_font_subset.py``.
"""

from __future__ import annotations

from pathlib import Path

from vetdesk.paths import resource

FONT_FILE = "NotoSansSC-VetDesk.otf"
FONT_FAMILY = "Noto Sans SC VetDesk"

_matplotlib_family: str | None = None


def font_path() -> Path:
    """The shipped Chinese font file."""
    return resource("fonts", FONT_FILE)


def register_matplotlib_font() -> str:
    """Add the shipped font to matplotlib's font manager and return its family name.

    Callers put the family first in ``rcParams["font.sans-serif"]`` (or pass it as
    ``fontfamily``); matplotlib is imported here, on first use, not at start-up.
    """
    global _matplotlib_family
    if _matplotlib_family is None:
        from matplotlib import font_manager

        path = font_path()
        font_manager.fontManager.addfont(str(path))
        _matplotlib_family = font_manager.FontProperties(fname=str(path)).get_name()
    return _matplotlib_family


PDF_FONT_FILE = "NotoSansSC-VetDesk-PDF.ttf"


def pdf_font_path() -> Path:
    """The same font with TrueType outlines, made once by ``scripts/make_font_subset.py``.

    The PDFs embed it (``reports/typeset.py`` registers it with ReportLab, which embeds
    TrueType outlines only).
    """
    return resource("fonts", PDF_FONT_FILE)
