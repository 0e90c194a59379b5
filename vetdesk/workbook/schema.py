"""The sheets VetDesk exchanges with schools and the city, in the order they are written.

The columns themselves are declared once per record kind in
:mod:`vetdesk.domain.entityspecs` (re-exported here for the exchange code); this module
adds what only the exchange needs: the template format version, which sheets a template
and an export hold, and finding a sheet by its title.
"""

from __future__ import annotations

from collections.abc import Sequence

from vetdesk.domain.entityspecs import (
    BASES,
    CONDITIONS,
    DESTINATIONS,
    ENTERPRISES,
    EXPLANATIONS,
    MAJORS,
    PILOTS,
    PRACTICES,
    SCHOOL_CODE,
    SCHOOL_NAME_INFO,
    SCHOOLS,
    TEACHERS,
    TRAININGS,
    Column,
    Kind,
    SheetSpec,
)
from vetdesk.i18n import SUPPORTED_LANGUAGES, translate_to

__all__ = [
    "ALL_SHEETS",
    "BASES",
    "CONDITIONS",
    "DESTINATIONS",
    "ENTERPRISES",
    "EXPLANATIONS",
    "EXPORT_SHEETS",
    "MAJORS",
    "PILOTS",
    "PRACTICES",
    "SCHOOLS",
    "SCHOOL_CODE",
    "SCHOOL_NAME_INFO",
    "SIMPLE_SHEETS",
    "SUPPORTED_TEMPLATE_FORMATS",
    "TEACHERS",
    "TEMPLATE_FORMAT",
    "TEMPLATE_SHEETS",
    "TRAININGS",
    "Column",
    "Kind",
    "SheetSpec",
    "sheet_by_title",
]

# Bumped when a template's columns change incompatibly; imports accept the versions listed.
TEMPLATE_FORMAT = 1
SUPPORTED_TEMPLATE_FORMATS = (1,)

# The data sheets of a school template, in order.
TEMPLATE_SHEETS: tuple[SheetSpec, ...] = (
    CONDITIONS,
    TEACHERS,
    PRACTICES,
    TRAININGS,
    MAJORS,
    ENTERPRISES,
    PILOTS,
    DESTINATIONS,
    BASES,
)
# The data sheets of a county's export (and of the signed package).
EXPORT_SHEETS: tuple[SheetSpec, ...] = (
    SCHOOLS,
    CONDITIONS,
    TEACHERS,
    PRACTICES,
    TRAININGS,
    MAJORS,
    ENTERPRISES,
    PILOTS,
    DESTINATIONS,
    BASES,
    EXPLANATIONS,
)
# The ten-measure sheets: plain per-school rows, imported and merged the same way.
SIMPLE_SHEETS: tuple[SheetSpec, ...] = (MAJORS, ENTERPRISES, PILOTS, DESTINATIONS, BASES)
ALL_SHEETS: dict[str, SheetSpec] = {s.key: s for s in EXPORT_SHEETS}


def sheet_by_title(title: str, candidates: Sequence[SheetSpec] = EXPORT_SHEETS) -> SheetSpec | None:
    """The sheet spec whose (Chinese or translated) title matches a worksheet name."""
    cleaned = title.strip()
    for spec in candidates:
        # A workbook made in either language imports in both.
        names = (
            spec.title,
            spec.key,
            *spec.aliases,
            *(translate_to(lang, spec.title) for lang in SUPPORTED_LANGUAGES),
        )
        if cleaned in names:
            return spec
    return None
