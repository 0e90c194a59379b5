"""Reports: merged workbooks, charts and printable PDFs (Qt-free)."""
