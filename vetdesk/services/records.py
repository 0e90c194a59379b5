"""Record editing for the GUI: table rows with ids, form field specs, drafts, save and delete.

The GUI shows plain rows from :mod:`vetdesk.domain.rows` and edits them one
record at a time through this module: a form's raw input becomes a *draft* (typed row plus
the problems the period check would report for it, in plain Chinese), and a valid draft is
saved in one audited transaction. Validation reuses the period check's own rules on the
single record, so a form can never accept what ``vetdesk check`` would call an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from vetdesk.domain.entityspecs import ENTITY_SHEETS, Column, Kind
from vetdesk.domain.enums import LabelledEnum, Severity
from vetdesk.domain.fields import WAN_YUAN_LABELS, field_label
from vetdesk.domain.identifiers import (
    IdentifierError,
    parse_id_number,
    validate_credit_code,
    validate_school_code,
)
from vetdesk.domain.money import AmountError, parse_wan_yuan, wan_yuan_text
from vetdesk.domain.rows import (
    ConditionRow,
    PeriodData,
    PeriodInfo,
    PracticeRow,
    SchoolRow,
    TeacherRow,
    TrainingRow,
)
from vetdesk.domain.textnorm import normalize_code, normalize_name, normalize_text
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected
from vetdesk.i18n import _
from vetdesk.services.entities import (
    CONDITION,
    ENTITIES,
    MEASURE_ENTITIES,
    SCHOOL,
    TEACHER,
    TRAINING,
)
from vetdesk.validation.findings import (
    Finding,
    condition_key,
    school_key,
    teacher_key,
    training_key,
)

# SQLAlchemy, the models and the checks load on first use, not at import: the GUI imports
# this module before its first paint, and SQLAlchemy alone costs more than the window.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from vetdesk.db import models
    from vetdesk.db.database import Database
    from vetdesk.standards.ruleset import RuleSet

R = TypeVar("R")


# --- table rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record(Generic[R]):
    """A row with its database id (0: not stored yet) and its finding key (see findings.py)."""

    id: int
    key: str
    row: R


@dataclass(frozen=True)
class Tables:
    """Everything the GUI's tables show for one period, read in a few queries."""

    period: PeriodInfo
    schools: tuple[Record[SchoolRow], ...]
    conditions: tuple[Record[ConditionRow], ...]
    teachers: tuple[Record[TeacherRow], ...]
    trainings: tuple[Record[TrainingRow], ...]


def record_key(entity: str, row: SchoolRow | ConditionRow | TeacherRow | TrainingRow) -> str:
    """The key under which the period check reports findings about a row."""
    if isinstance(row, SchoolRow):
        return school_key(row.school_code)
    if isinstance(row, ConditionRow):
        return condition_key(row.school_code)
    if isinstance(row, TeacherRow):
        return teacher_key(row.school_code, row.id_number)
    return training_key(row.school_code, row.name, row.start_date)


def empty_condition(school_code: str) -> ConditionRow:
    """A condition row with nothing filled in."""
    return ConditionRow(school_code, *([None] * (len(fields(ConditionRow)) - 1)))


def list_periods(db: Database) -> list[PeriodInfo]:
    """The database's periods, newest first."""
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models
    from vetdesk.db.period_data import period_info

    with db.session() as session:
        periods = session.scalars(select(models.Period).order_by(models.Period.year.desc()))
        return [period_info(p) for p in periods]


