"""A demo city with county packages waiting on a "USB stick": the city workflow to try out.

Builds, in one folder: the demo city database, five of the six demo counties (one stays
missing, for the status board), their signing keys registered both ways, and each
county's signed package in ``U盘/``. Two counties changed a figure since the city's
copy, so the merge preview has differences to show.

Every key is made in the folder's own ``data`` directory (the keystore follows
``VETDESK_DATA_DIR``), never in the user's: demo keys of the real unit codes must not
replace a real city's key. Open the result with that data directory, as
:func:`vetdesk.services.demo_world.open_command` says.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from vetdesk.db.database import Database
from vetdesk.errors import UsageError
from vetdesk.i18n import _
from vetdesk.packages.county import export_package
from vetdesk.services.demo import generate_demo
from vetdesk.signing.keystore import active_key, create_key
from vetdesk.signing.trust import add_trusted_key, read_key_file
from vetdesk.standards.installed import create_database

# A published passphrase: it protects demo keys only.
DEMO_PASSPHRASE = "vetdesk-demo-2025"
PACKAGES_FOLDER = "U盘"
CITY_UNIT = "630200"
# Counties that send a package; 循化县 (630225) is left out, for the status board.
SENDING_COUNTIES = ("630202", "630203", "630222", "630223", "630224")
# Counties whose data changed after the city's copy, for the merge preview.
CHANGED_COUNTIES = ("630202", "630223")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoWorld:
    """Where the demo city, its data directory and the folder of packages are."""

    folder: Path
    city_db: Path
    data_dir: Path
    packages: Path
    county_dbs: dict[str, Path]
    passphrase: str


@contextmanager
def _data_dir(path: Path) -> Iterator[None]:
    previous = os.environ.get("VETDESK_DATA_DIR")
    os.environ["VETDESK_DATA_DIR"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("VETDESK_DATA_DIR", None)
        else:
            os.environ["VETDESK_DATA_DIR"] = previous


def build_demo_world(
    folder: Path, *, year: int = 2025, progress: Progress | None = None
) -> DemoWorld:
    """Create the demo city, five counties with keys, and their signed packages in ``folder``."""
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(_("文件夹 {folder} 不是空的，请换一个新文件夹。").format(folder=folder))
    say = progress or (lambda _message: None)
    data = folder / "data"
    packages = folder / PACKAGES_FOLDER
    counties_folder = folder / "counties"
    for path in (data, packages, counties_folder):
        path.mkdir(parents=True, exist_ok=True)
    city_path = folder / "city.db"
    county_paths: dict[str, Path] = {}
    with _data_dir(data):
        say(_("正在生成市级演示数据库…"))
        city = create_database(city_path, role="city", unit_code=CITY_UNIT, operator="市局演示员")
        try:
            generate_demo(city, year=year)
            create_key(city, DEMO_PASSPHRASE)
            city_key = read_key_file(active_key(city).public_key)
            for unit in SENDING_COUNTIES:
                say(_("正在生成县区 {unit} 的演示数据和上报包…").format(unit=unit))
                path = counties_folder / f"{unit}.db"
                county = create_database(path, role="county", unit_code=unit, operator="县填报员")
                try:
                    generate_demo(county, year=year)
                    if unit in CHANGED_COUNTIES:
                        _change_a_figure(county)
                    create_key(county, DEMO_PASSPHRASE)
                    add_trusted_key(county, CITY_UNIT, city_key, _("演示"))
                    add_trusted_key(
                        city, unit, read_key_file(active_key(county).public_key), _("演示")
                    )
                    export_package(county, year, packages / f"{unit}-{year}.xlsx", DEMO_PASSPHRASE)
                finally:
                    county.close()
                county_paths[unit] = path
        finally:
            city.close()
    return DemoWorld(folder, city_path, data, packages, county_paths, DEMO_PASSPHRASE)


def _change_a_figure(county: Database) -> None:
    """One training programme got eight more hours after the city's copy was made."""
    with county.transaction() as session:
        session.execute(
            text(
                "UPDATE training_programmes SET hours = hours + 8 "
                "WHERE id = (SELECT MIN(id) FROM training_programmes)"
            )
        )


def open_command(world: DemoWorld) -> str:
    """The shell command that opens the demo city in VetDesk with its own data directory."""
    if os.name == "nt":
        return f'set VETDESK_DATA_DIR={world.data_dir} && vetdesk --db "{world.city_db}"'
    return f"VETDESK_DATA_DIR='{world.data_dir}' vetdesk --db '{world.city_db}'"
