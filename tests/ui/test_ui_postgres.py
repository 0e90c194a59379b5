"""The window on the city's database on PostgreSQL, and following another officer's change.

The PostgreSQL tests use the session's throwaway server (``pg_server``) and skip only
where its binaries are missing, as the core's do; the refresh tests run on both engines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from vetdesk.db.data_version import data_version
from vetdesk.db.database import Database, open_database
from vetdesk.db.location import ServerUrl
from vetdesk.services.entities import SCHOOL
from vetdesk.standards.installed import create_database
from vetdesk.ui.app import AppController
from vetdesk.ui.background import running_count, wait_for_all
from vetdesk.ui.settings import Settings

PASSPHRASE = "correct horse battery"


@pytest.fixture
def demo_city_url(pg_server, demo_city_pg_template) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A private copy of the demo city on the throwaway server."""
    name = pg_server.create_database("city", template=demo_city_pg_template)
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def _open(controller: AppController, qtbot, target) -> None:  # type: ignore[no-untyped-def]
    assert controller.open(target)
    window = controller.window
    assert window is not None
    qtbot.waitUntil(
        lambda: window.failed is not None or (window.snapshot is not None and not window.loading),
        timeout=60_000,
    )
    assert window.failed is None, window.failed


def test_window_opens_on_a_postgresql_city_without_a_lock_file(
    qtbot, demo_city_url, tmp_path, recorder, monkeypatch
):
    """`vetdesk --db postgresql://…`: the data shows, no lock file, the URL remembered."""
    monkeypatch.chdir(tmp_path)  # a lock "file" named after the URL would land here
    data_dir = Path(os.environ["VETDESK_DATA_DIR"])
    before = _files_under(tmp_path) | _files_under(data_dir)
    settings = Settings(tmp_path / "a.ini")
    first = AppController(QApplication.instance(), settings)
    second = AppController(QApplication.instance(), Settings(tmp_path / "b.ini"))
    try:
        _open(first, qtbot, demo_city_url)
        window = first.window
        assert window is not None and first.db is not None
        assert first.lock is None and first.db.on_server
        assert window.on_server and window.is_city_database()
        assert "PostgreSQL" in window.windowTitle() and "@" in window.windowTitle()
        assert window.record_pages[SCHOOL].model.rowCount() > 0  # the demo city's schools
        assert window.snapshot is not None and window.snapshot.tables is not None
        # Several windows (officers) on one server database at once.
        _open(second, qtbot, demo_city_url)
        assert second.lock is None
        assert settings.last_db == ServerUrl(demo_city_url)
        assert Settings(tmp_path / "a.ini").last_db == ServerUrl(demo_city_url)
        made = (_files_under(tmp_path) | _files_under(data_dir)) - before
        assert not [p for p in made if "lock" in p.name], made
        assert not [p for p in made if "backups" in p.parts], made  # no daily file backup
    finally:
        for controller in (first, second):
            if controller.window is not None:
                controller.window.close()
            controller.close_database()


def test_a_url_with_a_password_is_refused_and_nothing_opens(qtbot, tmp_path, recorder):
    controller = AppController(QApplication.instance(), Settings(tmp_path / "a.ini"))
    assert not controller.open("postgresql://city:secret@localhost/vetdesk")
    kind, _title, text = recorder.messages[-1]
    assert kind == "warning" and "pgpass" in text and "secret" not in text
    assert controller.window is None


