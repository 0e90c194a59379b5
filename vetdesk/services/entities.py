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
# The ten-measure record kinds (named like the period check's findings about them).
MAJOR = "major"
ENTERPRISE = "enterprise"
PILOT = "pilot"
DESTINATION = "destination"
BASE = "base"
MEASURE_ENTITIES = (MAJOR, ENTERPRISE, PILOT, DESTINATION, BASE)
