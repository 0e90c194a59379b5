"""School templates: the workbook a county sends to its schools to fill in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.period_data import load_period_data, load_schools
from vetdesk.db.write_policy import WriteAction, require
from vetdesk.domain.rows import PeriodData
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.workbook.meta import KIND_TEMPLATE
from vetdesk.workbook.rows import Record, sheet_records
from vetdesk.workbook.schema import SCHOOL_CODE, SCHOOLS, TEMPLATE_SHEETS, Column, Kind, SheetSpec
from vetdesk.workbook.writer import (
    DATE_FORMAT,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    TEXT_FORMAT,
    add_meta,
    cell_value,
    save_workbook,
    standard_meta,
)

LISTS_SHEET = "_lists"
BLANK_ROWS = 300
_TEXT_KINDS = (Kind.TEXT, Kind.NAME, Kind.CODE, Kind.ID_NUMBER, Kind.MULTI)


@dataclass(frozen=True)
class TemplateResult:
    """What a template holds."""

    path: Path
    schools: list[str]
    prefilled: dict[str, int]
    source_year: int | None


def _source_data(db: Database, year: int) -> tuple[PeriodData | None, PeriodData | None]:
    with db.session() as session:
        years = set(session.scalars(select(models.Period.year)))
        current = load_period_data(session, year) if year in years else None
        earlier = [y for y in years if y < year]
        previous = load_period_data(session, max(earlier)) if earlier else None
    return current, previous


def _choices(column: Column) -> list[str]:
    if column.kind == Kind.BOOL:
        return ["是", "否"]
    assert column.enum is not None
    return [m.label_zh for m in column.enum]


def _instructions(
    wb: Workbook, db: Database, year: int, schools: list[Any], sheets: tuple[SheetSpec, ...]
) -> None:
    ws = wb.active
    ws.title = _("填表说明")
    info = db.info()
    lines: list[tuple[str, bool]] = [
        (_("{unit} {year} 年度职业教育数据填报表").format(unit=info.unit_name, year=year), True),
        (
            _("学校：{names}").format(
                names="、".join(f"{s.name}（{s.school_code}）" for s in schools)
            ),
            False,
        ),
        ("", False),
        (_("填写须知"), True),
        (
            _(
                "1. 请勿修改或删除表头文字；可以整列移动（连同表头）调整列的顺序，不需要的空行可以保留。"
            ),
            False,
        ),
        (_("2. 带 * 的列为必填。下拉列表中的选项请直接选择，不要自行输入其他写法。"), False),
        (_("3. 身份证号、学校标识码等代码请按文本填写，不要存成数字（否则末几位会丢失）。"), False),
        (_("4. 日期按 2024-07-18 填写（也可写 2024/7/18、2024年7月18日）。"), False),
        (_("5. 面积填平方米，仪器设备总值填万元，人数、册数、台数填整数。"), False),
        (_("6. 请勿使用公式，也不要合并单元格；从其他表格复制时请“粘贴为数值”。"), False),
        (
            _(
                "7. 教师名册须是本校完整名册：导入时以本表为准，表中没有的教师将从本年度名册中移除。"
            ),
            False,
        ),
        ("", False),
    ]
    for spec in sheets:
        lines.append((f"【{spec.sheet_title}】 {_(spec.description)}", True))
        for column in spec.columns:
            if column.informational:
                continue
            hint = f"：{_(column.hint)}" if column.hint else ""
            lines.append((f"    {column.header_text}{hint}", False))
        lines.append(("", False))
    for text, bold in lines:
        ws.append([text])
        if bold:
            ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)


_LINE_HEIGHT_PT = 15


def _display_width(text: str) -> int:
    # A CJK character (or full-width mark) takes two character widths of a column.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def header_height(columns: tuple[Column, ...]) -> float:
    """The height in points of a header row whose wrapped headers all show in full."""
    lines = 1
    for column in columns:
        usable = max(int(column.width) - 1, 1)
        lines = max(lines, -(-_display_width(column.header_text) // usable))
    return float(lines * _LINE_HEIGHT_PT + 4)


def _data_sheet(
    wb: Workbook,
    spec: SheetSpec,
    records: list[Record],
    lists: Any,
    list_ranges: dict[str, str],
    school: Record | None = None,
) -> None:
    ws = wb.create_sheet(spec.title)  # Chinese in either language: see SheetSpec.sheet_title
    ws.freeze_panes = "A2"
    # Excel keeps a row at one line's height whatever its wrapped text needs: the header
    # row gets the height of its longest header, so no header is cut off.
    ws.row_dimensions[1].height = header_height(spec.columns)
    last_row = len(records) + BLANK_ROWS + 1
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        header = ws.cell(1, index, column.header_text)
        header.font, header.fill, header.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        if column.hint:
            header.comment = Comment(_(column.hint), "VetDesk")
        if column.kind in (Kind.ENUM, Kind.BOOL):
            # One list per set of choices, not per column key: two sheets share the key
            # "status" (专业状态, 建设状态) with different choices.
            list_key = column.enum.__name__ if column.enum is not None else Kind.BOOL.value
            if list_key not in list_ranges:
                col_index = len(list_ranges) + 1
                values = _choices(column)
                for row_index, value in enumerate(values, start=1):
                    lists.cell(row_index, col_index, value)
                list_letter = get_column_letter(col_index)
                list_ranges[list_key] = (
                    f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$1:${list_letter}${len(values)}"
                )
            validation = DataValidation(
                type="list",
                formula1=list_ranges[list_key],
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("无效的选项"),
                error=_("请从下拉列表中选择。"),
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(validation)
        elif column.kind == Kind.INT:
            validation = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("无效的数值"),
                error=_("请填写不小于 0 的整数。"),
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(validation)
        if column.kind in _TEXT_KINDS or column.kind == Kind.DATE:
            number_format = DATE_FORMAT if column.kind == Kind.DATE else TEXT_FORMAT
            for row_index in range(2, last_row + 1):
                ws.cell(row_index, index).number_format = number_format
    # A one-school template fills its school into the blank rows too, so the school
    # types only its own data; the reader skips rows that hold nothing but the school.
    # A sheet keyed by the school alone (办学条件) already has the school's one row.
    many_per_school = spec.natural_key != (SCHOOL_CODE.key,)
    blank = [school] * BLANK_ROWS if school is not None and many_per_school else []
    for row_index, record in enumerate([*records, *blank], start=2):
        for col_index, column in enumerate(spec.columns, start=1):
            value = cell_value(column, record.get(column.key))
            if value is None:
                continue
            cell = ws.cell(row_index, col_index, value)
            if isinstance(value, str):
                cell.data_type = "s"
                if value.startswith(("=", "+", "-", "@")):
                    cell.quotePrefix = True


def write_template(
    db: Database,
    year: int,
    target: Path,
    *,
    school_code: str | None = None,
    new_school: bool = False,
) -> TemplateResult:
    """Write the school template for a period, prefilled from the registry and known data.

    ``new_school``: the template also carries the 学校名录 sheet, so that a school not yet
    registered enters itself there and is registered when the template is imported.
    """
    with db.session() as session:  # a city imports no templates, so it issues none
        require(session, WriteAction.ISSUE_TEMPLATE, period=year)
    current, previous = _source_data(db, year)
    base = current or previous
    with db.session() as session:
        schools = [s for s in load_schools(session, active_only=True)]
    if school_code:
        schools = [s for s in schools if s.school_code == school_code]
        if not schools:
            with db.session() as session:
                inactive = next(
                    (s for s in load_schools(session) if s.school_code == school_code), None
                )
            if inactive is not None:
                # Registered but 已停用: telling the user to register it again would be wrong.
                raise InputRejected(
                    _(
                        "学校 {name}（{code}）在学校名录中已停用，不再生成模板。如该校仍需填报，"
                        "请先恢复：vetdesk school edit --db {db} --code {code} --active。"
                    ).format(name=inactive.name, code=school_code, db=db.argument),
                    code="inactive_school",
                )
            raise InputRejected(
                _(
                    "学校名录中没有标识码为 {code} 的学校。请先登记："
                    "vetdesk school add --db {db} --code {code} --name 学校名称 --level 中职；"
                    "或不带 --school、加 --new-school 生成模板，由学校在“学校名录”表中填写本校，导入时一并登记。"
                ).format(code=school_code, db=db.argument),
                code="unknown_school",
            )
    elif not schools and not new_school:
        raise InputRejected(
            _(
                "学校名录为空，模板中没有可填报的学校。请先登记学校："
                "vetdesk school add --db {db} --code 标识码 --name 学校名称 --level 中职；"
                "或加 --new-school 生成模板，由学校在“学校名录”表中填写本校，导入时一并登记。"
            ).format(db=db.argument),
            code="no_schools",
        )
    codes = {s.school_code for s in schools}
    sheets = (SCHOOLS, *TEMPLATE_SHEETS) if new_school else TEMPLATE_SHEETS
    prefilled: dict[str, int] = {}
    records: dict[str, list[Record]] = {}
    for spec in sheets:
        rows: list[Record] = []
        if spec is SCHOOLS:
            rows = [{c.key: getattr(s, c.key) for c in spec.data_columns} for s in schools]
            records[spec.key] = rows
            prefilled[spec.key] = len(rows)
            continue
        # Trainings are this year's only; the other sheets carry last year's values forward.
        source = current if spec.key == "trainings" else base
        if source is not None:
            rows = [r for r in sheet_records(spec, source, {}) if r.get("school_code") in codes]
        # 办学条件 has a row for each school to fill in; a one-school template does the same
        # on every sheet holding one row per school (毕业生去向).
        if spec.key == "conditions" or (school_code and spec.natural_key == (SCHOOL_CODE.key,)):
            have = {r["school_code"] for r in rows}
            rows += [
                {"school_code": s.school_code, "school_name": s.name}
                for s in schools
                if s.school_code not in have
            ]
        records[spec.key] = rows
        prefilled[spec.key] = len(rows)
    wb = Workbook()
    _instructions(wb, db, year, schools, sheets)
    lists = wb.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    prefill: Record | None = None
    if school_code:
        prefill = {"school_code": schools[0].school_code, "school_name": schools[0].name}
    for spec in sheets:
        _data_sheet(wb, spec, records[spec.key], lists, list_ranges, prefill)
    lists.sheet_state = "hidden"
    info = db.info()
    add_meta(
        wb,
        standard_meta(
            KIND_TEMPLATE,
            {
                "unit_code": info.unit_code,
                "unit_name": info.unit_name,
                "period": str(year),
                "school": school_code or "",
            },
        ),
    )
    save_workbook(wb, target)
    source_year = current.period.year if current else previous.period.year if previous else None
    return TemplateResult(target, sorted(codes), prefilled, source_year)