def test_backups_on_postgresql_are_the_administrators_and_none_is_written(
    qtbot, demo_city_url, tmp_path, recorder
):
    """The page says pg_dump applies; a backup asked for is refused; no file appears."""
    from vetdesk.ui.mainwindow import PAGE_BACKUPS

    data_dir = Path(os.environ["VETDESK_DATA_DIR"])
    before = _files_under(data_dir)
    controller = AppController(QApplication.instance(), Settings(tmp_path / "a.ini"))
    try:
        _open(controller, qtbot, demo_city_url)
        window = controller.window
        assert window is not None
        page = window.show_page(PAGE_BACKUPS)
        assert page is window.backups_page
        qtbot.waitUntil(lambda: "pg_dump" in page.intro.text(), timeout=10_000)
        assert "PostgreSQL" in page.intro.text()
        assert page.model.rowCount() == 0
        assert not page.backup_button.isEnabled() and not page.restore_button.isEnabled()
        assert not page.folder_button.isEnabled()
        assert "管理员" in page.backup_button.toolTip()
        page.backup_now()  # asked for anyway (a shortcut, a script): refused, said plainly
        window.recovery.restore_backup(data_dir / "city.db")  # and a restore
        wait_for_all()
        errors = [text for kind, _t, text in recorder.messages if kind == "warning"]
        assert len(errors) == 2 and all("未做任何备份" in text for text in errors), errors
        assert window.is_open and not window.loading  # the window was not closed for a restore
        assert _files_under(data_dir) - before == set()
    finally:
        if controller.window is not None:
            controller.window.close()
        controller.close_database()


# --- the wizard's server choice ------------------------------------------------------------


def _wizard_to_operator_page(qtbot, *, city: bool):  # type: ignore[no-untyped-def]
    from vetdesk.ui.wizard import SetupWizard

    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.role_page.city.setChecked(city)
    wizard.role_page.county.setChecked(not city)
    wizard.next()
    operator = wizard.operator_page
    operator.operator.setText("李科长")
    operator.year.setValue(2025)
    return wizard, operator


def test_wizard_creates_the_city_database_on_a_postgresql_server(qtbot, pg_url, recorder):
    from vetdesk.services.records import list_periods

    wizard, operator = _wizard_to_operator_page(qtbot, city=True)
    assert not operator.where_box.isHidden() and operator.in_file.isChecked()  # file by default
    operator.on_server.setChecked(True)
    assert operator.path.isHidden() and not operator.url.isHidden()
    assert not operator.isComplete()  # no URL yet
    operator.url.setText(pg_url)
    assert operator.isComplete()
    wizard.next()
    assert wizard.currentPage().objectName() == "signing_key_page"
    wizard.currentPage().skip.setChecked(True)
    wizard.next()  # vetdesk init's service, in the background
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=60_000)
    wizard.next()
    wizard.accept()
    assert wizard.database is not None, recorder.messages
    assert wizard.database.location == ServerUrl(pg_url)
    wizard.database.close()
    db = open_database(pg_url)
    try:
        assert db.on_server and db.info().is_city and db.info().operator == "李科长"
        assert [p.year for p in list_periods(db)] == [2025]
    finally:
        db.close()
    # A second wizard on the same (now full) database is refused by the service, as init is.
    wizard, operator = _wizard_to_operator_page(qtbot, city=True)
    operator.on_server.setChecked(True)
    operator.url.setText(pg_url)
    wizard.next()
    key_page = wizard.currentPage()
    key_page.skip.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: "已有数据表" in key_page.message.text(), timeout=60_000)
    assert wizard.database is None


def test_wizard_refuses_a_county_on_a_url_and_a_password(qtbot, pg_url, recorder):
    from vetdesk.db import postgres

    wizard, operator = _wizard_to_operator_page(qtbot, city=False)
    assert operator.where_box.isHidden() and operator.in_file.isChecked()  # no server choice
    operator.path.setText(pg_url)  # a URL typed as the county's file
    assert operator.isComplete()
    wizard.next()
    assert wizard.currentPage() is operator
    assert "县区数据库只能是本机文件" in operator.message.text()

    wizard, operator = _wizard_to_operator_page(qtbot, city=True)
    operator.on_server.setChecked(True)
    operator.url.setText("postgresql://city:secret@localhost/vetdesk")
    wizard.next()
    assert wizard.currentPage() is operator
    assert "pgpass" in operator.message.text() and "secret" not in operator.message.text()
    operator.url.setText("/tmp/not-a-url.db")  # the server chosen, a file typed
    wizard.next()
    assert wizard.currentPage() is operator and "postgresql://" in operator.message.text()
    engine = postgres.make_server_engine(ServerUrl(pg_url))
    try:
        assert postgres.is_empty(engine)  # nothing was created anywhere
    finally:
        engine.dispose()


