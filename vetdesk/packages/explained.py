"""Explanation rows (警告说明) in words: the school, the teacher and the field they are about.

An explanation's natural key is internal (a rule id and a record key such as
``teacher:3663230001:82463e80c3af``); a preview names what people know instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vetdesk.domain.fields import field_label
from vetdesk.domain.id_privacy import is_hashed_id
from vetdesk.domain.identifiers import mask_id_number
from vetdesk.i18n import _
from vetdesk.validation.findings import teacher_key
from vetdesk.workbook.rows import Record

# The field of an explanation about a teacher's enterprise practice (no column of its own).
_PRACTICES_FIELD = "practices"


@dataclass(frozen=True)
class RecordNames:
    """What an explanation's key refers to, by name: schools, teachers, indicators."""

    schools: Mapping[str, str] = field(default_factory=dict)  # school code -> name
    teachers: Mapping[str, str] = field(default_factory=dict)  # teacher record key -> name
    indicators: Mapping[str, str] = field(default_factory=dict)  # indicator id -> label


def teacher_names(rows: Iterable[Record]) -> dict[str, str]:
    """Teacher record keys (as findings key them) to names with masked 身份证号, from roster rows."""
    names: dict[str, str] = {}
    for row in rows:
        code, id_number, name = row.get("school_code"), row.get("id_number"), row.get("name")
        if code and id_number and name:
            # Two teachers of a school may share a name: the masked 身份证号 tells them apart.
            shown = (
                str(name)
                if is_hashed_id(str(id_number))
                else _("{name}（{code}）").format(name=name, code=mask_id_number(str(id_number)))
            )
            names[teacher_key(str(code), str(id_number))] = shown
    return names


def explanation_label(record: Record, names: RecordNames) -> str:
    """An explanation row as people read it: school name (code), teacher, field in words."""
    record_key = str(record.get("record_key") or "")
    kind, _sep, rest = record_key.partition(":")
    parts = rest.split(":")
    code = parts[0]
    school = names.schools.get(code)
    shown = [_("{name}（{code}）").format(name=school, code=code) if school else code]
    if kind == "teacher":
        shown.append(names.teachers.get(record_key) or _("名册中没有的教师"))
    elif kind == "training" and len(parts) > 1:
        shown.append(parts[1])
    field_key = str(record.get("field") or "")
    if field_key == _PRACTICES_FIELD:
        shown.append(_("企业实践"))
    elif field_key in names.indicators:
        shown.append(names.indicators[field_key])
    elif field_key:
        shown.append(field_label(kind, field_key))
    return " · ".join(p for p in shown if p)
