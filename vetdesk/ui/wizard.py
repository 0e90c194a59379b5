"""The first-run wizard: county or city, the unit, the operator, where the data lives.

The pages after the operator page come from :data:`PAGE_HOOKS`: the signing key
(leaving it creates the database and the key in the background), the enrolment form with
the fingerprint (save as PDF or print), the other side's public keys, and, for a county,
an optional start from a city task package. The wizard only collects answers and calls the
services; :func:`create_from_answers` makes the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from vetdesk.db.location import DatabaseTarget, ServerUrl, is_server_url, new_database_target
from vetdesk.domain.enums import Role
from vetdesk.domain.units import load_units
from vetdesk.errors import VetDeskError
from vetdesk.i18n import _, pgettext
from vetdesk.paths import data_dir
from vetdesk.services import records
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress, wait_for_all
from vetdesk.ui.keys import TrustedKeysWidget, print_enrolment, save_enrolment_pdf
from vetdesk.ui.pagebase import (
    ERROR_STYLE,
    PassphraseFields,
    fingerprint_font,
    fingerprint_label,
    fingerprint_text,
)

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.signing.keystore import OwnKey


class RolePage(QWizardPage):
    """County office or city bureau, and which county."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("欢迎使用 VetDesk 职教数据台"))
        self.setSubTitle(_("请选择本机的使用单位。以后可以新建或打开其他数据库。"))
        self.county = QRadioButton(_("县区教育局（填报本县区学校数据）"))
        self.county.setObjectName("county")
        self.city = QRadioButton(_("市教育局（核验、汇总各县区数据）"))
        self.city.setObjectName("city")
        self.county.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.county)
        group.addButton(self.city)
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        for county in load_units().counties:
            self.unit.addItem(f"{county.name}（{county.code}）", county.code)
        layout = QVBoxLayout(self)
        layout.addWidget(self.county)
        layout.addWidget(self.city)
        form = QFormLayout()
        unit_label = QLabel(_("县区(&U)："))
        unit_label.setBuddy(self.unit)
        form.addRow(unit_label, self.unit)
        layout.addLayout(form)
        layout.addStretch()
        self.city.toggled.connect(lambda city: self.unit.setEnabled(not city))

    def role(self) -> str:
        """'county' or 'city'."""
        return str(Role.CITY if self.city.isChecked() else Role.COUNTY)

    def unit_code(self) -> str:
        """The chosen county, or the city's code."""
        return load_units().city.code if self.city.isChecked() else str(self.unit.currentData())


