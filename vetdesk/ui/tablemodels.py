"""Table models: thin Qt adapters over the plain rows of :mod:`vetdesk.services.records`.

After Anki's ``browser/table/model.py``: columns are declared once in a table, ``data()``
dispatches on the role, resets happen in ``try/finally``. Sorting and filtering are done
here on Python lists of row indices rather than by a ``QSortFilterProxyModel``, whose
comparisons would call ``data()`` through Python millions of times for 100 000 rows:
sorting by a precomputed key is one ``list.sort`` (well under a second), and a search is
one pass over a cached lower-case text per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from vetdesk.domain import enums
from vetdesk.domain.fields import WAN_YUAN_LABELS, field_label
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.domain.money import wan_yuan_text
from vetdesk.domain.units import load_units
from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import CONDITION, SCHOOL, TEACHER, TRAINING

if TYPE_CHECKING:
    from vetdesk.domain.rows import ConditionRow, SchoolRow, TeacherRow, TrainingRow
    from vetdesk.services.records import Record

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex

ERROR_BRUSH = QBrush(QColor("#fde2e1"))
WARNING_BRUSH = QBrush(QColor("#fff4d6"))


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: the field it shows, its header, how to read, show and search a row."""

    key: str
    title: str
    value: Callable[[T], object]
    display: Callable[[T], str] | None = None
    numeric: bool = False
    search: Callable[[T], str] | None = None
    width: int = 0  # initial width in pixels (0: the table's default)

    def text(self, row: T) -> str:
        """The cell text."""
        if self.display is not None:
            return self.display(row)
        return display_value(self.value(row))


def display_value(value: object) -> str:
    """How a stored value is shown in a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("有") if value else pgettext("TableModels", "无")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sort_key(value: object) -> tuple[int, Any]:
    """A key that sorts blanks last and Chinese text in pinyin order (GB 2312 level 1)."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, str):
        # GB 2312/GB 18030 order the 3 755 common hanzi by pinyin: the byte order gives
        # the order Chinese users expect, at the cost of an encode, without ICU.
        return (1, value.encode("gb18030", errors="replace"))
    if isinstance(value, dt.date):
        return (0, value.toordinal())
    if isinstance(value, bool):
        return (0, int(value))
    return (0, value)


def _enum_label(enum_type: type[enums.LabelledEnum]) -> Callable[[str], str]:
    def label(value: str) -> str:
        member = enum_type.from_text(value) if value else None
        return member.label if member is not None else value

    return label


def _attr(name: str) -> Callable[[Any], object]:
    return lambda row: getattr(row, name)


def _wan_yuan_display(name: str) -> Callable[[Any], str]:
    def display(row: Any) -> str:
        value = getattr(row, name)
        return "" if value is None else wan_yuan_text(value)

    return display


def _county_name(code: str) -> str:
    unit = load_units().get(code)
    return unit.label if unit is not None else code


# Initial widths (pixels) of columns whose content is wider than the default 120.
_WIDTHS: dict[tuple[str, str], int] = {
    (SCHOOL, "name"): 300,
    (SCHOOL, "category"): 130,
    (SCHOOL, "credit_code"): 180,
    (CONDITION, "school"): 280,
    (TEACHER, "id_number"): 160,
    (TEACHER, "school"): 260,
    (TEACHER, "role"): 180,
    (TEACHER, "double_teacher_level"): 130,
    (TEACHER, "double_teacher_date"): 140,
    (TRAINING, "name"): 300,
    (TRAINING, "school"): 260,
    (TRAINING, "category"): 140,
    (TRAINING, "target_group"): 130,
    (TRAINING, "funding_yuan"): 130,
}


def _sized(entity: str, columns: Sequence[Column[Any]]) -> list[Column[Any]]:
    widths = {key: width for (kind, key), width in _WIDTHS.items() if kind == entity}
    sized = []
    for column in columns:
        width = widths.get(column.key, 0)
        if not width and entity == CONDITION and column.numeric:
            width = 160  # headers such as 全日制在校生数（人） are long
        sized.append(replace(column, width=width) if width else column)
    return sized


