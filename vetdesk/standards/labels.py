"""Units of measure of the standards' data files, in the current language.

Names carry their English form beside them in the data files (``name_en``,
``indicator_en``: see :func:`vetdesk.i18n.localized`); units are few and shared, so
they are translated by the message catalogue, listed here for the catalogue check.
"""

from __future__ import annotations

from vetdesk.i18n import N_, _

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
    N_("所"),
    N_("名"),
)


def unit_label(unit: str) -> str:
    """A unit of measure in the current language."""
    return _(unit) if unit else ""
