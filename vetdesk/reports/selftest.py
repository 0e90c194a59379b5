"""Self-test step of the reports: render a chart to PNG and a report to PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _step_chart_and_pdf(tmp: Path) -> str:
    # Imported inside the step: a missing or broken module fails this step, not the self-test.
    from vetdesk.db.database import open_database
    from vetdesk.reports import charts
    from vetdesk.reports.pdf import write_report_pdf
    from vetdesk.reports.summary import build_summary

    db = open_database(tmp / "selftest.db")
    try:
        summary = build_summary(db, 2025)
        png = tmp / "selftest-chart.png"
        charts.save_figure(charts.compliance_by_county(summary.units, summary.total), png)
        pdf = tmp / "selftest-report.pdf"
        write_report_pdf(db, 2025, pdf)
    finally:
        db.close()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    return f"chart {png.stat().st_size // 1024} KiB, report {pdf.stat().st_size // 1024} KiB"


STEPS: list[tuple[str, Callable[[Path], str]]] = [("chart and PDF report", _step_chart_and_pdf)]
