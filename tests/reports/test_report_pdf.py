"""The PDF report: it opens, has its sections, names the non-compliant schools, embeds its font."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_helpers import (
    PDFFONTS,
    PDFTOPPM,
    PDFTOTEXT,
    explained_warning_texts,
    no_missing_glyphs,
    school_facts,
    squeeze,
)

from vetdesk.db import models
from vetdesk.db.database import open_database
from vetdesk.i18n import set_language
from vetdesk.reports.pdf import write_report_pdf
from vetdesk.reports.summary import build_summary, percent_text
from vetdesk.services.check import explain_warnings
from vetdesk.validation.check import run_check
from vetdesk.workbook.atomic import WriteFailed

YEAR = 2025
needs_poppler = pytest.mark.skipif(
    PDFTOTEXT is None or PDFFONTS is None or PDFTOPPM is None,
    reason="poppler-utils (pdftotext, pdffonts, pdftoppm) is not installed; "
    "scripts/dev.py test installs it when run as root",
)
SECTIONS = ["一、汇总情况", "二、图表", "三、未达标学校", "四、警告及说明", "五、审核签字"]
SIGN_OFF = ["填报人", "审核人", "单位负责人", "盖章"]


def _copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return target


def pdf_text(path: Path) -> tuple[str, str]:
    """pdftotext's text and its complaints."""
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout, result.stderr


def _write(db_path: Path, target: Path, **kw) -> list[str]:
    db = open_database(db_path)
    try:
        with no_missing_glyphs() as problems:
            write_report_pdf(db, YEAR, target, **kw)
    finally:
        db.close()
    return problems


