"""The window paints as a shell first: no page is built, no page module imported, before it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import copy_db

# Each page's module (and the table models and core they pull in) loads after the paint.
PAGE_MODULES = (
    "vetdesk.ui.recordpage",
    "vetdesk.ui.tablemodels",
    "vetdesk.ui.checks",
    "vetdesk.ui.compliance",
    "vetdesk.ui.keys",
    "vetdesk.ui.backups",
    "vetdesk.ui.auditlog",
    "vetdesk.ui.targets",
    "vetdesk.ui.dashboard",
    "vetdesk.ui.city",
    "sqlalchemy",
    # Read only by the pages, edits and the opened database (loaded after the paint too).
    "vetdesk.ui.pagebase",
    "vetdesk.ui.entityregistry",
    "vetdesk.domain.enums",
    "vetdesk.domain.units",
    # Background work, the load, the dialogs and recovery: made when first used, after the paint.
    "vetdesk.ui.background",
    "vetdesk.ui.loading",
    "vetdesk.ui.window.dialogs",
    "vetdesk.ui.window.recovery",
    # Standard modules the shell does without: dataclasses (and copy) cost some 10 ms before
    # the paint, importlib.resources 3 (vetdesk.paths finds a plain folder without it).
    "dataclasses",
    "datetime",
    "importlib.resources",
)

# Qt enum classes that only dialogs and the style's metrics name: each is built (as a Python
# enum) on first use, so none of them may be reached before the first paint.
LATE_ENUMS = (
    "PixelMetric",
    "StandardButton",
    "FileMode",
    "AcceptMode",
    "DialogLabel",
    "InputMode",
    "DialogCode",  # any QDialog, QProgressDialog included
)

SCRIPT = """
import enum, json, sys
from pathlib import Path
made = []  # the enum classes built so far (PySide6 builds Qt's on first use)
create = enum.EnumType._create_
def _create_(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return create(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = _create_
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from vetdesk.ui.mainwindow import MainWindow
from vetdesk.ui.settings import Settings
window = MainWindow(Path(sys.argv[1]), Settings(Path(sys.argv[2])))
seen = {}
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = sorted(m for m in json.loads(sys.argv[3]) if m in sys.modules)
            seen["built"] = [p for p in window.page_ids() if window.pages.is_built(p)]
            seen["enums"] = sorted(set(made) & set(json.loads(sys.argv[4])))
            seen["made"] = len(made)
        return False
probe = Probe()
window.installEventFilter(probe)
def loaded():
    seen["after"] = sorted(m for m in json.loads(sys.argv[3]) if m in sys.modules)
    seen["rows"] = window.record_pages["teacher"].model.rowCount()
    QTimer.singleShot(0, app.quit)
window.loaded.connect(loaded)
QTimer.singleShot(60_000, app.quit)
window.show()
app.exec()
from vetdesk.ui.background import wait_for_all
wait_for_all()
print(json.dumps(seen))
"""


def test_the_window_paints_before_any_page_is_imported_or_built(demo_county_template, tmp_path):
    import json

    db = copy_db(demo_county_template, tmp_path, "county.db")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "VETDESK_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(db),
            str(tmp_path / "s.ini"),
            json.dumps(PAGE_MODULES),
            json.dumps(LATE_ENUMS),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["paint"] == []  # nothing of the pages before the first paint
    assert seen["built"] == []
    assert seen["made"] > 0  # the hook sees Qt's enum classes being built,
    assert seen["enums"] == []  # but no dialog's or QStyle's before the first paint
    assert {"vetdesk.ui.recordpage", "vetdesk.ui.checks", "sqlalchemy"} <= set(seen["after"])
    assert seen["rows"] > 100  # and the pages, built after it, show the data
