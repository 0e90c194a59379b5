"""The merged city workbook: all counties' data, summary sheets with correct numbers, chart images."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_helpers import connect, no_missing_glyphs, unit_totals

from vetdesk.db.database import open_database
from vetdesk.errors import UsageError
from vetdesk.reports.city_workbook import write_city_workbook

YEAR = 2025
COUNTIES = {
    "630202": "乐都区",
    "630203": "平安区",
    "630222": "民和回族土族自治县",
    "630223": "互助土族自治县",
    "630224": "化隆回族自治县",
    "630225": "循化撒拉族自治县",
}


@pytest.fixture(scope="module")
def written(demo_city_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo city's merged workbook, written once for the module, and its database."""
    folder = tmp_path_factory.mktemp("city-workbook")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(folder / "data"))
        db_path = folder / "city.db"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{demo_city_template}{suffix}").exists():
                shutil.copy(f"{demo_city_template}{suffix}", f"{db_path}{suffix}")
        target = folder / "海东市-2025.xlsx"
        db = open_database(db_path)
        try:
            with no_missing_glyphs() as problems:
                result = write_city_workbook(db, YEAR, target)
        finally:
            db.close()
    assert problems == []
    assert result.images >= 3 + len(COUNTIES)
    return target, db_path


@pytest.fixture
def workbook_path(written) -> Path:
    return written[0]


@pytest.fixture
def source_db(written) -> Path:
    return written[1]


def _rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _block(ws, label: str) -> dict[str, object]:
    """Label/value pairs of a summary sheet's first block."""
    return {r[0]: r[1] for r in _rows(ws) if r and isinstance(r[0], str) and r[1] is not None}


def test_sheets_data_of_all_counties_and_summaries(workbook_path: Path, source_db: Path) -> None:
    wb = load_workbook(workbook_path)
    names = wb.sheetnames
    assert names[0] == "封面" and names[1] == "全市汇总"
    for county in COUNTIES.values():
        assert f"汇总-{county}" in names
    assert "学校名录" in names and "教师名册" in names and "核验结果" in names
    con = connect(source_db)
    schools = con.execute("SELECT school_code, county_code FROM schools").fetchall()
    con.close()
    ws = wb["学校名录"]
    listed = [r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert sorted(listed) == sorted(code for code, _ in schools)
    counties_listed = {r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(COUNTIES.values()) <= counties_listed


def test_city_total_sheet_numbers(workbook_path: Path, source_db: Path) -> None:
    expected = unit_totals(source_db, YEAR)
    ws = load_workbook(workbook_path)["全市汇总"]
    rows = _rows(ws)
    header = next(r for r in rows if r[0] == "单位")
    index = {name: i for i, name in enumerate(header)}
    table = {r[0]: r for r in rows[rows.index(header) + 1 :] if r[0]}
    for code, name in [*COUNTIES.items(), ("*", "全市合计")]:
        t = expected[code]
        r = table[name]
        assert r[index["学校数"]] == t.schools
        assert r[index["参评学校"]] == t.assessed
        assert r[index["达标学校"]] == t.passing
        assert r[index["达标率"]] == pytest.approx(t.passing / t.assessed)
        assert r[index["达标目标"]] == pytest.approx(0.9)
        assert r[index["达到目标"]] == ("是" if t.passing / t.assessed >= 0.9 else "否")
        assert r[index["专任教师"]] == t.full_time
        assert r[index["专业课教师"]] == t.specialty
        assert r[index["“双师型”教师"]] == t.double
        assert r[index["“双师型”占比"]] == pytest.approx(t.double / t.specialty)
        assert r[index["培训项目"]] == t.programmes
        assert r[index["参训人次"]] == t.participants
        assert r[index["结业人数"]] == t.completed
        assert r[index["取证人数"]] == t.certified
    # The demo city received no package: every county says its figures are not reported.
    for name in COUNTIES.values():
        assert table[name][index["数据来源"]].startswith("未接收上报包")
    assert table["全市合计"][index["数据来源"]] == f"含 {len(COUNTIES)} 个未接收上报包的县区"
    assert len(ws._images) == 3  # rate by county, training, trend
    for image in ws._images:
        assert image._data()[:8] == b"\x89PNG\r\n\x1a\n"


def test_county_sheet_numbers_and_images(workbook_path: Path, source_db: Path) -> None:
    expected = unit_totals(source_db, YEAR)
    wb = load_workbook(workbook_path)
    for code, name in COUNTIES.items():
        ws = wb[f"汇总-{name}"]
        t = expected[code]
        values = _block(ws, name)
        assert values["学校数"] == t.schools
        assert values["参评学校"] == t.assessed
        assert values["达标学校"] == t.passing
        assert values["达标率"] == pytest.approx(t.passing / t.assessed)
        assert values["专任教师"] == t.full_time
        assert values["“双师型”教师"] == t.double
        assert values["“双师型”教师占专业课教师比例"] == pytest.approx(t.double / t.specialty)
        rows = _rows(ws)
        total_rows = [r for r in rows if r[0] == "合计"]
        assert total_rows and total_rows[0][2] == t.participants  # by target group
        assert ws.cell(row=1, column=1).value.startswith(name)
        failing = t.assessed - t.passing
        assert len(ws._images) == (2 if failing else 1)
    percent_cells = [
        c for row in wb["全市汇总"].iter_rows() for c in row if c.number_format == "0.0%"
    ]
    assert percent_cells  # shares are numbers formatted as percentages, not text


def test_summary_text_is_never_a_formula(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    for name in wb.sheetnames[1:9]:
        for row in wb[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate)


def test_only_the_city_writes_it(county_db: Path, tmp_path: Path) -> None:
    db = open_database(county_db)
    try:
        with pytest.raises(UsageError):
            write_city_workbook(db, YEAR, tmp_path / "x.xlsx")
    finally:
        db.close()
    assert not (tmp_path / "x.xlsx").exists()
