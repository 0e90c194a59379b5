"""The city's commands give the same answers on SQLite and on PostgreSQL (one fixture, both)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from pkg_helpers import PASSPHRASE

from vetdesk import cli
from vetdesk.db.database import open_database
from vetdesk.signing.keystore import create_key


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_check_status_targets_report_and_task_export(
    demo_city_target: str,
    demo_city_template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, reference = run(
        capsys, "check", "--db", str(demo_city_template), "--period", "2025", "--json"
    )
    code_here, here = run(capsys, "check", "--db", demo_city_target, "--period", "2025", "--json")
    assert code_here == code
    assert json.loads(here)["summary"] == json.loads(reference)["summary"]
    assert json.loads(here)["findings"] == json.loads(reference)["findings"]

    code, status = run(capsys, "status", "--db", demo_city_target, "--period", "2025")
    assert code == 0 and "互助" in status

    code, targets = run(capsys, "targets", "show", "--db", demo_city_target, "--period", "2025")
    assert code == 0 and targets.strip()

    workbook = tmp_path / "city.xlsx"
    code, _out = run(
        capsys, "report", "--db", demo_city_target, "--period", "2025", "--out", str(workbook)
    )
    assert code == 0
    assert len(openpyxl.load_workbook(workbook, read_only=True).sheetnames) > 3

    city = open_database(demo_city_target)
    create_key(city, PASSPHRASE)
    city.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    out = tmp_path / "task.xlsx"
    code, exported = run(
        capsys,
        "task", "export", "--db", demo_city_target, "--period", "2025", "--out", str(out),
        "--deadline", "2026-03-31", "--passphrase-file", str(secret), "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(exported)["seq"] == 1 and out.is_file()


def _pdf_pages(path: Path) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        texts = [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()
    # The cover says when the report was made: the only text that may differ.
    return [re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", "<time>", t) for t in texts]


@pytest.fixture(scope="module")
def reference_pdf(demo_city_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The text of the demo city's PDF report made from its SQLite file."""
    target = tmp_path_factory.mktemp("reference") / "city.pdf"
    argv = ["report", "--db", str(demo_city_template), "--period", "2025", "--out", str(target)]
    assert cli.main(argv) == 0
    return _pdf_pages(target)


def test_pdf_report_reads_the_same_on_either_engine(
    demo_city_target: str,
    reference_pdf: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The city's PDF report has, page by page, the same text as when made from the file."""
    target = tmp_path / "city.pdf"
    code, _out = run(
        capsys, "report", "--db", demo_city_target, "--period", "2025", "--out", str(target)
    )
    assert code == 0
    pages = _pdf_pages(target)
    assert len(pages) > 1 and "互助" in "".join(pages)
    assert pages == reference_pdf
