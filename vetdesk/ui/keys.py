"""Signing keys: this unit's key and its enrolment form, and the other units' registered keys.

Every step goes through the Qt-free services (:mod:`vetdesk.signing.keystore`,
:mod:`vetdesk.signing.trust`, :mod:`vetdesk.reports.enrolment`) in a background
:class:`~vetdesk.ui.background.DbOp`: key generation encrypts with a slow key-derivation
function, and drawing the enrolment page imports matplotlib.

Registering another unit's key asks for the fingerprint from that unit's signed and
stamped paper form and refuses the key unless the two are identical: the file may have
come by e-mail or USB stick, the paper by hand.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected
from vetdesk.i18n import _, pgettext
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import (
    ERROR_STYLE,
    DataPage,
    DbSource,
    PassphraseFields,
    documents_folder,
    fingerprint_font,
    fingerprint_label,
    fingerprint_text,
    same_fingerprint,
)
from vetdesk.ui.recordpage import apply_widths, configure_table
from vetdesk.ui.tablemodels import Column, RowTableModel

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from vetdesk.db.database import Database
    from vetdesk.signing.keystore import OwnKey
    from vetdesk.signing.trust import KeyCandidate, TrustedKeyInfo

log = logging.getLogger(__name__)

PDF_FILTER = "PDF (*.pdf)"
KEY_FILTER_TEXT = "*.pub *.txt"
# The printer gets the page at this resolution: sharp digits, a few MB of image.
PRINT_DPI = 300


def status_label(status: str) -> str:
    """A registered key's status in words."""
    return {
        "active": pgettext("Keys", "有效"),
        "retired": _("已停用（已更换）"),
        "revoked": _("已吊销"),
    }.get(status, status)


def partner_units(db: Database) -> list[tuple[str, str]]:
    """(code, name) of the units whose keys this database registers."""
    units = load_units()
    if db.info().is_city:
        return [(c.code, c.name) for c in units.counties]
    return [(units.city.code, units.city.name)]


# --- the enrolment page: save as PDF, print ---------------------------------------------------