def columns_for(entity: str, school_names: Mapping[str, str]) -> list[Column[Any]]:
    """The columns of an entity's table (``school_names``: code to name, for other tables)."""

    def school_name(code: str) -> str:
        return school_names.get(code, code)

    if entity == SCHOOL:
        level, category = _enum_label(enums.SchoolLevel), _enum_label(enums.SchoolCategory)
        ownership = _enum_label(enums.Ownership)
        school_cols: list[Column[SchoolRow]] = [
            Column(
                "school_code",
                field_label(SCHOOL, "school_code"),
                lambda r: r.school_code,
                search=lambda r: r.school_code,
            ),
            Column("name", field_label(SCHOOL, "name"), lambda r: r.name, search=lambda r: r.name),
            Column(
                "county_code",
                field_label(SCHOOL, "county_code"),
                lambda r: r.county_code,
                lambda r: _county_name(r.county_code),
            ),
            Column(
                "level", field_label(SCHOOL, "level"), lambda r: r.level, lambda r: level(r.level)
            ),
            Column(
                "category",
                field_label(SCHOOL, "category"),
                lambda r: r.category,
                lambda r: category(r.category),
            ),
            Column(
                "ownership",
                field_label(SCHOOL, "ownership"),
                lambda r: r.ownership,
                lambda r: ownership(r.ownership),
            ),
            Column("credit_code", field_label(SCHOOL, "credit_code"), lambda r: r.credit_code),
            Column(
                "contact_person", field_label(SCHOOL, "contact_person"), lambda r: r.contact_person
            ),
            Column(
                "contact_phone", field_label(SCHOOL, "contact_phone"), lambda r: r.contact_phone
            ),
            Column(
                "active",
                _("状态"),
                lambda r: r.active,
                lambda r: (
                    pgettext("TableModels", "在用") if r.active else pgettext("TableModels", "停用")
                ),
            ),
        ]
        return _sized(entity, school_cols)
    if entity == CONDITION:
        cond_cols: list[Column[ConditionRow]] = [
            Column(
                "school_code",
                field_label(SCHOOL, "school_code"),
                lambda r: r.school_code,
                search=lambda r: r.school_code,
            ),
            Column(
                "school",
                field_label(SCHOOL, "name"),
                lambda r: school_name(r.school_code),
                search=lambda r: school_name(r.school_code),
            ),
        ]
        for name in (
            "full_time_students",
            "land_area_m2",
            "building_area_m2",
            "equipment_value_yuan",
            "books",
            "teaching_computers",
            "training_places",
            "majors_count",
            "dormitory_area_m2",
            "converted_students",
            "teaching_admin_area_m2",
        ):
            if name in WAN_YUAN_LABELS:
                # Sorted by the stored 元, shown in 万元 like the form and the templates.
                cond_cols.append(
                    Column(
                        name,
                        _(WAN_YUAN_LABELS[name]),
                        _attr(name),
                        _wan_yuan_display(name),
                        numeric=True,
                    )
                )
                continue
            cond_cols.append(
                Column(
                    name,
                    field_label(CONDITION, name),
                    _attr(name),
                    numeric=True,
                )
            )
        cond_cols.append(
            Column(
                "has_running_track",
                field_label(CONDITION, "has_running_track"),
                lambda r: r.has_running_track,
            )
        )
        return _sized(entity, cond_cols)
    if entity == TEACHER:
        role, education = _enum_label(enums.TeacherRole), _enum_label(enums.Education)
        title, double = _enum_label(enums.Title), _enum_label(enums.DoubleTeacherLevel)
        teacher_cols: list[Column[TeacherRow]] = [
            Column("name", field_label(TEACHER, "name"), lambda r: r.name, search=lambda r: r.name),
            # Lists never show a whole 身份证号; searching by the full number still works.
            Column(
                "id_number",
                field_label(TEACHER, "id_number"),
                lambda r: r.id_number,
                lambda r: mask_id_number(r.id_number),
                search=lambda r: r.id_number,
            ),
            Column(
                "school",
                field_label(SCHOOL, "name"),
                lambda r: school_name(r.school_code),
                search=lambda r: school_name(r.school_code),
            ),
            Column("role", field_label(TEACHER, "role"), lambda r: r.role, lambda r: role(r.role)),
            Column(
                "education",
                field_label(TEACHER, "education"),
                lambda r: r.education,
                lambda r: education(r.education),
            ),
            Column(
                "title", field_label(TEACHER, "title"), lambda r: r.title, lambda r: title(r.title)
            ),
            Column(
                "double_teacher_level",
                field_label(TEACHER, "double_teacher_level"),
                lambda r: r.double_teacher_level,
                lambda r: double(r.double_teacher_level),
            ),
            Column(
                "double_teacher_date",
                field_label(TEACHER, "double_teacher_date"),
                lambda r: r.double_teacher_date,
            ),
            Column("hired_date", field_label(TEACHER, "hired_date"), lambda r: r.hired_date),
            Column("practices", _("企业实践（段）"), lambda r: len(r.practices), numeric=True),
            Column("honours", field_label(TEACHER, "honours"), lambda r: r.honours),
        ]
        return _sized(entity, teacher_cols)
    if entity == TRAINING:
        tcat, group = _enum_label(enums.TrainingCategory), _enum_label(enums.TargetGroup)
        training_cols: list[Column[TrainingRow]] = [
            Column(
                "name", field_label(TRAINING, "name"), lambda r: r.name, search=lambda r: r.name
            ),
            Column(
                "school",
                field_label(SCHOOL, "name"),
                lambda r: school_name(r.school_code),
                search=lambda r: school_name(r.school_code),
            ),
            Column(
                "category",
                field_label(TRAINING, "category"),
                lambda r: r.category,
                lambda r: tcat(r.category),
            ),
            Column(
                "target_group",
                field_label(TRAINING, "target_group"),
                lambda r: r.target_group,
                lambda r: group(r.target_group),
            ),
            Column("start_date", field_label(TRAINING, "start_date"), lambda r: r.start_date),
            Column("end_date", field_label(TRAINING, "end_date"), lambda r: r.end_date),
            Column("hours", field_label(TRAINING, "hours"), lambda r: r.hours, numeric=True),
            Column(
                "enrolled", field_label(TRAINING, "enrolled"), lambda r: r.enrolled, numeric=True
            ),
            Column(
                "completed", field_label(TRAINING, "completed"), lambda r: r.completed, numeric=True
            ),
            Column(
                "certified", field_label(TRAINING, "certified"), lambda r: r.certified, numeric=True
            ),
            Column(
                "funding_yuan",
                field_label(TRAINING, "funding_yuan"),
                lambda r: r.funding_yuan,
                numeric=True,
            ),
            Column(
                "partner_enterprise",
                field_label(TRAINING, "partner_enterprise"),
                lambda r: r.partner_enterprise,
                search=lambda r: r.partner_enterprise or "",
            ),
        ]
        return _sized(entity, training_cols)
    raise ValueError(f"unknown entity {entity!r}")


class RowTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of items, with its own sort, search and school filter.

    Attributes:
        _items: every item, in load order.
        _view: indices into ``_items`` of the rows shown, in display order.
        _haystack: lazily built lower-case search text per item.
        _marks: record key to severity ("error"/"warning"), to tint rows with findings.

    """

    def __init__(
        self,
        columns: Sequence[Column[Any]],
        *,
        row_of: Callable[[T], Any] = lambda item: item,
        key_of: Callable[[T], str] | None = None,
        school_of: Callable[[T], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns: list[Column[Any]] = list(columns)
        self._row_of = row_of
        self._key_of = key_of
        self._school_of = school_of
        self._items: list[T] = []
        self._view: list[int] = []
        self._haystack: list[str] | None = None
        self._search = ""
        self._school: str | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._marks: Mapping[str, str] = {}

    # --- content --------------------------------------------------------------------------------

    def set_items(
        self,
        items: Sequence[T],
        columns: Sequence[Column[Any]] | None = None,
        *,
        haystack: list[str] | None = None,
    ) -> None:
        """Replace every row (and optionally the columns).

        ``haystack`` is the rows' :func:`search_texts` when a worker built it already:
        otherwise the first search builds it, which takes a noticeable moment on the
        GUI thread for 100 000 rows.
        """
        self.beginResetModel()
        try:
            if columns is not None:
                self._columns = list(columns)
            self._items = list(items)
            self._haystack = (
                haystack if haystack is not None and len(haystack) == len(items) else None
            )
            self._rebuild_view()
        finally:
            self.endResetModel()

    def items(self) -> list[T]:
        """Every item, shown or not."""
        return self._items

    def item(self, row: int) -> T:
        """The item shown in a row."""
        return self._items[self._view[row]]

    def columns(self) -> list[Column[Any]]:
        """The columns."""
        return self._columns

    def column_of(self, key: str) -> int:
        """The column showing a field, or -1."""
        return next((i for i, c in enumerate(self._columns) if c.key == key), -1)

    def row_of_key(self, key: str) -> int:
        """The displayed row whose record key is ``key``, or -1 (also when filtered out)."""
        if self._key_of is None:
            return -1
        for position, index in enumerate(self._view):
            if self._key_of(self._items[index]) == key:
                return position
        return -1

    def replace_item(self, old: T, new: T) -> None:
        """Put an edited item in place of the old one (same display position)."""
        try:
            index = self._items.index(old)
        except ValueError:
            self.add_item(new)
            return
        self._items[index] = new
        if self._haystack is not None:
            self._haystack[index] = self._hay(new)
        if index in self._view:
            row = self._view.index(index)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def add_item(self, item: T) -> None:
        """Append an item (shown at the end until the next sort)."""
        self.beginResetModel()
        try:
            self._items.append(item)
            if self._haystack is not None:
                self._haystack.append(self._hay(item))
            self._rebuild_view(resort=False)
            if len(self._items) - 1 not in self._view and self._accepts(len(self._items) - 1):
                self._view.append(len(self._items) - 1)
        finally:
            self.endResetModel()

    def remove_item(self, item: T) -> None:
        """Remove an item."""
        if item not in self._items:
            return
        self.beginResetModel()
        try:
            index = self._items.index(item)
            del self._items[index]
            if self._haystack is not None:
                del self._haystack[index]
            self._rebuild_view()
        finally:
            self.endResetModel()

    def set_marks(self, marks: Mapping[str, str]) -> None:
        """Tint rows whose record key has an error or an unexplained warning."""
        self._marks = marks
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, self.columnCount() - 1),
                [Qt.ItemDataRole.BackgroundRole],
            )

    # --- filtering and sorting ------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        """Show only rows whose searchable columns contain ``text`` (case-insensitive)."""
        text = text.strip().lower()
        if text == self._search:
            return
        self.beginResetModel()
        try:
            self._search = text
            self._rebuild_view()
        finally:
            self.endResetModel()

    def set_school(self, school_code: str | None) -> None:
        """Show only the rows of one school (None: all)."""
        if school_code == self._school:
            return
        self.beginResetModel()
        try:
            self._school = school_code
            self._rebuild_view()
        finally:
            self.endResetModel()

    def _hay(self, item: T) -> str:
        return search_text(self._columns, self._row_of(item))

    def _accepts(self, index: int) -> bool:
        item = self._items[index]
        if (
            self._school is not None
            and self._school_of is not None
            and self._school_of(item) != self._school
        ):
            return False
        if self._search:
            if self._haystack is None:
                self._haystack = [self._hay(i) for i in self._items]
            return self._search in self._haystack[index]
        return True

    def _rebuild_view(self, *, resort: bool = True) -> None:
        if not self._search and self._school is None:
            self._view = list(range(len(self._items)))
        else:
            self._view = [i for i in range(len(self._items)) if self._accepts(i)]
        if resort and self._sort is not None:
            self._sort_view(*self._sort)

    def _sort_view(self, column: int, order: Qt.SortOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        value = self._columns[column].value
        items, row_of = self._items, self._row_of
        self._view.sort(
            key=lambda i: sort_key(value(row_of(items[i]))),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the shown rows by a column."""
        self.layoutAboutToBeChanged.emit()
        try:
            self._sort = (column, order)
            self._sort_view(column, order)
        finally:
            self.layoutChanged.emit()

    # --- Qt model interface ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        """Rows shown."""
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; row numbers."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return section + 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment, tint and the item itself (UserRole)."""
        if not index.isValid():
            return None
        item = self._items[self._view[index.row()]]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            return column.text(self._row_of(item))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and self._marks and self._key_of is not None:
            mark = self._marks.get(self._key_of(item))
            if mark == "error":
                return ERROR_BRUSH
            if mark == "warning":
                return WARNING_BRUSH
            return None
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None


