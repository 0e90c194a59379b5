"""Files signed by an earlier VetDesk still verify: canonical JSON must never change its bytes.

``data/signed/`` holds a county package, a task package and a receipt written by
``data/make_signed_fixtures.py`` with the hand-written RFC 8785 serialiser (before VetDesk used
the ``rfc8785`` library), signed with the RFC 8032 test keys. They must verify with today's code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vetdesk.packages.envelope import open_envelope
from vetdesk.packages.task import TASK_SHEETS, TaskVerdict, verify_content, verify_task
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.signing.canonical import canonical_json, parse_strict_json
from vetdesk.signing.keys import (
    NAMESPACE_PACKAGE,
    NAMESPACE_RECEIPT,
    NAMESPACE_TASK,
    public_key_from_text,
)
from vetdesk.signing.trust import add_trusted_key, read_key_file
from vetdesk.standards.installed import create_database
from vetdesk.workbook.reader import read_workbook

SIGNED = Path(__file__).parent / "data" / "signed"
COUNTY_PUB = SIGNED / "county-630223.pub"
CITY_PUB = SIGNED / "city-630200.pub"

CASES = [
    ("package.xlsx", COUNTY_PUB, NAMESPACE_PACKAGE),
    ("task.xlsx", CITY_PUB, NAMESPACE_TASK),
    ("receipt.xlsx", CITY_PUB, NAMESPACE_RECEIPT),
]


def _stored(name: str) -> tuple[str, str]:
    meta = read_workbook(SIGNED / name, sheets=()).meta
    assert meta is not None
    return meta.get("manifest"), meta.get("signature")


@pytest.mark.parametrize(("name", "public", "namespace"), CASES)
def test_old_manifest_bytes_are_reproduced_and_signature_verifies(
    name: str, public: Path, namespace: bytes
) -> None:
    manifest_text, signature_text = _stored(name)
    # Byte for byte: what was signed is what today's canonical JSON writes.
    assert canonical_json(parse_strict_json(manifest_text)) == manifest_text.encode("utf-8")
    envelope = open_envelope(manifest_text, signature_text)
    key = public_key_from_text(public.read_text("utf-8"))
    assert envelope.verifies_with(key, namespace)
    # And the check is not vacuous: the other namespaces do not verify.
    others = {NAMESPACE_PACKAGE, NAMESPACE_TASK, NAMESPACE_RECEIPT} - {namespace}
    assert not any(envelope.verifies_with(key, other) for other in others)


def test_old_package_verifies_at_a_city(tmp_path: Path) -> None:
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="测试员")
    try:
        add_trusted_key(city, "630223", read_key_file(COUNTY_PUB.read_text("utf-8")))
        result = verify_package(city, SIGNED / "package.xlsx")
        assert result.verdict is Verdict.VALID, result.message
        assert (result.unit_code, result.period) == ("630223", 2025)
    finally:
        city.close()


def test_old_task_package_verifies_at_a_county(tmp_path: Path) -> None:
    county = create_database(
        tmp_path / "county.db", role="county", unit_code="630223", operator="测试员"
    )
    try:
        add_trusted_key(county, "630200", read_key_file(CITY_PUB.read_text("utf-8")))
        content = read_workbook(SIGNED / "task.xlsx", sheets=TASK_SHEETS.values())
        result = verify_content(county, content, check_ledger=False)
        assert result.verdict is TaskVerdict.VALID, result.message
        # Every check but the county's ledger passes; the ledger refuses it because it carries
        # rule set 2022.1 and a new county has the shipped 2022.2 (no downgrade by a task).
        assert verify_task(county, SIGNED / "task.xlsx").verdict is TaskVerdict.DOWNGRADE
    finally:
        county.close()
