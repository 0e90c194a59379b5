"""The city's inbox (verify, preview, merge, reject with receipts), status board and workbook."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import copy_db
from tests.packages.pkg_helpers import PASSPHRASE, enrol, make_package

COUNTIES = ("630202", "630203", "630222", "630223", "630224", "630225")
CHANGED_COUNTY = "630223"


@dataclass(frozen=True)
class CityFixture:
    """A city database with six enrolled counties and their signed packages."""

    data_dir: Path
    city: Path
    packages: Path  # a folder, as on a USB stick

    def package(self, unit: str) -> Path:
        return self.packages / f"{unit}-2025.xlsx"


@pytest.fixture(scope="module")
def six_packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityFixture]:
    """Six demo counties, keys enrolled both ways, one signed package each (built once)."""
    from sqlalchemy import text

    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database

    root = tmp_path_factory.mktemp("city_inbox")
    data_dir = root / "data"
    stick = root / "usb"
    stick.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(data_dir))
        city = create_database(root / "city.db", role="city", unit_code="630200", operator="李科长")
        generate_demo(city, year=2025)
        for unit in COUNTIES:
            county = create_database(
                root / f"{unit}.db", role="county", unit_code=unit, operator="县填报员"
            )
            try:
                generate_demo(county, year=2025)
                if unit == CHANGED_COUNTY:
                    # One difference from what the city holds, for the preview to show.
                    with county.transaction() as session:
                        session.execute(
                            text(
                                "UPDATE training_programmes SET hours = hours + 8 "
                                "WHERE id = (SELECT MIN(id) FROM training_programmes)"
                            )
                        )
                enrol(county, city)
                make_package(county, stick, f"{unit}-2025.xlsx")
            finally:
                county.close()
        city.close()
    yield CityFixture(data_dir, root / "city.db", stick)


@pytest.fixture
def city_window(six_packages: CityFixture, tmp_path: Path, window_factory, recorder, monkeypatch):  # type: ignore[no-untyped-def]
    """The main window on a private copy of the enrolled city database."""
    monkeypatch.setenv("VETDESK_DATA_DIR", str(six_packages.data_dir))
    return window_factory(copy_db(six_packages.city, tmp_path, "city.db"))


def _wait_idle(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    from vetdesk.ui.background import running_count

    qtbot.waitUntil(lambda: not page.busy and running_count() == 0, timeout=30_000)


def test_inbox_verifies_previews_and_merges_six_packages(
    qtbot, city_window, six_packages, tmp_path, recorder
):
    """A folder of six packages: each valid with its fingerprint; merged, all six submitted."""
    from vetdesk.ui.city import ACCEPTED
    from vetdesk.ui.mainwindow import PAGE_INBOX, PAGE_STATUS

    window = city_window
    assert not window.page_hidden(PAGE_INBOX) and not window.page_hidden(PAGE_STATUS)
    assert window.act_inbox.isVisible() and window.act_city_workbook.isVisible()
    inbox = window.show_page(PAGE_INBOX)
    receipts = tmp_path / "回执"
    inbox.set_receipts(receipts, PASSPHRASE)
    recorder.paths.append(six_packages.packages)  # the folder (a USB stick) chosen
    inbox.choose_folder()
    _wait_idle(qtbot, inbox)
    entries = inbox.entries()
    assert len(entries) == 6
    model = inbox.model
    verdict_col = model.column_of("verdict")
    fingerprint_col = model.column_of("fingerprint")
    for row in range(model.rowCount()):
        assert model.index(row, verdict_col).data() == "✓ 有效"
        fingerprint = model.index(row, fingerprint_col).data()
        assert len(fingerprint.split()) == 8, fingerprint
    assert {e.verification.unit_code for e in entries} == set(COUNTIES)

    # The changed county's preview shows the difference, old → new.
    assert inbox.select(six_packages.package(CHANGED_COUNTY))
    assert "互助" in inbox.title.text()
    assert inbox.summary_model.rowCount() > 5
    details = [inbox.change_model.item(r).details for r in range(inbox.change_model.rowCount())]
    assert any("→" in d for d in details), details
    assert inbox.accept_button.isEnabled() and inbox.reject_button.isEnabled()

    # Adding the same folder again adds nothing.
    assert inbox.add_folder(six_packages.packages) is None
    assert "已收到 0/6 个县区的上报包" in window.period_label.text()

    for unit in COUNTIES:
        assert inbox.select(six_packages.package(unit))
        asked = len(recorder.messages)
        inbox.accept_selected()
        kind, title, question = recorder.messages[asked]
        assert kind == "confirm" and "第 1 号上报包" in question and "备份" in question
        _wait_idle(qtbot, inbox)
        qtbot.waitUntil(lambda: not window.loading, timeout=30_000)
        entry = next(e for e in inbox.entries() if e.verification.unit_code == unit)
        assert entry.state == ACCEPTED, recorder.messages[-1]
        assert entry.receipt is not None and entry.receipt.exists()
        assert not inbox.accept_button.isEnabled()
    assert len(list(receipts.glob("*-accepted.xlsx"))) == 6
    # The status bar follows the collection, not a county's 填报中.
    assert "已收到 6/6 个县区的上报包" in window.period_label.text()
    assert recorder.messages[-1][0] == "info"

    board = window.show_page(PAGE_STATUS)
    qtbot.waitUntil(lambda: len(board.statuses) == 6, timeout=30_000)
    assert all(s.submitted and s.seq == 1 for s in board.statuses)
    assert "已上报 6 / 6" in board.heading.text()
    state_col = board.model.column_of("submitted")
    assert board.model.index(0, state_col).data() == "✓ 已上报"
    warnings_col = board.model.column_of("warnings")
    texts = [board.model.index(r, warnings_col).data() for r in range(6)]
    assert all(t == "无警告" or "警告" in t for t in texts), texts

    # The merged city workbook, written in the background.
    workbook = tmp_path / "海东市-2025.xlsx"
    window.dialogs.write_city_workbook(workbook)
    qtbot.waitUntil(lambda: any(m[1] == "合并工作簿" for m in recorder.messages), timeout=60_000)
    assert workbook.exists()
    assert len(openpyxl.load_workbook(workbook, read_only=True).sheetnames) > 3
    total = openpyxl.load_workbook(workbook, read_only=True)["全市汇总"]
    rows = [r for r in total.iter_rows(values_only=True) if r and r[0]]
    header = next(r for r in rows if r[0] == "单位")
    source = header.index("数据来源")
    below = rows[rows.index(header) + 1 : rows.index(header) + 8]
    assert [r[source] for r in below[:6]] == ["第 1 号上报包"] * 6
    assert below[6][source] == "全部县区已上报"


def test_inbox_rejects_with_a_reason_and_a_signed_receipt(
    qtbot, city_window, six_packages, tmp_path, recorder
):
    """拒收 asks for a reason; the receipt says the package was not accepted, and why."""
    from vetdesk.ui.city import REJECTED, RejectDialog
    from vetdesk.ui.mainwindow import PAGE_INBOX

    window = city_window
    inbox = window.show_page(PAGE_INBOX)
    inbox.set_receipts(tmp_path / "回执", PASSPHRASE)
    package = six_packages.package("630224")
    inbox.add_paths([package])
    _wait_idle(qtbot, inbox)
    assert inbox.select(package)
    inbox.reject_selected()
    dialog = inbox.dialog
    assert isinstance(dialog, RejectDialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no refusal
    reason = "培训项目数据与上年差异过大，请核实后重新上报。"
    dialog.reason.setPlainText(reason)
    ok.click()
    _wait_idle(qtbot, inbox)
    entry = inbox.entries()[0]
    assert entry.state == REJECTED and entry.reason == reason
    assert entry.receipt is not None and "rejected" in entry.receipt.name
    cover = openpyxl.load_workbook(entry.receipt, read_only=True).worksheets[0]
    text = " ".join(str(c) for row in cover.iter_rows(values_only=True) for c in row if c)
    assert "未接收" in text and reason in text
    assert not inbox.accept_button.isEnabled() and not inbox.reject_button.isEnabled()
    state_col = inbox.model.column_of("state")
    assert inbox.model.index(0, state_col).data() == "已拒收"
    # The decision leads the message; the valid signature is no longer shown as good news.
    first_line = inbox.message.text().splitlines()[0]
    assert first_line.startswith("✗ 已拒收") and reason in first_line
    assert not any(line.startswith("✓") for line in inbox.message.text().splitlines())
    # The status board says the county's package was sent back, and why.
    from vetdesk.ui.mainwindow import PAGE_STATUS

    board = window.show_page(PAGE_STATUS)
    qtbot.waitUntil(lambda: bool(board.statuses), timeout=10_000)
    row = next(
        r for r in range(board.model.rowCount()) if board.model.item(r).unit_code == "630224"
    )
    texts = [board.model.index(row, c).data() for c in range(board.model.columnCount())]
    assert "↩ 已退回" in texts and any(reason in (t or "") for t in texts)


def test_inbox_asks_for_the_receipt_passphrase_once(qtbot, city_window, six_packages, tmp_path):
    """The first accept asks where receipts go and for the passphrase; a wrong one merges nothing."""
    from vetdesk.ui.city import ACCEPTED, PENDING, ReceiptDialog
    from vetdesk.ui.mainwindow import PAGE_INBOX

    inbox = city_window.show_page(PAGE_INBOX)
    package = six_packages.package("630202")
    inbox.add_paths([package])
    _wait_idle(qtbot, inbox)
    inbox.select(package)
    inbox.accept_selected()
    dialog = inbox.dialog
    assert isinstance(dialog, ReceiptDialog)
    dialog.folder.setText(str(tmp_path / "r"))
    dialog.passphrase.setText("不是这个口令")
    dialog.accept()
    _wait_idle(qtbot, inbox)
    assert inbox.entries()[0].state == PENDING
    assert inbox.receipts is None  # asked again next time
    inbox.accept_selected()
    dialog = inbox.dialog
    assert isinstance(dialog, ReceiptDialog)
    dialog.folder.setText(str(tmp_path / "r"))
    dialog.passphrase.setText(PASSPHRASE)
    dialog.accept()
    _wait_idle(qtbot, inbox)
    assert inbox.entries()[0].state == ACCEPTED
    assert inbox.receipts is not None


def test_inbox_refuses_a_tampered_package(qtbot, city_window, six_packages, tmp_path, recorder):
    """A package changed after signing is listed as refused, with nothing to merge."""
    from vetdesk.ui.city import INVALID
    from vetdesk.ui.mainwindow import PAGE_INBOX

    bad = tmp_path / "改过的.xlsx"
    shutil.copy(six_packages.package("630225"), bad)
    wb = openpyxl.load_workbook(bad)
    sheet = wb.worksheets[1]
    sheet.cell(row=2, column=2).value = "改过的名字"
    wb.save(bad)
    not_a_package = tmp_path / "笔记.xlsx"
    openpyxl.Workbook().save(not_a_package)
    inbox = city_window.show_page(PAGE_INBOX)
    recorder.paths.extend([bad, not_a_package])  # two files chosen in one dialog
    inbox.choose_files()
    _wait_idle(qtbot, inbox)
    entries = inbox.entries()
    assert [e.state for e in entries] == [INVALID, INVALID]
    inbox.select(bad)
    assert inbox.message.text().startswith("✗")
    assert not inbox.accept_button.isEnabled() and not inbox.reject_button.isEnabled()


def test_city_pages_are_hidden_at_a_county(county_window):
    """A county has no inbox, no status board and no city workbook."""
    from vetdesk.ui.mainwindow import PAGE_INBOX, PAGE_STATUS

    assert county_window.page_hidden(PAGE_INBOX) and county_window.page_hidden(PAGE_STATUS)
    assert not county_window.act_inbox.isVisible()
    assert not county_window.act_city_workbook.isVisible()
    assert county_window.act_report.isEnabled()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_the_city_issues_a_signed_task_package_for_one_county(
    qtbot, city_window, six_packages, tmp_path, recorder
):
    """交换 → 下发任务包: one county, a deadline; the county's database verifies it."""
    import datetime as dt

    from PySide6.QtCore import QDate

    from vetdesk.db.database import open_database
    from vetdesk.packages.task import verify_task

    window = city_window
    assert window.act_task_export.isVisible() and window.act_task_export.isEnabled()
    dialog = window.dialogs.export_task()
    assert dialog is not None and not dialog.export_button.isEnabled()  # no passphrase yet
    dialog.unit.setCurrentIndex(dialog.unit.findData("630223"))
    assert "互助" in Path(dialog.path.text()).name
    target = tmp_path / "任务包-互助.xlsx"
    dialog.path.setText(str(target))
    dialog.has_deadline.setChecked(True)
    assert dialog.deadline.date().toString("yyyy-MM-dd") > dt.date.today().isoformat()
    due = dt.date.today() + dt.timedelta(days=45)
    dialog.deadline.setDate(QDate(due.year, due.month, due.day))
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as signal:
        dialog.export_button.click()
    result = signal.args[0]
    assert result.units == ("630223",) and result.deadline == due
    assert target.exists() and "✓" in dialog.message.text()
    assert not dialog.export_button.isEnabled()
    county = open_database(six_packages.city.parent / "630223.db")
    try:
        verdict = verify_task(county, target)
    finally:
        county.close()
    assert verdict.ok, verdict.message
    dialog.reject()