# --- following another officer's change ----------------------------------------------------


@pytest.fixture
def city_and_package(
    city_target: str, county_db: Path, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """A new city database (file or server) trusting the demo county, and its signed package."""
    from vetdesk.packages.county import export_package
    from vetdesk.signing.keystore import active_key, create_key
    from vetdesk.signing.trust import add_trusted_key, read_key_file

    city = create_database(city_target, role="city", unit_code="630200", operator="李科长")
    county = open_database(county_db)
    try:
        create_key(county, PASSPHRASE)
        add_trusted_key(city, "630223", read_key_file(active_key(county).public_key))
        package = tmp_path / "pkg.xlsx"
        export_package(county, 2025, package, PASSPHRASE)
    finally:
        county.close()
        city.close()
    yield city_target, package


def _window(qtbot, target: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from vetdesk.ui.mainwindow import MainWindow

    window = MainWindow(open_database(target), Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None and not window.loading, timeout=60_000)
    return window


def _idle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Until the window's page loads are done: the refresher never polls under them."""
    wait_for_all()
    qtbot.waitUntil(lambda: running_count() == 0, timeout=30_000)


def _merge_elsewhere(target: str, package: Path) -> None:
    """Another officer's merge: another connection, committed."""
    from vetdesk.packages.merge import apply_merge
    from vetdesk.packages.verify import verify_package

    other: Database = open_database(target)
    try:
        assert apply_merge(other, verify_package(other, package)).applied
    finally:
        other.close()


def test_window_reloads_after_another_officers_merge(qtbot, city_and_package, tmp_path, recorder):
    target, package = city_and_package
    window = _window(qtbot, target, tmp_path)
    try:
        schools = window.record_pages[SCHOOL]
        assert schools.model.rowCount() == 0 and window.snapshot.tables is None  # nothing yet
        known = window.refresher.known
        assert known == data_version(window.db)
        _idle(qtbot)
        assert window.refresher.poll() is not None  # nothing changed: no reload
        _idle(qtbot)
        assert window.refresher.reloads == 0 and window.refresher.known == known

        # An edit of this window's, undoable until the other officer's change arrives.
        window.undo_stack._done.append(object())  # stands for any command: only its presence counts
        assert window.undo_stack.can_undo()
        _merge_elsewhere(target, package)
        assert window.refresher.poll() is not None
        qtbot.waitUntil(lambda: window.refresher.reloads == 1, timeout=30_000)
        qtbot.waitUntil(lambda: not window.loading, timeout=60_000)
        assert window.year == 2025 and schools.model.rowCount() > 0  # the county's schools
        assert window.snapshot.submitted_counties == 1
        assert window.refresher.known == data_version(window.db) != known
        # Undoing would now write the values from before the merge over it: not offered.
        assert not window.undo_stack.can_undo()
        message = window.statusBar().currentMessage()
        assert "其他操作员" in message and "不能再撤销" in message
    finally:
        wait_for_all()
        window.db.close()


def test_own_writes_cause_no_reload_and_a_busy_window_waits(
    qtbot, city_and_package, tmp_path, recorder
):
    from PySide6.QtWidgets import QDialog

    from vetdesk.services import records

    target, package = city_and_package
    window = _window(qtbot, target, tmp_path)
    try:
        records.open_period(window.db, 2024)  # the window's own write (its database object)
        _idle(qtbot)
        assert window.refresher.poll() is not None
        _idle(qtbot)
        assert window.refresher.reloads == 0 and not window.refresher.pending
        assert window.refresher.known == data_version(window.db)

        # Another officer's change while a dialog is open: seen, but the reload waits.
        _merge_elsewhere(target, package)
        dialog = QDialog(window)
        dialog.open()  # window-modal, as the window's own dialogs
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=5_000)
        assert window.refresher.poll() is None  # busy: not even asked
        dialog.close()
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5_000)
        window.refresher.start(100)  # the timer, as in use (every 5 s there)
        qtbot.waitUntil(lambda: window.refresher.reloads == 1, timeout=30_000)
        qtbot.waitUntil(lambda: not window.loading, timeout=60_000)
        assert window.record_pages[SCHOOL].model.rowCount() > 0
        window.refresher.start(0)
    finally:
        wait_for_all()
        window.db.close()


