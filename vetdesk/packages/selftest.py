"""Self-test step of signed packages: create a key, sign a package, verify it at a city."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _step_sign_and_verify(tmp: Path) -> str:
    # Imported inside the step: a missing or broken module fails this step, not the self-test.
    from vetdesk.db.database import open_database
    from vetdesk.packages.county import export_package
    from vetdesk.packages.verify import verify_package
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file
    from vetdesk.standards.installed import create_database

    passphrase = "self-test passphrase"
    county = open_database(tmp / "selftest.db")
    city = create_database(
        tmp / "selftest-city.db", role="city", unit_code="630200", operator="自检"
    )
    try:
        own = create_key(county, passphrase)
        add_trusted_key(city, "630223", read_key_file(active_key(county).public_key))
        package = tmp / "selftest-package.xlsx"
        export_package(county, 2025, package, passphrase)
        result = verify_package(city, package)
        assert result.ok, result.message
        return f"package {result.seq} verified, fingerprint {own.fingerprint[:11]}…"
    finally:
        county.close()
        city.close()


STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("sign and verify a package", _step_sign_and_verify)
]
