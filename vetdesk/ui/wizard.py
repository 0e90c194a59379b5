"""The first-run wizard: county or city, the unit, the operator, where the data lives.

Pages for features that come later plug in through :data:`PAGE_HOOKS`: the signing-key
page and starting from a city task package are placeholders (marked HOOK) that the
signing and exchange engineers replace with ``PAGE_HOOKS["signing_key"] = TheirPage``.
The wizard itself only collects answers; :meth:`SetupWizard.create_database` makes the database
through the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
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

from vetdesk.domain.enums import Role
from vetdesk.domain.units import load_units
from vetdesk.paths import data_dir
from vetdesk.services import records

if TYPE_CHECKING:
    from vetdesk.services.database import Database


def _tr(text: str) -> str:
    return QCoreApplication.translate("SetupWizard", text)


class RolePage(QWizardPage):
    """County office or city bureau, and which county."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_tr("欢迎使用 VetDesk 职教数据台"))
        self.setSubTitle(_tr("请选择本机的使用单位。以后可以新建或打开其他数据库。"))
        self.county = QRadioButton(_tr("县区教育局（填报本县区学校数据）"))
        self.county.setObjectName("county")
        self.city = QRadioButton(_tr("市教育局（核验、汇总各县区数据）"))
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
        unit_label = QLabel(_tr("县区(&U)："))
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
    """Who works here, the first statistics year and where the database file goes."""

    def __init__(self, role_page: RolePage) -> None:
        super().__init__()
        self._role_page = role_page
        self.setTitle(_tr("操作员与数据文件"))
        self.setSubTitle(_tr("操作员姓名会记入每一条修改记录（审计日志）。"))
        self.operator = QLineEdit()
        self.operator.setObjectName("operator")
        self.operator.setPlaceholderText(_tr("如：张老师"))
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year - 1)
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton(_tr("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout(self)
        for text, widget in (
            (_tr("操作员姓名(&O)："), self.operator),
            (_tr("首个统计年度(&Y)："), self.year),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(_tr("数据库文件："), holder)
        self.registerField("operator*", self.operator)
        self.operator.textChanged.connect(self.completeChanged)
        self.path.textChanged.connect(self.completeChanged)

    def initializePage(self) -> None:
        """Suggest a file named after the unit in the data directory."""
        if not self.path.text():
            code = self._role_page.unit_code()
            self.path.setText(str(data_dir() / f"vetdesk-{code}.db"))

    def isComplete(self) -> bool:
        """An operator name and a file that does not exist yet."""
        target = Path(self.path.text().strip()) if self.path.text().strip() else None
        return bool(self.operator.text().strip()) and target is not None and not target.exists()

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _tr("数据库文件"), self.path.text(), _tr("VetDesk 数据库 (*.db)")
        )
        if path:
            self.path.setText(path)


class SigningKeyPage(QWizardPage):
    """HOOK (signing issue): create the unit's signing key here.

    Placeholder until the signing engineers set ``PAGE_HOOKS["signing_key"]``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("signing_key_page")
        self.setTitle(_tr("签名密钥"))
        self.setSubTitle(_tr("上报数据包需要本单位的签名密钥。"))
        label = QLabel(
            _tr("签名密钥的创建将在后续版本中提供。现在可以直接继续，稍后在“文件”菜单中创建。")
        )
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)


class TaskPackagePage(QWizardPage):
    """HOOK (exchange issue): optionally start from a city task package."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("task_package_page")
        self.setTitle(_tr("市局任务包（可选）"))
        label = QLabel(
            _tr(
                "如果市局已下发任务包，以后可从任务包开始（将在后续版本中提供）。"
                "现在按“完成”即创建一个空数据库。"
            )
        )
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)


# Pages after the operator page, in order; later features replace the placeholders.
PAGE_HOOKS: dict[str, Callable[[], QWizardPage]] = {
    "signing_key": SigningKeyPage,  # HOOK: signing-key creation
    "task_package": TaskPackagePage,  # HOOK: start from a city task package
}


class SetupWizard(QWizard):
    """The first-run wizard; after ``exec``/``accept``, :attr:`database` is the new database."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SetupWizard")
        self.setWindowTitle(_tr("VetDesk 初始设置"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.role_page = RolePage()
        self.operator_page = OperatorPage(self.role_page)
        self.addPage(self.role_page)
        self.addPage(self.operator_page)
        for factory in PAGE_HOOKS.values():
            self.addPage(factory())
        self.database: Database | None = None
        self.resize(640, 460)

    def accept(self) -> None:
        """Create the database, then close."""
        from vetdesk.ui.interaction import show_error

        try:
            self.database = self.create_database()
        except Exception as exc:  # shown to the person; the wizard stays open to fix it
            show_error(self, exc)
            return
        super().accept()

    def create_database(self) -> Database:
        """Create the database and its first period from the answers."""
        from vetdesk.services.database import create_database

        path = Path(self.operator_page.path.text().strip())
        db = create_database(
            path,
            role=self.role_page.role(),
            unit_code=self.role_page.unit_code(),
            operator=self.operator_page.operator.text(),
        )
        records.open_period(db, self.operator_page.year.value())
        return db
