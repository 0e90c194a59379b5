"""The log file holds no personal data: no 身份证号 after editing a teacher and failing a form."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import Qt

from vetdesk.services import records
from vetdesk.services.records import TEACHER
from vetdesk.ui.app import setup_logging


def _log_file() -> Path:
    # setup_logging installs its file handler once per process (in the data dir of the
    # test that first called it); read whichever file that handler writes.
    setup_logging()
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_vetdesk", False) and isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    raise AssertionError("no VetDesk log file handler")


def test_log_has_no_id_numbers_after_editing_teachers(county_window, qtbot):
    log_path = _log_file()
    window = county_window
    page = window.record_pages[TEACHER]
    record = page.model.item(0)
    numbers = {t.row.id_number for t in records.load_tables(window.db, 2025).teachers}
    form = window.editor.edit_record(TEACHER, record)
    assert form is not None
    form.editor("name").setText("日志测试")
    form.editor("id_number").setText(record.row.id_number[:-1] + "0")  # a wrong check digit
    assert not form.validate_now().ok
    form.editor("id_number").setText(record.row.id_number)
    assert form.validate_now().ok
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        qtbot.mouseClick(form.ok_button(), Qt.MouseButton.LeftButton)
    logging.getLogger("vetdesk.test").info("teacher edited")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "teacher edited" in text  # the log is really being written
    assert not [n for n in numbers if n in text]
    assert not re.search(r"\d{17}[\dXx]", text)