def open_period(db: Database, year: int) -> PeriodInfo:
    """Create a period (open for entry) if it does not exist yet, and return it."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db.period_data import period_info
    from vetdesk.db.periods import ensure_period

    with db.transaction() as session:
        return period_info(ensure_period(session, year))


def _columns(row_type: type, model: type, skip: Iterable[str] = ()) -> list[Any]:
    excluded = {"school_code", "practices", *skip}
    return [getattr(model, f.name) for f in fields(row_type) if f.name not in excluded]


def load_tables(
    db: Database, year: int, progress: Callable[[int, int], None] | None = None
) -> Tables:
    """Read a period's tables as plain rows with ids (column tuples, not ORM objects: fast)."""
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models
    from vetdesk.db.period_data import get_period, period_info

    step = progress or (lambda _done, _total: None)
    with db.session() as session:
        period = get_period(session, year)
        school_rows = session.execute(
            select(
                models.School.id,
                *_columns(SchoolRow, models.School, skip=()),
                models.School.school_code,
            ).order_by(models.School.county_code, models.School.school_code)
        ).all()
        schools = tuple(
            Record(r[0], school_key(r[-1]), SchoolRow(r[-1], *r[1:-1])) for r in school_rows
        )
        code_of = {r.id: r.row.school_code for r in schools}
        step(1, 4)
        stored = {
            code_of[r[1]]: (r[0], ConditionRow(code_of[r[1]], *r[2:]))
            for r in session.execute(
                select(
                    models.SchoolCondition.id,
                    models.SchoolCondition.school_id,
                    *_columns(ConditionRow, models.SchoolCondition),
                ).where(models.SchoolCondition.period_id == period.id)
            )
        }
        conditions = []
        for school in schools:
            if not school.row.active and school.row.school_code not in stored:
                continue
            cid, cond = stored.get(
                school.row.school_code, (0, empty_condition(school.row.school_code))
            )
            conditions.append(Record(cid, condition_key(cond.school_code), cond))
        step(2, 4)
        practices: dict[int, list[PracticeRow]] = {}
        for p in session.execute(
            select(
                models.EnterprisePractice.teacher_id,
                models.EnterprisePractice.enterprise,
                models.EnterprisePractice.start_date,
                models.EnterprisePractice.end_date,
            )
            .join(models.Teacher)
            .where(models.Teacher.period_id == period.id)
            .order_by(models.EnterprisePractice.start_date)
        ):
            practices.setdefault(p[0], []).append(PracticeRow(p[1], p[2], p[3]))
        teachers = []
        teacher_names = [f.name for f in fields(TeacherRow)[1:-1]]
        for r in session.execute(
            select(
                models.Teacher.id, models.Teacher.school_id, *_columns(TeacherRow, models.Teacher)
            )
            .where(models.Teacher.period_id == period.id)
            .order_by(models.Teacher.school_id, models.Teacher.id)
        ):
            values = dict(zip(teacher_names, r[2:], strict=True))
            teacher = TeacherRow(
                school_code=code_of[r[1]], practices=tuple(practices.get(r[0], ())), **values
            )
            teachers.append(
                Record(r[0], teacher_key(teacher.school_code, teacher.id_number), teacher)
            )
        step(3, 4)
        trainings = []
        for r in session.execute(
            select(
                models.TrainingProgramme.id,
                models.TrainingProgramme.school_id,
                *_columns(TrainingRow, models.TrainingProgramme),
            )
            .where(models.TrainingProgramme.period_id == period.id)
            .order_by(models.TrainingProgramme.school_id, models.TrainingProgramme.id)
        ):
            training = TrainingRow(code_of[r[1]], *r[2:])
            key = training_key(training.school_code, training.name, training.start_date)
            trainings.append(Record(r[0], key, training))
        step(4, 4)
        return Tables(
            period_info(period), schools, tuple(conditions), tuple(teachers), tuple(trainings)
        )


# --- form field specs -------------------------------------------------------------------------

TEXT = "text"
CODE = "code"
INT = "int"
DATE = "date"
CHOICE = "choice"
BOOL = "bool"
WAN_YUAN = "wan_yuan"  # typed in 万元, as in the templates and statistical forms; stored in 元


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record form: its kind, whether it is required, its choices."""

    entity: str
    name: str
    kind: str
    required: bool = False
    choices: Callable[[], list[tuple[str, str]]] | None = None
    hint: str = ""
    title: str = ""  # the untranslated label, when the field tables of fields.py lack it
    # A choice narrowed by another field: the codes allowed for that field's value.
    depends_on: str = ""
    allowed: Callable[[object], frozenset[str] | None] | None = None
    # Several choices of this enumeration typed as labels, stored as comma-separated codes.
    multi: type[LabelledEnum] | None = None

    @property
    def label(self) -> str:
        """The field's name in the current language (with its unit)."""
        return _(self.title) if self.title else field_label(self.entity, self.name)

    @property
    def hint_text(self) -> str:
        """The input hint in the current language."""
        return _(self.hint) if self.hint else ""


def _enum_choices(enum_type: type[LabelledEnum]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(m.value, m.label) for m in enum_type]


def county_choices() -> list[tuple[str, str]]:
    """The county-level divisions (and the city, for city-run schools) as (code, name)."""
    units = load_units()
    return [(u.code, u.name) for u in units.all_units()]


# How a form asks for each kind of column (several choices are typed as text).
_FORM_KINDS = {
    Kind.TEXT: TEXT,
    Kind.NAME: TEXT,
    Kind.CODE: CODE,
    Kind.ID_NUMBER: CODE,
    Kind.COUNTY: CHOICE,
    Kind.INT: INT,
    Kind.YEAR: INT,
    Kind.WAN_YUAN: WAN_YUAN,
    Kind.DATE: DATE,
    Kind.ENUM: CHOICE,
    Kind.BOOL: BOOL,
    Kind.MULTI: TEXT,
}