class OperatorPage(QWizardPage):
    """Who works here, the first statistics year and where the database lives.

    A county's database is a file on its own PC. The city chooses: a file (the default),
    or a PostgreSQL server several officers share, named by its URL (an empty database
    the administrator created; the password stays in ``~/.pgpass`` or ``PGPASSWORD``).
    """

    def __init__(self, role_page: RolePage) -> None:
        super().__init__()
        self._role_page = role_page
        self.setTitle(_("操作员与数据文件"))
        self.setSubTitle(_("操作员姓名会记入每一条修改记录（审计日志）。"))
        self.operator = QLineEdit()
        self.operator.setObjectName("operator")
        self.operator.setPlaceholderText(_("如：张老师"))
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year - 1)
        self.in_file = QRadioButton(_("本机文件（默认）"))
        self.in_file.setObjectName("in_file")
        self.on_server = QRadioButton(_("PostgreSQL 服务器（市局多位操作员共用）"))
        self.on_server.setObjectName("on_server")
        self.in_file.setChecked(True)
        where = QButtonGroup(self)
        where.addButton(self.in_file)
        where.addButton(self.on_server)
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.browse = QPushButton(_("浏览…"))
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        row.setContentsMargins(0, 0, 0, 0)
        self.url = QLineEdit()
        self.url.setObjectName("url")
        self.url.setPlaceholderText("postgresql://city@db.example/vetdesk")
        self.server_hint = QLabel(
            _(
                "请填写数据库管理员新建的空数据库的地址。地址中不要写密码：密码请写入 ~/.pgpass"
                "（Windows：%APPDATA%\\postgresql\\pgpass.conf）或环境变量 PGPASSWORD。"
                "服务器上的数据库由管理员备份（pg_dump），VetDesk 不为它做文件备份。"
            )
        )
        self.server_hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        for text, widget in (
            (_("操作员姓名(&O)："), self.operator),
            (_("首个统计年度(&Y)："), self.year),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.where_box = QWidget()
        choice = QVBoxLayout(self.where_box)
        choice.setContentsMargins(0, 0, 0, 0)
        choice.addWidget(QLabel(_("数据库存放在：")))
        choice.addWidget(self.in_file)
        choice.addWidget(self.on_server)
        layout.addWidget(self.where_box)
        places = QFormLayout()
        self.path_label = QLabel(_("数据库文件："))
        places.addRow(self.path_label, row)
        self.url_label = QLabel(_("数据库地址(&A)："))
        self.url_label.setBuddy(self.url)
        places.addRow(self.url_label, self.url)
        places.addRow(self.server_hint)
        layout.addLayout(places)
        layout.addWidget(self.message)
        layout.addStretch()
        self.registerField("operator*", self.operator)
        self.operator.textChanged.connect(self.completeChanged)
        self.path.textChanged.connect(self.completeChanged)
        self.url.textChanged.connect(self.completeChanged)
        self.url.textChanged.connect(lambda _t: self.message.clear())
        self.path.textChanged.connect(lambda _t: self.message.clear())
        self.on_server.toggled.connect(lambda _on: self._show_choice())
        self._show_choice()

    def _show_choice(self) -> None:
        server = self.on_server.isChecked()
        for widget in (self.path, self.browse, self.path_label):
            widget.setVisible(not server)
        for widget in (self.url, self.url_label, self.server_hint):
            widget.setVisible(server)
        self.message.clear()
        self.completeChanged.emit()

    def initializePage(self) -> None:
        """Suggest a file named after the unit; offer the server to the city only."""
        city = self._role_page.role() == Role.CITY
        self.where_box.setVisible(city)
        if not city:
            self.in_file.setChecked(True)
        if not self.path.text():
            code = self._role_page.unit_code()
            self.path.setText(str(data_dir() / f"vetdesk-{code}.db"))

    def location_text(self) -> str:
        """What was typed for where the database goes: the file path, or the server's URL."""
        return (self.url if self.on_server.isChecked() else self.path).text().strip()

    def isComplete(self) -> bool:
        """An operator name and a server URL, or a file that does not exist yet."""
        text = self.location_text()
        if not self.operator.text().strip() or not text:
            return False
        if self.on_server.isChecked():
            return True
        return is_server_url(text) or not Path(text).exists()

    def validatePage(self) -> bool:
        """Refuse a password in the URL, a county on a URL, or a URL that is not one."""
        try:
            target = self.target()
        except VetDeskError as exc:
            self.message.setText(exc.message)
            return False
        if self.on_server.isChecked() and not isinstance(target, ServerUrl):
            self.message.setText(
                _(
                    "请填写以 postgresql:// 开头的数据库地址，例如 postgresql://city@db.example/vetdesk。"
                )
            )
            return False
        self.message.clear()
        return True

    def target(self) -> DatabaseTarget:
        """Where the new database goes (the command line's rules: refused with its words)."""
        return new_database_target(self.location_text(), self._role_page.role())

    def _browse(self) -> None:
        path = interaction.save_file(
            self,
            pgettext("SetupWizard", "数据库文件"),
            self.path.text(),
            _("VetDesk 数据库 (*.db)"),
        )
        if path is not None:
            self.path.setText(str(path))


@dataclass(frozen=True)
class SetupAnswers:
    """What the first pages collected, as plain values a worker thread may use."""

    path: DatabaseTarget  # a file, or the city's PostgreSQL database
    role: str
    unit_code: str
    operator: str
    year: int


def create_from_answers(answers: SetupAnswers) -> Database:
    """Create the database and its first period (runs in a worker).

    On a PostgreSQL URL this is ``vetdesk init --db postgresql://…``'s own service: the
    schema is built in the empty database (one with tables is refused), then the set-up.
    """
    # Local: the core loads on first use, not at start-up.
    from vetdesk.standards.installed import create_database

    db = create_database(
        answers.path, role=answers.role, unit_code=answers.unit_code, operator=answers.operator
    )
    records.open_period(db, answers.year)
    return db


class SetupPage(QWizardPage):
    """A page of :class:`SetupWizard`, which it can reach with :meth:`setup`."""

    def setup(self) -> SetupWizard:
        """The wizard this page belongs to."""
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return wizard

    def applies(self) -> bool:
        """Whether the page is shown for the answers given so far."""
        return True


class SigningKeyPage(SetupPage):
    """Create the database and, with a passphrase, the unit's signing key.

    This is the commit page: leaving it creates the database (in the background), so the
    pages after it can show the fingerprint and register the other side's keys.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("signing_key_page")
        self.setTitle(pgettext("SetupWizard", "签名密钥"))
        self.setSubTitle(
            _("本单位导出的正式数据包用签名密钥签名，对方凭登记过的公钥核验来源和完整性。")
        )
        intro = QLabel(
            _(
                "请设置保护密钥的口令。每次导出签名数据包都要输入该口令；口令遗失后只能更换密钥，"
                "并重新向对方登记。"
            )
        )
        intro.setWordWrap(True)
        self.fields = PassphraseFields()
        self.fields.changed.connect(self.completeChanged)
        self.skip = QCheckBox(_("暂不创建签名密钥（以后可在“签名密钥”页面创建）"))
        self.skip.setObjectName("skip_key")
        self.skip.toggled.connect(self.fields.setDisabled)
        self.skip.toggled.connect(self.completeChanged)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("口令："), self.fields)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.skip)
        layout.addWidget(self.message)
        layout.addStretch()
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("创建数据库"))
        self._running = False
        self._done = False

    def isComplete(self) -> bool:
        """A usable passphrase, or the choice to create the key later; not while working."""
        if self._running:
            return False
        return self.skip.isChecked() or not self.fields.problem()

    def validatePage(self) -> bool:
        """Leave the page once the database (and key) exist; start creating them otherwise."""
        if self._done:
            return True
        if not self._running:
            self.start()
        return False

    def start(self) -> None:
        """Create the database (if not yet) and the key in the background."""
        wizard = self.setup()
        passphrase = None if self.skip.isChecked() else self.fields.passphrase()
        source: Database | Callable[[], Database] = (
            wizard.database
            if wizard.database is not None
            else partial(create_from_answers, wizard.answers())
        )
        self._running = True
        wizard.set_busy(True)
        self.message.clear()
        self.completeChanged.emit()

        def op(
            db: Database, _progress: Progress
        ) -> tuple[Database, OwnKey | None, Exception | None]:
            if passphrase is None:
                return db, None, None
            # Local: the core loads on first use, not at start-up.
            from vetdesk.signing.keystore import create_key

            try:
                return db, create_key(db, passphrase), None
            except Exception as exc:  # the database exists: keep it, let the person retry
                return db, None, exc

        def done(result: tuple[Database, OwnKey | None, Exception | None]) -> None:
            db, key, problem = result
            self._running = False
            wizard.set_busy(False)
            wizard.database = db
            wizard.key = key
            if problem is not None:
                self.message.setText(interaction.error_text(problem))
                self.completeChanged.emit()
                return
            self._done = True
            self.fields.clear()  # the passphrase is not kept in memory longer than needed
            self.completeChanged.emit()
            wizard.next()

        def failed(exc: BaseException) -> None:
            self._running = False
            wizard.set_busy(False)
            self.message.setText(interaction.error_text(exc))
            self.completeChanged.emit()

        label = _("正在创建数据库和签名密钥…") if passphrase else _("正在创建数据库…")
        DbOp(self, source, op, label=label).success(done).failure(failed).run()


class EnrolmentPage(SetupPage):
    """Show the new key's fingerprint; save or print the enrolment form for the other side."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("enrolment_page")
        self.setTitle(_("签名密钥登记表"))
        self.setSubTitle(_("对方登记本单位的公钥时，要与签字盖章的登记表逐位核对指纹。"))
        self.fingerprint = fingerprint_label(20)
        self.fingerprint.setObjectName("fingerprint")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.pdf_button = QPushButton(_("保存登记表 PDF…"))
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.print_button = QPushButton(_("打印登记表…"))
        self.print_button.clicked.connect(self.print_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("本单位签名密钥的指纹：")))
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addStretch()

    def initializePage(self) -> None:
        """Show the fingerprint of the key just created (or say there is none)."""
        key = self.setup().key
        has_key = key is not None
        self.pdf_button.setEnabled(has_key)
        self.print_button.setEnabled(has_key)
        self.fingerprint.setFont(fingerprint_font(20) if key else self.font())
        if key is None:
            self.fingerprint.setText(_("未创建"))
            self.text.setText(
                _("数据库已创建，签名密钥稍后在“签名密钥”页面创建，届时再打印登记表。")
            )
            return
        self.fingerprint.setText(fingerprint_text(key.fingerprint))
        self.text.setText(
            _(
                "数据库和签名密钥已创建。请保存或打印登记表，由经办人签字、加盖单位公章后，"
                "连同公钥文件（“签名密钥”页面可导出）交给对方。"
            )
        )

    def save_pdf(self, target: Path | None = None) -> bool:
        """Save the enrolment form as PDF (asks where unless given)."""
        db = self.setup().database
        return db is not None and save_enrolment_pdf(self, db, target)

    def print_form(self) -> None:
        """Print the enrolment form."""
        db = self.setup().database
        if db is not None:
            print_enrolment(self, db)


