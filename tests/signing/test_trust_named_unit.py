"""Registering a public key for a unit: the unit named in the key file must be that unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vetdesk.errors import InputRejected
from vetdesk.signing.keys import public_key_to_text
from vetdesk.signing.trust import add_trusted_key, list_trusted_keys, read_key_file
from vetdesk.standards.installed import create_database


def _key_file(unit_code: str) -> str:
    return public_key_to_text(Ed25519PrivateKey.generate().public_key(), unit_code)


def test_key_file_of_another_county_is_refused_naming_both(tmp_path: Path) -> None:
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="测试员")
    try:
        # 互助县's key file (630223) offered as 民和县's key (630222).
        with pytest.raises(InputRejected) as caught:
            add_trusted_key(city, "630222", read_key_file(_key_file("630223")))
        assert caught.value.code == "key_unit_mismatch"
        message = str(caught.value)
        assert "互助土族自治县" in message and "630223" in message
        assert "民和回族土族自治县" in message and "630222" in message
        assert list_trusted_keys(city) == []
    finally:
        city.close()


@pytest.mark.parametrize("comment", ["630223", ""])
def test_key_file_naming_the_unit_or_nothing_is_registered(tmp_path: Path, comment: str) -> None:
    city = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="测试员")
    try:
        info = add_trusted_key(city, "630223", read_key_file(_key_file(comment)))
        assert info.unit_code == "630223"
        assert [k.key_id for k in list_trusted_keys(city)] == [info.key_id]
    finally:
        city.close()
