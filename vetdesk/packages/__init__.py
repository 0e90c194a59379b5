"""Signed workbooks between the counties and the city: packages, receipts and task packages."""
