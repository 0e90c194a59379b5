#!/usr/bin/env python3
"""Check that every translatable message of VetDesk's core has an English translation.

Scans ``vetdesk/**/*.py`` except ``vetdesk/ui/`` (the GUI uses Qt's ``.ts``/``.qm``
catalogues) for ``_("…")`` and ``N_("…")`` calls whose single argument is a string
literal, and compares them with the merged catalogue ``resources/i18n/en/*.json``.

Reports:

* missing — messages with no entry in the English catalogue, or an empty one (an
  empty value also wins over a real one in an earlier file, as at run time);
* mismatched — entries whose ``{placeholders}`` differ from the Chinese source
  (formatting happens after translation, so they must match exactly);
* stale — entries no longer used by any scanned message (information only);
* duplicates — a message with different translations in two catalogue files, or
  twice in one file (information only: the later one silently wins);
* warnings — ``_(f"…")`` calls (never translatable) and translations that drop or add a
  line break at the start or end of the message.

Exits 1 when a message is missing or mismatched, 0 otherwise.

Usage::

    .venv/bin/python scripts/i18n_check.py [--write-missing resources/i18n/en/core.json]

``--write-missing FILE`` adds each missing message to ``FILE`` (created if needed) with
an empty value for a translator to fill in; entries already in ``FILE`` are kept.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import string
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vetdesk"
EXCLUDED = (PACKAGE / "ui",)
CATALOGUE_DIR = ROOT / "resources" / "i18n" / "en"
MARKERS = frozenset({"_", "N_"})

_BRACED = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Location:
    """Where a message occurs: file (relative to the repository) and line."""

    path: str
    line: int

    def __str__(self) -> str:
        """Render as ``path:line``."""
        return f"{self.path}:{self.line}"


@dataclass
class Catalogue:
    """The merged English catalogue and where each entry comes from."""

    entries: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The result of comparing the code's messages with the catalogue."""

    messages: dict[str, list[Location]]
    missing: list[str]
    mismatched: list[tuple[str, str, str]]  # (message, translation, catalogue file)
    stale: list[tuple[str, str]]  # (message, catalogue file)
    duplicates: list[str]
    dynamic: list[tuple[Location, str]]  # f-string calls, never found in a catalogue
    newlines: list[tuple[str, str]] = field(default_factory=list)  # (message, translation)

    @property
    def ok(self) -> bool:
        """True when nothing is missing or mismatched."""
        return not self.missing and not self.mismatched


def rel(path: Path) -> str:
    """Path relative to the repository root, with forward slashes."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def source_files(package: Path = PACKAGE, excluded: Iterable[Path] = EXCLUDED) -> list[Path]:
    """The Python files to scan, in a stable order."""
    skip = [p.resolve() for p in excluded]
    return [
        path
        for path in sorted(package.rglob("*.py"))
        if not any(path.resolve().is_relative_to(s) for s in skip)
    ]


def _marker_name(call: ast.Call) -> str | None:
    """The marker (``_`` or ``N_``) a call uses, if any."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in MARKERS:
        return func.id
    return None


def _module_constants(tree: ast.AST) -> dict[str, list[str]]:
    """Module-level names bound once to a string literal or a dict of string literals."""
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    body = tree.body if isinstance(tree, ast.Module) else []
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if target.id in seen:
            found.pop(target.id, None)  # rebound: its value is not known statically
            continue
        seen.add(target.id)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found[target.id] = [value.value]
        elif isinstance(value, ast.Dict) and value.values:
            texts = [
                v.value
                for v in value.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
            if len(texts) == len(value.values):
                found[target.id] = texts
    return found


def _literals(node: ast.expr, constants: dict[str, list[str]]) -> list[str] | None:
    """The messages a marker's argument can be, when known without running the code."""
    # The parser already joins implicitly concatenated literals into one Constant.
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body, constants), _literals(node.orelse, constants)
        return body + orelse if body is not None and orelse is not None else None
    # ``_(CONSTANT)``, ``_(TABLE[key])`` and ``_(TABLE.get(key, ...))`` with module-level
    # string constants: text that is translated but not marked where it is written.
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return constants.get(node.value.id)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
    ):
        return constants.get(node.func.value.id)
    return None


