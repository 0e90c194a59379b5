"""Write the signed fixtures of tests/signing/test_signed_fixtures.py (run once, then commit).

The files were written with the hand-written RFC 8785 serialiser, before VetDesk used the
``rfc8785`` library; the test proves that what was signed then still verifies now. Do not
regenerate them with today's code unless the signed format itself changes on purpose.

The keys are throw-away test keys published in RFC 8032 §7.1 (tests 2 and 3), so anyone can
check or re-sign the fixtures; they protect nothing.

    .venv/bin/python tests/signing/data/make_signed_fixtures.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "signed"
PASSPHRASE = "fixture-passphrase"
# RFC 8032 §7.1, TEST 2 (the county) and TEST 3 (the city): published secret keys.
COUNTY_SEED = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
CITY_SEED = bytes.fromhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")


def main() -> int:
    """Build a county and a city, exchange keys, and write a package, task package and receipt."""
    work = Path(tempfile.mkdtemp(prefix="vetdesk-fixtures-"))
    os.environ["VETDESK_DATA_DIR"] = str(work / "data")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vetdesk.packages.county import export_package
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.receipt import issue_receipt
    from vetdesk.packages.task import export_task
    from vetdesk.packages.verify import verify_package
    from vetdesk.services.demo import generate_demo
    from vetdesk.signing import keystore
    from vetdesk.signing.trust import add_trusted_key, read_key_file
    from vetdesk.standards.installed import create_database

    county = create_database(
        work / "county.db", role="county", unit_code="630223", operator="测试员"
    )
    generate_demo(county, year=2025)
    city = create_database(work / "city.db", role="city", unit_code="630200", operator="市局测试员")
    generate_demo(city, year=2025)
    for db, seed in ((county, COUNTY_SEED), (city, CITY_SEED)):
        key = Ed25519PrivateKey.from_private_bytes(seed)
        keystore.generate_signing_key = lambda key=key: key  # type: ignore[assignment]
        keystore.create_key(db, PASSPHRASE)
    add_trusted_key(city, "630223", read_key_file(keystore.public_key_file_text(county)))
    add_trusted_key(county, "630200", read_key_file(keystore.public_key_file_text(city)))

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    (OUT / "county-630223.pub").write_text(keystore.public_key_file_text(county), "utf-8")
    (OUT / "city-630200.pub").write_text(keystore.public_key_file_text(city), "utf-8")
    export_package(county, 2025, OUT / "package.xlsx", PASSPHRASE)
    export_task(
        city,
        2025,
        OUT / "task.xlsx",
        PASSPHRASE,
        unit_code="630223",
        deadline=dt.date(2027, 3, 31),
    )
    preview = apply_merge(city, verify_package(city, OUT / "package.xlsx"))
    receipt = issue_receipt(city, preview, work, PASSPHRASE)
    shutil.move(receipt, OUT / "receipt.xlsx")
    county.close()
    city.close()
    shutil.rmtree(work)
    print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
