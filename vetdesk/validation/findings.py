"""Findings: what a check found, where, and what to do about it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from vetdesk.domain.enums import Severity
from vetdesk.i18n import N_

# What `vetdesk check` prints after --text, to be replaced by the user's own words.
EXPLANATION_PLACEHOLDER = N_("在此填写说明")


@dataclass(frozen=True)
class Finding:
    """One error or warning about one record and field.

    ``rule`` is a stable identifier (used by ``--json`` and by explanations);
    ``message`` is plain language in the current language; ``value`` never holds a
    full 身份证号.
    """

    severity: Severity
    rule: str
    entity: str
    record_key: str
    school_code: str
    record_label: str
    field: str
    value: str
    message: str
    explanation: str | None = None

    @property
    def is_error(self) -> bool:
        """Whether this finding must be fixed before an official export."""
        return self.severity == Severity.ERROR

    @property
    def unexplained(self) -> bool:
        """Whether this is a warning still waiting for its explanation (blank text is none).

        The one statement of the rule: the status bar, the checks panel's filter, the row
        tints, the command line and the package export all ask the finding.
        """
        return self.severity == Severity.WARNING and not (self.explanation or "").strip()

    @property
    def explanation_key(self) -> tuple[str, str, str]:
        """The key under which a warning's explanation is stored."""
        return (self.rule, self.record_key, self.field)

    @property
    def finding_id(self) -> str:
        """A short identifier of the finding that ``vetdesk explain --finding`` accepts.

        Derived from the explanation key, so it stays the same from one check to the next
        as long as the rule, record and field are the same.
        """
        return finding_id(*self.explanation_key)

    def with_explanation(self, text: str | None) -> Finding:
        """A copy carrying an explanation."""
        return replace(self, explanation=text)


def finding_id(rule: str, record_key: str, field: str) -> str:
    """The short identifier of a finding with this rule, record key and field."""
    digest = hashlib.sha256(f"{rule}\x1f{record_key}\x1f{field}".encode()).hexdigest()
    return f"W{digest[:8]}"


def school_key(school_code: str) -> str:
    """Record key of a school."""
    return f"school:{school_code}"


def condition_key(school_code: str) -> str:
    """Record key of a school's condition figures for the period."""
    return f"condition:{school_code}"


def teacher_key(school_code: str, id_number: str) -> str:
    """Record key of a teacher: school plus a short hash, so no 身份证号 appears in keys."""
    digest = hashlib.sha256(f"VetDesk-teacher:{id_number}".encode()).hexdigest()[:12]
    return f"teacher:{school_code}:{digest}"


def training_key(school_code: str, name: str, start: object) -> str:
    """Record key of a training programme."""
    return f"training:{school_code}:{name}:{start}"
