"""Exceptions that carry a message meant for the user."""

from __future__ import annotations


class VetDeskError(Exception):
    """Base of every error whose message can be shown to a user as it is.

    ``code`` is a stable machine-readable reason (used by ``--json`` output);
    the message is already translated into the current language.
    """

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The user-facing message."""
        return str(self.args[0]) if self.args else ""


class UsageError(VetDeskError):
    """The command was called wrongly (exit code 2)."""

    code = "usage"


class InputRejected(VetDeskError):
    """The data or file given was refused (exit code 1)."""

    code = "rejected"