def test_a_wrong_passphrase_is_refused_in_the_task_dialog(qtbot, city_window, tmp_path):
    dialog = city_window.dialogs.export_task()
    dialog.path.setText(str(tmp_path / "t.xlsx"))
    dialog.passphrase.setText("不是口令")
    op = dialog.export()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert op is not None and "口令" in dialog.message.text()
    assert dialog.passphrase.text() == "" and not (tmp_path / "t.xlsx").exists()
    dialog.reject()


def test_declining_the_merge_question_merges_nothing(
    qtbot, city_window, six_packages, tmp_path, recorder
):
    from vetdesk.ui.city import PENDING
    from vetdesk.ui.mainwindow import PAGE_INBOX

    inbox = city_window.show_page(PAGE_INBOX)
    inbox.set_receipts(tmp_path / "回执", PASSPHRASE)
    package = six_packages.package("630202")
    inbox.add_paths([package])
    _wait_idle(qtbot, inbox)
    assert inbox.select(package)
    recorder.answer = False
    inbox.accept_selected()
    _wait_idle(qtbot, inbox)
    assert recorder.messages[-1][0] == "confirm"
    assert inbox.entries()[0].state == PENDING
    assert not (tmp_path / "回执").exists() or not any((tmp_path / "回执").iterdir())


