"""A county whose period was reported through the real flow, and the city that holds it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.packages.pkg_helpers import PASSPHRASE, enrol, make_package
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import import_receipt, issue_receipt
from vetdesk.packages.verify import verify_package
from vetdesk.services.demo import generate_demo
from vetdesk.standards.installed import create_database


@contextmanager
def data_dir(path: Path) -> Iterator[None]:
    """Keys and sequence files in ``path`` for a while (the keystore follows the variable)."""
    previous = os.environ.get("VETDESK_DATA_DIR")
    os.environ["VETDESK_DATA_DIR"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("VETDESK_DATA_DIR", None)
        else:
            os.environ["VETDESK_DATA_DIR"] = previous


def build_reported(folder: Path) -> tuple[Path, Path]:
    """County 630223's 2025 package exported, merged, receipted and the receipt imported (已上报).

    Keys live in ``folder / "data"``; their paths are stored absolute, so copies of the two
    databases sign and verify from any data directory.
    """
    with data_dir(folder / "data"):
        county_path = folder / "county.db"
        county = create_database(county_path, role="county", unit_code="630223", operator="县")
        generate_demo(county, year=2025)
        city_path = folder / "city.db"
        city = create_database(city_path, role="city", unit_code="630200", operator="市")
        try:
            enrol(county, city)
            package = make_package(county, folder)
            preview = apply_merge(city, verify_package(city, package), file_name=package.name)
            assert preview.applied, preview.reasons
            receipt = issue_receipt(city, preview, folder / "receipts", PASSPHRASE)
            assert import_receipt(county, receipt).period_submitted
        finally:
            county.close()
            city.close()
    return county_path, city_path