def test_file_menu_asks_for_a_server_databases_url(qtbot, county_window, monkeypatch):
    """文件 → 打开服务器数据库…: the URL typed goes to the application to open."""
    from PySide6.QtWidgets import QInputDialog

    asked: list[str] = []

    def get_text(_parent, title, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        asked.append(title)
        return " postgresql://city@db.example/vetdesk ", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    with qtbot.waitSignal(county_window.open_database_requested, timeout=5_000) as blocker:
        county_window.act_open_server_db.trigger()
    assert asked == ["打开服务器数据库"]
    assert blocker.args == ["postgresql://city@db.example/vetdesk"]


def test_text_that_is_no_server_url_is_refused_not_opened_as_a_file(
    qtbot, county_window, monkeypatch, recorder
):
    """A libpq keyword string typed into the server dialog is refused, never echoed or opened."""
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(
        QInputDialog,
        "getText",
        staticmethod(lambda *_a, **_k: ("host=db dbname=vetdesk password=secret", True)),
    )
    requested: list[object] = []
    county_window.open_database_requested.connect(requested.append)
    county_window.act_open_server_db.trigger()
    kind, _title, text = recorder.messages[-1]
    assert kind == "warning" and "postgresql://" in text and "secret" not in text
    assert requested == []


def test_a_url_that_cannot_be_read_is_refused_without_its_password(qtbot, tmp_path, recorder):
    """A full-width slash in the password (easy with a Chinese input method) is not echoed."""
    controller = AppController(QApplication.instance(), Settings(tmp_path / "a.ini"))
    assert not controller.open("postgresql://city:pa／ss@db/vetdesk")
    kind, _title, text = recorder.messages[-1]
    assert kind == "warning" and "无法解析" in text
    assert "pa／ss" not in text and "ss@" not in text
    assert controller.window is None


def test_merging_in_the_inbox_claims_a_backup_only_where_one_is_taken(
    qtbot, city_and_package, tmp_path, recorder
):
    """On a server the confirmation promises no file backup, and none is taken."""
    from vetdesk.ui.mainwindow import PAGE_INBOX
    from vetdesk.ui.window.refresh import Refresher

    target, package = city_and_package
    server = target.startswith("postgresql")
    data_dir = Path(os.environ["VETDESK_DATA_DIR"])
    window = _window(qtbot, target, tmp_path)
    try:
        inbox = window.show_page(PAGE_INBOX)
        inbox.set_receipts(None)
        inbox.add_paths([package])
        _idle(qtbot)
        assert inbox.select(package)
        backups_before = {p for p in _files_under(data_dir) if "backups" in p.parts}
        asked = len(recorder.messages)
        inbox.accept_selected()
        kind, _title, question = recorder.messages[asked]
        assert kind == "confirm" and "第 1 号上报包" in question
        assert ("备份" in question) is not server, question
        _idle(qtbot)
        qtbot.waitUntil(lambda: not window.loading, timeout=60_000)
        assert window.record_pages[SCHOOL].model.rowCount() > 0
        backups = {p for p in _files_under(data_dir) if "backups" in p.parts} - backups_before
        assert bool(backups) is not server, backups  # the file's pre-merge backup; none on a server
        # The window's own merge is no other officer's change: no reload follows.
        assert isinstance(window.refresher, Refresher)
        assert window.refresher.poll() is not None
        _idle(qtbot)
        assert window.refresher.reloads == 0
    finally:
        wait_for_all()
        window.db.close()