def save_enrolment_pdf(
    parent: QWidget,
    db: Database,
    target: Path | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> bool:
    """Ask where to save the enrolment form (unless given) and write it as PDF."""
    if target is None:
        unit = db.info().unit_name
        start = documents_folder() / _("签名密钥登记表-{unit}.pdf").format(unit=unit)
        target = interaction.save_file(parent, _("保存登记表"), start, PDF_FILTER)
        if target is None:
            return False
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    chosen = target

    def op(database: Database, _progress: Progress) -> Path:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.reports.enrolment import enrolment_form, write_enrolment_pdf

        return write_enrolment_pdf(enrolment_form(database), chosen)

    def done(path: Path) -> None:
        interaction.inform(
            parent,
            _("登记表"),
            _(
                "已保存签名密钥登记表：\n{path}\n请打印后由经办人签字、加盖单位公章，交对方核对。"
            ).format(path=path),
        )
        if on_done is not None:
            on_done(path)

    DbOp(parent, db, op, label=_("正在生成登记表…")).success(done).run()
    return True


def paint_page(printer: QPrinter, png: bytes) -> bool:
    """Draw a page image onto a printer, as large as the printable area allows."""
    image = QImage.fromData(png)  # the format is detected from the data
    if image.isNull():
        return False
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        area = painter.viewport()
        size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
    finally:
        painter.end()
    return True


def print_enrolment(parent: QWidget, db: Database, printer: QPrinter | None = None) -> None:
    """Print the enrolment form (the print dialog first unless a printer is given).

    Without any printer installed the form is saved as a PDF and opened in the system's
    viewer instead, which can print it once a printer is set up.
    """

    def op(database: Database, _progress: Progress) -> bytes:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.reports.enrolment import enrolment_form, enrolment_png

        return enrolment_png(enrolment_form(database), dpi=PRINT_DPI)

    def done(png: bytes) -> None:
        # Local: Qt's print support loads only to print.
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

        target = printer
        if target is None:
            if not QPrinterInfo.availablePrinters():
                _open_as_pdf(parent, db)
                return
            target = QPrinter(QPrinter.PrinterMode.HighResolution)
            target.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
            dialog = QPrintDialog(target, parent)
            dialog.setWindowTitle(_("打印登记表"))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        if not paint_page(target, png):
            interaction.warn(parent, _("打印"), _("无法打印登记表，请先保存为 PDF 再打印。"))

    DbOp(parent, db, op, label=_("正在准备打印…")).success(done).run()


def _open_as_pdf(parent: QWidget, db: Database) -> None:
    folder = Path(tempfile.mkdtemp(prefix="vetdesk-"))
    target = folder / _("签名密钥登记表.pdf")

    def opened(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    interaction.inform(
        parent,
        _("打印"),
        _("本机没有安装打印机。登记表将保存为 PDF 并用系统的阅读器打开，可从那里打印。"),
    )
    save_enrolment_pdf(parent, db, target, opened)


# --- dialogs --------------------------------------------------------------------------------


class CreateKeyDialog(QDialog):
    """Create (or replace) this unit's signing key with a passphrase typed twice."""

    created = Signal(object)  # OwnKey

    def __init__(self, db: Database, *, rotate: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CreateKeyDialog")
        self._db = db
        self._rotate = rotate
        self.setWindowTitle(_("更换签名密钥") if rotate else pgettext("Keys", "创建签名密钥"))
        intro = QLabel(
            _(
                "更换后旧密钥停用。请把新的公钥文件和新的登记表交对方重新登记，"
                "否则对方将无法核验本单位以后的上报包。"
            )
            if rotate
            else _(
                "签名密钥用于给本单位导出的正式上报包签名。口令保护本机上的密钥文件，"
                "每次导出上报包时都要输入；请牢记，口令遗失后只能更换密钥。"
            )
        )
        intro.setWordWrap(True)
        self.fields = PassphraseFields()
        self.fields.changed.connect(self._update)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("更换密钥") if rotate else _("创建密钥"))
        self.buttons.accepted.connect(self.create_key)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("口令："), self.fields)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 260)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(not self.fields.problem())

    def create_key(self) -> None:
        """Create the key in the background; close when done."""
        if self.fields.problem():
            return
        passphrase, rotate = self.fields.passphrase(), self._rotate
        self.ok_button.setEnabled(False)

        def op(db: Database, _progress: Progress) -> OwnKey:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.keystore import create_key

            return create_key(db, passphrase, rotate=rotate)

        def done(own: OwnKey) -> None:
            self.created.emit(own)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.message.setText(interaction.error_text(exc))
            self._update()

        DbOp(self, self._db, op, label=_("正在生成密钥…")).success(done).failure(failed).run()


