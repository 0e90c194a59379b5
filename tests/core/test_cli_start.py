"""The command line starts at once: nothing heavy is imported before the arguments are parsed."""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vetdesk.cli import build_parser

CLI_DIR = Path(__file__).resolve().parents[2] / "vetdesk" / "cli"

# Libraries (and VetDesk modules standing on them) that a command loads only when it runs.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "matplotlib",
    "PySide6",
    "cryptography",
    "python_calamine",
    "reportlab",
    "pypdfium2",
    "psycopg",
    "vetdesk.db.models",
    "vetdesk.db.database",
)

_PROBE = """
import contextlib, io, json, sys
from vetdesk.cli import main
heavy = {heavy!r}
loaded = {{}}
for argv in {commands!r}:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    loaded[" ".join(argv)] = [code, [m for m in heavy if m in sys.modules]]
print(json.dumps(loaded))
"""


def _subcommand_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    paths = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                paths.append((*prefix, name))
                paths.extend(_subcommand_paths(child, (*prefix, name)))
    return paths


def _probe(commands: list[list[str]]) -> dict[str, list[object]]:
    script = _PROBE.format(heavy=HEAVY, commands=commands)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, list[object]] = json.loads(result.stdout)
    return loaded


def test_the_parser_knows_nested_commands() -> None:
    paths = _subcommand_paths(build_parser())
    assert ("check",) in paths and ("period", "add") in paths and len(paths) > 20


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["--lang", "en", "--help"]])
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    outcome = _probe([argv])
    assert outcome == {" ".join(argv): [0, []]}


def test_every_subcommand_help_imports_nothing_heavy() -> None:
    """``vetdesk <cmd> --help`` for each command, in one process: nothing heavy after any of them."""
    commands = [[*path, "--help"] for path in _subcommand_paths(build_parser())]
    outcome = _probe(commands)
    assert list(outcome) == [" ".join(c) for c in commands]
    assert {cmd: result for cmd, result in outcome.items() if result != [0, []]} == {}


def test_usage_errors_are_reported_before_anything_heavy_loads() -> None:
    outcome = _probe([["check", "--db", "x.db"]])
    assert outcome == {"check --db x.db": [2, []]}


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path) -> None:
    from vetdesk.standards.installed import create_database

    create_database(tmp_path / "c.db", role="county", unit_code="630223", operator="t").close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from vetdesk.db.database import open_database\n"
        f"db = open_database(Path({str(tmp_path / 'c.db')!r}))\n"
        "db.close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'sqlalchemy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['sqlalchemy']"


def _local_import_blocks(tree: ast.Module) -> list[ast.stmt]:
    """The first statement of each run of consecutive imports inside a function."""
    firsts: list[ast.stmt] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(node, field, None)
                if not isinstance(statements, list):
                    continue
                previous_is_import = False
                for statement in statements:
                    is_import = isinstance(statement, ast.Import | ast.ImportFrom)
                    if is_import and not previous_is_import:
                        firsts.append(statement)
                    previous_is_import = is_import
    return firsts


def test_every_local_import_in_the_cli_says_why() -> None:
    """Each block of function-local imports in vetdesk/cli/ has a comment saying why (#13 item 4)."""
    bare = []
    for source in sorted(CLI_DIR.glob("*.py")):
        lines = source.read_text(encoding="utf-8").splitlines()
        for first in _local_import_blocks(ast.parse("\n".join(lines))):
            own, above = lines[first.lineno - 1], lines[first.lineno - 2].strip()
            if "#" not in own and not above.startswith("#"):
                bare.append(f"{source.name}:{first.lineno}")
    assert bare == []


def test_revisions_read_from_the_script_headers_are_alembics() -> None:
    """migrate reads the scripts without Alembic; Alembic itself finds the same line of revisions."""
    from alembic.script import ScriptDirectory

    from vetdesk.db import migrate

    script = ScriptDirectory.from_config(migrate.alembic_config_for_scripts())
    assert migrate.known_revisions() == {rev.revision for rev in script.walk_revisions()}
    assert migrate.head_revision() == script.get_current_head()