def _narrowing(column: Column) -> Callable[[object], frozenset[str] | None]:
    return lambda value: column.narrowing.get(str(value or ""))


def field_spec(entity: str, column: Column) -> FieldSpec:
    """The form field for one column of a record kind's description."""
    choices: Callable[[], list[tuple[str, str]]] | None = None
    if column.kind == Kind.COUNTY:
        choices = county_choices
    elif column.kind == Kind.ENUM and column.enum is not None:
        choices = _enum_choices(column.enum)
    return FieldSpec(
        entity,
        column.key,
        _FORM_KINDS[column.kind],
        column.required_in_form,
        choices,
        hint=column.input_hint,
        title=column.label_source,
        depends_on=column.narrowed_by,
        allowed=_narrowing(column) if column.narrowed_by else None,
        multi=column.enum if column.kind == Kind.MULTI else None,
    )


def form_fields(entity: str) -> tuple[FieldSpec, ...]:
    """A record kind's form, from the kind's one description (its exchange sheet)."""
    return tuple(field_spec(entity, c) for c in ENTITY_SHEETS[entity].form_columns)


# The forms of every kind the GUI edits (a teacher's enterprise practice is a table in the
# teacher's form, not a form of its own).
FORM_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    entity: form_fields(entity) for entity in (*ENTITIES, *MEASURE_ENTITIES)
}

_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def multi_text(enum_type: type[LabelledEnum], stored: str) -> str:
    """Stored codes ("order_class,apprenticeship") as a form shows them (labels, 、)."""
    parts = []
    for part in stored.split(","):
        member = enum_type.from_text(part) if part else None
        if part:
            parts.append(member.label if member is not None else part)
    return "、".join(parts)


def read_multi(enum_type: type[LabelledEnum], text: str) -> str:
    """Typed choices (labels or codes, any separator) as stored codes; unknown ones kept.

    A part that is no member is kept as typed, so the period check names it.
    """
    codes: list[str] = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        member = enum_type.from_text(part)
        code = member.value if member is not None else part
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def form_values(row: SchoolRow | ConditionRow | TeacherRow | TrainingRow) -> dict[str, object]:
    """The raw values a form shows for a stored row (texts, codes, booleans)."""
    values: dict[str, object] = {}
    multi = {s.name: s.multi for specs in FORM_FIELDS.values() for s in specs if s.multi}
    for f in fields(row):
        value = getattr(row, f.name)
        if isinstance(value, str) and f.name in multi:
            values[f.name] = multi_text(multi[f.name], value)
        elif isinstance(value, bool) or value is None:
            values[f.name] = value
        elif isinstance(value, dt.date):
            values[f.name] = value.isoformat()
        elif isinstance(value, int) and f.name in WAN_YUAN_LABELS:
            values[f.name] = wan_yuan_text(value)
        elif isinstance(value, int | str):
            values[f.name] = str(value) if isinstance(value, int) else value
        elif f.name == "practices":
            values[f.name] = [
                (p.enterprise, p.start_date.isoformat(), p.end_date.isoformat()) for p in value
            ]
    return values


# One enterprise-practice row of the teacher form, as typed: enterprise, start, end.
PracticeInput = tuple[str, str, str]
PRACTICES = "practices"


def _is_practice_finding(finding: Finding) -> bool:
    return finding.field == PRACTICES or finding.rule.startswith("teacher.practice")


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(normalize_code(text).replace("/", "-").replace(".", "-"))
    except ValueError:
        return None


def parse_practices(rows: Sequence[PracticeInput]) -> tuple[tuple[PracticeRow, ...], list[Problem]]:
    """Read the practice rows of a teacher form (empty rows are ignored)."""
    read: list[PracticeRow] = []
    problems: list[Problem] = []
    for number, (enterprise, start, end) in enumerate(rows, start=1):
        name = normalize_text(enterprise or "")
        if not (name or (start or "").strip() or (end or "").strip()):
            continue
        first, last = _day(start or ""), _day(end or "")
        where = _("企业实践第 {n} 行：").format(n=number)
        if not name:
            problems.append(Problem(PRACTICES, Severity.ERROR, where + _("请填写企业名称。")))
        for label, text, day in ((_("开始日期"), start, first), (_("结束日期"), end, last)):
            if day is None:
                problems.append(
                    Problem(
                        PRACTICES,
                        Severity.ERROR,
                        where
                        + _("{f}应为“年-月-日”格式的真实日期，如 2025-07-01，现为“{v}”。").format(
                            f=label, v=text or ""
                        ),
                    )
                )
        if name and first is not None and last is not None:
            read.append(PracticeRow(name, first, last))
    return tuple(read), problems