@pytest.fixture(scope="module")
def city_report(demo_city_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo city's report, written once for the module."""
    folder = tmp_path_factory.mktemp("city-report")
    with pytest.MonkeyPatch.context() as mp:
        # Nothing may be written to the data directory (test_no_font_is_made_per_report).
        mp.setenv("VETDESK_DATA_DIR", str(folder / "data"))
        db_path = _copy(demo_city_template, folder, "city.db")
        target = folder / "海东市-2025.pdf"
        problems = _write(db_path, target)
    return target, db_path, problems


def test_no_font_is_made_per_report(city_report) -> None:
    # The TrueType font is prepared once by scripts/make_font_subset.py and shipped; a
    # report used to convert one into the data directory's cache.
    target, _db, _problems = city_report
    data = target.parent / "data"
    assert not data.exists() or [p for p in data.rglob("*") if p.is_file()] == []


def test_no_missing_glyphs_while_writing(city_report) -> None:
    _target, _db, problems = city_report
    assert problems == []


@needs_poppler
def test_sections_schools_sources_and_sign_off(city_report) -> None:
    target, db_path, _ = city_report
    text, complaints = pdf_text(target)
    assert "Syntax" not in complaints and "Mismatch" not in complaints, complaints
    flat = squeeze(text)
    for heading in SECTIONS:
        assert heading in text
    for label in SIGN_OFF:
        assert label in text
    assert "海东市职业教育数据汇总报告" in text
    assert "海东市（630200）" in flat and "2025-12-31" in text
    facts = school_facts(db_path, YEAR)
    failing = [f for f in facts.values() if f.verdict == "fail"]
    passing = [f for f in facts.values() if f.verdict == "pass"]
    assert failing and passing
    # The non-compliant section names each failing school with its source.
    section = flat[flat.index("三、未达标学校") : flat.index("四、警告及说明")]
    for school in failing:
        assert squeeze(school.name) in section
    for school in passing:
        assert f"{school.name}（" not in section and school.name not in section
    assert "教职成〔2022〕5号" in section
    # Every explanation given appears in the warnings section.
    explanations = flat[flat.index("四、警告及说明") : flat.index("五、审核签字")]
    for explanation in set(explained_warning_texts(db_path, YEAR)):
        assert squeeze(explanation) in explanations
    pages = re.findall(r"第 (\d+) 页，共 (\d+) 页", text)
    assert pages and pages[0] == ("1", pages[0][1]) and len(pages) == int(pages[0][1])


@needs_poppler
def test_fonts_are_embedded_truetype(city_report) -> None:
    target, _, _ = city_report
    result = subprocess.run([PDFFONTS, str(target)], capture_output=True, text=True, check=True)
    rows = result.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        # TrueType subsets of the shipped font, embedded with a ToUnicode map: never Type 3,
        # CFF data posing as TrueType (which Ghostscript prints blank) or an unembedded
        # standard font (ReportLab's default Helvetica).
        assert "TrueType" in row and re.search(r"\byes\s+yes\s+yes\b", row), row
        assert "VetDeskPDF" in row and "Type 3" not in row
    assert "Mismatch" not in result.stderr


@needs_poppler
def test_every_page_renders(city_report, tmp_path: Path) -> None:
    target, _, _ = city_report
    result = subprocess.run(
        [PDFTOPPM, "-png", "-r", "15", str(target), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    assert len(list(tmp_path.glob("p-*.png"))) >= 10


@needs_poppler
def test_county_cover_names_the_exported_package(county_db: Path, tmp_path: Path) -> None:
    from vetdesk.packages.county import export_package
    from vetdesk.signing.keystore import create_key

    db = open_database(county_db)
    try:
        create_key(db, "correct horse battery")
        package = export_package(db, YEAR, tmp_path / "pkg.xlsx", "correct horse battery")
    finally:
        db.close()
    target = tmp_path / "county.pdf"
    assert _write(county_db, target) == []
    text, _ = pdf_text(target)
    cover = squeeze(text.split("\f")[0])
    assert "互助土族自治县职业教育数据报告" in cover
    assert "上报包序号" in cover and str(package.seq) in cover
    assert package.manifest_sha256 in cover
    assert squeeze(package.fingerprint) in cover
    assert "青海省互助县职业技术学校" in squeeze(text)


@needs_poppler
def test_city_cover_lists_each_countys_accepted_package(city_db: Path, tmp_path: Path) -> None:
    fingerprint = "12345 67890 23456 78901 34567 89012 45678 90123"
    db = open_database(city_db)
    try:
        with db.transaction() as session:
            session.add(
                models.TrustedKey(
                    unit_code="630224",
                    key_id="hualong-key",
                    public_key="x",
                    fingerprint=fingerprint,
                    status="active",
                    registered_at=dt.datetime(2025, 1, 5),
                )
            )
            session.add(
                models.PackageLedger(
                    unit_code="630224",
                    period_year=YEAR,
                    seq=3,
                    manifest_sha256="ab" * 32,
                    prev_manifest_sha256=None,
                    export_uuid="u",
                    key_id="hualong-key",
                    package_created="2026-01-10T10:00:00",
                    county_operator="县操作员",
                    accepted_at=dt.datetime(2026, 1, 12, 9, 30),
                    operator="市局",
                    file_name="化隆.xlsx",
                )
            )
    finally:
        db.close()
    target = tmp_path / "city.pdf"
    assert _write(city_db, target) == []
    cover = squeeze(pdf_text(target)[0].split("\f")[0])
    assert "各县区已接收的上报包" in cover
    assert "化隆回族自治县3" in cover  # county, then its sequence number
    assert "ab" * 32 in cover and squeeze(fingerprint) in cover
    assert cover.count("未接收") == 5  # the other five counties


@needs_poppler
def test_one_county_of_the_city(city_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "hualong.pdf"
    assert _write(city_db, target, unit="630224") == []
    flat = squeeze(pdf_text(target)[0])
    assert "化隆回族自治县职业教育数据报告" in flat
    assert "化隆回族自治县职业技术学校" in flat
    assert "平安区新时代职业技术学校" not in flat  # another county's failing school


@needs_poppler
def test_a_very_long_explanation_runs_over_pages(county_db: Path, tmp_path: Path) -> None:
    db = open_database(county_db)
    try:
        warning = run_check(db, YEAR).warnings[0]
        long_text = "说明" + "学校已制定详细整改方案，分阶段落实。" * 260 + "全文完。"
        explain_warnings(db, YEAR, [(warning.rule, warning.record_key, warning.field, long_text)])
    finally:
        db.close()
    target = tmp_path / "long.pdf"
    assert _write(county_db, target) == []
    text, _ = pdf_text(target)
    flat = squeeze(text)
    assert "全文完。" in flat
    # Split over several pages, every piece kept: the text's characters all arrive.
    assert flat.count("分阶段落实") >= 250
    assert "五、审核签字" in text


@needs_poppler
def test_english_report(city_db: Path, tmp_path: Path) -> None:
    set_language("en")
    target = tmp_path / "en.pdf"
    assert _write(city_db, target) == []
    text, _ = pdf_text(target)
    for heading in ("1. Summary", "2. Charts", "3. Non-compliant schools", "5. Sign-off"):
        assert heading in text
    for label in ("Prepared by", "Reviewed by", "Head of unit", "Seal"):
        assert label in text
    assert "Haidong City vocational education summary report" in " ".join(text.split())


def test_missing_folder_is_refused_before_any_work(city_db: Path, tmp_path: Path) -> None:
    db = open_database(city_db)
    try:
        with pytest.raises(WriteFailed):
            write_report_pdf(db, YEAR, tmp_path / "nowhere" / "r.pdf")
    finally:
        db.close()


@needs_poppler
def test_text_is_searchable(city_report) -> None:
    target, _, _ = city_report
    text, _ = pdf_text(target)
    for word in ("达标", "双师型", "盖章", "未达标学校", "教职成〔2022〕5号"):
        assert word in text, word


@needs_poppler
def test_last_columns_are_not_clipped(city_report) -> None:
    # pdftotext -layout keeps each table row on one line: a unit's row of table 1 ends with
    # its 双师型 share, the last column, and the cover's package table its SHA-256 column.
    target, db_path, _ = city_report
    layout = subprocess.run(
        [PDFTOTEXT, "-layout", "-enc", "UTF-8", str(target), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = layout.split("\f")
    db = open_database(db_path)
    try:
        summary = build_summary(db, YEAR)
    finally:
        db.close()
    table_page = next(p for p in pages if "表 1" in p)
    assert "双师型占比" in table_page
    for unit in summary.units:
        line = next(ln for ln in table_page.splitlines() if ln.strip().startswith(unit.unit_name))
        assert line.rstrip().endswith(percent_text(unit.double_share)), line
    assert "上报包标识（SHA-256）" in pages[0]
    assert pages[0].count("未接收") == 6
