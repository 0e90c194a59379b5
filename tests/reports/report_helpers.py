"""Independent figures for the report tests: plain SQL and a tiny formula evaluator.

Nothing here uses vetdesk's assessment, summary or period-data code: the report's numbers
are checked against what the database says when read another way.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import warnings
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

FULL_TIME = ("general_course", "specialty_course", "practice_instructor")
SPECIALTY = ("specialty_course", "practice_instructor")
PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")
PDFTOPPM = shutil.which("pdftoppm")


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@dataclass
class SchoolFacts:
    code: str
    name: str
    county: str
    level: str
    category: str
    inputs: dict[str, Fraction | None] = field(default_factory=dict)
    verdict: str = ""
    failing: dict[str, tuple[Fraction, Fraction, str]] = field(default_factory=dict)


def _evaluate(formula: str, inputs: dict[str, Fraction | None]) -> Fraction | None:
    # The rule-set formulas are plain arithmetic over names; Python evaluates them exactly
    # on Fractions. A missing input or a zero divisor means "cannot be computed".
    try:
        # The formulas come from the shipped rule set, not from users.
        value = eval(formula, {"__builtins__": {}}, dict(inputs))
    except (TypeError, ZeroDivisionError):
        return None
    return Fraction(value)


def _passes(comparator: str, value: Fraction, low: Fraction, high: Fraction | None) -> bool:
    if comparator == ">=":
        return value >= low
    if comparator == "<=":
        return value <= low
    if comparator == ">":
        return value > low
    if comparator == "<":
        return value < low
    assert high is not None
    return low <= value <= high


def period_id(con: sqlite3.Connection, year: int) -> int:
    return con.execute("SELECT id FROM periods WHERE year = ?", (year,)).fetchone()[0]


def school_facts(path: Path, year: int) -> dict[str, SchoolFacts]:
    """Every active school's inputs, verdict and failing compliance rules, from SQL."""
    con = connect(path)
    pid = period_id(con, year)
    ruleset = json.loads(
        con.execute("SELECT content FROM rule_sets WHERE active = 1").fetchone()[0]
    )
    formulas = {i["id"]: i["formula"] for i in ruleset["indicators"]}
    facts: dict[str, SchoolFacts] = {}
    ids: dict[int, str] = {}
    for sid, code, name, county, level, category in con.execute(
        "SELECT id, school_code, name, county_code, level, category FROM schools WHERE active = 1"
    ):
        facts[code] = SchoolFacts(code, name, county, level, category)
        ids[sid] = code
    columns = [
        "full_time_students",
        "converted_students",
        "land_area_m2",
        "building_area_m2",
        "teaching_admin_area_m2",
        "dormitory_area_m2",
        "equipment_value_yuan",
        "books",
        "teaching_computers",
        "training_places",
        "majors_count",
        "has_running_track",
        "practice_area_m2",
    ]
    for row in con.execute(
        f"SELECT school_id, {', '.join(columns)} FROM school_conditions WHERE period_id = ?",
        (pid,),
    ):
        if row[0] not in ids:
            continue
        values = dict(zip(columns, row[1:], strict=True))  # a blank 折合在校生 stays blank
        facts[ids[row[0]]].inputs.update(
            {k: None if v is None else Fraction(int(v)) for k, v in values.items()}
        )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sid, role, level, title, education, degree in con.execute(
        "SELECT school_id, role, double_teacher_level, title, education, degree FROM teachers"
        " WHERE period_id = ?",
        (pid,),
    ):
        if sid not in ids:
            continue
        c = counts[ids[sid]]
        if role in FULL_TIME:
            c["full_time_teachers"] += 1
            c["senior_title_teachers"] += title in ("full_senior", "associate_senior")
            # the 学位 when recorded, else the highest education
            graduate = (
                degree in ("doctor", "master") if degree else education in ("doctorate", "master")
            )
            c["postgraduate_teachers"] += graduate
        if role in SPECIALTY:
            c["specialty_teachers"] += 1
            c["double_qualified_teachers"] += level != "none"
        if role == "industry_part_time":
            c["part_time_teachers"] += 1
            c["double_qualified_part_time"] += level != "none"
    names = (
        "full_time_teachers",
        "specialty_teachers",
        "double_qualified_teachers",
        "part_time_teachers",
        "senior_title_teachers",
        "postgraduate_teachers",
        "double_qualified_part_time",
    )
    for code, school in facts.items():
        for name in names:
            school.inputs[name] = Fraction(counts[code][name])
        for column in columns:
            school.inputs.setdefault(column, None)
        rules = [
            r
            for r in ruleset["rules"]
            if r["purpose"] == "compliance"
            and school.level in r["levels"]
            and school.category in r["categories"]
        ]
        results = []
        for r in rules:
            value = _evaluate(formulas[r["indicator"]], school.inputs)
            low = Fraction(str(r["threshold"]))
            high = Fraction(str(r["threshold_high"])) if r.get("threshold_high") else None
            passed = None if value is None else _passes(r["comparator"], value, low, high)
            results.append(passed)
            if passed is False:
                assert value is not None
                school.failing[r["indicator"]] = (value, low, r["comparator"])
        if not rules:
            school.verdict = "not_applicable"
        elif False in results:
            school.verdict = "fail"
        elif None in results:
            school.verdict = "incomplete"
        else:
            school.verdict = "pass"
    con.close()
    return facts