class RegisterKeyDialog(QDialog):
    """Register another unit's public key after comparing its fingerprint with the paper form."""

    registered = Signal(object)  # TrustedKeyInfo

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RegisterKeyDialog")
        self._db = db
        self.candidate: KeyCandidate | None = None
        self.setWindowTitle(_("登记对方公钥"))
        intro = QLabel(
            _(
                "选择对方发来的公钥文件，再把对方签字盖章的登记表上的指纹逐位输入下面的框中。"
                "两者完全一致才会登记；不一致说明文件有误或被替换，请电话联系对方。"
            )
        )
        intro.setWordWrap(True)
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        for code, name in partner_units(db):
            self.unit.addItem(f"{name}（{code}）", code)
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("key_file")
        self.file_edit.setReadOnly(True)
        browse = QPushButton(_("选择公钥文件…"))
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.fingerprint = fingerprint_label(16)
        self.fingerprint.setObjectName("file_fingerprint")
        self.key_details = QLabel()
        self.typed = QLineEdit()
        self.typed.setObjectName("typed_fingerprint")
        self.typed.setPlaceholderText(_("按登记表输入 40 位数字，空格可有可无"))
        self.typed.textChanged.connect(self._update)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("核对并登记"))
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("对方单位："), self.unit)
        form.addRow(_("公钥文件："), file_row)
        form.addRow(_("文件中公钥的指纹："), self.fingerprint)
        form.addRow("", self.key_details)
        form.addRow(_("登记表上的指纹："), self.typed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 360)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(self.candidate is not None and bool(self.typed.text().strip()))

    def choose_file(self) -> None:
        """Ask for the key file and read it."""
        path = interaction.open_file(
            self,
            _("选择对方的公钥文件"),
            documents_folder(),
            _("公钥文件 ({patterns});;所有文件 (*)").format(patterns=KEY_FILTER_TEXT),
        )
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> DbOp[KeyCandidate]:
        """Read a public-key file in the background and show its fingerprint."""
        self.file_edit.setText(str(path))
        self.candidate = None
        self.fingerprint.setText("—")
        self.key_details.clear()
        self.message.clear()
        self._update()

        def op(_db: Database, _progress: Progress) -> KeyCandidate:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.trust import read_key_file

            try:
                # A public-key file is one short line; anything big is the wrong file.
                with path.open("rb") as fh:
                    raw = fh.read(64 * 1024)
                text = raw.decode("utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputRejected(
                    _("无法读取公钥文件 {name}：{err}").format(name=path.name, err=exc)
                ) from exc
            return read_key_file(text)

        def failed(exc: BaseException) -> None:
            self.message.setText(interaction.error_text(exc))
            self._update()

        return DbOp(self, self._db, op).success(self.show_candidate).failure(failed).run()

    def show_candidate(self, candidate: KeyCandidate) -> None:
        """Show a key read from a file: its fingerprint and id; preselect its unit."""
        self.candidate = candidate
        self.fingerprint.setText(fingerprint_text(candidate.fingerprint))
        details = _("密钥编号 {key}").format(key=candidate.key_id)
        if candidate.comment:
            details += _("，标注 {comment}").format(comment=candidate.comment)
        self.key_details.setText(details)
        # The public-key line names the unit that made it: preselect that unit.
        index = self.unit.findData(candidate.comment.strip())
        if index >= 0:
            self.unit.setCurrentIndex(index)
        self._update()
        self.typed.setFocus()

    def register(self) -> None:
        """Compare the typed fingerprint; register the key only when it is the same."""
        candidate = self.candidate
        if candidate is None:
            return
        if not same_fingerprint(self.typed.text(), candidate.fingerprint):
            log.info("fingerprint mismatch: key %s not registered", candidate.key_id)
            self.message.setText(
                _(
                    "指纹不一致，公钥未登记。登记表上的指纹与文件中公钥的指纹不同："
                    "文件可能不是对方的，或在传送中被替换。请电话联系对方核实。"
                )
            )
            return
        unit_code = str(self.unit.currentData())
        self.ok_button.setEnabled(False)

        def op(db: Database, _progress: Progress) -> TrustedKeyInfo:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.trust import add_trusted_key

            return add_trusted_key(db, unit_code, candidate)

        def done(info: TrustedKeyInfo) -> None:
            self.registered.emit(info)
            interaction.inform(
                self,
                _("登记对方公钥"),
                _("已登记{unit}的公钥（密钥编号 {key}）。").format(
                    unit=info.unit_name, key=info.key_id
                ),
            )
            self.accept()

        def failed(exc: BaseException) -> None:
            self.message.setText(interaction.error_text(exc))
            self._update()

        DbOp(self, self._db, op).success(done).failure(failed).run()


# --- widgets --------------------------------------------------------------------------------


def trusted_key_columns() -> list[Column[TrustedKeyInfo]]:
    """The columns of the registered-keys table."""
    return [
        Column("unit", _("单位"), lambda k: k.unit_name, width=140),
        Column("unit_code", _("单位代码"), lambda k: k.unit_code),
        Column("key_id", _("密钥编号"), lambda k: k.key_id, width=150),
        Column("fingerprint", _("指纹"), lambda k: k.fingerprint, width=380),
        Column("status", _("状态"), lambda k: k.status, lambda k: status_label(k.status)),
        Column(
            "registered_at",
            _("登记时间"),
            lambda k: k.registered_at,
            lambda k: k.registered_at.strftime("%Y-%m-%d %H:%M"),
            width=140,
        ),
    ]


