"""Fixtures of the reliability tests: the shared world and the crash-test child."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_helpers import Zygote
from rel_world import World, build_small_merge, build_world


@pytest.fixture(scope="session")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    demo_county_template: Path,
    demo_city_template: Path,
) -> World:
    """The shared databases and files, built once per session (copy before changing)."""
    return build_world(tmp_path_factory.mktemp("world"), demo_county_template, demo_city_template)


@pytest.fixture(scope="session")
def small_merge(world: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A new city database and a small signed package of 630223 it trusts (six teachers)."""
    return build_small_merge(world, tmp_path_factory.mktemp("small-merge"))


@pytest.fixture(scope="session")
def crash_child(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    """One pre-loaded VetDesk process per session that forks the crash-test children."""
    z = Zygote(tmp_path_factory.mktemp("zygote"))
    try:
        yield z
    finally:
        z.close()