def extract(
    path: Path, tree: ast.AST | None = None
) -> tuple[list[tuple[str, Location]], list[tuple[Location, str]]]:
    """The messages of one file, and the marker calls that can never be translated."""
    if tree is None:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants = _module_constants(tree)
    found: list[tuple[str, Location]] = []
    dynamic: list[tuple[Location, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _marker_name(node) is None:
            continue
        where = Location(rel(path), node.lineno)
        if len(node.args) != 1 or node.keywords:
            dynamic.append((where, ast.unparse(node)))
            continue
        arg = node.args[0]
        texts = _literals(arg, constants)
        if texts is not None:
            found.extend((text, where) for text in texts)
        elif isinstance(arg, ast.JoinedStr):
            # An f-string is never found in a catalogue: always worth a warning.
            dynamic.append((where, ast.unparse(node)))
        # Other arguments (attributes, parameters) translate text marked elsewhere.
    return found, dynamic


def collect(
    files: Iterable[Path],
) -> tuple[dict[str, list[Location]], list[tuple[Location, str]]]:
    """Every literal message of the given files with its locations, plus f-string calls."""
    messages: dict[str, list[Location]] = {}
    dynamic: list[tuple[Location, str]] = []
    for path in files:
        found, odd = extract(path)
        for message, where in found:
            messages.setdefault(message, []).append(where)
        dynamic.extend(odd)
    return messages, dynamic


def load_catalogue(folder: Path = CATALOGUE_DIR) -> Catalogue:
    """Merge the catalogue files the way ``vetdesk.i18n`` does (sorted, later wins)."""
    catalogue = Catalogue()
    for path in sorted(folder.glob("*.json")):
        name = rel(path)

        def pairs(items: list[tuple[str, str]], name: str = name) -> dict[str, str]:
            seen: dict[str, str] = {}
            for key, value in items:
                if key in seen and seen[key] != value:
                    catalogue.duplicates.append(f"{name}: {key!r} appears twice in this file")
                seen[key] = value
            return seen

        with path.open(encoding="utf-8") as fh:
            data = json.load(fh, object_pairs_hook=pairs)
        if not isinstance(data, dict):
            raise SystemExit(f"{name}: a catalogue must be a JSON object")
        for key, value in data.items():
            if not isinstance(value, str):
                raise SystemExit(f"{name}: the value of {key!r} is not a string")
            previous = catalogue.entries.get(key)
            if previous is not None and previous != value and previous and value:
                catalogue.duplicates.append(
                    f"{key!r}: {catalogue.sources[key]} says {previous!r}, {name} says {value!r}"
                )
            catalogue.entries[key] = value
            catalogue.sources[key] = name
    return catalogue


def placeholders(text: str) -> frozenset[str] | None:
    """The replacement fields of a format string, or None when it is not one."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    fields: set[str] = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        fields.add(
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
    return frozenset(fields)


def same_placeholders(source: str, translation: str) -> bool:
    """Whether a translation keeps the source's ``{placeholders}`` exactly."""
    wanted = placeholders(source)
    got = placeholders(translation)
    if wanted is None:
        # Not a format string (stray braces): compare the braced pieces as text.
        return sorted(_BRACED.findall(source)) == sorted(_BRACED.findall(translation))
    return got == wanted


def same_newlines(source: str, translation: str) -> bool:
    """Whether a translation starts and ends with a line break where the source does."""
    return source.startswith("\n") == translation.startswith("\n") and source.endswith(
        "\n"
    ) == translation.endswith("\n")


def check(files: Iterable[Path] | None = None, folder: Path = CATALOGUE_DIR) -> Report:
    """Compare the messages of the scanned files with the English catalogue."""
    messages, dynamic = collect(source_files() if files is None else files)
    catalogue = load_catalogue(folder)
    missing = [m for m in messages if not catalogue.entries.get(m)]
    mismatched = [
        (m, catalogue.entries[m], catalogue.sources[m])
        for m in messages
        if catalogue.entries.get(m) and not same_placeholders(m, catalogue.entries[m])
    ]
    stale = [(m, catalogue.sources[m]) for m in catalogue.entries if m not in messages]
    newlines = [
        (m, catalogue.entries[m])
        for m in messages
        if catalogue.entries.get(m) and not same_newlines(m, catalogue.entries[m])
    ]
    return Report(messages, missing, mismatched, stale, catalogue.duplicates, dynamic, newlines)


def write_missing(target: Path, missing: Sequence[str]) -> int:
    """Add missing messages to a catalogue file with empty values; return how many."""
    data: dict[str, str] = {}
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            data = json.load(fh)
    added = 0
    for message in missing:
        if message not in data:
            data[message] = ""
            added += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(target)
    return added


def print_report(report: Report, verbose: bool = False) -> None:
    """Print the findings, most important first."""
    for message in report.missing:
        places = ", ".join(str(loc) for loc in report.messages[message][:3])
        print(f"missing: {message!r}  ({places})")
    for message, translation, source in report.mismatched:
        print(
            f"placeholders differ in {source}: {message!r} -> {translation!r}"
            f"  (source {sorted(placeholders(message) or [])},"
            f" translation {sorted(placeholders(translation) or [])})"
        )
    for message, source in report.stale:
        print(f"stale ({source}): {message!r}")
    for line in report.duplicates:
        print(f"duplicate: {line}")
    for message, translation in report.newlines:
        print(f"warning: line breaks at the ends differ: {message!r} -> {translation!r}")
    for where, call in report.dynamic:
        print(f"warning: {where}: cannot be translated or checked: {call}")
    if verbose:
        for message, locations in report.messages.items():
            print(f"found: {message!r}  ({', '.join(str(loc) for loc in locations)})")
    print(
        f"{len(report.messages)} messages, {len(report.missing)} missing, "
        f"{len(report.mismatched)} with mismatched placeholders, {len(report.stale)} stale"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--write-missing",
        metavar="FILE",
        type=Path,
        help="add missing messages to this catalogue file with empty values",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list every message")
    args = parser.parse_args(argv)
    report = check()
    print_report(report, verbose=args.verbose)
    if args.write_missing is not None and report.missing:
        added = write_missing(args.write_missing, report.missing)
        print(f"added {added} empty entries to {rel(args.write_missing)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