# --- drafts: parse and validate a form's input ------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with a draft: a field (or "" for the record), severity and message."""

    field: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        """Whether the draft may not be saved."""
        return self.severity == Severity.ERROR


@dataclass(frozen=True)
class Draft(Generic[R]):
    """A form's input as a typed row (None if a field could not be read) and its problems."""

    row: R | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the draft can be saved (warnings allowed)."""
        return self.row is not None and not any(p.is_error for p in self.problems)

    def for_field(self, name: str) -> list[Problem]:
        """The problems about one field."""
        return [p for p in self.problems if p.field == name]


@dataclass(frozen=True)
class DraftContext:
    """What validating one record needs, taken once from the tables already loaded."""

    ruleset: RuleSet
    unit_codes: frozenset[str]
    period: PeriodInfo
    school_codes: frozenset[str]
    teacher_ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    training_keys: frozenset[tuple[str, str, dt.date]] = frozenset()
    teachers_of: Mapping[str, tuple[TeacherRow, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, ruleset: RuleSet, unit_codes: Iterable[str], tables: Tables) -> DraftContext:
        """Context for the tables of one period."""
        ids: dict[str, set[str]] = {}
        teachers_of: dict[str, list[TeacherRow]] = {}
        for t in tables.teachers:
            ids.setdefault(t.row.school_code, set()).add(t.row.id_number)
            teachers_of.setdefault(t.row.school_code, []).append(t.row)
        return cls(
            ruleset=ruleset,
            unit_codes=frozenset(unit_codes),
            period=tables.period,
            school_codes=frozenset(s.row.school_code for s in tables.schools),
            teacher_ids={k: frozenset(v) for k, v in ids.items()},
            training_keys=frozenset(
                (t.row.school_code, t.row.name, t.row.start_date) for t in tables.trainings
            ),
            teachers_of={k: tuple(v) for k, v in teachers_of.items()},
        )


_INT_TEXT = re.compile(r"^-?\d+$")
# Identifiers whose own rules (length, check digit, birth date) a form applies at once.
_IDENTIFIER_CHECKS: dict[str, Callable[[str], object]] = {
    "id_number": parse_id_number,
    "credit_code": validate_credit_code,
    "school_code": lambda code: validate_school_code(code, allowed_patterns=(r"^\d{10}$",)),
}


def _parse(spec: FieldSpec, raw: object) -> tuple[object, Problem | None]:
    """Turn one raw form value into the stored type, or explain why it cannot be read."""
    if spec.kind == BOOL:
        value = raw if isinstance(raw, bool) else None
        return value, None
    text = "" if raw is None else str(raw)
    if spec.kind == CODE:
        text = normalize_code(text)
    elif spec.kind == TEXT and spec.name == "name":
        text = normalize_name(text)
    else:
        text = normalize_text(text)
    if not text:
        if spec.required:
            return None, Problem(
                spec.name, Severity.ERROR, _("“{f}”为必填项。").format(f=spec.label)
            )
        return None, None
    if spec.kind == CODE and spec.name in _IDENTIFIER_CHECKS:
        # Checked as soon as it is typed, not only once every other field is filled.
        try:
            _IDENTIFIER_CHECKS[spec.name](text)
        except IdentifierError as exc:
            return None, Problem(spec.name, Severity.ERROR, str(exc))
    if spec.kind == INT:
        cleaned = normalize_code(text).replace(",", "")
        if not _INT_TEXT.match(cleaned):
            return None, Problem(
                spec.name,
                Severity.ERROR,
                _("“{f}”应为整数（不带单位和小数），现为“{v}”。").format(f=spec.label, v=text),
            )
        number = int(cleaned)
        if number < 0:
            return None, Problem(
                spec.name, Severity.ERROR, _("“{f}”不能为负数。").format(f=spec.label)
            )
        return number, None
    if spec.kind == WAN_YUAN:
        try:
            return parse_wan_yuan(text), None
        except AmountError as exc:
            return None, Problem(spec.name, Severity.ERROR, f"“{spec.label}”{exc}")
    if spec.kind == DATE:
        cleaned = normalize_code(text).replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(cleaned), None
        except ValueError:
            return None, Problem(
                spec.name,
                Severity.ERROR,
                _("“{f}”应为“年-月-日”格式的真实日期，如 2025-09-01，现为“{v}”。").format(
                    f=spec.label, v=text
                ),
            )
    if spec.kind == CHOICE and spec.choices is not None:
        allowed = {value for value, _label in spec.choices()}
        if text not in allowed:
            return None, Problem(
                spec.name,
                Severity.ERROR,
                _("“{f}”请从列表中选择。").format(f=spec.label),
            )
    return text, None


def _parse_all(entity: str, raw: Mapping[str, object]) -> tuple[dict[str, object], list[Problem]]:
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for spec in FORM_FIELDS[entity]:
        value, problem = _parse(spec, raw.get(spec.name))
        if spec.multi is not None and value is not None:
            value = read_multi(spec.multi, str(value)) or None
        values[spec.name] = value
        if problem is not None:
            problems.append(problem)
    return values, problems


def _from_findings(findings: Iterable[Finding], form_fields: set[str]) -> list[Problem]:
    # A finding about a derived indicator (生师比 …) has no field of its own in the form:
    # it is shown for the whole record.
    return [
        Problem(f.field if f.field in form_fields else "", f.severity, f.message) for f in findings
    ]


def _fields_of(entity: str) -> set[str]:
    return {s.name for s in FORM_FIELDS[entity]}


def draft_school(
    ctx: DraftContext, raw: Mapping[str, object], *, original_code: str | None = None
) -> Draft[SchoolRow]:
    """Read and check a school form (``original_code``: the school being edited)."""
    return draft_school_in(ctx.school_codes, ctx.unit_codes, raw, original_code=original_code)


def draft_school_in(
    school_codes: Iterable[str],
    unit_codes: Iterable[str],
    raw: Mapping[str, object],
    *,
    original_code: str | None = None,
) -> Draft[SchoolRow]:
    """Read and check a school's registry entry against the codes already registered."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.validation.checks import check_schools

    taken = set(school_codes)
    values, problems = _parse_all(SCHOOL, raw)
    code = values.get("school_code")
    if code and code != original_code and code in taken:
        problems.append(
            Problem(
                "school_code",
                Severity.ERROR,
                _("学校标识码 {code} 已登记，同一学校只能登记一次。").format(code=code),
            )
        )
    if any(p.is_error for p in problems):
        return Draft(None, tuple(problems))
    row = SchoolRow(**values, active=bool(raw.get("active", True)))  # type: ignore[arg-type]
    problems += _from_findings(check_schools([row], set(unit_codes)), _fields_of(SCHOOL))
    return Draft(row, tuple(problems))


