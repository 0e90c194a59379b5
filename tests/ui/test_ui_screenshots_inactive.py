"""--screenshot on a database whose first school is marked inactive (issue 19 run-through)."""

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
