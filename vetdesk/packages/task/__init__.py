"""The city's signed task package: a period's set-up sent to the counties.

The city issues, per period, a workbook carrying the period (statistics date and
deadline), the authoritative school registry of one county or of all six, the rule set
in force and the targets; a county verifies it with the city's registered key and
updates its own set-up from it in one transaction (a county can also start from one).

Layout of the workbook:

* ``封面`` — for people: city, period, dates, sequence number, key fingerprint, counts;
* ``学校名录`` — the registry rows (the ``SCHOOLS`` sheet of :mod:`vetdesk.workbook.schema`);
* ``规则集`` — the rule set made readable, one row per rule (:data:`rules.RULES`);
* ``_vetdesk`` (very hidden) — the signed manifest and signature, and the rule set as
  compact canonical JSON under the key ``ruleset``. A cell holds at most 32,767
  characters; a longer rule set is cut into consecutive pieces stored under
  ``ruleset.1``, ``ruleset.2`` … (joined in that order when read; there is then no plain
  ``ruleset`` key).

The manifest (signed under ``NAMESPACE_TASK``) holds the digests of both visible data
sheets and the SHA-256 of the canonical rule-set JSON, so a change to the registry, to
the readable rules or to the rule set itself is detected and named.

A county refuses a task it has already imported, one older than the newest it imported
for the period, and one carrying an older version of its rule set or target set.

One module per job: :mod:`.model` (what a task carries and what the operations report),
:mod:`.rules` (the rule set in the workbook and how two rule sets differ),
:mod:`.export` (issuing, at the city), :mod:`.verify` (the signed-envelope pipeline worded
for tasks, and the task's ledger policy), :mod:`.downgrade` (no older rule set or targets),
:mod:`.apply` (planning and importing, at a county). The fronts import from here.
"""

from __future__ import annotations

from vetdesk.packages.task.apply import import_task, plan_task
from vetdesk.packages.task.export import export_task
from vetdesk.packages.task.model import (
    FieldChange,
    RuleChange,
    SchoolChange,
    TaskImportResult,
    TaskPayload,
    TaskResult,
    TaskVerification,
)
from vetdesk.packages.task.rules import (
    RULES,
    TASK_SHEETS,
    rule_changes,
    rule_records,
    ruleset_from_meta,
    ruleset_meta,
    ruleset_text,
)
from vetdesk.packages.task.verify import verify_content, verify_task
from vetdesk.packages.verdict import Verdict

# The verdict of a task is the shared one; the old name stays for the fronts and tests.
TaskVerdict = Verdict

__all__ = [
    "RULES",
    "TASK_SHEETS",
    "FieldChange",
    "RuleChange",
    "SchoolChange",
    "TaskImportResult",
    "TaskPayload",
    "TaskResult",
    "TaskVerdict",
    "TaskVerification",
    "export_task",
    "import_task",
    "plan_task",
    "rule_changes",
    "rule_records",
    "ruleset_from_meta",
    "ruleset_meta",
    "ruleset_text",
    "verify_content",
    "verify_task",
]
