"""Fixtures of the reliability tests: the shared world, the crash-test child, the city stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_engines import ServerStore, SqliteStore, Store, server_city_template
from rel_helpers import FULL_RUN, Zygote
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


@pytest.fixture(scope="session")
def _server_templates() -> dict[Path, str]:
    """The template database made on the server for each city file (made once, on first use)."""
    return {}


def _store(request: pytest.FixtureRequest, base: Path) -> Store:
    if request.param == "sqlite":
        return SqliteStore(base)
    server = request.getfixturevalue("pg_server")  # skips, saying why, without the binaries
    templates: dict[Path, str] = request.getfixturevalue("_server_templates")
    if base not in templates:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("pg-template")
        templates[base] = server_city_template(server, base, folder)
    return ServerStore(server, templates[base])


@pytest.fixture(params=["sqlite", "postgresql"])
def merge_city(
    request: pytest.FixtureRequest, world: World, small_merge: tuple[Path, Path]
) -> tuple[Store, Path]:
    """A city to merge into, once per engine, and the package (the full run: the demo pair)."""
    base, package = (world.city, world.package) if FULL_RUN else small_merge
    return _store(request, base), package


@pytest.fixture(params=["sqlite", "postgresql"])
def small_merge_city(
    request: pytest.FixtureRequest, small_merge: tuple[Path, Path]
) -> tuple[Store, Path]:
    """The small city and package (about a hundred statements per merge), once per engine."""
    base, package = small_merge
    return _store(request, base), package


@pytest.fixture(params=["sqlite", "postgresql"])
def issuing_city(request: pytest.FixtureRequest, world: World) -> Store:
    """The demo city with its signing key (it has issued the world's tasks), once per engine."""
    return _store(request, world.city)
