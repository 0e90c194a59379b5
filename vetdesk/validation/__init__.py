"""Validation of a period's data: errors that must be fixed, warnings that need a reason."""
