"""The administrative units VetDesk knows: Haidong City and its six county-level divisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from vetdesk.i18n import localized
from vetdesk.paths import resource


@dataclass(frozen=True)
class Unit:
    """A city or county-level division identified by its GB/T 2260 code."""

    code: str
    name: str
    name_en: str
    is_city: bool
    historical_codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The unit's name in the current language."""
        return localized(self.name, self.name_en)


@dataclass(frozen=True)
class UnitCatalogue:
    """All units of the city, loaded from ``resources/data/units.json``."""

    city: Unit
    counties: tuple[Unit, ...]
    school_code_patterns: dict[str, tuple[str, ...]]

    def get(self, code: str) -> Unit | None:
        """Return the unit with this code, or None."""
        if code == self.city.code:
            return self.city
        return next((c for c in self.counties if c.code == code), None)

    def all_units(self) -> tuple[Unit, ...]:
        """The city first, then the counties."""
        return (self.city, *self.counties)


@cache
def load_units() -> UnitCatalogue:
    """Load the unit catalogue shipped with the application."""
    with resource("data", "units.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    city = Unit(data["city"]["code"], data["city"]["name"], data["city"]["name_en"], True)
    counties = tuple(
        Unit(c["code"], c["name"], c["name_en"], False, tuple(c.get("historical_codes", ())))
        for c in data["counties"]
    )
    patterns = {
        level: tuple(values)
        for level, values in data["school_code_patterns"].items()
        if isinstance(values, list)
    }
    return UnitCatalogue(city, counties, patterns)
