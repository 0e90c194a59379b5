"""The PySide6 desktop front end: a thin layer over :mod:`vetdesk.services`."""
