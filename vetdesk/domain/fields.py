"""Chinese names (with units) of the fields people see, shared by checks, templates and screens.

The names come from the one description of each record kind
(:mod:`vetdesk.domain.entityspecs`); only the names of fields that are not columns of a
sheet are listed here.
"""

from __future__ import annotations

from vetdesk.domain.entityspecs import CONDITIONS, ENTITY_SHEETS, Kind
from vetdesk.i18n import N_, _

# Names for fields that no sheet column carries: figures derived from the roster, and
# 万元 columns named with the unit they are stored in, for messages about stored values.
_OTHER_FIELDS: dict[str, dict[str, str]] = {
    "condition": {"equipment_value_yuan": N_("教学仪器设备总值（元）")},
    "teacher": {"full_time_teachers": N_("专任教师数（人）")},
}

# Condition figures stored in 元 but typed and shown in 万元, as in the templates and
# statistical forms: the name people see for them.
WAN_YUAN_LABELS: dict[str, str] = {
    c.key: c.header for s in ENTITY_SHEETS.values() for c in s.columns if c.kind == Kind.WAN_YUAN
}

# Condition fields a school must fill in every period.
REQUIRED_CONDITION_FIELDS: tuple[str, ...] = tuple(
    c.key for c in CONDITIONS.form_columns if c.required
)


def _labels(entity: str) -> dict[str, str]:
    sheet = ENTITY_SHEETS.get(entity)
    names = {c.key: c.label_source for c in sheet.data_columns} if sheet else {}
    return {**names, **_OTHER_FIELDS.get(entity, {})}


_BY_ENTITY: dict[str, dict[str, str]] = {e: _labels(e) for e in (*ENTITY_SHEETS, *_OTHER_FIELDS)}
# Any kind's name for a field, for findings whose kind has no sheet of its own: the
# registry, condition, roster, practice and training names win (later over earlier).
_ALL: dict[str, str] = {}
for _entity in (*ENTITY_SHEETS, "school", "condition", "teacher", "practice", "training"):
    _ALL.update(_BY_ENTITY[_entity])

# The condition figures a school reports, in ConditionRow's order, with their names.
CONDITION_FIELDS: dict[str, str] = {
    c.key: _BY_ENTITY["condition"][c.key] for c in CONDITIONS.form_columns
}


def field_label(entity: str, field: str) -> str:
    """The translated label of a field of an entity ('school', 'condition', 'teacher', ...)."""
    label = _BY_ENTITY.get(entity, {}).get(field) or _ALL.get(field)
    return _(label) if label else field