def draft_condition(
    ctx: DraftContext, school: SchoolRow, raw: Mapping[str, object]
) -> Draft[ConditionRow]:
    """Read and check a school's condition figures for the period (warnings included)."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.standards.assess import assess_school
    from vetdesk.validation.checks import check_conditions

    values, problems = _parse_all(CONDITION, raw)
    if any(p.is_error for p in problems):
        return Draft(None, tuple(problems))
    row = ConditionRow(school_code=school.school_code, **values)  # type: ignore[arg-type]
    teachers = ctx.teachers_of.get(school.school_code, ())
    data = PeriodData(ctx.period, (school,), {school.school_code: row}, teachers, ())
    assessment = assess_school(ctx.ruleset, school, row, teachers)
    findings = check_conditions(ctx.ruleset, data, {school.school_code: assessment}, None)
    problems += _from_findings(findings, _fields_of(CONDITION))
    return Draft(row, tuple(problems))


def draft_teacher(
    ctx: DraftContext,
    school_code: str,
    raw: Mapping[str, object],
    *,
    original: TeacherRow | None = None,
) -> Draft[TeacherRow]:
    """Read and check a teacher form; an edit keeps the teacher's enterprise practice."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.validation.checks import check_teachers

    values, problems = _parse_all(TEACHER, raw)
    typed = raw.get(PRACTICES)
    practices = original.practices if original is not None else ()
    if isinstance(typed, list | tuple):
        practices, practice_problems = parse_practices(typed)
        problems += practice_problems
    number = values.get("id_number")
    taken = ctx.teacher_ids.get(school_code, frozenset())
    if number and number in taken and (original is None or original.id_number != number):
        problems.append(
            Problem(
                "id_number",
                Severity.ERROR,
                _("该身份证号已在本校名册中登记，同一教师只能登记一次。"),
            )
        )
    if any(p.is_error for p in problems):
        return Draft(None, tuple(problems))
    row = TeacherRow(school_code=school_code, practices=practices, **values)  # type: ignore[arg-type]
    findings = list(check_teachers(ctx.ruleset, [row], ctx.period.statistics_date, {}))
    about_practice = [f for f in findings if _is_practice_finding(f)]
    problems += _from_findings(
        [f for f in findings if f not in about_practice], _fields_of(TEACHER)
    )
    # Findings about enterprise practice belong under the form's practice table.
    problems += [Problem(PRACTICES, f.severity, f.message) for f in about_practice]
    return Draft(row, tuple(problems))