class TrustedKeysPage(SetupPage):
    """Register the other side's public keys (optional, can be done later)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("trusted_keys_page")
        self.keys = TrustedKeysWidget(self._database)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keys, 1)

    def _database(self) -> Database | None:
        wizard = self.wizard()
        return wizard.database if isinstance(wizard, SetupWizard) else None

    def initializePage(self) -> None:
        """Title and text for the county or the city; list what is registered."""
        if self.setup().role_page.role() == Role.CITY:
            self.setTitle(_("登记各县区的公钥（可选）"))
            # A subtitle, as on the other pages: the wizard then draws the same header.
            self.setSubTitle(
                _(
                    "市局凭各县区的公钥核验上报包。收到县区的公钥文件和签字盖章的登记表后，"
                    "在这里登记；也可以以后在“签名密钥”页面登记。"
                )
            )
        else:
            self.setTitle(_("登记市局的公钥（可选）"))
            self.setSubTitle(
                _(
                    "县区凭市局的公钥核验市局下发的任务包和回执。收到市局的公钥文件和签字盖章的"
                    "登记表后，在这里登记；也可以以后在“签名密钥”页面登记。"
                )
            )
        self.keys.refresh()


class TaskPackagePage(SetupPage):
    """Optionally start from a city task package: period, school registry and rule set."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("task_package_page")
        self.setTitle(_("市局任务包（可选）"))
        self.setSubTitle(_("任务包由市局签名下发，含统计期、本县区学校名录和标准规则集。"))
        self._importing = False
        intro = QLabel(
            _(
                "如果已收到市局的任务包，可以现在导入（需先登记市局的公钥）；"
                "也可以直接按“完成”，以后从“交换”菜单导入。"
            )
        )
        intro.setWordWrap(True)
        self.import_button = QPushButton(_("导入任务包…"))
        self.import_button.clicked.connect(lambda: self.choose_and_import())
        self.result = QLabel()
        self.result.setObjectName("task_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result, 1)

    def applies(self) -> bool:
        """Task packages go from the city to the counties."""
        return self.setup().role_page.role() != Role.CITY

    def isComplete(self) -> bool:
        """Not while a task package is being imported (the database must stay open)."""
        return not self._importing

    def _busy(self, busy: bool) -> None:
        self._importing = busy
        self.import_button.setEnabled(not busy)
        self.setup().set_busy(busy)
        self.completeChanged.emit()

    def choose_and_import(self, path: Path | None = None) -> None:
        """Import a task package into the new database."""
        db = self.setup().database
        if db is None:
            return
        if path is None:
            path = interaction.open_file(
                self, _("选择市局任务包"), str(Path.home()), _("任务包 (*.xlsx)")
            )
            if path is None:
                return
        chosen = path
        self._busy(True)

        def op(database: Database, _progress: Progress) -> str:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.packages.task import import_task

            return import_task(database, chosen).describe()

        def done(text: str) -> None:
            self._busy(False)
            self.result.setText(text)

        def failed(exc: BaseException) -> None:
            self._busy(False)
            self.result.setText(interaction.error_text(exc))

        DbOp(self, db, op, label=_("正在导入任务包…")).success(done).failure(failed).run()


# Pages after the operator page, in order. The signing-key page creates the database.
PAGE_HOOKS: dict[str, Callable[[], QWizardPage]] = {
    "signing_key": SigningKeyPage,
    "enrolment": EnrolmentPage,
    "trusted_keys": TrustedKeysPage,
    "task_package": TaskPackagePage,
}


class SetupWizard(QWizard):
    """The first-run wizard; after ``exec``/``accept``, :attr:`database` is the new database."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SetupWizard")
        self.setWindowTitle(_("VetDesk 初始设置"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.role_page = RolePage()
        self.operator_page = OperatorPage(self.role_page)
        self.addPage(self.role_page)
        self.addPage(self.operator_page)
        for factory in PAGE_HOOKS.values():
            self.addPage(factory())
        self.database: Database | None = None
        self.key: OwnKey | None = None
        self.busy = False
        self.resize(720, 520)

    def answers(self) -> SetupAnswers:
        """The answers of the first pages."""
        return SetupAnswers(
            path=self.operator_page.target(),
            role=self.role_page.role(),
            unit_code=self.role_page.unit_code(),
            operator=self.operator_page.operator.text(),
            year=self.operator_page.year.value(),
        )

    def set_busy(self, busy: bool) -> None:
        """Keep the person from leaving or cancelling while the database is being written."""
        self.busy = busy
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(not busy)

    def nextId(self) -> int:
        """The next page that applies to the answers (the task page is for counties only)."""
        following = [i for i in self.pageIds() if i > self.currentId()]
        for page_id in following:
            page = self.page(page_id)
            if not isinstance(page, SetupPage) or page.applies():
                return page_id
        return -1

    def accept(self) -> None:
        """Close; the database exists already (made when leaving the signing-key page)."""
        if self.database is None:
            try:
                self.database = self.create_database()
            except Exception as exc:  # shown to the person; the wizard stays open to fix it
                interaction.show_error(self, exc)
                return
        super().accept()

    def reject(self) -> None:
        """Cancel; a database already created is closed and kept (File → Open finds it)."""
        if self.busy:  # Esc while the database is written: its result must arrive first
            return
        if self.database is not None:
            # Cancel is disabled while the database is written, so nothing is left to wait
            # for here but, at most, a read that is finishing.
            wait_for_all()
            self.database.close()
            self.database = None
        super().reject()

    def create_database(self) -> Database:
        """Create the database and its first period from the answers (blocking)."""
        return create_from_answers(self.answers())
