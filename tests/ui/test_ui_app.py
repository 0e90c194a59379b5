"""Start-up: one instance per database, screenshots, translations, font, logging."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from vetdesk.i18n import _, pgettext
from vetdesk.ui.app import AppController, install_font, lock_database, run_app, setup_logging
from vetdesk.ui.background import wait_for_all
from vetdesk.ui.i18n import install_translators
from vetdesk.ui.settings import Settings


def _hold_lock_in_another_process(db_path):  # type: ignore[no-untyped-def]
    script = (
        "import sys\n"
        "from vetdesk.db.lock import DatabaseLock\n"
        f"lock = DatabaseLock({str(db_path)!r}).acquire('test')\n"
        "print('locked', flush=True); sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_second_instance_on_the_same_database_gets_a_clear_message(
    qtbot, county_db, tmp_path, recorder
):
    """While another VetDesk process holds the database, opening it shows who holds it."""
    child = _hold_lock_in_another_process(county_db)
    controller = AppController(QApplication.instance(), Settings(tmp_path / "a.ini"))
    try:
        assert not controller.open(county_db)
        kind, _title, text = recorder.messages[-1]
        assert kind == "warning"
        assert county_db.name in text and "另一个 VetDesk 窗口" in text
        assert str(child.pid) in text
        assert controller.window is None
    finally:
        child.communicate("\n", timeout=10)
    assert controller.open(county_db)  # free again once the other process has gone
    qtbot.waitUntil(lambda: controller.db is not None, timeout=30_000)
    assert controller.open(county_db)  # the same database again: the window is raised
    wait_for_all()
    assert controller.window is not None
    controller.window.close()
    controller.close_database()


def test_lock_is_released_on_close(qtbot, county_db, tmp_path, recorder):
    """After the window closes, the lock is free for the next VetDesk."""
    controller = AppController(QApplication.instance(), Settings(tmp_path / "b.ini"))
    assert controller.open(county_db)
    qtbot.waitUntil(lambda: controller.db is not None, timeout=30_000)
    assert controller.window is not None
    controller.window.close()
    controller.close_database()
    lock_database(county_db).release()


def test_screenshots_of_every_main_screen(qtbot, county_db, tmp_path, recorder):
    """--screenshot writes one PNG per page and per main dialog, then returns 0."""
    out = tmp_path / "shots"
    assert run_app(db=str(county_db), screenshot_dir=str(out)) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    for expected in (
        "01-school.png",
        "02-condition.png",
        "03-teacher.png",
        "04-training.png",
        "05-checks.png",
        "06-compliance.png",
        "07-keys.png",
        "08-backups.png",
        "09-audit.png",
        "20-teacher-form.png",
        "21-wizard.png",
        "22-settings.png",
        "23-about.png",
        "24-wizard-signing-key.png",
        "25-wizard-enrolment.png",
        "26-enrolment-form.png",
        "27-register-key.png",
        "28-template-export.png",
        "29-import-refused.png",
        "30-import-preview.png",
        "31-package-export.png",
        "32-damaged-database.png",
    ):
        assert expected in names
    assert all((out / n).stat().st_size > 5000 for n in names)
    # Screenshots never write keys: the key shown is made in memory only.
    from vetdesk.paths import data_dir

    assert not (data_dir() / "keys").exists()


def test_standard_buttons_are_chinese_and_english_is_available(qtbot):
    """qtbase_zh_CN makes 确定/取消; the English catalogue translates VetDesk's own strings."""
    try:
        assert "qtbase_zh_CN" in install_translators("zh")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
        assert "vetdesk_en" in install_translators("en")
        # VetDesk's own messages follow the language installed (gettext, as the core's).
        assert _("学校") == "Schools"
        assert pgettext("ChecksPanel", "学校") == "School"
    finally:
        install_translators("zh")


def test_shipped_font_is_registered(qtbot):
    """The Chinese font loads and becomes a fallback family of the application font."""
    family = install_font(QApplication.instance())
    assert family == "Noto Sans SC VetDesk"
    assert family in QApplication.font().families()


def test_log_file_in_the_data_dir():
    """Logging goes to vetdesk.log in the data directory."""
    path = setup_logging()
    assert path.name == "vetdesk.log" and path.parent.exists()


def test_gui_start_does_not_import_heavy_modules(tmp_path):
    """Opening the GUI modules loads neither matplotlib nor openpyxl, nor the dialogs."""
    heavy = ("matplotlib", "openpyxl", "sqlalchemy", "vetdesk.ui.exchange", "vetdesk.ui.wizard")
    script = (
        "import sys\n"
        "import vetdesk.ui.app, vetdesk.ui.mainwindow\n"
        f"print([m for m in {heavy!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd: Linux only")
def test_the_x11_platform_plugin_finds_its_libraries():
    """scripts/dev.py installs what Qt needs to open a window on an X11 desktop.

    Tests run offscreen, so without this a missing xcb library is only found by the
    first person who starts the demo on a real display (as happened once).
    """
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugins = [qt / "plugins" / "platforms" / "libqxcb.so", *qt.glob("lib/libQt6XcbQpa.so*")]
    assert plugins[0].exists()
    missing = set()
    for plugin in plugins:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
        missing |= {line.split()[0] for line in out.splitlines() if "not found" in line}
    assert not missing, f"install the Debian packages providing {sorted(missing)} (scripts/dev.py)"


def test_the_guide_opens_from_the_help_menu_in_the_interface_language(county_window):
    from vetdesk import i18n
    from vetdesk.ui.guide import guide_html

    window = county_window
    assert window.act_guide in window.menus["help"].actions()
    dialog = window.dialogs.show_guide()
    text = dialog.browser.toPlainText()
    assert "导出正式上报包" in text and "粘贴行" in text
    dialog.close()
    i18n.set_language("en")
    try:
        assert "Export official package" in guide_html()
    finally:
        i18n.set_language("zh")
    # Every menu path the guide names exists in the window.
    menu_texts = " ".join(
        action.text().replace("&", "")
        for menu in window.menus.values()
        for action in menu.actions()
    )
    for name in ("导出学校填报模板", "导入学校填报表", "导出正式上报包（签名）", "导入市局回执"):
        assert name in menu_texts and name in guide_html("zh")
