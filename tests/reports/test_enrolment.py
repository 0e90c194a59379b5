"""The printable key enrolment page."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from vetdesk.db.database import open_database
from vetdesk.reports.enrolment import (
    EnrolmentForm,
    enrolment_form,
    enrolment_png,
    write_enrolment_pdf,
)
from vetdesk.signing.keystore import NoSigningKey, create_key

PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")


def _form() -> EnrolmentForm:
    return EnrolmentForm(
        unit_code="630223",
        unit_name="互助土族自治县",
        role="county",
        public_key="vetdesk-ed25519 q2bH2nnm0vYx8wQmQ8ro9O6p1Ykyj7bzJwDU5lW0zJ8= 630223",
        fingerprint="12345 67890 23456 78901 34567 89012 45678 90123",
        key_id="a1b2c3d4e5f60718",
        created=dt.date(2025, 3, 1),
        printed=dt.date(2025, 3, 2),
    )


def test_form_comes_from_the_active_key(county_db: Path) -> None:
    db = open_database(county_db)
    try:
        with pytest.raises(NoSigningKey):
            enrolment_form(db)
        own = create_key(db, "correct horse battery")
        form = enrolment_form(db, today=dt.date(2025, 4, 1))
    finally:
        db.close()
    assert (form.unit_code, form.unit_name, form.role) == ("630223", "互助土族自治县", "county")
    assert form.fingerprint == own.fingerprint and form.public_key == own.public_key
    assert form.printed == dt.date(2025, 4, 1)
    assert [len(line.split()) for line in form.fingerprint_lines()] == [4, 4]


def test_pdf_is_one_a4_page(tmp_path: Path) -> None:
    target = write_enrolment_pdf(_form(), tmp_path / "登记表.pdf")
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Count 1" in data
    # A4 is 595.28 x 841.89 points (ReportLab's A4).
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_text_has_unit_fingerprint_and_blanks(tmp_path: Path) -> None:
    target = write_enrolment_pdf(_form(), tmp_path / "enrol.pdf")
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "签名密钥登记表",
        "互助土族自治县",
        "630223",
        "县区教育局",
        "a1b2c3d4e5f60718",
        "q2bH2nnm0vYx8wQmQ8ro9O6p1Ykyj7bzJwDU5lW0zJ8=",
        "12345 67890 23456 78901",
        "34567 89012 45678 90123",
        "经办人签字",
        "单位盖章",
        "2025-03-01",
        "2025-03-02",
    ):
        assert expected in text, expected


def test_city_role_is_named(tmp_path: Path) -> None:
    form = _form()
    city = EnrolmentForm(**{**form.__dict__, "role": "city", "unit_code": "630200"})
    assert "市教育局" in city.role_text


def test_png_for_the_printer(tmp_path: Path) -> None:
    png = enrolment_png(_form(), dpi=50)
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.01


@pytest.mark.skipif(PDFFONTS is None or PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_pdf_fonts_are_embedded_truetype_and_text_is_searchable(tmp_path: Path) -> None:
    target = write_enrolment_pdf(_form(), tmp_path / "登记表.pdf")
    fonts = subprocess.run([PDFFONTS, str(target)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert any("NotoSansSCVetDeskPDF" in row for row in rows), fonts.stdout
    for row in rows:
        # TrueType, embedded, subset, with a ToUnicode map: never Type 3 (as once) nor a
        # standard font left unembedded.
        assert "TrueType" in row and " yes yes yes " in row, row
        assert "Type 3" not in row
    assert "Mismatch" not in fonts.stderr
    text = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in ("签名密钥登记表", "盖章", "12345 67890 23456 78901", "互助土族自治县"):
        assert needle in text
