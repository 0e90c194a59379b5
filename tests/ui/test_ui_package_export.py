"""The signed package export: wrong passphrase, the sequence number, refusal reasons."""

from __future__ import annotations

from sqlalchemy import delete

from vetdesk.db import models
from vetdesk.packages.verify import verify_package
from vetdesk.signing.keystore import create_key

PASSPHRASE = "互助县 上报口令 2025"


def _dialog_with_key(window, qtbot):  # type: ignore[no-untyped-def]
    create_key(window.db, PASSPHRASE)
    dialog = window.dialogs.export_package()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.own is not None, timeout=10_000)
    return dialog


def test_wrong_passphrase_writes_nothing_then_the_right_one_shows_the_sequence(
    county_window, qtbot, recorder, tmp_path
):
    """A wrong passphrase is said plainly and no file appears; the right one gives 第 1 号."""
    window = county_window
    dialog = _dialog_with_key(window, qtbot)
    assert dialog.fingerprint.text().replace(" ", "").isdigit()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "上报包.xlsx"
    dialog.path.setText(str(target))
    assert not dialog.export_button.isEnabled()  # no passphrase yet
    dialog.passphrase.setText("不是这个口令")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=30_000)
    assert "口令不正确" in dialog.message.text()
    assert dialog.passphrase.text() == ""
    assert list(out.iterdir()) == []
    assert dialog.package is None
    assert dialog.done_label.isHidden()

    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    assert dialog.package is not None and dialog.package.seq == 1
    assert "已导出第 <b>1</b> 号上报包" in dialog.done_label.text()
    # isHidden() is the label's own state: the dialog itself is never shown in the tests.
    assert not dialog.done_label.isHidden()
    assert dialog.message.text() == ""
    assert not dialog.export_button.isEnabled()
    assert target.exists()
    result = verify_package(window.db, target, check_ledger=False)
    assert result.ok and result.seq == 1


def test_not_ready_lists_the_reasons(county_window, qtbot, recorder, tmp_path):
    """With unexplained warnings the export is refused, each reason listed, nothing written."""
    window = county_window
    with window.db.transaction() as session:
        session.execute(delete(models.WarningExplanation))
    with qtbot.waitSignal(window.loaded, timeout=30_000):
        window.reload()
    errors, unexplained = window.status_counts()
    assert errors == 0 and unexplained > 0
    dialog = _dialog_with_key(window, qtbot)
    target = tmp_path / "pkg.xlsx"
    dialog.path.setText(str(target))
    dialog.passphrase.setText(PASSPHRASE)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.reasons.count() > 0, timeout=30_000)
    assert "不能导出正式上报包" in dialog.message.text()
    assert f"未说明的警告 {unexplained} 条" in dialog.message.text()
    assert dialog.reasons.count() == unexplained
    assert all(
        dialog.reasons.item(i).text().startswith("待说明") for i in range(dialog.reasons.count())
    )
    assert not target.exists()
    dialog.checks_button.click()
    assert window.current_page_id() == "checks"