class TrustedKeysWidget(QWidget):
    """The registered keys of the other units, with register and revoke."""

    changed = Signal()
    refreshed = Signal()

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db_source = db
        self.model: RowTableModel[TrustedKeyInfo] = RowTableModel(
            trusted_key_columns(), parent=self
        )
        self.view = QTableView()
        self.view.setObjectName("trusted_keys")
        configure_table(self.view)
        self.view.setModel(self.model)
        apply_widths(self.view, self.model.columns())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.register_button = QPushButton(_("登记对方公钥…"))
        self.register_button.clicked.connect(self.open_register_dialog)
        self.revoke_button = QPushButton(_("吊销所选公钥…"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.dialog: RegisterKeyDialog | None = None
        self.read_only = False
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update()

    def _selected(self) -> TrustedKeyInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update(self) -> None:
        db = self._db_source()
        writable = db is not None and not self.read_only
        self.register_button.setEnabled(writable)
        selected = self._selected()
        self.revoke_button.setEnabled(
            writable and selected is not None and selected.status != "revoked"
        )

    def set_read_only(self, read_only: bool) -> None:
        """Disable registering and revoking."""
        self.read_only = read_only
        self._update()

    def refresh(self) -> None:
        """Reload the registered keys in the background."""
        db = self._db_source()
        if db is None:
            return
        partners = "、".join(name for _code, name in partner_units(db))

        def op(database: Database, _progress: Progress) -> list[TrustedKeyInfo]:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.trust import list_trusted_keys

            return list_trusted_keys(database)

        def done(keys: list[TrustedKeyInfo]) -> None:
            self.model.set_items(keys)
            active = {k.unit_code for k in keys if k.status == "active"}
            missing = [name for code, name in partner_units(db) if code not in active]
            self.empty_label.setText(
                _("尚未登记公钥的单位：{units}。登记后才能核验对方发来的数据包。").format(
                    units="、".join(missing)
                )
                if missing
                else _("已登记全部对方单位（{units}）的有效公钥。").format(units=partners)
            )
            self._update()
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()

    def open_register_dialog(self) -> RegisterKeyDialog | None:
        """Open the registration dialog (returned for tests)."""
        db = self._db_source()
        if db is None:
            return None
        dialog = RegisterKeyDialog(db, self)
        dialog.registered.connect(self._registered)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _registered(self, _info: object) -> None:
        self.refresh()
        self.changed.emit()

    def revoke_selected(self) -> None:
        """Revoke the selected key after confirmation."""
        db = self._db_source()
        key = self._selected()
        if db is None or key is None:
            return
        question = _(
            "吊销{unit}的公钥 {key}？吊销后，用该密钥签名的数据包将被拒收，且不能恢复。"
        ).format(unit=key.unit_name, key=key.key_id)
        if not interaction.confirm(self, pgettext("Keys", "吊销公钥"), question):
            return

        def op(database: Database, _progress: Progress) -> object:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.trust import revoke_trusted_key

            return revoke_trusted_key(database, key.unit_code, key.key_id)

        def done(_result: object) -> None:
            self.refresh()
            self.changed.emit()

        DbOp(self, db, op).success(done).run()


class KeysPage(DataPage):
    """This unit's signing key with its enrolment form, and the registered keys of others."""

    def __init__(self, db: DbSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_keys")
        self.own: OwnKey | None = None
        self.key_dialog: CreateKeyDialog | None = None
        own_box = QGroupBox(pgettext("Keys", "本单位签名密钥"))
        self.fingerprint = fingerprint_label(20)
        self.fingerprint.setObjectName("own_fingerprint")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_button = QPushButton(_("创建签名密钥…"))
        self.create_button.clicked.connect(self.open_key_dialog)
        self.export_button = QPushButton(_("导出公钥文件…"))
        self.export_button.clicked.connect(lambda: self.export_public_key())
        self.pdf_button = QPushButton(_("保存登记表 PDF…"))
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.print_button = QPushButton(_("打印登记表…"))
        self.print_button.clicked.connect(self.print_form)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.export_button, self.pdf_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch()
        own_layout = QVBoxLayout(own_box)
        own_layout.addWidget(QLabel(_("指纹（对方登记本单位公钥时逐位核对）：")))
        own_layout.addWidget(self.fingerprint)
        own_layout.addWidget(self.details)
        own_layout.addLayout(buttons)
        trusted_box = QGroupBox(_("已登记的对方公钥"))
        self.trusted = TrustedKeysWidget(db)
        QVBoxLayout(trusted_box).addWidget(self.trusted)
        layout = QVBoxLayout(self)
        layout.addWidget(own_box)
        layout.addWidget(trusted_box, 1)
        self._show_own(None)

    def load(self, db: Database) -> None:
        """Read this unit's key (the registered keys load beside it)."""

        def op(database: Database, _progress: Progress) -> OwnKey | None:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.keystore import NoSigningKey, active_key

            try:
                return active_key(database)
            except NoSigningKey:
                return None

        def done(own: OwnKey | None) -> None:
            self._show_own(own)
            self.refreshed.emit()

        DbOp(self, db, op).success(done).run()
        self.trusted.refresh()

    def _show_own(self, own: OwnKey | None) -> None:
        self.own = own
        has_key = own is not None
        # Digits in the large monospaced face; "not created" in the ordinary one.
        self.fingerprint.setFont(fingerprint_font(20) if own else self.font())
        if own is None:
            self.fingerprint.setText(_("尚未创建"))
            self.details.setText(
                _(
                    "本单位还没有签名密钥。导出正式上报包前，请先创建密钥，"
                    "并把公钥文件和签字盖章的登记表交给对方登记。"
                )
            )
        else:
            self.fingerprint.setText(fingerprint_text(own.fingerprint))
            self.details.setText(
                _(
                    "密钥编号 {key} · 创建于 {created}\n私钥文件（只在本机，不要复制给他人）：{path}"
                ).format(
                    key=own.key_id,
                    created=own.created_at.strftime("%Y-%m-%d %H:%M"),
                    path=own.key_file,
                )
            )
        self.create_button.setText(_("更换签名密钥…") if has_key else _("创建签名密钥…"))
        self.create_button.setEnabled(self.db is not None and not self.read_only)
        for button in (self.export_button, self.pdf_button, self.print_button):
            button.setEnabled(has_key)

    def set_read_only(self, read_only: bool) -> None:
        """Disable key creation and registration."""
        super().set_read_only(read_only)
        self.trusted.set_read_only(read_only)
        self._show_own(self.own)

    def open_key_dialog(self) -> CreateKeyDialog | None:
        """Open the create/replace dialog (returned for tests)."""
        db = self.db
        if db is None:
            return None
        dialog = CreateKeyDialog(db, rotate=self.own is not None, parent=self)
        dialog.created.connect(lambda own: self._show_own(own))
        dialog.finished.connect(lambda _r: setattr(self, "key_dialog", None))
        self.key_dialog = dialog
        dialog.open()
        return dialog

    def export_public_key(self, target: Path | None = None) -> None:
        """Write the public-key file the other side registers."""
        db = self.db
        if db is None or self.own is None:
            return
        if target is None:
            info = db.info()
            start = documents_folder() / f"vetdesk-{info.unit_code}.pub"
            target = interaction.save_file(self, _("导出公钥文件"), start, _("公钥文件 (*.pub)"))
            if target is None:
                return
        chosen = target

        def op(database: Database, _progress: Progress) -> Path:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.keystore import public_key_file_text
            from vetdesk.workbook.atomic import write_atomically

            text = public_key_file_text(database)

            def write(tmp: Path) -> None:
                tmp.write_text(text, encoding="utf-8")

            write_atomically(chosen, write)
            return chosen

        fingerprint = self.own.fingerprint

        def done(path: Path) -> None:
            interaction.inform(
                self,
                _("导出公钥文件"),
                _(
                    "已导出公钥文件：\n{path}\n指纹 {fp}\n请把此文件连同签字盖章的登记表一起交给对方。"
                ).format(path=path, fp=fingerprint),
            )

        DbOp(self, db, op).success(done).run()

    def save_pdf(self, target: Path | None = None) -> None:
        """Save the enrolment form as PDF."""
        if self.db is not None and self.own is not None:
            save_enrolment_pdf(self, self.db, target)

    def print_form(self) -> None:
        """Print the enrolment form."""
        if self.db is not None and self.own is not None:
            print_enrolment(self, self.db)
