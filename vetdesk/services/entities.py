"""The kinds of record the GUI edits, named once.

A leaf module without imports, so the GUI can name the kinds before its first paint
without loading :mod:`vetdesk.services.records` and what that pulls in.
"""

from __future__ import annotations

SCHOOL = "school"
CONDITION = "condition"
TEACHER = "teacher"
TRAINING = "training"
ENTITIES = (SCHOOL, CONDITION, TEACHER, TRAINING)