def test_switching_language_keeps_the_inbox(qtbot, six_packages, tmp_path, monkeypatch, recorder):
    """The window is rebuilt in the other language; the packages listed stay listed."""
    from PySide6.QtWidgets import QApplication

    from vetdesk.ui.app import AppController
    from vetdesk.ui.background import wait_for_all
    from vetdesk.ui.i18n import install_translators
    from vetdesk.ui.mainwindow import PAGE_INBOX
    from vetdesk.ui.settings import Settings

    monkeypatch.setenv("VETDESK_DATA_DIR", str(six_packages.data_dir))
    controller = AppController(QApplication.instance(), Settings(tmp_path / "s.ini"))
    assert controller.open(copy_db(six_packages.city, tmp_path, "city.db"))
    window = controller.window
    qtbot.waitUntil(lambda: window.snapshot is not None and not window.loading, timeout=30_000)
    inbox = window.show_page(PAGE_INBOX)
    inbox.add_paths([six_packages.package("630202"), six_packages.package("630203")])
    _wait_idle(qtbot, inbox)
    try:
        controller.switch_language("en")
        rebuilt = controller.window
        assert rebuilt is not window
        # The rebuilt window speaks English: its pages and menus (then Chinese again).
        texts = [rebuilt.nav.item(r).text() for r in range(rebuilt.nav.count())]
        texts += [menu.title() for menu in rebuilt.menus.values()]
        assert "Schools" in texts and "&Help" in texts, texts
        assert window.nav.item(0).text() == "学校"
        qtbot.waitUntil(lambda: len(rebuilt.inbox.entries()) == 2, timeout=30_000)
        _wait_idle(qtbot, rebuilt.inbox)
        assert {e.path for e in rebuilt.inbox.entries()} == {
            six_packages.package("630202"),
            six_packages.package("630203"),
        }
        controller.switch_language("zh")
        assert controller.window.nav.item(0).text() == "学校"
    finally:
        install_translators("zh")
        wait_for_all()
        controller.window.close()
        controller.close_database()
