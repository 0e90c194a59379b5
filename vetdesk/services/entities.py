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
# The exchange sheet (a key of vetdesk.workbook.schema.ALL_SHEETS) each kind's rows are in:
# what rows pasted into the kind's table are read as.
SHEET_KEYS = {
    SCHOOL: "schools",
    CONDITION: "conditions",
    TEACHER: "teachers",
    TRAINING: "trainings",
    MAJOR: "majors",
    ENTERPRISE: "enterprises",
    PILOT: "pilots",
    DESTINATION: "destinations",
    BASE: "bases",
}
