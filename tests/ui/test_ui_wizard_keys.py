"""First run with a signing key: fingerprint shown, enrolment PDF, the city's key registered."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from vetdesk.db.database import open_database
from vetdesk.signing.keystore import active_key, create_key, public_key_file_text
from vetdesk.signing.trust import list_trusted_keys
from vetdesk.ui.wizard import SetupWizard

PASSPHRASE = "海东职教 2025 口令"


def city_key_file(city_db: Path, folder: Path) -> tuple[Path, str]:
    """The city's public-key file and its fingerprint."""
    db = open_database(city_db)
    try:
        own = create_key(db, PASSPHRASE)
        path = folder / "city.pub"
        path.write_text(public_key_file_text(db), encoding="utf-8")
    finally:
        db.close()
    return path, own.fingerprint


def _to_key_page(wizard: SetupWizard, target: Path) -> None:
    wizard.role_page.unit.setCurrentIndex(wizard.role_page.unit.findData("630222"))
    wizard.next()
    wizard.operator_page.operator.setText("韩老师")
    wizard.operator_page.year.setValue(2025)
    wizard.operator_page.path.setText(str(target))
    wizard.next()


def test_wizard_creates_the_key_shows_the_fingerprint_and_writes_the_pdf(qtbot, tmp_path, recorder):
    """A passphrase typed twice: database and key exist; the PDF carries the fingerprint."""
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    target = tmp_path / "minhe.db"
    _to_key_page(wizard, target)
    page = wizard.currentPage()
    assert page.objectName() == "signing_key_page"
    page.fields.first.setText(PASSPHRASE)
    page.fields.second.setText("另一个口令 123")
    assert not page.isComplete() and "不一致" in page.fields.hint.text()
    page.fields.second.setText(PASSPHRASE)
    assert page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=30_000)
    assert wizard.database is not None and wizard.key is not None
    fingerprint = active_key(wizard.database).fingerprint
    shown = wizard.currentPage().fingerprint.text()
    assert shown.split() == fingerprint.split() and "\n" in shown
    pdf = tmp_path / "登记表.pdf"
    assert wizard.currentPage().save_pdf(pdf)
    qtbot.waitUntil(
        lambda: bool(recorder.messages) and "已保存" in recorder.messages[-1][2], timeout=30_000
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert " ".join(fingerprint.split()[:4]) in text and "民和" in text
    wizard.next()
    wizard.next()
    wizard.accept()
    db = wizard.database
    assert db is not None
    db.close()
    reopened = open_database(target)
    try:
        assert reopened.info().unit_code == "630222"
        assert active_key(reopened).fingerprint == fingerprint
    finally:
        reopened.close()


def test_registering_the_city_key_needs_the_same_fingerprint(qtbot, tmp_path, city_db, recorder):
    """A mistyped fingerprint is refused and nothing is registered; the right one registers."""
    key_file, fingerprint = city_key_file(city_db, tmp_path)
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    _to_key_page(wizard, tmp_path / "county.db")
    wizard.currentPage().skip.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage().objectName() == "enrolment_page", timeout=30_000)
    wizard.next()
    page = wizard.currentPage()
    assert page.objectName() == "trusted_keys_page" and "市局" in page.title()
    dialog = page.keys.open_register_dialog()
    assert dialog is not None
    assert dialog.unit.count() == 1 and dialog.unit.currentData() == "630200"
    recorder.paths.append(key_file)
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.candidate is not None, timeout=10_000)
    assert dialog.fingerprint.text().split() == fingerprint.split()
    assert not dialog.ok_button.isEnabled()
    groups = fingerprint.split()
    wrong = " ".join([*groups[:-1], f"{(int(groups[-1]) + 1) % 100000:05d}"])
    dialog.typed.setText(wrong)
    dialog.ok_button.click()
    assert "指纹不一致" in dialog.message.text()
    assert dialog.isVisible()
    assert list_trusted_keys(wizard.database) == []
    # Typed as people copy it from paper: without spaces, full-width digits.
    dialog.typed.setText("".join(groups).replace("1", "１"))
    with qtbot.waitSignal(dialog.registered, timeout=10_000):
        dialog.ok_button.click()
    keys = list_trusted_keys(wizard.database)
    assert [(k.unit_code, k.fingerprint, k.status) for k in keys] == [
        ("630200", fingerprint, "active")
    ]
    qtbot.waitUntil(lambda: page.keys.model.rowCount() == 1, timeout=10_000)
    assert "已登记全部" in page.keys.empty_label.text()
    wizard.reject()
