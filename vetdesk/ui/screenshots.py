"""``vetdesk --db PATH --screenshot DIR``: a PNG of every main screen, then exit.

Used to review the screens (and their Chinese text) without a display: the offscreen
platform renders exactly what a desktop would, with the shipped font.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from vetdesk.domain.identifiers import generate_id_number
from vetdesk.i18n import _
from vetdesk.services.entities import TEACHER
from vetdesk.ui.about import AboutDialog
from vetdesk.ui.background import running_count
from vetdesk.ui.dashboard import CHART_GAPS, CHART_PROGRESS, CHART_TREND, DashboardPage
from vetdesk.ui.mainwindow import PAGE_DASHBOARD, PAGE_INBOX, MainWindow
from vetdesk.ui.pagebase import DataPage
from vetdesk.ui.preferences import PreferencesDialog
from vetdesk.ui.wizard import SetupWizard, SigningKeyPage

# A 身份证号 with a wrong check digit, for the refused-cell screenshot.
BAD_ID = "63212619850309124X"


def wait_until(condition: object, timeout_s: float = 60.0) -> bool:
    """Process events until ``condition()`` is true or the time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def _save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path), "PNG")
    return path


def take_screenshots(window: MainWindow, out_dir: Path) -> list[Path]:
    """Save every page of the main window and the main dialogs as PNG files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    window.resize(1360, 820)
    window.show()
    wait_until(
        lambda: window.failed is not None or (window.snapshot is not None and not window.loading)
    )
    written: list[Path] = []
    if window.failed is not None:
        return written
    for number, page_id in enumerate(window.page_ids(), start=1):
        if window.page_hidden(page_id):  # the city's pages at a county
            continue
        if page_id == PAGE_INBOX:
            written.extend(_inbox_screens(window, out_dir, number))
            continue
        page = window.show_page(page_id)
        if isinstance(page, DataPage):
            _wait_for_page(page)
        if page is window.checks and window.checks.model.rowCount():
            window.checks.view.selectRow(0)  # the detail pane shows the first problem
        written.append(_save(window, out_dir / f"{number:02d}-{page_id}.png"))
        if page_id == PAGE_DASHBOARD:
            written.extend(_dashboard_screens(window, out_dir, number))
    # The teacher form, filled with the first teacher, as people see it when editing.
    window.show_page(TEACHER)
    page = window.record_pages[TEACHER]
    if page.model.rowCount():
        form = window.editor.edit_record(TEACHER, page.model.item(0))
        if form is not None:
            form.resize(620, 700)
            written.append(_save(form, out_dir / "20-teacher-form.png"))
            form.reject()

    dialogs: list[tuple[str, QDialog]] = [
        ("21-wizard.png", SetupWizard(window)),
        ("22-settings.png", PreferencesDialog(window.settings, window)),
        ("23-about.png", AboutDialog(window.db, window)),
    ]
    for name, dialog in dialogs:
        dialog.show()
        QCoreApplication.processEvents()
        written.append(_save(dialog, out_dir / name))
        dialog.close()
        dialog.deleteLater()
    written.extend(exchange_screenshots(window, out_dir))
    return written


def _wait_for_page(page: DataPage) -> None:
    done: list[bool] = []
    page.refreshed.connect(lambda: done.append(True))
    page.ensure_fresh()
    wait_until(lambda: bool(done), 10.0)
    wait_until(lambda: running_count() == 0, 10.0)


def _shoot(dialog: QWidget, path: Path, size: tuple[int, int] | None = None) -> Path:
    if size is not None:
        dialog.resize(*size)
    dialog.show()
    QCoreApplication.processEvents()
    return _save(dialog, path)


def exchange_screenshots(window: MainWindow, out_dir: Path) -> list[Path]:
    """The exchange, key, backup and first-run screens, filled as people see them.

    Nothing is written to the database or the data directory: the key shown is made in
    memory only, and the workbooks read for the import preview live in a temporary folder.
    """
    # Local: loaded on first use, not at start-up.
    from vetdesk.signing.keys import fingerprint, generate_signing_key, key_id, public_key_to_text
    from vetdesk.signing.keystore import OwnKey
    from vetdesk.signing.trust import read_key_file
    from vetdesk.ui.backups import DamagedDialog
    from vetdesk.ui.keys import RegisterKeyDialog
    from vetdesk.ui.wizard import SetupWizard

    written: list[Path] = []
    db = window.db
    info = db.info()
    # A key made in memory, only to show what the screens look like with one.
    public = generate_signing_key().public_key()
    own = OwnKey(
        key_id(public),
        public_key_to_text(public, info.unit_code),
        fingerprint(public),
        Path("keys") / f"{key_id(public)}.key",
        dt.datetime.now().replace(microsecond=0),
    )

    wizard = SetupWizard(window)
    wizard.resize(760, 560)
    wizard.show()  # QWizard only navigates once shown
    wizard.role_page.unit.setCurrentIndex(max(0, wizard.role_page.unit.findData(info.unit_code)))
    wizard.next()
    wizard.operator_page.operator.setText(info.operator or "张老师")
    wizard.operator_page.path.setText(str(out_dir / "not-created" / "vetdesk.db"))
    wizard.next()
    key_page = wizard.currentPage()
    if isinstance(key_page, SigningKeyPage):
        key_page.fields.first.setText("示例口令 1234")
        key_page.fields.second.setText("示例口令 123")
        written.append(_shoot(wizard, out_dir / "24-wizard-signing-key.png"))
        # Move on as if the database and key had been created, without creating them.
        wizard.key = own
        key_page._done = True
        wizard.next()
        written.append(_shoot(wizard, out_dir / "25-wizard-enrolment.png"))
        wizard.key = None
    wizard.close()
    wizard.deleteLater()

    # Local: the core loads on first use, not at start-up.
    from vetdesk.reports.enrolment import EnrolmentForm, enrolment_png

    form = EnrolmentForm(
        info.unit_code,
        info.unit_name,
        info.role,
        own.public_key,
        own.fingerprint,
        own.key_id,
        own.created_at.date(),
        dt.date.today(),
    )
    page_png = out_dir / "26-enrolment-form.png"
    page_png.write_bytes(enrolment_png(form, dpi=110))
    written.append(page_png)

    register = RegisterKeyDialog(db, window)
    other = generate_signing_key().public_key()
    partner = str(register.unit.currentData())
    register.file_edit.setText(str(Path.home() / f"vetdesk-{partner}.pub"))
    register.show_candidate(read_key_file(public_key_to_text(other, partner)))
    register.typed.setText(fingerprint(generate_signing_key().public_key()))
    register.register()  # a mistyped fingerprint: shows the refusal, registers nothing
    written.append(_shoot(register, out_dir / "27-register-key.png"))
    register.close()
    register.deleteLater()

    template = window.dialogs.export_template()
    if template is not None:
        written.append(_shoot(template, out_dir / "28-template-export.png"))
        template.close()
    written.extend(_import_screens(window, out_dir))

    package = window.dialogs.export_package()
    if package is not None:
        wait_until(lambda: running_count() == 0, 10.0)
        written.append(_shoot(package, out_dir / "31-package-export.png"))
        package.close()

    if db.on_server:  # no file to find damaged: the server checks its own files
        return written
    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.backup import DatabaseDamaged, list_backups

    damage = DatabaseDamaged(
        db.path, [_("示例：database disk image is malformed")], list_backups(db.path)
    )
    damaged = DamagedDialog(damage, window)
    written.append(_shoot(damaged, out_dir / "32-damaged-database.png"))
    damaged.close()
    damaged.deleteLater()
    return written


def _import_screens(window: MainWindow, out_dir: Path) -> list[Path]:
    """The import preview of a returned template: with a refused cell, then corrected."""
    # Local: the core loads on first use, not at start-up.
    import openpyxl

    # Local: the core loads on first use, not at start-up.
    from vetdesk.db.period_data import load_schools
    from vetdesk.workbook.schema import TEACHERS
    from vetdesk.workbook.template import write_template

    written: list[Path] = []
    if window.year is None or window.info.is_city:
        # The city imports no templates (the write policy refuses them): no import screens.
        return written
    with window.db.session() as session:
        # Templates are issued to active schools only: a school marked 已停用 gets none.
        active = [s.school_code for s in load_schools(session, active_only=True)]
    if not active:
        return written
    code = active[0]
    with tempfile.TemporaryDirectory(prefix="vetdesk-shots-") as folder:
        workbook = Path(folder) / "返回的填报表.xlsx"
        write_template(window.db, window.year, workbook, school_code=code)
        wb = openpyxl.load_workbook(workbook)
        sheet = wb[TEACHERS.title]
        # Headers are in the language the template was written in: match them by column.
        keys = {c.header_text: c.key for c in TEACHERS.columns}
        headers = [keys.get(str(c.value or ""), "") for c in sheet[1]]
        new_row = {
            "school_code": code,
            "name": _("示例教师"),
            "id_number": BAD_ID,
            "role": "专任教师（专业课）",
            "education": "本科",
            "title": "中级",
            "double_teacher_level": "无",
            "hired_date": "2012-09-01",
        }
        sheet.append([new_row.get(h) for h in headers])
        wb.save(workbook)
        dialog = window.dialogs.import_workbook(workbook)
        if dialog is None:
            return written
        wait_until(lambda: not dialog.busy, 30.0)
        written.append(_shoot(dialog, out_dir / "29-import-refused.png"))
        wb = openpyxl.load_workbook(workbook)
        sheet = wb[TEACHERS.title]
        for row in sheet.iter_rows(min_row=sheet.max_row):
            for cell in row:
                if cell.value == BAD_ID:
                    cell.value = _valid_id()
        wb.save(workbook)
        dialog.reread()
        wait_until(lambda: not dialog.busy, 30.0)
        written.append(_shoot(dialog, out_dir / "30-import-preview.png"))
        dialog.close()
    written.extend(_paste_screen(window, code, new_row, out_dir))
    return written


def _paste_screen(window: MainWindow, code: str, row: dict[str, str], out_dir: Path) -> list[Path]:
    """Two teacher rows pasted without their header, one with a wrong 身份证号."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.services.entities import TEACHER
    from vetdesk.workbook.schema import TEACHERS

    good = dict(row, name=_("示例教师二"), id_number=_valid_id())
    text = "".join(
        "\t".join(values.get(c.key, "") for c in TEACHERS.columns) + "\r\n"
        for values in (good, dict(row, school_code=code))
    )
    window.show_page(TEACHER)
    dialog = window.dialogs.paste_rows(TEACHER, text)
    if dialog is None:
        return []
    wait_until(lambda: not getattr(dialog, "busy", False), 30.0)
    shot = _shoot(dialog, out_dir / "33-paste-refused.png")
    dialog.close()
    return [shot]


