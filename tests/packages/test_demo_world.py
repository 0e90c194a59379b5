"""The city demo: a city, five counties' signed packages on a "USB stick", keys kept apart."""

from __future__ import annotations

import os

import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.errors import UsageError
from vetdesk.packages.merge import preview_merge
from vetdesk.packages.verify import verify_package
from vetdesk.paths import data_dir
from vetdesk.services.demo_world import (
    CHANGED_COUNTIES,
    SENDING_COUNTIES,
    build_demo_world,
)


def test_the_demo_city_verifies_and_previews_every_package(tmp_path, monkeypatch):
    own_data = tmp_path / "user-data"
    monkeypatch.setenv("VETDESK_DATA_DIR", str(own_data))
    world = build_demo_world(tmp_path / "world", year=2025)
    # The user's data directory got no demo key; the environment is as before.
    assert os.environ["VETDESK_DATA_DIR"] == str(own_data)
    assert not (data_dir() / "keys").exists()
    assert sorted(p.name for p in world.packages.iterdir()) == [
        f"{unit}-2025.xlsx" for unit in SENDING_COUNTIES
    ]
    monkeypatch.setenv("VETDESK_DATA_DIR", str(world.data_dir))
    city = open_database(world.city_db)
    try:
        changed = {}
        for unit in SENDING_COUNTIES:
            result = verify_package(city, world.packages / f"{unit}-2025.xlsx")
            assert result.ok, (unit, result.message)
            preview = preview_merge(city, result)
            changed[unit] = bool(preview.changes)
    finally:
        city.close()
    assert {unit for unit, has in changed.items() if has} == set(CHANGED_COUNTIES)


def test_the_command_refuses_a_folder_in_use(tmp_path, capsys):
    used = tmp_path / "used"
    used.mkdir()
    (used / "note.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="不是空的"):
        build_demo_world(used)
    assert main(["demo-city", "--out", str(used), "--period", "2025"]) == 2
    assert "不是空的" in capsys.readouterr().err