def draft_training(
    ctx: DraftContext,
    school_code: str,
    raw: Mapping[str, object],
    *,
    original: TrainingRow | None = None,
) -> Draft[TrainingRow]:
    """Read and check a training-programme form."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.validation.checks import check_trainings as _check_trainings

    values, problems = _parse_all(TRAINING, raw)
    key = (school_code, values.get("name"), values.get("start_date"))
    original_key = (original.school_code, original.name, original.start_date) if original else None
    if key in ctx.training_keys and key != original_key:
        problems.append(
            Problem(
                "name",
                Severity.ERROR,
                _("本校已登记同名且同一开始日期的培训项目。"),
            )
        )
    if any(p.is_error for p in problems):
        return Draft(None, tuple(problems))
    row = TrainingRow(school_code=school_code, **values)  # type: ignore[arg-type]
    problems += _from_findings(
        _check_trainings(ctx.ruleset, [row], ctx.period.year), _fields_of(TRAINING)
    )
    return Draft(row, tuple(problems))


# --- saving -----------------------------------------------------------------------------------


def _open_period(session: Session, year: int) -> models.Period:
    """The period a record is written into, once the write policy allows the edit."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db.period_data import get_period
    from vetdesk.db.write_policy import WriteAction, require

    period = get_period(session, year)
    require(session, WriteAction.EDIT_RECORD, period=year)
    return period


def _require_registry_edit(session: Session) -> None:
    """The registry belongs to no period; the city keeps it for its task packages."""
    from vetdesk.db.write_policy import WriteAction, require

    require(session, WriteAction.EDIT_REGISTRY)


def _school(session: Session, code: str) -> models.School:
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    school = session.scalar(select(models.School).where(models.School.school_code == code))
    if school is None:
        raise InputRejected(_("找不到学校 {code}。").format(code=code), code="not_found")
    return school


def _assign(
    target: object, row: object, skip: Iterable[str] = ("school_code", "practices")
) -> None:
    excluded = set(skip)
    for f in fields(row):  # type: ignore[arg-type]
        if f.name not in excluded:
            setattr(target, f.name, getattr(row, f.name))


class RecordChanged(InputRejected):
    """The stored record is no longer the one the user started from: nothing was written."""

    code = "record_changed"


def _changed_field(entity: str, name: str) -> str:
    """A changed field as the user knows it: its form label."""
    if name == PRACTICES:
        return _("企业实践")
    for spec in FORM_FIELDS.get(entity, ()):
        if spec.name == name:
            return spec.label
    label = field_label(entity, name)
    # field_label falls back to the identifier itself, which a message must never show.
    return label if label != name else _("其他内容")


def require_unchanged(
    entity: str, stored: object, expected: object | None, *, deleting: bool = False
) -> None:
    """Refuse a write whose record no longer is what the user saw (``expected`` None: no check).

    Called inside the write transaction, which holds the writers' lock (SQLite's BEGIN
    IMMEDIATE, PostgreSQL's transaction lock), so nobody can change the row between this
    comparison and the write.
    """
    if expected is None:
        return
    changed = []
    for f in fields(expected):  # type: ignore[arg-type]
        now, seen = getattr(stored, f.name), getattr(expected, f.name)
        # Practices come back ordered by start date, a form keeps them as typed.
        same = Counter(now) == Counter(seen) if f.name == PRACTICES else now == seen
        if not same:
            changed.append(_changed_field(entity, f.name))
    if not changed:
        return
    if deleting:
        message = _(
            "该记录已被其他操作员或导入更改（{what}），为避免误删，本次未删除。"
            "请查看最新数据后再决定是否删除。"
        )
    else:
        message = _(
            "该记录已被其他操作员或导入更改（{what}），为避免覆盖，本次未保存。"
            "请查看最新数据后重新修改。"
        )
    raise RecordChanged(message.format(what="、".join(changed)), code="record_changed")


def _school_row(school: models.School) -> SchoolRow:
    return SchoolRow(**{f.name: getattr(school, f.name) for f in fields(SchoolRow)})


