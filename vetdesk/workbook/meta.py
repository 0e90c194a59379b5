"""The hidden metadata that tells an importer what a workbook is.

Kept twice so that it survives Excel, WPS and LibreOffice saves: a very hidden sheet
``_vetdesk`` with key/value rows, and short custom document properties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.packaging.custom import StringProperty

from vetdesk.i18n import N_, _

META_SHEET = "_vetdesk"
KIND_TEMPLATE = "template"
KIND_EXPORT = "export"
KIND_DRAFT = "draft"
KIND_PACKAGE = "package"
KIND_RECEIPT = "receipt"
KIND_TASK = "task"
# The kinds of VetDesk workbooks in the user's words: messages name a kind by these, never
# by the metadata's code.
KIND_NAMES = {
    KIND_TEMPLATE: N_("填报模板"),
    KIND_EXPORT: N_("导出工作簿"),
    KIND_DRAFT: N_("未签名草稿"),
    KIND_PACKAGE: N_("上报数据包"),
    KIND_RECEIPT: N_("市局回执"),
    KIND_TASK: N_("市局任务包"),
}
_PROPERTY_PREFIX = "VetDesk."
# Custom properties longer than 255 characters may be truncated by Excel (MS-OI29500).
_PROPERTY_LIMIT = 255


@dataclass
class WorkbookMeta:
    """What a VetDesk workbook says about itself."""

    kind: str
    format: int
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        """A metadata value."""
        return self.values.get(key, default)

    @property
    def period(self) -> int | None:
        """The period year, when the workbook names one."""
        text = self.values.get("period", "")
        return int(text) if text.isdigit() else None


def write_meta(workbook: Any, meta: WorkbookMeta, *, write_only: bool = False) -> None:
    """Add the metadata sheet and properties to a workbook being written."""
    sheet = workbook.create_sheet(META_SHEET)
    rows = [("kind", meta.kind), ("format", str(meta.format)), *meta.values.items()]
    for key, value in rows:
        sheet.append([key, value])
    sheet.sheet_state = "veryHidden"
    props = workbook.custom_doc_props
    for key, value in rows:
        if len(value) <= _PROPERTY_LIMIT and key not in ("manifest", "signature"):
            props.append(StringProperty(name=_PROPERTY_PREFIX + key, value=value))
    del write_only


def read_meta(workbook: Any) -> WorkbookMeta | None:
    """The metadata of a workbook opened with openpyxl, from the hidden sheet or else the properties."""
    rows: list[Any] = []
    if META_SHEET in workbook.sheetnames:
        rows = list(workbook[META_SHEET].iter_rows(max_col=2, values_only=True))
    try:
        props = workbook.custom_doc_props
    except AttributeError:
        props = None
    properties = {
        str(getattr(prop, "name", "")): str(prop.value) for prop in reversed(list(props or []))
    }
    return meta_from(rows, properties)


def meta_from(rows: Iterable[Sequence[Any]], properties: Mapping[str, str]) -> WorkbookMeta | None:
    """The metadata from the hidden sheet's rows, or else the custom document properties."""
    values: dict[str, str] = {}
    for row in rows:
        if row and row[0] is not None:
            values[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if "kind" not in values:
        for name, value in properties.items():
            if name.startswith(_PROPERTY_PREFIX):
                values.setdefault(name[len(_PROPERTY_PREFIX) :], value)
    if "kind" not in values:
        return None
    kind = values.pop("kind")
    fmt = values.pop("format", "0")
    return WorkbookMeta(kind, int(fmt) if fmt.isdigit() else 0, values)


def kind_name(kind: str | None) -> str:
    """The kind of a VetDesk workbook in the user's words (None: not a VetDesk workbook)."""
    if not kind:
        return _("非 VetDesk 工作簿")
    return _(KIND_NAMES.get(kind, N_("其他 VetDesk 文件")))
