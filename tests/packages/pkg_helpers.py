"""Shared set-up for the signed-package tests: keys both ways, packages, a city database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from vetdesk.db.database import Database, open_database
from vetdesk.packages.county import export_package
from vetdesk.signing.keystore import active_key, create_key
from vetdesk.signing.trust import add_trusted_key, read_key_file
from vetdesk.standards.installed import create_database

PASSPHRASE = "correct horse battery"


def enrol(county: Database, city: Database) -> None:
    """Create both keys and register each with the other side."""
    for db in (county, city):
        try:
            active_key(db)
        except Exception:
            create_key(db, PASSPHRASE)
    add_trusted_key(city, county.info().unit_code, read_key_file(active_key(county).public_key))
    add_trusted_key(county, city.info().unit_code, read_key_file(active_key(city).public_key))


def make_package(county: Database, folder: Path, name: str = "pkg.xlsx", year: int = 2025) -> Path:
    """Export a signed package."""
    target = folder / name
    export_package(county, year, target, PASSPHRASE)
    return target


def open_pair(county_path: Path, city_path: Path) -> tuple[Database, Database]:
    """Open a county and a city database."""
    return open_database(county_path), open_database(city_path)


def enrolled_county_and_city(
    county_db: Path, folder: Path
) -> Iterator[tuple[Database, Database, Path]]:
    """The demo county and a new city (in ``folder``), keys exchanged; closed afterwards."""
    county = open_database(county_db)
    city = create_database(folder / "city.db", role="city", unit_code="630200", operator="市局")
    enrol(county, city)
    yield county, city, folder
    county.close()
    city.close()