def _condition_row(school_code: str, stored: models.SchoolCondition | None) -> ConditionRow:
    if stored is None:
        return empty_condition(school_code)
    return ConditionRow(school_code, *(getattr(stored, f.name) for f in fields(ConditionRow)[1:]))


def save_school(
    db: Database,
    row: SchoolRow,
    *,
    original_code: str | None = None,
    expected: SchoolRow | None = None,
) -> None:
    """Add a school to the registry, or update the one whose code was ``original_code``.

    ``expected``: the school as the user saw it; the update is refused if it changed since.
    """
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    with db.transaction() as session:
        _require_registry_edit(session)
        if original_code is None:
            if session.scalar(
                select(models.School.id).where(models.School.school_code == row.school_code)
            ):
                raise InputRejected(
                    _("学校标识码 {code} 已登记。").format(code=row.school_code), code="duplicate"
                )
            school = models.School()
            session.add(school)
        else:
            school = _school(session, original_code)
            require_unchanged(SCHOOL, _school_row(school), expected)
        _assign(school, row, skip=())


def school_has_data(db: Database, code: str) -> bool:
    """Whether a school has condition figures, teachers or trainings in any period."""
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import func, select

    from vetdesk.db import models

    with db.session() as session:
        school = _school(session, code)
        return any(
            session.scalar(select(func.count()).where(model.school_id == school.id))
            for model in (models.SchoolCondition, models.Teacher, models.TrainingProgramme)
        )


def delete_school(db: Database, code: str, *, expected: SchoolRow | None = None) -> SchoolRow:
    """Remove a school without any data from the registry; return it (for undo)."""
    with db.session() as session:
        _require_registry_edit(session)  # the policy's reason before the data's
    if school_has_data(db, code):
        raise InputRejected(
            _("学校 {code} 已有办学条件、教师或培训数据，不能删除；如已停办，请将其停用。").format(
                code=code
            ),
            code="has_data",
        )
    with db.transaction() as session:
        _require_registry_edit(session)
        school = _school(session, code)
        row = _school_row(school)
        require_unchanged(SCHOOL, row, expected, deleting=True)
        session.delete(school)
        return row


def save_condition(
    db: Database, year: int, row: ConditionRow, *, expected: ConditionRow | None = None
) -> ConditionRow | None:
    """Store a school's condition figures for a period; return the previous figures (for undo).

    ``expected``: the figures as the user saw them (all empty: none stored); refused if changed.
    """
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    with db.transaction() as session:
        period = _open_period(session, year)
        school = _school(session, row.school_code)
        stored = session.scalar(
            select(models.SchoolCondition).where(
                models.SchoolCondition.school_id == school.id,
                models.SchoolCondition.period_id == period.id,
            )
        )
        require_unchanged(CONDITION, _condition_row(row.school_code, stored), expected)
        previous = None
        if stored is None:
            stored = models.SchoolCondition(school_id=school.id, period_id=period.id)
            session.add(stored)
        else:
            previous = _condition_row(row.school_code, stored)
        _assign(stored, row)
        return previous


def delete_condition(
    db: Database, year: int, school_code: str, *, expected: ConditionRow | None = None
) -> ConditionRow | None:
    """Remove a school's condition figures for a period; return them (for undo)."""
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    with db.transaction() as session:
        period = _open_period(session, year)
        school = _school(session, school_code)
        stored = session.scalar(
            select(models.SchoolCondition).where(
                models.SchoolCondition.school_id == school.id,
                models.SchoolCondition.period_id == period.id,
            )
        )
        if stored is None:
            return None  # already cleared: nothing to overwrite
        previous = _condition_row(school_code, stored)
        require_unchanged(CONDITION, previous, expected, deleting=True)
        session.delete(stored)
        return previous


def _set_practices(
    session: Session, teacher: models.Teacher, practices: Sequence[PracticeRow]
) -> None:
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import delete

    from vetdesk.db import models

    session.execute(
        delete(models.EnterprisePractice).where(models.EnterprisePractice.teacher_id == teacher.id)
    )
    for p in practices:
        session.add(
            models.EnterprisePractice(
                teacher_id=teacher.id,
                enterprise=p.enterprise,
                start_date=p.start_date,
                end_date=p.end_date,
            )
        )


def _stored_practices(session: Session, teacher_id: int) -> tuple[PracticeRow, ...]:
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    return tuple(
        PracticeRow(p.enterprise, p.start_date, p.end_date)
        for p in session.scalars(
            select(models.EnterprisePractice)
            .where(models.EnterprisePractice.teacher_id == teacher_id)
            .order_by(models.EnterprisePractice.start_date)
        )
    )


