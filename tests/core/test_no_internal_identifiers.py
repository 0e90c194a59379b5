"""User-visible text names things in the user's words, never by an internal identifier.

Two nets: every message of the core and the CLI (Chinese source and English catalogue) is
scanned as written, and the text the commands actually print for realistic data is
scanned as produced (where field names, enumeration codes and rule identifiers get
formatted into messages). A snake_case word (``student_teacher_ratio``, ``created_at``,
``practice_centre``) or a dotted rule identifier (``teacher.practice.missing``) fails,
except the values a user types on the command line (argparse choices).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import openpyxl
import pytest

from vetdesk.cli import build_parser, main
from vetdesk.workbook.schema import BASES, TEACHERS

ROOT = Path(__file__).resolve().parents[2]
SNAKE = re.compile(r"(?<![\w{.$/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}(/])")
DOTTED = re.compile(r"(?<![\w/.-])[a-z]+(?:\.[a-z_]+){2,}(?![\w/])")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _typed_values() -> set[str]:
    """Words a user types: the choices of every option and sub-command of the CLI."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.add(name)
                    walk(sub)
            elif action.choices:
                found.update(str(c) for c in action.choices)

    walk(build_parser())
    return found


TYPED = _typed_values()


def internal_names(text: str) -> list[str]:
    """The internal identifiers in a piece of user-visible text."""
    plain = PLACEHOLDER.sub("", text)
    hits = SNAKE.findall(plain) + DOTTED.findall(plain)
    return [h for h in hits if h not in TYPED]


def _core_messages() -> list[tuple[str, list[str], str]]:
    """(location, texts) of every message of the core and CLI: the Chinese and its English."""
    from babel.messages.pofile import read_po

    path = ROOT / "resources" / "i18n" / "en" / "LC_MESSAGES" / "vetdesk.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale="en", domain="vetdesk")
    found = []
    for message in catalogue:
        places = [f for f, _line in message.locations if not f.startswith("vetdesk/ui/")]
        if message.id and places:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            found.append((places[0], ids, " ".join(strings)))
    return found


def test_the_detector_finds_what_it_should():
    assert internal_names("· practices: 请补录") == []  # a plain word is not an identifier
    assert internal_names("student_teacher_ratio 超出") == ["student_teacher_ratio"]
    assert internal_names("规则 teacher.practice.missing") == ["teacher.practice.missing"]
    assert internal_names("类型 practice_centre") == ["practice_centre"]
    assert internal_names("{created_at} 与 --passphrase-file 与 VETDESK_DATA_DIR") == []


def test_no_message_of_the_core_or_cli_contains_an_internal_identifier():
    messages = _core_messages()
    assert len(messages) > 300
    leaks = [
        f"{place}: {hits} in {text[:80]!r}"
        for place, ids, english in messages
        for text in (*ids, english)
        if (hits := internal_names(text))
    ]
    assert not leaks, "\n".join(leaks)


def _output(capsys, *args: str) -> str:
    main(list(args))
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_the_commands_print_has_no_internal_identifier(
    city_db, county_db, tmp_path, capsys, lang
):
    from vetdesk import i18n

    i18n.set_language(lang)
    # Warnings shown unexplained, as a new user sees them.
    report = json.loads(_output(capsys, "check", "--db", str(county_db), "--period", "2025",
                                "--json"))  # fmt: skip
    for finding in report["findings"]:
        if finding["severity"] == "warning":
            _output(capsys, "explain", "--db", str(county_db), "--period", "2025",
                    "--finding", finding["id"], "--text", "")  # fmt: skip
    texts = [
        _output(capsys, "check", "--db", str(county_db), "--period", "2025"),
        _output(capsys, "check", "--db", str(city_db), "--period", "2025"),
        _output(capsys, "status", "--db", str(city_db), "--period", "2025"),
        _output(capsys, "targets", "show", "--db", str(city_db), "--period", "2025"),
        _output(capsys, "period", "list", "--db", str(county_db)),
        _output(capsys, "school", "list", "--db", str(county_db)),
    ]
    # An import refused cell by cell, and one of a practice centre with a wrong status.
    template = tmp_path / "t.xlsx"
    _output(capsys, "template", "--db", str(county_db), "--period", "2025", "--out", str(template))
    wb = openpyxl.load_workbook(template)
    ws = wb[BASES.title]
    column = {c.key: number for number, c in enumerate(BASES.columns, start=1)}
    row = ws.max_row + 1
    ws.cell(row, column["school_code"], "3663230000")
    ws.cell(row, column["name"], "新实训中心")
    ws.cell(row, column["kind"], "实训中心")
    ws.cell(row, column["status"], "保留")
    teachers = wb[TEACHERS.title]
    teachers.cell(2, 4, "630223198001010013")
    wb.save(template)
    texts.append(_output(capsys, "import", "--db", str(county_db), str(template), "--dry-run"))
    leaks = {hit for text in texts for hit in internal_names(text)}
    assert not leaks, f"internal identifiers shown to the user: {sorted(leaks)}"
