"""VetDesk's file dialogs: Chinese labels throughout, and they start where the last one ended."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from vetdesk.ui import interaction
from vetdesk.ui.pagebase import documents_folder


def _answer(choose: Path | None, seen: list[dict[str, object]]) -> None:
    """When the dialog is up: note its labels and folder, then choose a path or cancel."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(
            {
                "labels": [label.text() for label in dialog.findChildren(QLabel)],
                "folder": Path(dialog.directory().absolutePath()),
            }
        )
        if choose is None:
            dialog.reject()
        else:
            dialog.selectFile(str(choose))
            dialog.accept()

    QTimer.singleShot(0, act)


def test_dialog_labels_are_chinese_and_the_last_folder_is_remembered(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(interaction, "_last_folder", None)
    real = interaction.Interaction()
    usb = tmp_path / "U盘"
    usb.mkdir()
    seen: list[dict[str, object]] = []

    _answer(usb / "上报包.xlsx", seen)
    chosen = real.save_file(None, "保存", str(documents_folder() / "上报包.xlsx"), "Excel (*.xlsx)")
    assert chosen == usb / "上报包.xlsx"
    labels = " ".join(str(text) for text in seen[0]["labels"])
    assert "查找范围" in labels and "文件类型" in labels
    assert "Look in" not in labels and "Files of" not in labels

    # Suggested file names (package, report, receipts) now point there too.
    assert documents_folder() == usb
    # The next dialog that would start in the documents folder starts on the USB stick.
    _answer(None, seen)
    assert real.open_file(None, "打开", str(documents_folder()), "Excel (*.xlsx)") is None
    assert seen[1]["folder"] == usb
    # An explicit other folder is respected.
    elsewhere = tmp_path / "其他"
    elsewhere.mkdir()
    _answer(None, seen)
    assert real.choose_folder(None, "文件夹", str(elsewhere)) is None
    assert seen[2]["folder"] == elsewhere


def test_unexpected_errors_name_the_log_file():
    from vetdesk.paths import data_dir

    text = interaction.error_text(KeyError("x"))
    assert str(data_dir() / "vetdesk.log") in text