ColumnsFor = Callable[[Mapping[str, str]], Sequence[Column[Any]]]


def search_text(columns: Sequence[Column[Any]], row: Any) -> str:
    """The lower-case text a search looks in for one row."""
    return "\n".join(c.search(row) for c in columns if c.search is not None).lower()


def search_texts(columns: Sequence[Column[Any]], rows: Iterable[Any]) -> list[str]:
    """The search text of every row (pure Python: a worker builds it for big tables)."""
    searched = [c.search for c in columns if c.search is not None]
    return ["\n".join(search(row) for search in searched).lower() for row in rows]


def record_search_texts(
    entity: str,
    items: Sequence[Record[Any]],
    school_names: Mapping[str, str],
    columns: ColumnsFor | None = None,
) -> list[str]:
    """The search texts of one entity's records, for :meth:`RowTableModel.set_items`."""
    chosen = columns(school_names) if columns is not None else columns_for(entity, school_names)
    return search_texts(chosen, (record.row for record in items))


def record_model(
    entity: str,
    school_names: Mapping[str, str],
    parent: Any = None,
    columns: ColumnsFor | None = None,
) -> RowTableModel[Record[Any]]:
    """A table model over the :class:`Record` items of one entity.

    ``columns`` gives the columns of a kind :func:`columns_for` does not know (the
    ten-measure records declare theirs in :mod:`vetdesk.ui.targets`).
    """
    return RowTableModel(
        columns(school_names) if columns is not None else columns_for(entity, school_names),
        row_of=lambda rec: rec.row,
        key_of=lambda rec: rec.key,
        school_of=lambda rec: rec.row.school_code,
        parent=parent,
    )