@dataclass
class Totals:
    schools: int = 0
    assessed: int = 0
    passing: int = 0
    full_time: int = 0
    specialty: int = 0
    double: int = 0
    programmes: int = 0
    participants: int = 0
    completed: int = 0
    certified: int = 0


def unit_totals(path: Path, year: int) -> dict[str, Totals]:
    """Per county code (and "*" for everything): counts from SQL and the verdicts above."""
    facts = school_facts(path, year)
    totals: dict[str, Totals] = defaultdict(Totals)
    for school in facts.values():
        for key in (school.county, "*"):
            t = totals[key]
            t.schools += 1
            t.assessed += school.verdict != "not_applicable"
            t.passing += school.verdict == "pass"
            t.full_time += int(school.inputs["full_time_teachers"] or 0)
            t.specialty += int(school.inputs["specialty_teachers"] or 0)
            t.double += int(school.inputs["double_qualified_teachers"] or 0)
    con = connect(path)
    pid = period_id(con, year)
    for county, n, enrolled, completed, certified in con.execute(
        "SELECT s.county_code, COUNT(*), SUM(t.enrolled), SUM(t.completed), SUM(t.certified)"
        " FROM training_programmes t JOIN schools s ON s.id = t.school_id"
        " WHERE t.period_id = ? AND s.active = 1 GROUP BY s.county_code",
        (pid,),
    ):
        for key in (county, "*"):
            t = totals[key]
            t.programmes += n
            t.participants += enrolled
            t.completed += completed
            t.certified += certified
    con.close()
    return totals


def training_by(path: Path, year: int, column: str, county: str | None = None) -> dict[str, int]:
    """Participants per target group or category (``column``), from SQL."""
    assert column in ("target_group", "category")
    con = connect(path)
    pid = period_id(con, year)
    sql = (
        f"SELECT t.{column}, SUM(t.enrolled) FROM training_programmes t"
        " JOIN schools s ON s.id = t.school_id WHERE t.period_id = ? AND s.active = 1"
    )
    params: list[object] = [pid]
    if county:
        sql += " AND s.county_code = ?"
        params.append(county)
    result = dict(con.execute(sql + f" GROUP BY t.{column}", params).fetchall())
    con.close()
    return result


def explained_warning_texts(path: Path, year: int) -> list[str]:
    con = connect(path)
    pid = period_id(con, year)
    texts = [
        r[0]
        for r in con.execute("SELECT text FROM warning_explanations WHERE period_id = ?", (pid,))
    ]
    con.close()
    return texts


@contextmanager
def no_missing_glyphs() -> Iterator[list[str]]:
    """Collect matplotlib's missing-glyph and font-fallback complaints (warnings and logs)."""
    problems: list[str] = []

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if "missing" in message.lower() or "findfont" in message.lower():
                problems.append(message)

    handler = _Handler(logging.DEBUG)
    logger = logging.getLogger("matplotlib")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield problems
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
    problems.extend(
        str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)
    )


def squeeze(text: str) -> str:
    """Text without any whitespace (table cells wrap words and names across lines)."""
    return "".join(text.split())


def copy_period(path: Path, source: int, target: int, *, weaken: str | None = None) -> None:
    """Copy a period's conditions, roster and trainings to another year (plain SQL).

    ``weaken`` names a school whose land area becomes 1 000 m² in the copy (so it fails),
    and every copied training programme has twice the participants.
    """
    con = sqlite3.connect(path)
    src = period_id(con, source)
    con.execute(
        "INSERT INTO periods (year, statistics_date, deadline, state) VALUES (?, ?, NULL, 'locked')",
        (target, f"{target}-12-31"),
    )
    dst = period_id(con, target)
    for table in ("school_conditions", "teachers", "training_programmes"):
        columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in ("id",)]
        chosen = ", ".join(columns)
        picked = ", ".join("?" if c == "period_id" else c for c in columns)
        con.execute(
            f"INSERT INTO {table} ({chosen}) SELECT {picked} FROM {table} WHERE period_id = ?",
            (dst, src),
        )
    con.execute(
        "UPDATE training_programmes SET enrolled = enrolled * 2 WHERE period_id = ?", (dst,)
    )
    if weaken:
        con.execute(
            "UPDATE school_conditions SET land_area_m2 = 1000 WHERE period_id = ? AND school_id ="
            " (SELECT id FROM schools WHERE school_code = ?)",
            (dst, weaken),
        )
    con.commit()
    con.close()
