"""What to do with a workbook the user opens with VetDesk (file manager, Explorer, ``vetdesk FILE``).

The desktop hands VetDesk a path and nothing else. The hidden metadata says what the
workbook is (template, export, package, task package, receipt) and the database's role
says what this office does with it: a county imports data workbooks, task packages and
receipts; the city lists county packages in its inbox to verify and merge them. Every
other combination is refused here, with the reason, so the CLI and the GUI say the same.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from vetdesk.errors import VetDeskError
from vetdesk.i18n import _
from vetdesk.workbook.meta import (
    KIND_DRAFT,
    KIND_EXPORT,
    KIND_PACKAGE,
    KIND_RECEIPT,
    KIND_TASK,
    KIND_TEMPLATE,
    kind_name,
)
from vetdesk.workbook.reader import read_workbook

_DATA_KINDS = (KIND_TEMPLATE, KIND_EXPORT, KIND_DRAFT, KIND_PACKAGE)


class OpenRoute(enum.StrEnum):
    """Where an opened workbook goes."""

    IMPORT_DATA = "import_data"  # county: the import dialog (template, export, draft, package)
    IMPORT_TASK = "import_task"  # county: the city's task package
    IMPORT_RECEIPT = "import_receipt"  # county: the city's receipt
    INBOX = "inbox"  # city: a county package to verify and merge
    REFUSED = "refused"  # nothing this office does with it; ``message`` says why


@dataclass(frozen=True)
class OpenPlan:
    """What VetDesk will do with one opened workbook."""

    path: Path
    kind: str | None  # the workbook's metadata kind; None when it is not a VetDesk workbook
    route: OpenRoute
    message: str  # what the user is told: the step about to open, or why nothing opens

    @property
    def refused(self) -> bool:
        """Whether nothing will be opened."""
        return self.route is OpenRoute.REFUSED


def workbook_kind(path: Path) -> str | None:
    """The metadata kind of a workbook (None for an ordinary one); unsafe files raise."""
    return _kind_of(read_workbook(path, sheets=()).meta)


def commands_for(kind: str | None, *, is_city: bool | None, period: int | None = None) -> list[str]:
    """The sub-commands, with their options, that do without a window what opening would do.

    They follow :func:`plan_open`: the city verifies and merges a county's package and
    nothing else; a county imports data, a task package or a receipt. With ``is_city``
    None (the database's role is not known) both sides' commands are given. A workbook
    that carries no period (an ordinary one) is imported with ``--period``: the newest
    period of the database when given, otherwise a word the user replaces.
    """
    city = ["verify", "merge --dry-run", "merge"] if kind == KIND_PACKAGE else []
    county: list[str] = []
    if kind == KIND_TASK:
        county = ["task import --dry-run", "task import"]
    elif kind == KIND_RECEIPT:
        county = ["receipt import"]
    elif kind in _DATA_KINDS or kind is None:
        year = "" if kind is not None else f" --period {period if period else _('年度')}"
        county = [f"import --dry-run{year}", f"import{year}"]
    if is_city is None:
        return city + county
    return city if is_city else county


def _kind_of(meta: object) -> str | None:
    return getattr(meta, "kind", None)


def plan_open(path: Path, *, is_city: bool) -> OpenPlan:
    """Decide what a county or the city does with a workbook it was asked to open."""
    try:
        kind = workbook_kind(path)
    except VetDeskError as exc:  # unsafe, damaged, missing: the gate's message says which
        return OpenPlan(path, None, OpenRoute.REFUSED, exc.message)
    return OpenPlan(path, kind, *_route(kind, is_city=is_city, name=path.name))


def _route(kind: str | None, *, is_city: bool, name: str) -> tuple[OpenRoute, str]:
    what = kind_name(kind)
    if is_city:
        if kind == KIND_PACKAGE:
            return OpenRoute.INBOX, _("{name} 是县区上报数据包，已加入收件箱核验。").format(
                name=name
            )
        return OpenRoute.REFUSED, _(
            "{name} 是{what}。市级数据库只接收县区的上报数据包（在“收件箱”中核验、合并），"
            "不导入其他工作簿。"
        ).format(name=name, what=what)
    if kind in _DATA_KINDS or kind is None:
        # An ordinary workbook may still be a school's filled sheet: the importer reads its
        # headers and says, sheet by sheet, what it can use.
        return OpenRoute.IMPORT_DATA, _("导入 {name}（{what}）。").format(name=name, what=what)
    if kind == KIND_TASK:
        return OpenRoute.IMPORT_TASK, _("导入市局任务包 {name}。").format(name=name)
    if kind == KIND_RECEIPT:
        return OpenRoute.IMPORT_RECEIPT, _("导入市局回执 {name}。").format(name=name)
    return OpenRoute.REFUSED, _("{name} 是{what}，县区数据库不能打开它。").format(
        name=name, what=what
    )