def _teacher_row(session: Session, teacher: models.Teacher) -> TeacherRow:
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db import models

    school = session.get(models.School, teacher.school_id)
    school_code = school.school_code if school else ""
    values = {f.name: getattr(teacher, f.name) for f in fields(TeacherRow)[1:-1]}
    return TeacherRow(school_code, **values, practices=_stored_practices(session, teacher.id))


def save_teacher(
    db: Database,
    year: int,
    row: TeacherRow,
    teacher_id: int | None = None,
    *,
    expected: TeacherRow | None = None,
) -> int:
    """Add a teacher to the period's roster (or update one); return the teacher's id.

    ``expected``: the teacher as the user saw them; the update is refused if changed since.
    """
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db import models

    with db.transaction() as session:
        period = _open_period(session, year)
        school = _school(session, row.school_code)
        if teacher_id is None:
            teacher = models.Teacher(school_id=school.id, period_id=period.id)
            session.add(teacher)
        else:
            found = session.get(models.Teacher, teacher_id)
            if found is None:
                raise InputRejected(_("找不到要修改的教师记录。"), code="not_found")
            teacher = found
            if expected is not None:
                require_unchanged(TEACHER, _teacher_row(session, teacher), expected)
            teacher.school_id = school.id
        _assign(teacher, row)
        session.flush()
        if _stored_practices(session, teacher.id) != tuple(row.practices):
            _set_practices(session, teacher, row.practices)
        return teacher.id


def delete_teacher(
    db: Database, year: int, teacher_id: int, *, expected: TeacherRow | None = None
) -> TeacherRow:
    """Remove a teacher (with their enterprise practice); return the row (for undo)."""
    # Imported on first use for start-up time (see the note at the top).
    from sqlalchemy import select

    from vetdesk.db import models

    with db.transaction() as session:
        _open_period(session, year)
        teacher = session.get(models.Teacher, teacher_id)
        if teacher is None:
            raise InputRejected(_("找不到要删除的教师记录。"), code="not_found")
        row = _teacher_row(session, teacher)
        require_unchanged(TEACHER, row, expected, deleting=True)
        # One ORM delete per practice (a teacher has a few), so the audit hook logs each.
        for practice in session.scalars(
            select(models.EnterprisePractice).where(
                models.EnterprisePractice.teacher_id == teacher_id
            )
        ):
            session.delete(practice)
        session.delete(teacher)
        return row


def stored_row(session: Session, row_type: type[R], stored: Any) -> R:
    """A school's stored record as the row the pages show: its school code, then its fields."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db import models

    school = session.get(models.School, stored.school_id)
    make: Callable[..., R] = row_type
    return make(
        school.school_code if school else "",
        *(getattr(stored, f.name) for f in fields(row_type)[1:]),  # type: ignore[arg-type]
    )


def _training_row(session: Session, training: models.TrainingProgramme) -> TrainingRow:
    return stored_row(session, TrainingRow, training)


def save_training(
    db: Database,
    year: int,
    row: TrainingRow,
    training_id: int | None = None,
    *,
    expected: TrainingRow | None = None,
) -> int:
    """Add a training programme (or update one); return its id.

    ``expected``: the programme as the user saw it; the update is refused if changed since.
    """
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db import models

    with db.transaction() as session:
        period = _open_period(session, year)
        school = _school(session, row.school_code)
        if training_id is None:
            training = models.TrainingProgramme(school_id=school.id, period_id=period.id)
            session.add(training)
        else:
            found = session.get(models.TrainingProgramme, training_id)
            if found is None:
                raise InputRejected(_("找不到要修改的培训项目。"), code="not_found")
            training = found
            if expected is not None:
                require_unchanged(TRAINING, _training_row(session, training), expected)
            training.school_id = school.id
        _assign(training, row)
        session.flush()
        return training.id


def delete_training(
    db: Database, year: int, training_id: int, *, expected: TrainingRow | None = None
) -> TrainingRow:
    """Remove a training programme; return it (for undo)."""
    # Imported on first use for start-up time (see the note at the top).
    from vetdesk.db import models

    with db.transaction() as session:
        _open_period(session, year)
        training = session.get(models.TrainingProgramme, training_id)
        if training is None:
            raise InputRejected(_("找不到要删除的培训项目。"), code="not_found")
        row = _training_row(session, training)
        require_unchanged(TRAINING, row, expected, deleting=True)
        session.delete(training)
        return row
