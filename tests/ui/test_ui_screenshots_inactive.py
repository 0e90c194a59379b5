"""--screenshot on a database whose first school is inactive, and on a city database."""

from __future__ import annotations

from vetdesk.cli import main
from vetdesk.ui.screenshots import _import_screens


def test_import_screens_use_an_active_school(window_factory, county_db, tmp_path, recorder):
    # A school registered then marked inactive, with a code before every demo school's:
    # the screenshots took it, its template was refused and --screenshot ended in a traceback.
    for args in (
        ["school", "add", "--db", str(county_db), "--code", "3663000000",
         "--name", "已撤并的学校", "--level", "中职"],
        ["school", "edit", "--db", str(county_db), "--code", "3663000000", "--inactive"],
    ):  # fmt: skip
        assert main(args) == 0
    window = window_factory(county_db)
    shots = tmp_path / "shots"
    shots.mkdir()
    written = _import_screens(window, shots)
    assert written and all(path.exists() for path in written)


def test_a_city_makes_no_import_screens(window_factory, city_db, tmp_path, recorder):
    # The city imports no templates: after the journey2 merge the screenshots wrote one
    # for the city's first school anyway, and --screenshot ended in WriteRefused.
    window = window_factory(city_db)
    shots = tmp_path / "shots"
    shots.mkdir()
    assert _import_screens(window, shots) == []