def _valid_id() -> str:

    return generate_id_number("632126", dt.date(1985, 3, 9), 12, "女")


def _dashboard_screens(window: MainWindow, out_dir: Path, number: int) -> list[Path]:
    """The other charts of the dashboard, as shown in the window."""
    page = window.dashboard
    written: list[Path] = []
    if not isinstance(page, DashboardPage) or page.data is None:
        return written
    for chart in (CHART_PROGRESS, CHART_GAPS, CHART_TREND):
        page.show_chart(chart)
        written.append(_save(window, out_dir / f"{number:02d}-dashboard-{chart}.png"))
    page.show_chart(CHART_PROGRESS)
    return written


def _inbox_screens(window: MainWindow, out_dir: Path, number: int) -> list[Path]:
    """The city's inbox holding two counties' packages and a refused one.

    The packages come from the city demo (:mod:`vetdesk.services.demo_world`), built in a
    temporary folder with its own keys exactly as the counties make them: one county changed
    a figure through the record service since the city's copy. Each package is verified by
    that demo city, which registered the counties' keys, and previewed against the city's
    data shown. Nothing is written to the city's database or to the data directory.
    """
    # Local: loaded on first use, not at start-up.
    from vetdesk.db.database import open_database
    from vetdesk.packages.merge import preview_merge
    from vetdesk.packages.verify import verify_package
    from vetdesk.services.demo_world import build_demo_world, data_dir_of
    from vetdesk.ui.city import InboxEntry, build_entry

    page = window.inbox
    window.show_page(PAGE_INBOX)
    written: list[Path] = []
    year = window.year
    if year is None or not window.info.is_city:
        return [_save(window, out_dir / f"{number:02d}-{PAGE_INBOX}.png")]
    city = window.db
    entries: list[InboxEntry] = []
    # 互助县 changed a figure since the city's copy, 平安区 did not.
    counties = ("630223", "630203")
    with tempfile.TemporaryDirectory(prefix="vetdesk-inbox-") as folder:
        world = build_demo_world(Path(folder) / "world", year=year, counties=counties)
        with data_dir_of(world):
            demo_city = open_database(world.city_db)
            try:
                for unit in counties:
                    package = world.packages / f"{unit}-{year}.xlsx"
                    verification = verify_package(demo_city, package)
                    entries.append(
                        build_entry(package, verification, preview_merge(city, verification))
                    )
            finally:
                demo_city.close()
        # The same package at a city that has not registered the county's key.
        stranger = Path(folder) / "来历不明-上报包.xlsx"
        stranger.write_bytes(entries[0].path.read_bytes())
        entries.append(build_entry(stranger, verify_package(city, stranger), None))
        page.model.set_items(entries)
        page.select(entries[0].path)
        page.tabs.setCurrentIndex(1)
        written.append(_save(window, out_dir / f"{number:02d}-{PAGE_INBOX}.png"))
        page.select(entries[-1].path)
        written.append(_save(window, out_dir / f"{number:02d}-{PAGE_INBOX}-refused.png"))
        page.model.set_items([])
    return written
