"""Names and units of the standards' data files in the current language.

The data files are written in Chinese and carry English names beside them
(``name_en``, ``indicator_en``); units are few and shared, so they are translated by
the message catalogue, listed here for the catalogue check to see.
"""

from __future__ import annotations

from vetdesk.i18n import N_, _, language

# Every unit the rule set and the target set use (an empty unit stays empty).
UNITS = (
    N_("%"),
    N_(":1"),
    N_("万元"),
    N_("个"),
    N_("个/生"),
    N_("人"),
    N_("元/生"),
    N_("册/生"),
    N_("台"),
    N_("平方米"),
    N_("平方米/生"),
    N_("家"),
)


def localized(chinese: str, english: str) -> str:
    """The Chinese name, or its English one when English is chosen and there is one."""
    return english if language() == "en" and english else chinese


def unit_label(unit: str) -> str:
    """A unit of measure in the current language."""
    return _(unit) if unit else ""
