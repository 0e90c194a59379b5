"""The signing-key page: create the key, export the public key, print the form, revoke a key."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter

from vetdesk.db.database import open_database
from vetdesk.signing.keystore import active_key, create_key, public_key_file_text
from vetdesk.signing.trust import add_trusted_key, list_trusted_keys, read_key_file
from vetdesk.ui.keys import print_enrolment

PASSPHRASE = "互助县 密钥口令 2025"


def test_create_key_export_it_and_print_the_form(county_window, qtbot, recorder, tmp_path):
    """From no key to a key: fingerprint shown, public key file written, form printed."""
    window = county_window
    page = window.show_page("keys")
    qtbot.waitUntil(lambda: page.create_button.isEnabled(), timeout=10_000)
    assert page.own is None and not page.pdf_button.isEnabled()
    dialog = page.open_key_dialog()
    assert dialog is not None and not dialog.ok_button.isEnabled()
    dialog.fields.first.setText("短")
    dialog.fields.second.setText("短")
    assert "至少" in dialog.fields.problem() and not dialog.ok_button.isEnabled()
    dialog.fields.first.setText(PASSPHRASE)
    dialog.fields.second.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.created, timeout=30_000):
        dialog.ok_button.click()
    own = active_key(window.db)
    assert page.own == own
    assert page.fingerprint.text().split() == own.fingerprint.split()
    assert page.create_button.text().startswith("更换") and page.pdf_button.isEnabled()

    pub = tmp_path / "county.pub"
    recorder.paths.append(pub)
    page.export_button.click()  # the button, as people use it (its signal carries a bool)
    qtbot.waitUntil(lambda: pub.exists(), timeout=10_000)
    assert read_key_file(pub.read_text(encoding="utf-8")).fingerprint == own.fingerprint
    form = tmp_path / "登记表.pdf"
    recorder.paths.append(form)
    page.pdf_button.click()
    qtbot.waitUntil(lambda: form.exists() and form.stat().st_size > 10_000, timeout=30_000)
    assert form.read_bytes().startswith(b"%PDF")
    assert not any(kind == "error" for kind, _t, _x in recorder.messages), recorder.messages

    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    print_enrolment(page, window.db, printer)
    qtbot.waitUntil(lambda: printed.exists() and printed.stat().st_size > 10_000, timeout=30_000)
    assert printed.read_bytes().startswith(b"%PDF")


def test_revoke_a_registered_key(county_window, qtbot, recorder, city_db):
    """Revoking asks first, then the key shows as revoked and cannot be revoked again."""
    window = county_window
    city = open_database(city_db)
    try:
        create_key(city, PASSPHRASE)
        add_trusted_key(window.db, "630200", read_key_file(public_key_file_text(city)))
    finally:
        city.close()
    page = window.show_page("keys")
    widget = page.trusted
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=10_000)
    assert widget.model.index(0, 4).data() == "有效"
    widget.view.selectRow(0)
    assert widget.revoke_button.isEnabled()
    with qtbot.waitSignal(widget.changed, timeout=10_000):
        widget.revoke_button.click()
    assert recorder.messages[-1][0] == "confirm"
    assert [k.status for k in list_trusted_keys(window.db)] == ["revoked"]
    qtbot.waitUntil(lambda: widget.model.index(0, 4).data() == "已吊销", timeout=10_000)
    widget.view.selectRow(0)
    assert not widget.revoke_button.isEnabled()
