"""Shared test set-up: offscreen Qt, an isolated data dir, demo databases, the slow marker."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pg_server import ThrowawayServer

# Before any Qt import: widgets never need a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VETDESK_LANG", "zh")

FULL_RUN = os.environ.get("VETDESK_FULL") == "1"
I18N = Path(__file__).resolve().parent.parent / "resources" / "i18n"


def pytest_sessionstart(session: pytest.Session) -> None:
    # The compiled catalogues are build outputs (scripts/dev.py makes them too): compile a
    # .po newer than its .mo before anything reads it, as the builds do.
    for po in I18N.glob("*/LC_MESSAGES/vetdesk.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            from babel.messages.frontend import CommandLineInterface

            CommandLineInterface().run(
                ["pybabel", "-q", "compile", "-d", str(I18N), "-D", "vetdesk"]
            )
            break


def english_catalogue() -> dict[str, str]:
    """The English catalogue's messages without a context: Chinese source → English."""
    from babel.messages.pofile import read_po

    with (I18N / "en" / "LC_MESSAGES" / "vetdesk.po").open("rb") as fh:
        catalogue = read_po(fh, locale="en", domain="vetdesk")
    return {
        message.id: message.string
        for message in catalogue
        if message.id and isinstance(message.id, str) and not message.context
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL_RUN:
        return
    skip = pytest.mark.skip(reason="slow test: part of the full run (VETDESK_FULL=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VETDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(autouse=True)
def _chinese_messages() -> Iterator[None]:
    from vetdesk import i18n

    i18n.set_language("zh")
    yield
    i18n.set_language("zh")


@pytest.fixture(scope="session")
def demo_county_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo county database built once per session (copy it before changing it)."""
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database

    path = tmp_path_factory.mktemp("demo") / "county.db"
    db = create_database(path, role="county", unit_code="630223", operator="测试员")
    generate_demo(db, year=2025)
    db.close()
    return path


@pytest.fixture(scope="session")
def demo_city_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo city database built once per session (copy it before changing it)."""
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database

    path = tmp_path_factory.mktemp("demo") / "city.db"
    db = create_database(path, role="city", unit_code="630200", operator="市局测试员")
    generate_demo(db, year=2025)
    db.close()
    return path


def copy_db(source: Path, target_dir: Path, name: str = "copy.db") -> Path:
    """Copy a database file with its WAL side files."""
    target = target_dir / name
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(source) + suffix)
        if src.exists():
            shutil.copy(src, Path(str(target) + suffix))
    return target


@pytest.fixture
def county_db(demo_county_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo county database."""
    return copy_db(demo_county_template, tmp_path, "county.db")


@pytest.fixture
def city_db(demo_city_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo city database."""
    return copy_db(demo_city_template, tmp_path, "city.db")


def pytest_configure(config: pytest.Config) -> None:
    """New key files in tests use a small scrypt cost, session fixtures' keys included
    (tests/signing/test_key_kdf.py checks the real one)."""
    from vetdesk.signing import keys

    keys.SCRYPT_COST = keys.ScryptCost(n=2**12, r=8, p=1)


# --- PostgreSQL: one throwaway server per test session (tests/pg_server.py) ---------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayServer]:
    """A throwaway PostgreSQL server for the session; skips, saying why, without binaries."""
    import pg_server as server_module

    reason = server_module.why_unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    server = server_module.start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: ThrowawayServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (dropped after the test)."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def city_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new city database goes, once per engine: a file path, or an empty database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "city.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def demo_city_pg_template(pg_server: ThrowawayServer) -> str:
    """The demo city built once on PostgreSQL; tests get copies (CREATE DATABASE … TEMPLATE)."""
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database

    name = pg_server.create_database("demo_city")
    db = create_database(
        pg_server.url(name), role="city", unit_code="630200", operator="市局测试员"
    )
    generate_demo(db, year=2025)
    db.close()
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_city_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A private copy of the demo city database, once per engine (a path, or a URL)."""
    if request.param == "sqlite":
        yield str(copy_db(request.getfixturevalue("demo_city_template"), tmp_path, "city.db"))
        return
    server: ThrowawayServer = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("demo_city_pg_template")
    name = server.create_database("city", template=template)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)
